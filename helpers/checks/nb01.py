"""Checkers for notebook 01 (processes vs threads)."""

from __future__ import annotations

import math

from helpers.checks import _is_number, report
from helpers.timing import Timing


def check_speedup(speedup: object, serial: Timing, parallel: Timing) -> bool:
    """Check a speedup computed from two timings: serial median divided by parallel median."""
    right = serial.median / parallel.median
    if not _is_number(speedup):
        hint = "compute a number: the serial time divided by the parallel time."
    elif math.isclose(speedup, 1 / right, rel_tol=0.02):
        hint = "it is upside down: divide the serial time by the parallel time, not the reverse."
    elif math.isclose(speedup, serial.best / parallel.best, rel_tol=0.02) and not math.isclose(
        speedup, right, rel_tol=0.02
    ):
        hint = "you used the fastest runs; the course reports the medians (.median)."
    else:
        hint = "use the medians: serial.median / parallel.median."
    return report("Exercise 1: speedup of processes over the serial loop",
                  [(_is_number(speedup) and math.isclose(speedup, right, rel_tol=0.02),
                    f"the speedup is {right:.2f}x", hint)])


def check_io_threads(threads: object, timing: Timing, serial_seconds: float) -> bool:
    """Check that the I/O-bound job ran at least 5 times faster than one page at a time."""
    if not isinstance(threads, int) or isinstance(threads, bool) or threads < 1:
        return report("Exercise 2: download the pages faster",
                      [(False, "", "threads must be a whole number, 1 or more.")])
    speedup = serial_seconds / timing.median
    if threads < 5:
        hint = (f"{threads} thread(s) wait for at most {threads} page(s) at a time. While a "
                "thread waits, the CPU is free: let many more threads wait together.")
    else:
        hint = "more threads should help; run the measuring cell again after changing threads."
    return report("Exercise 2: download the pages faster", [
        (speedup >= 5, f"{threads} threads finished {speedup:.1f}x faster than one at a time",
         hint),
    ])
