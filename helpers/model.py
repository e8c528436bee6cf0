"""Models of speedup: Amdahl's law, Gustafson's law, and an overhead model you can fit.

A model turns a few measurements into a prediction you can check before you spend the
time. Three are here, from the simplest to the most useful day to day:

- **Amdahl's law** (fixed work): if a fraction ``f`` of the time cannot run in
  parallel, ``p`` processes give at most ``1 / (f + (1 - f) / p)``, and never more
  than ``1 / f`` however many processes you add. :func:`fit_serial_fraction` finds the
  ``f`` that best explains your own measured speedups.
- **Gustafson's law** (work grows with the processes): with ``p`` processes you do
  ``p`` times the parallel work in about the same time, so the *scaled* speedup (how
  long one process would need for the grown work, over the time it took) is
  ``p - f (p - 1)``, which keeps growing; here ``f`` is the serial share of the
  *parallel* run's time, not of the one-process time as in Amdahl's law.
- **The overhead model** (what a pool really costs): the time with ``p`` processes is
  start-up + a cost per process + a cost per task + the work, done in *rounds*: with
  ``c = min(p, CPUs, tasks)`` tasks running at once, ``tasks`` equal tasks take
  ``ceil(tasks / c)`` task-lengths. :func:`fit_overhead` fits its constants from a few
  timings and :meth:`OverheadModel.predict_speedup` tells you, for a task size, whether
  parallelism pays.

Everything here is plain arithmetic on numbers you measured (NumPy least squares);
nothing here starts a process, except :func:`calibrate` and :func:`job_with_serial_part`,
which measure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from helpers.parallel import check_workers, run
from helpers.workers import check_size, cpu_task


def _check_fraction(f: object, name: str = "serial_fraction") -> float:
    if isinstance(f, bool) or not isinstance(f, int | float) or not 0 <= f <= 1:
        raise ValueError(f"{name} must be a number from 0 to 1 (a fraction of the time), not {f!r}")
    return float(f)


def _check_counts(processes: object) -> list[int]:
    counts = list(processes) if not isinstance(processes, int) else [processes]
    return [check_workers(p) for p in counts]


# ---------------------------------------------------------------------------- Amdahl
def amdahl_speedup(processes: int | Sequence[int], serial_fraction: float) -> float | list[float]:
    """Return Amdahl's speedup ``1 / (f + (1 - f) / p)`` for one count or a list of counts.

    ``serial_fraction`` (f) is the part of the one-process time that cannot be split.
    With f = 0.1, even infinitely many processes give at most 10x.
    """
    f = _check_fraction(serial_fraction)
    speedups = [1 / (f + (1 - f) / p) for p in _check_counts(processes)]
    return speedups[0] if isinstance(processes, int) else speedups


def amdahl_limit(serial_fraction: float) -> float:
    """Return the largest speedup Amdahl's law allows, ``1 / f`` (infinite when f = 0)."""
    f = _check_fraction(serial_fraction)
    return math.inf if f == 0 else 1 / f


def fit_serial_fraction(processes: Sequence[int], speedups: Sequence[float]) -> float:
    """Return the serial fraction ``f`` that best explains measured speedups.

    Amdahl's law, turned around, is a straight line in ``f``::

        1/S - 1/p = f * (1 - 1/p)

    For one point this gives the Karp-Flatt metric, ``f = (1/S - 1/p) / (1 - 1/p)``.
    For several, ``f`` is the slope of a line through the origin, fitted by least squares
    on ``1/S`` (not on ``S``: a point with many processes and a small ``1/S`` weighs less)
    over every point with 2 or more processes (one process says nothing about ``f``). The
    answer is clipped to 0..1: a speedup above ``p`` (a lucky run) gives 0, and a
    "speedup" below 1 gives 1 (everything behaved as if it were serial).

    Fit only the points up to your usable CPUs: past them, processes share CPUs, and
    that slowdown is not a serial part of your code. On a 2-CPU machine that leaves one
    point (``p = 2``): then the "fit" is that point's Karp-Flatt value, not a trend.
    """
    import numpy as np

    p = np.asarray(_check_counts(processes), dtype=float)
    s = np.asarray(list(speedups), dtype=float)
    if p.shape != s.shape:
        raise ValueError(
            f"processes and speedups must have the same length, not {p.size} and {s.size}"
        )
    if not np.all(np.isfinite(s)) or np.any(s <= 0):
        raise ValueError("every speedup must be a positive number (serial time / parallel time)")
    x = 1 - 1 / p
    if not np.any(x > 0):
        raise ValueError(
            "fit_serial_fraction needs at least one measurement with 2 or more processes: "
            "with one process the speedup is 1 whatever the serial fraction."
        )
    y = 1 / s - 1 / p
    f = float(np.dot(x, y) / np.dot(x, x))
    return min(1.0, max(0.0, f))


