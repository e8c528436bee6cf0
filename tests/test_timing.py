"""helpers.timing: the harness repeats, warms up and reports honestly."""

import pytest

from helpers.timing import Scaling, Timing, measure, measure_in_turns, scaling
from helpers.workers import cpu_task


def test_measure_runs_warmup_plus_repeats_and_passes_arguments():
    calls = []
    timing = measure(calls.append, "x", repeats=4, warmup=2, label="append")
    assert calls == ["x"] * 6
    assert len(timing.times) == 4 and timing.label == "append"


def test_timing_statistics():
    t = Timing((3.0, 1.0, 2.0, 10.0, 2.5))
    assert t.median == 2.5 and t.best == 1.0 and t.worst == 10.0 and t.spread == 9.0
    assert "2.500 s (median of 5, range 1.000 to 10.000 s)" in str(t)


@pytest.mark.parametrize("bad", [{"repeats": 0}, {"repeats": -1}, {"warmup": -1}])
def test_measure_refuses_bad_counts(bad):
    with pytest.raises((ValueError, TypeError)):
        measure(print, **bad)


def test_speedup_and_efficiency_come_from_the_medians():
    result = Scaling((1, 2, 4), (Timing((2.0,)), Timing((1.0,)), Timing((0.8,))), Timing((2.0,)))
    assert result.speedups == [1.0, 2.0, 2.5]
    assert result.efficiencies == [1.0, 1.0, 0.625]
    assert "efficiency" in result.table() and "0.62" in result.table()


def test_scaling_measures_each_count_and_checks_results():
    result = scaling(cpu_task, [20_000] * 4, [1, 2], repeats=1, warmup=0)
    assert result.processes == (1, 2) and len(result.timings) == 2
    assert result.results_ok
    assert all(t.median > 0 for t in result.timings)


def test_scaling_needs_process_counts():
    with pytest.raises(ValueError, match="at least one"):
        scaling(cpu_task, [10], [])
    with pytest.raises(ValueError, match="1 or more"):
        scaling(cpu_task, [10], [0])


def test_measure_in_turns_runs_the_calls_in_rounds():
    order = []
    calls = [lambda: order.append("a"), lambda: order.append("b")]
    first, second = measure_in_turns(calls, repeats=3, labels=["a", "b"])
    assert order == ["a", "b"] * 3  # all of them once, then again: never a, a, a, b, b, b
    assert (first.label, second.label) == ("a", "b")
    assert len(first.times) == len(second.times) == len(first.cpu_times) == 3
    assert measure_in_turns(calls, repeats=1)[0].label == ""


def test_measure_in_turns_refuses_bad_input():
    with pytest.raises(ValueError, match="one label per call"):
        measure_in_turns([lambda: None], labels=["a", "b"])
    with pytest.raises(ValueError, match="1 or more"):
        measure_in_turns([lambda: None], repeats=0)
