"""Checker for the capstone of 07_pipeline: your parallel count of the library's imports.

:func:`check_capstone` runs your function as you wrote it, watches which processes it
starts (with psutil), compares its answer with the serial loop's, and, once all of that
is right, measures your speedup against the loop, taking turns, and says what it means
for the CPUs you can use. It prints its verdict and never raises on a wrong answer.
"""

from __future__ import annotations

import os
import threading
import time
import types
from collections import Counter
from collections.abc import Callable, Sequence
from functools import partial

from helpers.checks import Verdict, call_within, report
from helpers.parallel import check_workers
from helpers.system import start_method, usable_cpus

#: Seconds your function may run before the checker stops waiting for it.
TIMEOUT = 120.0
#: Command-line marks of the helper processes multiprocessing keeps: not your workers.
_HELPERS = ("multiprocessing.forkserver", "multiprocessing.resource_tracker",
            "multiprocessing.semaphore_tracker")


def _helper_process(proc) -> bool:
    """True for multiprocessing's own helpers: the forkserver and the resource tracker.

    They are children of this process. The workers of a forkserver pool carry the
    server's command line too (they are forked from it), but they are its children.
    """
    try:
        return (proc.ppid() == os.getpid()
                and any(mark in " ".join(proc.cmdline()) for mark in _HELPERS))
    except Exception:  # gone, or not ours to read
        return True


def _children() -> set[int]:
    """The pids of this process's children and their children, less multiprocessing's own."""
    import psutil

    return {c.pid for c in psutil.Process().children(recursive=True) if not _helper_process(c)}


class ChildWatcher:
    """Notes every new child process seen while the block runs (psutil, every few ms)."""

    def __init__(self, interval: float = 0.003) -> None:
        self.interval = interval
        self.before: set[int] = set()
        self.seen: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.seen |= _children() - self.before
            self._stop.wait(self.interval)

    def __enter__(self) -> ChildWatcher:
        self.before = _children()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def still_running(self, wait: float = 2.0) -> set[int]:
        """The new children still alive, after waiting up to ``wait`` s for them to end."""
        deadline = time.monotonic() + wait
        alive = _children() & self.seen
        while alive and time.monotonic() < deadline:
            time.sleep(0.05)
            alive = _children() & self.seen
        return alive


def notebook_functions(func: Callable) -> list[str]:
    """Names of the functions defined in the notebook (``__main__``) that ``func`` uses.

    It looks at the names ``func``'s code (and code nested in it) reads from its module:
    a worker defined in a notebook cell cannot be found by a spawned process.
    """
    code = getattr(func, "__code__", None)
    names, stack = set(), [code] if code else []
    while stack:
        c = stack.pop()
        names.update(c.co_names)
        stack += [k for k in c.co_consts if isinstance(k, types.CodeType)]
    found = []
    namespace = getattr(func, "__globals__", {})
    for name in sorted(names):
        obj = namespace.get(name)
        if callable(obj) and obj is not func and getattr(obj, "__module__", None) == "__main__":
            found.append(name)
    return found


def _answer_hint(result: object, expected: Counter) -> str:
    if result is None:
        return ("your function returned None. Did it print the counts instead of returning "
                "them? End it with `return total`.")
    if isinstance(result, list | tuple):
        return (f"your function returned a {type(result).__name__} of {len(result)} items: the "
                "map step's results, one per file. Reduce them to one Counter: "
                "`total.update(counts)` for each, or `sum(results, Counter())`.")
    if not isinstance(result, dict):
        return (f"your function returned a {type(result).__name__}; return a Counter "
                "(module name -> files that import it), as the serial loop does.")
    got = Counter(result)
    if not got:
        return "the counts are empty: did the loop over the pool's results add anything up?"
    if sum(got.values()) == 2 * sum(expected.values()):
        return "every count is twice too big: are the results added up twice?"
    wrong = sorted(set(got) | set(expected), key=lambda m: -expected.get(m, 0))
    wrong = [m for m in wrong if got.get(m, 0) != expected.get(m, 0)]
    example = wrong[0]
    return (f"{len(wrong)} modules have other counts than the serial loop's, for example "
            f"{example!r}: {got.get(example, 0)} instead of {expected.get(example, 0)}. "
            "Does every file go through the pool exactly once, and is every result added?")