# ------------------------------------------------------------------------- Gustafson
def gustafson_speedup(
    processes: int | Sequence[int], serial_fraction: float
) -> float | list[float]:
    """Return Gustafson's scaled speedup ``p - f (p - 1)`` for one count or a list.

    Here the work grows with the processes (each process brings its own share), and
    ``f`` is the serial part of the time *with* ``p`` processes (see
    :func:`gustafson_fraction`), not of the one-process time as in Amdahl's law. Scaled
    speedup means: how much longer one process would need for the grown work.
    """
    f = _check_fraction(serial_fraction)
    speedups = [p - f * (p - 1) for p in _check_counts(processes)]
    return speedups[0] if isinstance(processes, int) else speedups


def scaled_speedups(serial_times: Sequence[float], times: Sequence[float]) -> list[float]:
    """Return Gustafson's scaled speedups from measured times: ``serial_times[i] / times[i]``.

    Gustafson's question: the work grew with the processes; how much longer would *one*
    process have needed for the grown work? ``times[i]`` is what ``p`` processes took for
    the grown job, ``serial_times[i]`` what a plain loop takes for that same grown job
    (its serial part plus ``p`` shares of parallel work). Do not use ``p * T(1) / T(p)``
    instead: it equals ``p`` whenever the time stays flat, whatever the serial part, so it
    cannot see the serial part at all.
    """
    serial = [float(t) for t in serial_times]
    parallel = [float(t) for t in times]
    if len(serial) != len(parallel) or not serial:
        raise ValueError("give one serial time per measured time (and at least one)")
    if any(not t > 0 for t in serial + parallel):
        raise ValueError("every time must be a positive number of seconds")
    return [s / t for s, t in zip(serial, parallel, strict=True)]


def gustafson_fraction(serial_seconds: float, parallel_run_seconds: float) -> float:
    """Return Gustafson's serial fraction: the serial part's share of the *parallel* run.

    Amdahl's ``f`` is the serial share of the one-process time, and stays fixed as ``p``
    grows. Gustafson's ``f`` is the serial share of the time *with* ``p`` processes (the
    run you have): the same serial seconds are a smaller share of a one-process run of the
    grown job. With it, ``S = p - f (p - 1)``.
    """
    if not serial_seconds >= 0 or not parallel_run_seconds > 0:
        raise ValueError("give the serial part's seconds (0 or more) and the run's (positive)")
    return min(1.0, serial_seconds / parallel_run_seconds)


def fit_gustafson_fraction(processes: Sequence[int], scaled: Sequence[float]) -> float:
    """Return the ``f`` of Gustafson's law that best fits scaled speedups (least squares).

    ``p - S = f (p - 1)``: again a line through the origin, fitted over ``p >= 2``,
    clipped to 0..1.
    """
    import numpy as np

    p = np.asarray(_check_counts(processes), dtype=float)
    s = np.asarray(list(scaled), dtype=float)
    if p.shape != s.shape:
        raise ValueError("processes and scaled speedups must have the same length")
    x = p - 1
    if not np.any(x > 0):
        raise ValueError("fit_gustafson_fraction needs a measurement with 2 or more processes")
    f = float(np.dot(x, p - s) / np.dot(x, x))
    return min(1.0, max(0.0, f))


def job_with_serial_part(
    serial_size: int, parallel_items: Sequence[int], processes: int = 1, kind: str = "processes"
) -> int:
    """Run a job with a known serial part: one ``cpu_task(serial_size)`` in this process,
    then ``cpu_task`` over ``parallel_items`` with a pool of ``processes`` processes
    (``kind="serial"``: a plain loop, the baseline a speedup is measured against).

    Time it with the plain loop and with 1, 2, ... processes and fit the serial fraction:
    the fit should find about ``serial time / total time`` (plus the pool's own overhead).
    The pool can keep at most ``len(parallel_items)`` processes busy. Returns a checksum.
    """
    check_size(serial_size, "serial_size")
    total = cpu_task(serial_size)
    return total + sum(run(cpu_task, parallel_items, check_workers(processes), kind=kind))


