"""The one timing harness of the course: warm-up, repeats, median and spread.

One run lies: other programs, caches and the first-time cost of starting things all
change the time. So :func:`measure` runs the code once to warm up (not counted), then
``repeats`` times, and reports the median (the middle run) and the spread (fastest
and slowest). :func:`scaling` does that for a range of process counts and gives the
speedup and efficiency against a plain serial loop.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from helpers.parallel import check_workers, run


@dataclass(frozen=True)
class Timing:
    """The wall-clock times of repeated runs of one piece of code, in seconds."""

    times: tuple[float, ...]
    label: str = ""

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

    def __str__(self) -> str:
        name = f"{self.label}: " if self.label else ""
        return (
            f"{name}{self.median:.3f} s (median of {len(self.times)}, "
            f"range {self.best:.3f} to {self.worst:.3f} s)"
        )


def measure(
    func: Callable, *args, repeats: int = 5, warmup: int = 1, label: str = "", **kwargs
) -> Timing:
    """Time ``func(*args, **kwargs)``: ``warmup`` runs not counted, then ``repeats`` timed runs."""
    check_workers(repeats, "repeats")
    if isinstance(warmup, bool) or not isinstance(warmup, int) or warmup < 0:
        raise ValueError(f"warmup must be a whole number, 0 or more, not {warmup!r}")
    for _ in range(warmup):
        func(*args, **kwargs)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return Timing(tuple(times), label)


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
) -> Scaling:
    """Time ``run(func, items, p)`` for each ``p`` in ``processes``, and a serial loop.

    Each parallel run starts its own pool, so start-up cost is counted, as it is when
    you run the code for real. The results are checked against the serial ones.
    """
    items = list(items)
    counts = tuple(check_workers(p) for p in processes)
    if not counts:
        raise ValueError("processes must name at least one process count, such as [1, 2]")
    expected = run(func, items, kind="serial")
    serial = measure(run, func, items, kind="serial", repeats=repeats, warmup=warmup,
                     label="serial")
    timings, ok = [], True
    for p in counts:
        ok = ok and run(func, items, p, chunksize=chunksize) == expected
        timings.append(measure(run, func, items, p, chunksize=chunksize, repeats=repeats,
                               warmup=0, label=f"{p} processes"))
    return Scaling(counts, tuple(timings), serial, ok)