def check_capstone(func: Callable, files: Sequence, expected: Counter,
                   processes: int | None = None, timeout: float = TIMEOUT) -> Verdict:
    """The capstone: ``func(files, processes)`` counts the modules the files import, in a pool.

    ``expected`` is the serial loop's answer. ``processes`` (default: the usable CPUs, at
    least 2) is what your function is called with; it must start that many workers.
    Once everything is right, your function and the serial loop are timed, taking turns.
    """
    title = "Capstone: which modules does the standard library import most, in parallel"
    processes = check_workers(processes or max(2, usable_cpus()))
    files = list(files)
    if not callable(func):
        return report(title, [(False, "", f"pass your function itself (my_imports."
                               f"count_imports, no brackets), not {type(func).__name__}")])
    method = start_method()
    from_notebook = notebook_functions(func)
    if from_notebook and method != "fork":
        return report(title, [(False, "", (
            f"{', '.join(from_notebook)} is defined in this notebook. Under {method} each "
            "worker is a fresh Python that never ran your notebook, so it cannot find it, and "
            "the pool would wait forever. Put it in my_imports.py with your function."))])
    with ChildWatcher() as watcher:
        call = call_within(func, (files, processes), timeout)
        finished, result, error = call.finished, call.result, call.error
    if not finished:
        return report(title, [(False, "", (
            f"your function did not finish within {timeout:.0f} s. Does it join a pool "
            "it never closed (pool.close() before pool.join(), or simply `with ctx.Pool(...) "
            "as pool:`)? Restart the kernel if it is stuck."))])
    if error is not None:
        hint = f"your function raised {type(error).__name__}: {error}"
        if isinstance(error, TypeError) and "positional argument" in str(error):
            hint += (". The checker calls count_imports(files, processes): keep both "
                     "parameters, as in the starter.")
        return report(title, [(False, "", hint)])
    workers = len(watcher.seen)
    left = watcher.still_running()
    same = isinstance(result, dict) and Counter(result) == Counter(expected)
    if workers == 0:
        workers_hint = ("it ran in this process only: no worker process started. Make a pool "
                        "in your function (`with get_context().Pool(processes) as pool:`) and "
                        "map imports_of over the files with it.")
    else:
        workers_hint = (f"only {workers} worker process started, for processes={processes}: "
                        "pass `processes` to Pool.")
    checks = [
        (same, f"the same counts as the serial loop, for all {len(expected)} modules",
         "" if same else _answer_hint(result, Counter(expected))),
        (workers >= min(processes, len(files)),
         f"it ran in {workers} worker processes (you asked for {processes})", workers_hint),
        (not left, "no worker process left running after it returned",
         (f"{len(left)} worker processes were still running after your function returned. "
          "Use `with ctx.Pool(...) as pool:` so the pool ends with the block.")),
    ]
    verdict = report(title, checks)
    if from_notebook:  # under fork it works, but it would not on macOS or Windows
        print(f"Note: {', '.join(from_notebook)} comes from this notebook: that works under "
              "fork only. Put it in my_imports.py so that it works under spawn too.")
    if verdict:
        report_speedup(func, files, processes)
    return verdict


def report_speedup(func: Callable, files: Sequence, processes: int, repeats: int = 2) -> float:
    """Time the serial loop and ``func(files, processes)``, taking turns; print what it means.

    Returns the speedup (serial median / yours).
    """
    from helpers.pipeline import count_imports_serial
    from helpers.timing import measure_in_turns

    serial, yours = measure_in_turns(
        [partial(count_imports_serial, files), partial(func, files, processes)], repeats)
    speedup = serial.median / yours.median
    cpus = usable_cpus()
    used = min(processes, cpus)
    print(f"Your speedup: {speedup:.2f}x over the loop ({serial.median:.2f} s -> "
          f"{yours.median:.2f} s, median of {repeats}, taking turns), with {processes} "
          f"processes on {cpus} usable CPU{'s' * (cpus > 1)}.")
    if cpus == 1:
        print("With 1 usable CPU no speedup can show: your processes take turns on it. "
              "Run it on a machine with more CPUs to see one.")
    elif speedup < 1:
        print("Slower than the loop: the pool's start-up and messages cost more than the "
              "work it shared, or another program had the CPUs. Try again, or on more files.")
    else:
        print(f"The most {used} CPUs can give is {used}x: your efficiency is "
              f"{speedup / used:.0%} of that.")
    return speedup