# ----------------------------------------------------------------- overhead model
def rounds(tasks: int, processes: int, cpus: int) -> int:
    """Return how many task-lengths ``tasks`` equal tasks take on ``processes`` processes.

    At most ``min(processes, cpus)`` tasks run at the same time, and never more than there
    are tasks: 8 tasks on 16 CPUs take 1 round (speedup at most 8, not 16), 8 tasks on 6
    CPUs take 2 rounds (the last round runs 2 tasks while 4 CPUs wait: at most 4x).

    >>> rounds(8, 16, 16), rounds(8, 6, 6), rounds(8, 4, 2)
    (1, 2, 4)
    """
    tasks = check_size(tasks, "tasks")
    at_once = min(check_workers(processes), check_workers(cpus, "cpus"), tasks)
    return math.ceil(tasks / at_once)


@dataclass(frozen=True)
class OverheadModel:
    """Predicts the time of ``tasks`` equal tasks on a pool of ``processes`` processes.

    ``time = startup + per_process * p + per_task * tasks + work_factor * one_task * rounds``

    where ``one_task = seconds_per_unit * size`` is the serial time of one task and
    ``rounds = ceil(tasks / min(p, cpus, tasks))`` (:func:`rounds`): the tasks run
    ``min(p, cpus)`` at a time, so 8 tasks can never go more than 8 times faster, and 8
    tasks on 6 CPUs take two rounds, like 12 would. ``work_factor`` is 1 for perfect
    sharing (the fit never makes it smaller, so the model never predicts more speedup than
    CPUs); a little above 1 when the processes slow each other down (shared caches, memory
    bandwidth, another program on the machine). The model assumes one task per message
    (chunksize 1, what ``Pool.map`` picks for 8 tasks on 2 or more processes).
    """

    startup: float
    per_process: float
    per_task: float
    work_factor: float
    seconds_per_unit: float
    cpus: int

    def serial_time(self, size: int, tasks: int) -> float:
        """Predicted time of a plain loop over ``tasks`` tasks of ``size`` units each."""
        return self.seconds_per_unit * check_size(size) * check_size(tasks, "tasks")

    def parallel_time(self, size: int, tasks: int, processes: int) -> float:
        """Predicted time of the same tasks on a pool of ``processes`` (start-up included)."""
        p = check_workers(processes)
        one_task = self.seconds_per_unit * check_size(size)
        return (self.startup + self.per_process * p + self.per_task * check_size(tasks, "tasks")
                + self.work_factor * one_task * rounds(tasks, p, self.cpus))

    def predict_speedup(self, size: int, processes: int, tasks: int = 8) -> float:
        """Predicted speedup (serial time / pool time) for ``tasks`` tasks of ``size``."""
        return self.serial_time(size, tasks) / self.parallel_time(size, tasks, processes)

    def break_even_size(self, processes: int, tasks: int = 8) -> int | None:
        """The smallest task size at which the pool beats the loop (speedup above 1).

        None if it never does (for example with one CPU, where the pool only adds cost).
        """
        p = check_workers(processes)
        tasks = check_size(tasks, "tasks")
        # Per unit of task size, the loop costs tasks units and the pool work_factor * rounds.
        gain = tasks - self.work_factor * rounds(tasks, p, self.cpus)
        if gain <= 0:
            return None
        fixed = self.startup + self.per_process * p + self.per_task * tasks
        return max(1, math.ceil(fixed / (gain * self.seconds_per_unit)))

    def describe(self) -> str:
        """The constants in words, with units."""
        return (
            f"start-up {self.startup * 1e3:.1f} ms + {self.per_process * 1e3:.1f} ms per process"
            f" + {self.per_task * 1e6:.0f} µs per task + one task's work x "
            f"{self.work_factor:.2f} per round (tasks / min(processes, {self.cpus}), rounded "
            f"up); one unit of work takes "
            f"{self.seconds_per_unit * 1e9:.0f} ns"
        )


