"""Checkers for notebook 01 (processes vs threads)."""

from __future__ import annotations

import math

from helpers.checks import Verdict, _is_number, report
from helpers.parallel import run
from helpers.timing import Timing, measure
from helpers.workers import io_task

#: How many times faster than one page at a time exercise 2 asks for.
IO_TARGET = 5


def check_efficiency(efficiency: object, serial: Timing, parallel: Timing, workers: int) -> Verdict:
    """Check an efficiency: the speedup (serial / parallel medians) divided by the workers."""
    speedup = serial.median / parallel.median
    right = speedup / workers

    def close(value: float) -> bool:
        return math.isclose(efficiency, value, rel_tol=0.02)

    if not _is_number(efficiency):
        hint = "compute a number: the speedup divided by the number of processes."
    elif close(speedup):
        hint = f"that is the speedup; divide it by the number of processes ({workers})."
    elif close(1 / right) or close(1 / speedup):
        hint = "it is upside down: speedup = serial time / parallel time, then / processes."
    elif close(serial.best / parallel.best / workers):
        hint = "you used the fastest runs; the course reports the medians (.median)."
    else:
        hint = "speedup = serial.median / processes.median; efficiency = speedup / workers."
    title = "Exercise 1: efficiency of the processes"
    return report(title, [(_is_number(efficiency) and close(right),
                           f"the efficiency is {right:.2f}: each process did "
                           f"{right:.0%} of a full CPU's worth of useful work", hint)])


def check_io_threads(threads: object, pages: list[float], timing: Timing | None = None) -> Verdict:
    """Download ``pages`` with ``threads`` threads, and check it is 5 times faster than serial.

    ``timing`` is the measurement to judge; by default the checker measures it itself.
    """
    title = "Exercise 2: download the pages faster"
    if not isinstance(threads, int) or isinstance(threads, bool) or threads < 1:
        return report(title, [(False, "", f"threads must be a whole number, 1 or more, "
                                          f"not {threads!r}.")])
    serial_seconds = sum(pages)
    rounds = math.ceil(len(pages) / threads)
    best = serial_seconds / (rounds * max(pages))
    if timing is None:
        # An answer that cannot reach the target is timed once: more runs only say the same.
        hopeless = best < IO_TARGET
        timing = measure(run, io_task, pages, threads, kind="threads",
                         repeats=1 if hopeless else 3, warmup=0 if hopeless else 1)
    speedup = serial_seconds / timing.median
    them, fetch, were = (("1 thread", "fetches", "was") if threads == 1
                         else (f"{threads} threads", "fetch", "were"))
    print(f"{them}: {timing.median:.2f} s, {speedup:.1f}x one page at a time")
    if best < IO_TARGET + 1:
        hint = (f"{them} {fetch} {len(pages)} pages in {rounds} rounds of waiting, "
                f"so the best possible is {best:.1f}x, before any overhead. Use more threads.")
    else:
        hint = "enough threads, but the machine was slow this time: run the cell again."
    return report(title, [(speedup >= IO_TARGET,
                           f"{them} {were} {speedup:.1f}x faster than one at a time",
                           hint)])
