"""Checkers for 09_beyond_one_machine: your port of 07's capstone, and a responsive loop.

- :func:`check_joblib_port` runs your ``count_imports_joblib(files, n_jobs)``, checks its
  answer against the serial loop's and that joblib's workers did the work;
- :func:`check_dask_port` runs your ``count_imports_dask(files, client)`` on a Dask
  client, checks its answer and that the cluster ran the tasks;
- :func:`check_responsive` (a coroutine: ``await check_responsive(...)``) awaits your
  ``run_step(executor, size)`` while it measures how late the event loop's ticks come,
  and checks where the step ran.

Each prints its verdict and a hint for the first thing that is not right yet; none raises
on a wrong answer.
"""

from __future__ import annotations

import asyncio
import inspect
import os
from collections import Counter
from collections.abc import Callable, Sequence

from helpers.checks import Verdict, call_within, report
from helpers.checks.nb07 import _answer_hint
from helpers.workers import BASE_CPU_SIZE

#: Seconds your function may run before the checker stops waiting for it.
TIMEOUT = 120.0
#: The loop counts as responsive if no tick came later than this (seconds).
RESPONSIVE_S = 0.15
#: The step's size: about 0.4 s of work on a laptop core, whatever COURSE_SCALE says, so
#: that a blocked loop shows clearly above RESPONSIVE_S.
STEP_SIZE = 4 * BASE_CPU_SIZE


def _result_hint(result: object, expected: Counter) -> str:
    """The hint for an answer that is not the serial loop's, with Dask's and joblib's cases."""
    if inspect.isgenerator(result) or type(result).__name__ == "generator":
        return ("your function returned a generator: with return_as=\"generator\" the results "
                "come only as you loop over them. Add them up into one Counter and return it.")
    items = list(result) if isinstance(result, list | tuple) else []
    if items and all(type(x).__name__ == "Future" for x in items):
        return ("your function returned Dask futures, one per file: they are promises, not "
                "results. Ask the client for their results (client.gather), then add them up.")
    return _answer_hint(result, expected)


def _callable_or_report(title: str, func: object, name: str) -> Verdict | None:
    if callable(func):
        return None
    return report(title, [(False, "", f"pass your function itself (my_engines.{name}, no "
                           f"brackets), not {type(func).__name__}")])


def check_joblib_port(func: Callable, files: Sequence, expected: Counter, n_jobs: int = 2,
                      timeout: float = TIMEOUT) -> Verdict:
    """``func(files, n_jobs)`` must count the imports with ``joblib.Parallel``, as the loop does.

    joblib's reusable workers are stopped first, so that the workers seen afterwards are
    the ones your call started.
    """
    from helpers.beyond import loky_workers, shutdown_loky

    title = "Port 1: the capstone on joblib"
    bad = _callable_or_report(title, func, "count_imports_joblib")
    if bad is not None:
        return bad
    shutdown_loky()
    call = call_within(func, (list(files), n_jobs), timeout)
    if not call.finished:
        return report(title, [(False, "", f"your function did not finish within {timeout:.0f} "
                               "s. Restart the kernel if it is stuck.")])
    if call.error is not None:
        hint = f"your function raised {type(call.error).__name__}: {call.error}"
        if isinstance(call.error, TypeError) and "positional argument" in str(call.error):
            hint += ". The checker calls count_imports_joblib(files, n_jobs): keep both."
        return report(title, [(False, "", hint)])
    workers = loky_workers()
    same = isinstance(call.result, dict) and Counter(call.result) == Counter(expected)
    return report(title, [
        (same, f"the same counts as the serial loop, for all {len(expected)} modules",
         "" if same else _result_hint(call.result, Counter(expected))),
        (bool(workers), f"joblib ran it in {len(workers)} worker processes",
         "no joblib worker process started: it all ran in this process. Hand the work to "
         "Parallel(n_jobs=n_jobs) with delayed(imports_of)(path) for each file (n_jobs=1 "
         "runs in this process too)."),
    ])


