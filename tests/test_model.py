"""helpers.model: Amdahl, Gustafson and the overhead model recover what they should."""

import math

import pytest

from helpers.model import (
    OverheadModel,
    amdahl_limit,
    amdahl_speedup,
    fit_gustafson_fraction,
    fit_overhead,
    fit_serial_fraction,
    gustafson_speedup,
    scaled_speedups,
)


def test_amdahl_speedup_known_values():
    assert amdahl_speedup(1, 0.3) == pytest.approx(1.0)
    assert amdahl_speedup(2, 0.0) == pytest.approx(2.0)
    assert amdahl_speedup([1, 2, 4], 0.5) == pytest.approx([1.0, 4 / 3, 1.6])
    assert amdahl_limit(0.1) == pytest.approx(10.0) and amdahl_limit(0) == math.inf


@pytest.mark.parametrize("f", [0.0, 0.05, 0.2, 0.5, 1.0])
def test_fit_recovers_a_known_serial_fraction(f):
    procs = [1, 2, 3, 4, 8]
    assert fit_serial_fraction(procs, amdahl_speedup(procs, f)) == pytest.approx(f, abs=1e-9)


def test_fit_is_close_on_noisy_data():
    procs = [1, 2, 4, 8, 16]
    noise = [1.0, 1.03, 0.97, 1.02, 0.98]
    speedups = [s * n for s, n in zip(amdahl_speedup(procs, 0.1), noise, strict=True)]
    assert fit_serial_fraction(procs, speedups) == pytest.approx(0.1, abs=0.02)


def test_fit_clips_to_a_fraction():
    assert fit_serial_fraction([2, 4], [2.5, 5.0]) == 0.0  # better than ideal
    assert fit_serial_fraction([2, 4], [0.5, 0.4]) == 1.0  # slower than serial


@pytest.mark.parametrize("procs, speedups, match", [
    ([1, 1], [1.0, 1.0], "2 or more processes"),
    ([1, 2], [1.0], "same length"),
    ([1, 2], [1.0, -1.0], "positive"),
    ([0, 2], [1.0, 1.5], "1 or more"),
])
def test_fit_refuses_bad_input(procs, speedups, match):
    with pytest.raises(ValueError, match=match):
        fit_serial_fraction(procs, speedups)


@pytest.mark.parametrize("bad", [-0.1, 1.5, "half", True])
def test_fractions_must_be_between_0_and_1(bad):
    with pytest.raises(ValueError, match="from 0 to 1"):
        amdahl_speedup(2, bad)


def test_gustafson_and_its_fit():
    assert gustafson_speedup([1, 2, 4], 0.25) == pytest.approx([1.0, 1.75, 3.25])
    times = [1.0, 1.0 / 0.875, 1.0 * 4 / 3.25]  # T(p) so that p T(1) / T(p) = p - f (p - 1)
    scaled = scaled_speedups([1, 2, 4], times)
    assert scaled == pytest.approx([1.0, 1.75, 3.25])
    assert fit_gustafson_fraction([1, 2, 4], scaled) == pytest.approx(0.25)
    with pytest.raises(ValueError, match="starting with 1"):
        scaled_speedups([2, 4], [1.0, 1.0])


def test_overhead_fit_recovers_known_constants():
    true = OverheadModel(startup=0.01, per_process=0.005, per_task=2e-5, work_factor=1.1,
                         seconds_per_unit=1e-7, cpus=2)
    rows = []
    for p, tasks, size in [(1, 1, 1), (2, 2, 1), (2, 64, 1), (2, 8, 250_000), (1, 8, 1),
                           (3, 8, 100_000)]:
        rows.append((p, tasks, true.serial_time(size, tasks), true.parallel_time(size, tasks, p)))
    fitted = fit_overhead(rows, seconds_per_unit=1e-7, cpus=2)
    for name in ("startup", "per_process", "per_task", "work_factor"):
        assert getattr(fitted, name) == pytest.approx(getattr(true, name), rel=1e-6), name
    assert fitted.predict_speedup(10**6, 2) == pytest.approx(true.predict_speedup(10**6, 2))


def test_overhead_fit_never_predicts_more_speedup_than_cpus():
    """A serial timing that ran slow makes the pool look better than perfect (factor < 1)."""
    fast = OverheadModel(startup=0.01, per_process=0.005, per_task=2e-5, work_factor=0.85,
                         seconds_per_unit=1e-7, cpus=2)
    rows = [(p, tasks, fast.serial_time(size, tasks), fast.parallel_time(size, tasks, p))
            for p, tasks, size in [(1, 1, 1), (2, 2, 1), (2, 64, 1), (1, 8, 250_000),
                                   (2, 8, 250_000)]]
    assert fast.predict_speedup(10**8, 2) > 2  # what an unconstrained fit would say
    fitted = fit_overhead(rows, seconds_per_unit=1e-7, cpus=2)
    assert fitted.work_factor == 1.0
    assert min(fitted.startup, fitted.per_process, fitted.per_task) >= 0
    assert all(fitted.predict_speedup(size, p) <= min(p, 2)
               for size in (10, 10**4, 10**6, 10**8) for p in (1, 2, 3, 4))


def test_overhead_model_predicts_when_parallelism_pays():
    m = OverheadModel(0.01, 0.005, 2e-5, 1.0, 1e-7, cpus=2)
    assert m.predict_speedup(100, 2) < 0.1  # tiny tasks: the pool costs more than the work
    assert 1.5 < m.predict_speedup(10**7, 2) < 2.0  # big tasks: close to the 2 CPUs
    assert m.predict_speedup(10**7, 4) < m.predict_speedup(10**7, 2)  # past the CPUs: worse
    size = m.break_even_size(2)
    assert m.predict_speedup(size, 2) >= 1 - 1e-9 and m.predict_speedup(size // 2, 2) < 1
    assert OverheadModel(0.01, 0.005, 2e-5, 1.0, 1e-7, cpus=1).break_even_size(2) is None


def test_overhead_fit_refuses_too_few_rows():
    with pytest.raises(ValueError, match="at least 4"):
        fit_overhead([(1, 1, 0.0, 0.01)], seconds_per_unit=1e-7, cpus=2)