def _nonnegative_lstsq(a, b):
    """Least squares with every coefficient 0 or more (drop negative ones and refit)."""
    import numpy as np

    active = list(range(a.shape[1]))
    coef = np.zeros(a.shape[1])
    while active:
        sol, *_ = np.linalg.lstsq(a[:, active], b, rcond=None)
        if np.all(sol >= 0):
            coef[active] = sol
            break
        active.pop(int(np.argmin(sol)))
    return coef


def fit_overhead(
    rows: Sequence[tuple[int, int, float, float]], seconds_per_unit: float, cpus: int
) -> OverheadModel:
    """Fit the overhead model's constants from measured pool runs (least squares, all >= 0).

    Each row is ``(processes, tasks, work_seconds, measured_seconds)``: the pool ran
    ``tasks`` equal tasks whose serial time is ``work_seconds`` in all, with ``processes``
    processes, one task per message, and took ``measured_seconds``. Use rows that differ:
    a few tiny jobs with 1 and 2 processes (start-up and per-process cost), one with many
    tiny tasks (per-task cost), one with real work (work factor). ``seconds_per_unit``
    comes from a serial timing.
    """
    import numpy as np

    check_workers(cpus, "cpus")
    if not seconds_per_unit > 0:
        raise ValueError(f"seconds_per_unit must be positive, not {seconds_per_unit!r}")
    if len(rows) < 4:
        raise ValueError(f"fit_overhead needs at least 4 measured rows for 4 constants, not "
                         f"{len(rows)}")
    a, b = [], []
    for p, tasks, work, seconds in rows:
        check_workers(p)
        check_size(tasks, "tasks")
        if work < 0 or not seconds > 0:
            raise ValueError(f"bad row {(p, tasks, work, seconds)}: times must be positive")
        a.append([1.0, p, tasks, work / tasks * rounds(tasks, p, cpus)])
        b.append(seconds)
    a, b = np.array(a), np.array(b)
    startup, per_process, per_task, factor = _nonnegative_lstsq(a, b)
    if factor < 1:
        # p processes cannot do the work faster than p times one process: a factor below 1
        # is noise (the serial timing ran slow), and would predict more speedup than CPUs.
        # Fix the factor at 1 and fit the three overheads to what is left.
        factor = 1.0
        startup, per_process, per_task = _nonnegative_lstsq(a[:, :3], b - a[:, 3])
    return OverheadModel(float(startup), float(per_process), float(per_task), float(factor),
                         float(seconds_per_unit), cpus)


def calibrate(
    cpus: int | None = None, unit_size: int | None = None, repeats: int = 3,
    method: str | None = None,
) -> OverheadModel:
    """Measure this machine and return a fitted :class:`OverheadModel` for ``cpu_task``.

    A few seconds: one serial timing (the cost of a unit of work), then pools of 1 and
    2 processes running tiny tasks, many tiny tasks, and some real work; the medians of
    ``repeats`` runs each go to :func:`fit_overhead`. Every pool sends one task per
    message (``chunksize=1``), as the model assumes: the cost per task is measured at the
    chunksize it is applied to. (At ``Pool.map``'s default, the 64 tiny tasks would
    travel 8 to a message, and the cost per task would come out 8 times too small.)
    """
    from helpers.system import usable_cpus
    from helpers.timing import measure, measure_in_turns
    from helpers.workers import default_cpu_size

    cpus = check_workers(cpus or usable_cpus(), "cpus")
    unit_size = check_size(unit_size or default_cpu_size(), "unit_size")
    check_workers(repeats, "repeats")
    big = max(1, unit_size // 4)
    jobs = [(1, 1, 1), (2, 2, 1), (2, 64, 1), (1, 8, big), (2, 8, big)]
    measure(cpu_task, unit_size, repeats=1)  # warm-up
    # The serial timing and the pools take turns, so that a burst of load spoils no job alone.
    serial, *pools = measure_in_turns(
        [partial(cpu_task, unit_size)]
        + [partial(run, cpu_task, [size] * tasks, p, chunksize=1, method=method)
           for p, tasks, size in jobs],
        repeats)
    per_unit = serial.median / unit_size
    rows = [(p, tasks, per_unit * size * tasks, t.median)
            for (p, tasks, size), t in zip(jobs, pools, strict=True)]
    return fit_overhead(rows, per_unit, cpus)