def check_dask_port(func: Callable, client, files: Sequence, expected: Counter,
                    timeout: float = TIMEOUT) -> Verdict:
    """``func(files, client)`` must count the imports on the Dask cluster behind ``client``."""
    from distributed import get_task_stream

    title = "Port 2: the capstone on a Dask cluster"
    bad = _callable_or_report(title, func, "count_imports_dask")
    if bad is not None:
        return bad
    if type(client).__name__ != "Client":
        return report(title, [(False, "", "give the checker your Dask Client as its second "
                               f"argument, not {type(client).__name__}")])
    with get_task_stream(client) as stream:
        call = call_within(func, (list(files), client), timeout)
    if not call.finished:
        return report(title, [(False, "", f"your function did not finish within {timeout:.0f} "
                               "s: is the cluster still running? Restart the kernel if stuck.")])
    if call.error is not None:
        hint = f"your function raised {type(call.error).__name__}: {call.error}"
        if isinstance(call.error, TypeError) and "positional argument" in str(call.error):
            hint += ". The checker calls count_imports_dask(files, client): keep both."
        return report(title, [(False, "", hint)])
    ran = len(stream.data)
    same = isinstance(call.result, dict) and Counter(call.result) == Counter(expected)
    return report(title, [
        (same, f"the same counts as the serial loop, for all {len(expected)} modules",
         "" if same else _result_hint(call.result, Counter(expected))),
        (ran >= len(files), f"the cluster ran {ran} tasks for {len(files)} files",
         f"the cluster ran {ran} tasks for {len(files)} files: the work ran in this process. "
         "Send one task per file to the workers with the client (client.map)."),
    ])


async def check_responsive(run_step: Callable, executor, size: int | None = None,
                           timeout: float = TIMEOUT) -> Verdict:
    """Await ``run_step(executor, size)`` while a ticker measures the loop's latency.

    Right: the step returns ``cpu_step(size)``'s answer, it ran in another process, and
    no tick of the loop came more than :data:`RESPONSIVE_S` late meanwhile. Use it with
    top-level ``await`` in the notebook.
    """
    from helpers.beyond import loop_latency
    from helpers.workers import cpu_task

    title = "A responsive loop: the CPU-bound step runs elsewhere"
    bad = _callable_or_report(title, run_step, "run_step")
    if bad is not None:
        return bad
    size = size or STEP_SIZE
    if not inspect.iscoroutinefunction(run_step):
        return report(title, [(False, "", "run_step must be a coroutine function: `async def "
                               "run_step(executor, size):`, so that the loop can await it")])
    try:
        measured = await asyncio.wait_for(
            loop_latency(run_step(executor, size), label="your step"), timeout)
    except TimeoutError:
        return report(title, [(False, "", f"your step did not finish within {timeout:.0f} s")])
    except Exception as err:  # the learner's error is reported, never raised
        return report(title, [(False, "", f"your step raised {type(err).__name__}: {err}")])
    result = measured.result
    if inspect.isawaitable(result):
        if inspect.iscoroutine(result):
            result.close()  # never awaited: close it, so Python does not warn
        return report(title, [(False, "", "your step returned something still to await (a "
                               "future or a coroutine): put `await` in front of the call")])
    expected = cpu_task(size)
    answer, pid = result if isinstance(result, tuple) and len(result) == 2 else (result, None)
    right = answer == expected
    elsewhere = pid is not None and pid != os.getpid()
    responsive = measured.worst <= RESPONSIVE_S
    if result is None:
        answer_hint = "your step returned None: return what cpu_step returned"
    elif pid is None:
        answer_hint = ("your step returned something other than cpu_step's (answer, pid): "
                       "return its result unchanged")
    else:
        answer_hint = f"your step's answer is {answer}, cpu_step's is {expected}"
    verdict = report(title, [
        (right, "the step returned cpu_step's answer", answer_hint),
        (responsive, f"the loop stayed responsive: no tick more than "
                     f"{measured.worst * 1e3:.0f} ms late",
         f"the loop stood still for {measured.worst:.2f} s: the step ran in the loop's own "
         "thread, and no other coroutine could run meanwhile. Hand it to the executor "
         "with the running loop's run_in_executor, and await that."),
        (elsewhere, f"it ran in another process (pid {pid})",
         "it ran in this process: a thread keeps the loop responsive, but Python code in it "
         "shares the GIL with the loop and with every other step. Give run_in_executor the "
         "process pool you were given."),
    ])
    print(f"(the step took {measured.seconds:.2f} s; the loop's worst tick was "
          f"{measured.worst * 1e3:.1f} ms late)")
    return verdict
