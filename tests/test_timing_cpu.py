"""helpers.timing records CPU time next to wall time (notebook 04)."""

import sys
import time

from helpers.parallel import run
from helpers.timing import Timing, children_cpu_visible, cpu_seconds, measure
from helpers.workers import cpu_task, io_task


def test_old_style_timings_still_work_and_have_no_cpu_time():
    t = Timing((1.0, 2.0), "old")
    assert t.cpu_times == () and t.cpu_median is None and t.cpus_busy is None


def test_cpu_time_is_recorded_for_each_run():
    t = measure(cpu_task, 200_000, repeats=3, warmup=0)
    assert len(t.cpu_times) == 3 and all(c >= 0 for c in t.cpu_times)
    assert t.cpus_busy is not None


def test_waiting_uses_almost_no_cpu():
    t = measure(io_task, 0.1, repeats=2, warmup=0)
    assert t.cpu_median < 0.05  # sleeping is not computing (a tolerance, not a timing)


def test_cpu_seconds_counts_joined_children():
    before = cpu_seconds()
    run(cpu_task, [300_000] * 2, 2, method="spawn")
    assert cpu_seconds() > before


def test_interleaved_scaling_gives_the_same_shape_of_result():
    from helpers.timing import scaling

    result = scaling(cpu_task, [20_000] * 4, [1, 2], repeats=2, warmup=0, interleave=True)
    assert result.processes == (1, 2) and result.results_ok
    assert len(result.serial.times) == 2 and all(len(t.times) == 2 for t in result.timings)
    assert all(len(t.cpu_times) == 2 for t in result.timings)


def test_cpu_time_is_finer_than_a_clock_tick():
    """os.times() counts in 10 ms ticks: most 2 ms runs would show 0 s of CPU time."""
    def busy_2ms():
        end = time.perf_counter() + 0.002
        while time.perf_counter() < end:
            pass

    t = measure(busy_2ms, repeats=10, warmup=0)
    assert all(c > 0 for c in t.cpu_times)


def test_children_cpu_visible_says_where_workers_cannot_be_seen(monkeypatch):
    assert children_cpu_visible("forkserver") is False
    monkeypatch.setattr(sys, "platform", "linux")
    assert children_cpu_visible("fork") is True and children_cpu_visible("spawn") is True
    monkeypatch.setattr(sys, "platform", "win32")
    assert children_cpu_visible("spawn") is False
