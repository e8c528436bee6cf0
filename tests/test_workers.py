"""helpers.workers: the tasks give verifiable answers and reject bad sizes clearly."""

import ast
from multiprocessing import shared_memory
from pathlib import Path

import pytest

from helpers import workers


def test_cpu_task_checksum_matches_the_definition():
    assert workers.cpu_task(10) == sum(i * i % 7 for i in range(10))
    assert workers.cpu_task(1) == 0


@pytest.mark.parametrize("bad", [0, -5])
def test_cpu_task_rejects_sizes_below_one(bad):
    with pytest.raises(ValueError, match="positive integer"):
        workers.cpu_task(bad)


@pytest.mark.parametrize("bad", [1.5, "100", True, None])
def test_cpu_task_rejects_sizes_that_are_not_integers(bad):
    with pytest.raises(TypeError, match="positive integer"):
        workers.cpu_task(bad)


def test_io_task_waits_and_returns_its_argument():
    assert workers.io_task(0.01) == 0.01
    with pytest.raises(ValueError, match="seconds"):
        workers.io_task(-1)


def test_small_workers():
    assert workers.square(3) == 9
    assert workers.double(4) == 8
    value, pid = workers.which_process("x")
    assert value == "x" and isinstance(pid, int)


def test_scale_multiplies_the_default_size(monkeypatch):
    monkeypatch.setenv(workers.ENV_SCALE, "2.5")
    assert workers.default_cpu_size() == int(workers.BASE_CPU_SIZE * 2.5)
    monkeypatch.delenv(workers.ENV_SCALE)
    assert workers.default_cpu_size() == workers.BASE_CPU_SIZE


@pytest.mark.parametrize("bad", ["zero", "0", "-1"])
def test_scale_rejects_nonsense(monkeypatch, bad):
    monkeypatch.setenv(workers.ENV_SCALE, bad)
    with pytest.raises(ValueError, match="COURSE_SCALE"):
        workers.scale()


# --- receive_arrays and shared memory: the safe view, and a block that is never left behind

HELPERS = Path(__file__).resolve().parent.parent / "helpers"


def test_receive_arrays_answers_pickled_and_shared_arrays():
    import queue

    import numpy as np

    data = np.arange(1000, dtype=np.float64)
    block = shared_memory.SharedMemory(create=True, size=data.nbytes)
    try:
        np.frombuffer(block.buf, dtype=data.dtype)[:] = data
        inbox, outbox = queue.Queue(), queue.Queue()
        for message in (data, ("shm", block.name, data.shape, data.dtype.str), None):
            inbox.put(message)
        workers.receive_arrays(inbox, outbox)
        assert [outbox.get_nowait(), outbox.get_nowait()] == [999.0, 999.0]
    finally:
        block.close()
        block.unlink()


def test_a_frombuffer_view_stops_close_instead_of_crashing_later():
    """np.frombuffer keeps the block's buffer exported: close() refuses while it lives.

    (np.ndarray(shape, dtype, buffer=block.buf) does not: close() then unmaps the memory
    under the array, and the next read of the array is a segmentation fault.)
    """
    import numpy as np

    block = shared_memory.SharedMemory(create=True, size=80)
    try:
        view = np.frombuffer(block.buf, dtype=np.float64)
        with pytest.raises(BufferError):
            block.close()
        view[0] = 1.5  # still mapped: safe to use
        del view
        block.close()
    finally:
        block.unlink()


def _ndarray_calls_with_a_buffer(path: Path) -> list[int]:
    """Line numbers of ``np.ndarray(..., buffer=...)`` calls in the code of ``path``."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "ndarray"
                and (len(node.args) >= 3 or any(k.arg == "buffer" for k in node.keywords))):
            lines.append(node.lineno)
    return lines


def test_no_helper_makes_an_ndarray_over_a_shared_buffer():
    """np.ndarray(..., buffer=shm.buf) lets close() succeed under a live array: use frombuffer."""
    found = {str(p.relative_to(HELPERS)): lines for p in sorted(HELPERS.rglob("*.py"))
             if (lines := _ndarray_calls_with_a_buffer(p))}
    assert found == {}, f"use np.frombuffer(block.buf, ...) instead, in {found}"


def test_attach_shared_memory_does_not_take_charge_of_the_block():
    block = shared_memory.SharedMemory(create=True, size=16)
    try:
        block.buf[0] = 7
        other = workers.attach_shared_memory(block.name)
        assert other.buf[0] == 7
        other.close()
        from multiprocessing import resource_tracker

        assert resource_tracker.register.__name__ == "register"  # put back (before 3.13)
    finally:
        block.close()
        block.unlink()
