"""The one timing harness of the course: warm-up, repeats, median and spread.

One run lies: other programs, caches and the first-time cost of starting things all
change the time. So :func:`measure` runs the code once to warm up (not counted), then
``repeats`` times, and reports the median (the middle run) and the spread (fastest
and slowest). :func:`scaling` does that for a range of process counts and gives the
speedup and efficiency against a plain serial loop.

Wall time is what you wait; CPU time is what the CPUs spent. :func:`measure` records
both: :func:`cpu_seconds` adds this process's CPU time (``time.process_time()``) to that
of the child processes it has waited for (``resource.getrusage(RUSAGE_CHILDREN)``, where
it exists); a pool's workers count once the pool is closed and joined. Wall time far
below CPU time means several CPUs worked at once; wall time far above it means the code
waited (for a disk, a network, or a CPU another program held).

Where the children's CPU time cannot be seen, :func:`children_cpu_visible` says so:
on Windows (no ``resource`` module; ``os.times()`` reports 0 for children there), and
under ``forkserver`` (the workers are children of the fork server, not of this process).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial

from helpers.parallel import check_workers, run


@dataclass(frozen=True)
class Timing:
    """The wall-clock times of repeated runs of one piece of code, in seconds."""

    times: tuple[float, ...]
    label: str = ""
    #: CPU seconds of each run (this process plus the child processes it waited for);
    #: empty if they were not recorded.
    cpu_times: tuple[float, ...] = ()

    @property
    def median(self) -> float:
        """The middle time: the number to report."""
        return statistics.median(self.times)

    @property
    def best(self) -> float:
        """The fastest run."""
        return min(self.times)

    @property
    def worst(self) -> float:
        """The slowest run."""
        return max(self.times)

    @property
    def spread(self) -> float:
        """Slowest minus fastest: how much the runs disagree."""
        return self.worst - self.best

    @property
    def cpu_median(self) -> float | None:
        """The median CPU time of the runs, or None if it was not recorded."""
        return statistics.median(self.cpu_times) if self.cpu_times else None

    @property
    def cpus_busy(self) -> float | None:
        """CPU time divided by wall time (medians): how many CPUs were busy on average.

        About 1 for a serial loop, about N for N processes that all compute, and near 0
        for code that mostly waits.
        """
        cpu = self.cpu_median
        return None if cpu is None or self.median <= 0 else cpu / self.median

    def __str__(self) -> str:
        name = f"{self.label}: " if self.label else ""
        return (
            f"{name}{self.median:.3f} s (median of {len(self.times)}, "
            f"range {self.best:.3f} to {self.worst:.3f} s)"
        )


def _children_cpu() -> float:
    try:
        import resource
    except ImportError:  # Windows: no resource module, and os.times() has no children's time
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_seconds() -> float:
    """Return the CPU seconds used so far by this process and its waited-for children.

    User plus system time: ``time.process_time()`` for this process, and
    ``resource.getrusage(RUSAGE_CHILDREN)`` for the children (both to the microsecond;
    ``os.times()`` counts in 10 ms ticks). A child's time is added only once the child has
    ended and been waited for (``join``, or leaving a ``with Pool(...)`` block), so take
    the difference of two calls around code that starts and joins its processes. What
    it cannot see, :func:`children_cpu_visible` tells.
    """
    return time.process_time() + _children_cpu()


def children_cpu_visible(method: str | None = None) -> bool:
    """Return True if :func:`cpu_seconds` sees the CPU time of a pool's worker processes.

    False on Windows (no ``getrusage``) and under the ``forkserver`` start method, where
    the workers are children of the fork server, so their time is never added to ours.
    ``method`` defaults to the course's start method.
    """
    from helpers.system import start_method

    if sys.platform == "win32":
        return False
    return (method or start_method()) != "forkserver"


def measure(
    func: Callable, *args, repeats: int = 5, warmup: int = 1, label: str = "", **kwargs
) -> Timing:
    """Time ``func(*args, **kwargs)``: ``warmup`` runs not counted, then ``repeats`` timed runs.

    Each run's wall time (``perf_counter``) and CPU time (:func:`cpu_seconds`) are kept.
    """
    check_workers(repeats, "repeats")
    if isinstance(warmup, bool) or not isinstance(warmup, int) or warmup < 0:
        raise ValueError(f"warmup must be a whole number, 0 or more, not {warmup!r}")
    for _ in range(warmup):
        func(*args, **kwargs)
    times, cpu_times = [], []
    for _ in range(repeats):
        cpu_start = cpu_seconds()
        start = time.perf_counter()
        func(*args, **kwargs)
        times.append(time.perf_counter() - start)
        cpu_times.append(cpu_seconds() - cpu_start)
    return Timing(tuple(times), label, tuple(cpu_times))


def measure_in_turns(
    calls: Sequence[Callable[[], object]], repeats: int = 3, labels: Sequence[str] = ()
) -> list[Timing]:
    """Time each of ``calls`` (functions of no arguments) once per round, ``repeats`` rounds.

    The calls take turns: all of them once, then all of them again. A burst of load from
    another program then falls on every call alike instead of spoiling one of them, which
    is fairer on a shared machine than timing one call ``repeats`` times, then the next.
    No warm-up: run each call once before, if it needs one. Returns one Timing per call,
    labelled with ``labels`` when given.
    """
    check_workers(repeats, "repeats")
    labels = list(labels) or [""] * len(calls)
    if len(labels) != len(calls):
        raise ValueError(f"give one label per call: {len(labels)} for {len(calls)} calls")
    rounds = [[measure(call, repeats=1, warmup=0) for call in calls] for _ in range(repeats)]
    return [Timing(tuple(r[i].times[0] for r in rounds), label,
                   tuple(r[i].cpu_times[0] for r in rounds))
            for i, label in enumerate(labels)]


@dataclass(frozen=True)
class Scaling:
    """Times of one job run serially and with each number of processes."""

    processes: tuple[int, ...]
    timings: tuple[Timing, ...]
    serial: Timing
    results_ok: bool = True
    notes: dict = field(default_factory=dict)

    @property
    def speedups(self) -> list[float]:
        """Serial time divided by parallel time, for each process count (ideal: the count)."""
        return [self.serial.median / t.median for t in self.timings]

    @property
    def efficiencies(self) -> list[float]:
        """Speedup divided by processes: 1.0 means no CPU time wasted."""
        return [s / p for s, p in zip(self.speedups, self.processes, strict=True)]

    def table(self) -> str:
        """Return the measurements as a small text table."""
        lines = [f"{'processes':>9}  {'time (s)':>9}  {'speedup':>7}  {'efficiency':>10}"]
        lines.append(f"{'serial':>9}  {self.serial.median:9.3f}  {1:7.2f}  {'':>10}")
        for p, t, s, e in zip(
            self.processes, self.timings, self.speedups, self.efficiencies, strict=True
        ):
            lines.append(f"{p:9d}  {t.median:9.3f}  {s:7.2f}  {e:10.2f}")
        return "\n".join(lines)


def scaling(
    func: Callable,
    items: Sequence,
    processes: Iterable[int],
    repeats: int = 3,
    warmup: int = 1,
    chunksize: int | None = None,
    interleave: bool = False,
) -> Scaling:
    """Time ``run(func, items, p)`` for each ``p`` in ``processes``, and a serial loop.

    Each parallel run starts its own pool, so start-up cost is counted, as it is when
    you run the code for real. The results are checked against the serial ones.

    With ``interleave=True`` the runs take turns (serial, then each count, then again),
    so that a burst of load from another program falls on every count alike instead of
    spoiling one of them: fairer on a shared machine.
    """
    items = list(items)
    counts = tuple(check_workers(p) for p in processes)
    if not counts:
        raise ValueError("processes must name at least one process count, such as [1, 2]")
    expected = run(func, items, kind="serial")
    ok = True
    if interleave:
        check_workers(repeats, "repeats")  # before the warm-up, which takes a while
        measure(run, func, items, kind="serial", repeats=1, warmup=warmup)  # warm-up only
        for p in counts:
            ok = ok and run(func, items, p, chunksize=chunksize) == expected
        serial, *timings = measure_in_turns(
            [partial(run, func, items, kind="serial")]
            + [partial(run, func, items, p, chunksize=chunksize) for p in counts],
            repeats, ["serial", *(f"{p} processes" for p in counts)])
        return Scaling(counts, tuple(timings), serial, ok)
    serial = measure(run, func, items, kind="serial", repeats=repeats, warmup=warmup,
                     label="serial")
    timings = []
    for p in counts:
        ok = ok and run(func, items, p, chunksize=chunksize) == expected
        timings.append(measure(run, func, items, p, chunksize=chunksize, repeats=repeats,
                               warmup=0, label=f"{p} processes"))
    return Scaling(counts, tuple(timings), serial, ok)
