"""helpers.bench: clear errors for bad arguments, a quick run gives valid JSON, no leaks."""

import json
import os
import subprocess
import sys
import textwrap
from multiprocessing import shared_memory
from pathlib import Path

import pytest

from helpers.bench import handoff_costs, main, parser, process_counts, verdict
from helpers.timing import Scaling, Timing
from tests.nb_leak_check import new_shm_entries, shm_entries

ROOT = Path(__file__).parent.parent


@pytest.mark.parametrize("argv, message", [
    (["--array-mb", "0"], "positive number"),
    (["--array-mb", "-5"], "positive number"),
    (["--array-mb", "lots"], "expected a number"),
    (["--max-processes", "0"], "1 or more"),
    (["--tasks", "-2"], "1 or more"),
    (["--task-size", "1.5"], "whole number"),
    (["--repeats", "0"], "1 or more"),
    (["--methods", "teleport"], "invalid choice"),
    (["--no-such-option"], "unrecognized"),
])
def test_bad_arguments_give_a_clear_error(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        parser().parse_args(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_process_counts_go_one_past_the_usable_cpus():
    assert process_counts(1) == [1, 2]
    assert process_counts(2) == [1, 2, 3]
    assert process_counts(6) == [1, 2, 4, 6, 7]
    assert process_counts(6, max_processes=4) == [1, 2, 4]


def test_verdict_reads_the_speedup_at_the_usable_cpus():
    serial = Timing((2.0,))
    good = Scaling((1, 2, 3), (Timing((2.0,)), Timing((1.05,)), Timing((1.1,))), serial)
    ready, line = verdict(good, usable=2)
    assert ready and line.startswith("ready: 1.9x on 2 CPUs")
    slow = Scaling((1, 2), (Timing((2.0,)), Timing((2.0,))), serial)
    assert verdict(slow, usable=2)[0] is False
    assert verdict(slow, usable=1)[1].startswith("limited")
    assert "load average was 2.5" in verdict(slow, usable=2, load=2.5)[1]


def _segments() -> set[str]:
    """What /dev/shm holds now (empty where there is none)."""
    return shm_entries()


def _left_since(before: set[str]) -> list[str]:
    """Shared-memory blocks (psm_...) made since ``before`` and left by this test's process.

    As the notebooks' leak check decides: a block that a process outside this one's tree
    maps is another program's (the machine's /dev/shm is shared), and one that goes away
    within a few seconds was not left.
    """
    return [n for n in new_shm_entries(before, os.getpid()) if n.startswith("psm_")]


def test_handoff_leaves_no_shared_memory_segment_behind():
    before = _segments()
    results = handoff_costs(megabytes=1, repeats=1)
    assert set(results) == {"queue (pickled)", "shared_memory (no copy)",
                            "shared_memory + copy in", "in-process copy"}
    assert _left_since(before) == []


def test_handoff_refuses_a_bad_size():
    with pytest.raises(ValueError, match="positive"):
        handoff_costs(megabytes=0)


def test_quick_run_writes_valid_json_and_a_chart(tmp_path, capsys):
    out_json, out_png = tmp_path / "bench.json", tmp_path / "bench.png"
    before = _segments()
    code = main(["--quick", "--json", str(out_json), "--png", str(out_png), "--array-mb", "1",
                 "--task-size", "2000", "--tasks", "4", "--chunk-tasks", "200",
                 "--repeats", "1", "--max-processes", "2", "--methods", "fork"])
    assert code in (0, 1)  # 1 means "not ready", which a busy test machine may well be
    data = json.loads(out_json.read_text())
    for key in ("machine", "options", "busy_before", "startup_seconds", "scaling", "handoff",
                "chunksize", "ready", "verdict", "wall_seconds"):
        assert key in data, key
    assert data["scaling"]["processes"] == [1, 2]
    assert len(data["scaling"]["efficiencies"]) == 2 and data["scaling"]["results_ok"]
    assert set(data["startup_seconds"]) == {"fork"}
    assert data["handoff"]["queue_over_shared_memory"] > 0
    assert out_png.read_bytes()[:4] == b"\x89PNG"
    printed = capsys.readouterr().out
    assert data["verdict"] in printed.splitlines()[-1]
    assert _left_since(before) == []


def test_runs_as_a_module_and_explains_itself():
    done = subprocess.run([sys.executable, "-m", "helpers.bench", "--array-mb", "0"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "--array-mb" in done.stderr


DYING_CHILD = textwrap.dedent("""
    import helpers.bench as bench
    from helpers.workers import do_nothing

    bench.receive_arrays = do_nothing  # the child ends at once and reads nothing
    bench.TIMEOUT = 5
    try:
        bench.handoff_costs(megabytes=1, repeats=1)
    except Exception as err:
        print(type(err).__name__, err)
""")


def test_handoff_returns_with_a_clear_error_when_the_child_dies():
    """1 MB waits in the queue's pipe, which nobody reads: join_thread() would wait forever."""
    before = _segments()
    done = subprocess.run([sys.executable, "-c", DYING_CHILD], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("RuntimeError") and "without answering" in done.stdout
    assert _left_since(before) == []


def test_handoff_removes_its_block_even_when_close_raises(monkeypatch):
    """close() raises BufferError under a live view; the block must be unlinked anyway."""
    real_close, me = shared_memory.SharedMemory.close, os.getpid()

    def close_refusing_once(self):
        if os.getpid() == me and not getattr(self, "refused", False):
            self.refused = True
            raise BufferError("cannot close exported pointers exist")
        real_close(self)

    monkeypatch.setattr(shared_memory.SharedMemory, "close", close_refusing_once)
    before = _segments()
    try:
        with pytest.raises(BufferError):
            handoff_costs(megabytes=1, repeats=1)
        assert _left_since(before) == []
    finally:
        for name in _left_since(before):  # what the old code left behind
            shared_memory.SharedMemory(name=name).unlink()
