"""Checkers for notebook 04 (measuring speedup)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import partial

from helpers.checks import Verdict, _is_number, report
from helpers.model import OverheadModel, amdahl_speedup


def _call(func: Callable, *args: object) -> tuple[object, str]:
    try:
        return func(*args), ""
    except Exception as err:  # any error: reporting it is the point
        return None, f"{type(err).__name__}: {err}"


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


def _seconds(result: object) -> float | None:
    """The mean seconds per run of a ``%timeit -o`` result (or anything with ``average``)."""
    average = getattr(result, "average", None)
    return float(average) if _is_number(average) and average > 0 else None


def check_my_speedup(my_speedup: object, loop: object, pooled: object, task: Callable,
                     items: Sequence, processes: int, harness: bool = True) -> Verdict:
    """Exercise 1: the speedup of the learner's own function, timed with ``%timeit -o``.

    ``loop`` and ``pooled`` are what ``%timeit -o`` returned for the plain loop and for
    ``pool.map(task, items)`` on a running pool; ``my_speedup`` is the learner's speedup.
    The checker looks at what was timed, runs ``task`` once to see that it returns its
    answer, and (with ``harness``) measures the same job with the course's harness, loop
    and a new pool in turns, so the learner can set their number next to one that counts
    the pool's start-up.
    """
    from helpers.parallel import NotInModuleError, check_sendable

    title = "Exercise 1: the speedup of your own function"
    loop_s, pooled_s = _seconds(loop), _seconds(pooled)
    items = list(items)
    module = getattr(task, "__module__", None)
    sendable = ""
    try:
        check_sendable(task, example=items[0] if items else None)
    except (NotInModuleError, TypeError) as err:
        sendable = str(err)
    one = None
    if not sendable and items:
        try:
            one = task(items[0])
        except Exception as err:  # the learner's code: any error is worth a hint
            sendable = f"{getattr(task, '__name__', task)}({items[0]!r}) raised {err!r}"
    ratio = loop_s / pooled_s if loop_s and pooled_s else None
    checks = [
        (module is not None and module != "__main__" and not sendable,
         f"{getattr(task, '__name__', 'the task')} comes from your module {module}",
         sendable or "put your function in my_work.py (the %%writefile cell), import it "
         "and pass my_work.my_task: a function defined in the notebook cannot reach a "
         "worker under spawn (macOS, Windows) or forkserver."),
        (one is not None, "your function returns its answer",
         "my_task returned None: a worker's answer must be returned (`return total`), "
         "not printed; what a worker prints never comes back to map."),
        (loop_s is not None, "`loop` holds a %timeit result",
         "time the loop with `loop = %timeit -o ...` (-o hands the result back)."),
        (pooled_s is not None and pooled_s > 1e-4,
         f"`pooled` timed the pool: {pooled_s or 0:.3f} s per run",
         "`pooled` timed almost nothing: put `pool.map(my_work.my_task, items)` after "
         "`pooled = %timeit -o -n 1 -r 3` in place of `...`."),
    ]
    if _is_number(my_speedup) and ratio:
        if math.isclose(my_speedup, 1 / ratio, rel_tol=0.02):
            hint = "upside down: the speedup is the loop's time divided by the pool's."
        else:
            hint = (f"{my_speedup} is not loop.average / pooled.average = {ratio:.2f} "
                    "(use the two results: loop.average, pooled.average).")
        # loop.best / pooled.best is an honest choice too
        best_ratio = loop.best / pooled.best if _is_number(getattr(loop, "best", None)) \
            and _is_number(getattr(pooled, "best", None)) and pooled.best > 0 else ratio
        ok = any(math.isclose(my_speedup, r, rel_tol=0.02) for r in (ratio, best_ratio))
    else:
        hint = "set my_speedup to a number: loop.average / pooled.average."
        ok = False
    checks.append((ok, f"my_speedup = {ratio or 0:.2f}x, the loop's time over the pool's", hint))
    verdict = report(title, checks[: next((i + 1 for i, c in enumerate(checks) if not c[0]),
                                          len(checks))])
    if verdict and harness:
        from helpers.parallel import run
        from helpers.timing import measure_in_turns

        loop_t, pool_t = measure_in_turns(
            [partial(run, task, items, kind="serial"), partial(run, task, items, processes)], 3)
        with_start = loop_t.median / pool_t.median
        print(f"The course's harness, loop and a new Pool({processes}) in turns (median of 3, "
              f"start-up included): {with_start:.2f}x; yours, on a running pool: {ratio:.2f}x.")
        low, high = loop_t.best / pool_t.worst, loop_t.worst / pool_t.best
        if low <= ratio <= high:
            print("  Yours lies within the harness's spread: the pool's start-up is small "
                  "next to this work, or the load hid the difference.")
        elif ratio > high:
            print(f"  Yours is higher: starting the pool (about "
                  f"{max(0.0, pool_t.median - pooled_s):.3f} s here) counts when you run the "
                  "job once.")
        else:
            print("  Yours is lower than the harness's, start-up and all: the load on the "
                  "machine changed between the two measurements. Run both again.")
    return verdict
