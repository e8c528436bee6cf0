"""Checkers for notebook 04 (measuring speedup)."""

from __future__ import annotations

import math
from collections.abc import Callable

from helpers.checks import Verdict, _is_number, report
from helpers.model import OverheadModel, amdahl_speedup

#: (serial seconds, parallel seconds, processes) the speedup checker tries.
_CASES = [(3.0, 2.0, 2), (8.0, 2.0, 4), (1.0, 2.0, 2), (6.0, 1.0, 8)]


def _call(func: Callable, *args: object) -> tuple[object, str]:
    try:
        return func(*args), ""
    except Exception as err:  # any error: reporting it is the point
        return None, f"{type(err).__name__}: {err}"


def check_speedup_efficiency(func: Callable) -> Verdict:
    """Check ``func(serial_seconds, parallel_seconds, processes) -> (speedup, efficiency)``."""
    title = "Exercise 1: speedup and efficiency"
    for serial, parallel, p in _CASES:
        got, error = _call(func, serial, parallel, p)
        right = (serial / parallel, serial / parallel / p)
        where = f"for serial {serial} s, parallel {parallel} s, {p} processes"
        if error:
            return report(title, [(False, "", f"{where} it raised {error}.")])
        if not (isinstance(got, tuple | list) and len(got) == 2
                and all(_is_number(x) for x in got)):
            return report(title, [(False, "", f"{where} return two numbers, "
                                              f"(speedup, efficiency), not {got!r}.")])
        speedup, efficiency = got
        if math.isclose(speedup, right[0]) and math.isclose(efficiency, right[1]):
            continue
        if math.isclose(speedup, parallel / serial) and not math.isclose(speedup, right[0]):
            hint = "the speedup is upside down: serial time divided by parallel time."
        elif not math.isclose(speedup, right[0]):
            hint = "speedup = serial_seconds / parallel_seconds."
        elif math.isclose(efficiency, right[0]) and p != 1:
            hint = "efficiency is the speedup divided by the number of processes."
        elif math.isclose(efficiency, p / right[0]):
            hint = "efficiency is speedup / processes, not processes / speedup."
        elif not math.isclose(efficiency, right[1]):
            hint = "efficiency = speedup / processes (1.0 means no CPU time wasted)."
        else:
            continue
        return report(title, [(False, "", f"{where}: {hint}")])
    return report(title, [(True, f"right for all {len(_CASES)} cases: speedup = serial / "
                                 "parallel, efficiency = speedup / processes", "")])


def check_amdahl(func: Callable) -> Verdict:
    """Check ``func(processes, serial_fraction) -> speedup`` against Amdahl's law."""
    title = "Exercise 2: Amdahl's law"
    cases = [(1, 0.3), (4, 0.2), (16, 0.1), (2, 0.0), (1000, 0.05)]
    for p, f in cases:
        got, error = _call(func, p, f)
        right = amdahl_speedup(p, f)
        where = f"with {p} processes and f = {f}"
        if error:
            return report(title, [(False, "", f"{where} it raised {error}.")])
        if not _is_number(got):
            return report(title, [(False, "", f"{where} return a number, not {got!r}.")])
        if math.isclose(got, right, rel_tol=1e-6):
            continue
        if math.isclose(got, f + (1 - f) / p, rel_tol=1e-6):
            hint = ("f + (1 - f) / p is the time with p processes (as a share of the "
                    "one-process time); the speedup is one divided by it.")
        elif math.isclose(got, 1 / (f + (1 - f) * p), rel_tol=1e-6):
            hint = "only the parallel part (1 - f) is divided by p, not multiplied."
        elif math.isclose(got, 1 / ((1 - f) + f / p), rel_tol=1e-6):
            hint = "f is the serial part: it stays whole; the parallel part 1 - f is split."
        else:
            hint = "speedup = 1 / (f + (1 - f) / p)."
        return report(title, [(False, "", f"{where} expected {right:.3f}, got {got:.3f}: {hint}")])
    return report(title, [
        (True, "1 / (f + (1 - f) / p): with f = 0.05 even 1000 processes give "
               f"{amdahl_speedup(1000, 0.05):.1f}x, under the ceiling 1/f = 20x", ""),
    ])


def check_break_even(answer: object, model: OverheadModel, processes: int, tasks: int = 8
                     ) -> Verdict:
    """Check the smallest task size at which the model says the pool beats the loop."""
    title = "Exercise 3: when does the pool start to pay?"
    right = model.break_even_size(processes, tasks)
    if right is None:
        return report(title, [(answer is None,
                               f"with {model.cpus} usable CPU(s) and {processes} processes the "
                               "pool never pays: the answer is None",
                               "the model never predicts a speedup above 1 here (no second "
                               "CPU to share the work): set my_break_even = None.")])
    if not _is_number(answer) or answer <= 0:
        hint = ("try sizes one after another (for example doubling from 1,000) and keep "
                "the first where model.predict_speedup(size, processes) is above 1.")
        return report(title, [(False, "", hint)])
    speedup = model.predict_speedup(max(1, int(answer)), processes, tasks)
    if answer < right * 0.5:
        hint = (f"at {int(answer):,} iterations the model predicts {speedup:.2f}x: still below "
                "1, the pool costs more than it saves. Try larger sizes.")
    else:
        hint = (f"at {int(answer):,} iterations the model predicts {speedup:.2f}x: it already "
                "pays, but so does a size about half as large. Look for the first size "
                "above 1, in steps no bigger than doubling.")
    return report(title, [
        (right * 0.5 <= answer <= right * 2,
         f"the pool starts to pay at about {right:,} iterations per task "
         f"({processes} processes, {tasks} tasks); you found {int(answer):,}", hint),
    ])
