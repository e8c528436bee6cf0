"""helpers.model: Amdahl, Gustafson and the overhead model recover what they should."""

import math

import pytest

import helpers.model
from helpers.model import (
    OverheadModel,
    amdahl_limit,
    amdahl_speedup,
    calibrate,
    fit_gustafson_fraction,
    fit_overhead,
    fit_serial_fraction,
    gustafson_fraction,
    gustafson_speedup,
    job_with_serial_part,
    rounds,
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
    # serial part 1 s, each process brings 3 s of parallel work, the time stays flat at 4 s:
    # one process would need 1 + 3p seconds, so S = (1 + 3p) / 4 = p - 0.25 (p - 1)
    loop_times = [1 + 3 * p for p in (1, 2, 4)]
    scaled = scaled_speedups(loop_times, [4.0, 4.0, 4.0])
    assert scaled == pytest.approx([1.0, 1.75, 3.25])
    assert fit_gustafson_fraction([1, 2, 4], scaled) == pytest.approx(0.25)
    assert gustafson_fraction(1.0, 4.0) == pytest.approx(0.25)


def test_scaled_speedup_sees_the_serial_part_when_the_time_stays_flat():
    """p * T(1) / T(p) (the old formula) says p for any flat time, whatever the serial part."""
    flat = [4.0, 4.0, 4.0]
    no_serial = scaled_speedups([4 * p for p in (1, 2, 4)], flat)
    half_serial = scaled_speedups([2 + 2 * p for p in (1, 2, 4)], flat)
    assert no_serial == pytest.approx([1, 2, 4])
    assert half_serial == pytest.approx([1.0, 1.5, 2.5])


def test_scaled_speedups_refuse_bad_input():
    with pytest.raises(ValueError, match="one serial time per"):
        scaled_speedups([1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="positive"):
        scaled_speedups([1.0, 0.0], [1.0, 2.0])


def test_fit_of_one_point_is_its_karp_flatt_value():
    p, s = 2, 1.6
    assert fit_serial_fraction([1, p], [1.0, s]) == pytest.approx((1 / s - 1 / p) / (1 - 1 / p))


def test_job_with_serial_part_gives_the_same_answer_as_a_plain_loop():
    assert job_with_serial_part(1000, [500] * 3, 2) == job_with_serial_part(
        1000, [500] * 3, kind="serial")


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


@pytest.mark.parametrize(("tasks", "p", "cpus", "expected"), [
    (8, 16, 16, 1), (8, 6, 6, 2), (8, 4, 2, 4), (8, 1, 16, 8), (12, 3, 2, 6), (1, 4, 4, 1),
])
def test_rounds_count_tasks_that_run_at_once(tasks, p, cpus, expected):
    assert rounds(tasks, p, cpus) == expected


def test_the_model_never_promises_more_speedup_than_tasks():
    """8 tasks on 16 CPUs: at most 8x. The old model said 15.5x (5.97x on 6 CPUs)."""
    free = OverheadModel(0.0, 0.0, 0.0, 1.0, 1e-7, cpus=16)
    assert free.predict_speedup(10**6, 16, tasks=8) == pytest.approx(8.0)
    six = OverheadModel(0.0, 0.0, 0.0, 1.0, 1e-7, cpus=6)
    assert six.predict_speedup(10**6, 6, tasks=8) == pytest.approx(4.0)  # two rounds
    costly = OverheadModel(0.01, 0.005, 2e-5, 1.0, 1e-7, cpus=16)
    assert costly.predict_speedup(10**8, 16, tasks=8) < 8
    size = costly.break_even_size(16, tasks=8)
    assert costly.predict_speedup(size, 16) >= 1 - 1e-9 > costly.predict_speedup(size // 2, 16)


def test_fit_overhead_uses_rounds():
    true = OverheadModel(0.01, 0.004, 3e-5, 1.0, 1e-7, cpus=4)
    jobs = [(1, 1, 1), (2, 2, 1), (2, 64, 1), (1, 8, 200_000), (4, 6, 200_000), (3, 8, 200_000)]
    rows = [(p, t, true.serial_time(s, t), true.parallel_time(s, t, p)) for p, t, s in jobs]
    fitted = fit_overhead(rows, seconds_per_unit=1e-7, cpus=4)
    assert fitted.per_task == pytest.approx(3e-5, rel=1e-6)
    assert fitted.work_factor == pytest.approx(1.0)


def test_calibrate_measures_one_task_per_message(monkeypatch):
    """The cost per task is applied to one task per message, so it is measured that way.

    The old calibrate ran 64 tiny tasks at map's default chunksize (8 per message).
    """
    seen = []

    def fake_run(func, items, workers=1, kind="processes", chunksize=None, method=None):
        seen.append(chunksize)
        return [func(x) for x in items]

    monkeypatch.setattr(helpers.model, "run", fake_run)
    model = calibrate(cpus=2, unit_size=1000, repeats=1)
    assert seen and all(c == 1 for c in seen)
    assert model.cpus == 2
