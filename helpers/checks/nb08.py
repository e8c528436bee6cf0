"""Checkers for the exercises of 08_robustness.

Each prints what is right and, for the first thing that is not yet right, a hint; it
returns a Verdict and never raises on a wrong answer. The robust-map checker runs your
function in a separate Python (a script in its own process group, bounded), because a
map that hangs must not hang the notebook.
"""

from __future__ import annotations

import io
import json
import logging
import logging.handlers
import math
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from helpers.checks import Verdict, _is_number, call_within, report
from helpers.parallel import check_seconds
from helpers.scripts import run_script
from helpers.system import get_context

#: What the robust-map checker feeds your function: (value, fault) in this order.
ROBUST_TASKS = ((0, None), (1, "crash"), (2, None), (3, "raise"), (4, None), (5, "flaky"),
                (6, "hang"), (7, None))
#: Seconds your robust_map may take in the checker before it counts as hanging.
ROBUST_BOUND = 40.0

_CHECK_SCRIPT = """
import json, multiprocessing, os, signal, sys, tempfile, threading, time
sys.path.insert(0, {folder!r})
from helpers.faults import Task, attempts, run_task
from {module} import {name} as robust_map


def stop_waiting():
    os.kill(os.getpid(), signal.SIGINT)  # a KeyboardInterrupt in the main thread


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tries:
        items = [Task(v, f, folder=tries) for v, f in {tasks!r}]
        watchdog = threading.Timer({bound}, stop_waiting)
        watchdog.daemon = True
        start = time.monotonic()
        watchdog.start()
        report = {{}}
        try:
            out = robust_map(run_task, items, retries={retries}, timeout={timeout})
        except KeyboardInterrupt:
            report["hung"] = True
        except BaseException as err:
            report["raised"] = f"{{type(err).__name__}}: {{err}}"
        else:
            watchdog.cancel()
            report["type"] = type(out).__name__
            if isinstance(out, tuple) and len(out) == 2 and all(isinstance(d, dict) for d in out):
                report["results"] = {{str(k): v if isinstance(v, int) else repr(v)
                                      for k, v in out[0].items()}}
                report["failed"] = {{str(k): repr(v) for k, v in out[1].items()}}
        watchdog.cancel()
        report["seconds"] = time.monotonic() - start
        report["attempts"] = {{str(v): attempts(tries, v) for v, _ in {tasks!r}}}
        for p in multiprocessing.active_children():
            p.terminate()
        print("REPORT " + json.dumps(report), flush=True)
"""


def _module_of(func: Callable) -> tuple[str, str, str] | str:
    """Return (module, folder, name) for a function in a .py file, or a hint why not."""
    if not callable(func):
        return f"pass your function itself (robust_map), not {type(func).__name__}."
    module = getattr(func, "__module__", None)
    name = getattr(func, "__name__", "")
    if module == "__main__":
        return (f"{name} is defined in the notebook. Write it into my_robust.py with "
                "%%writefile, then `import my_robust` (or importlib.reload(my_robust)) and "
                "pass my_robust.robust_map: the checker, like a spawn worker, imports it.")
    file = getattr(sys.modules.get(module), "__file__", None)
    if not file or not name.isidentifier():
        return f"{name or func!r} must be a function defined with def in a .py file."
    return module, str(Path(file).resolve().parent), name


def robust_map_report(func: Callable, retries: int = 1, timeout: float = 5.0,
                      bound: float = ROBUST_BOUND) -> dict:
    """Run ``func(run_task, tasks, retries=..., timeout=...)`` in a fresh, bounded Python.

    Returns what happened as a dict: ``results`` and ``failed`` (keys as text), or
    ``raised``/``hung``/``not_module``/``type``, plus ``attempts`` per task value and
    ``seconds``. After ``bound`` seconds the script interrupts your function (Ctrl-C) and
    reports it as hung. Used by :func:`check_robust_map`.
    """
    bound = check_seconds(bound, "bound")
    where = _module_of(func)
    if isinstance(where, str):
        return {"not_module": where}
    module, folder, name = where
    script = _CHECK_SCRIPT.format(folder=folder, module=module, name=name, tasks=ROBUST_TASKS,
                                  bound=bound, retries=retries, timeout=timeout)
    try:
        done = run_script(script, timeout=bound + 20, name="check_robust_map.py")
    except TimeoutError:
        return {"hung": True}
    for line in done.stdout.splitlines():
        if line.startswith("REPORT "):
            return json.loads(line[len("REPORT "):])
    tail = (done.stderr.strip().splitlines() or ["(nothing)"])[-1]
    return {"raised": f"the check could not run your function: {tail}"}


def check_robust_map(func: Callable, retries: int = 1, timeout: float = 5.0,
                     bound: float = ROBUST_BOUND) -> Verdict:
    """Exercise 1: a map that runs every task, retries failures, survives crashes, never hangs.

    Your ``func(task_function, items, retries=..., timeout=...)`` must return
    ``(results, failed)``: two dicts keyed by each item's index in ``items``, ``results``
    with the value of every task that worked, ``failed`` with an error for every task
    that still failed after ``retries`` more attempts. The checker's 8 tasks square their
    number; one raises every time, one fails once then works, one crashes its worker
    and one hangs. ``bound``: seconds your function gets before it counts as hanging.
    """
    title = "Exercise 1: a robust map"
    r = robust_map_report(func, retries, timeout, bound)
    good = {str(v): v * v for v, f in ROBUST_TASKS if f in (None, "flaky")}
    bad = {str(v) for v, f in ROBUST_TASKS if f in ("raise", "crash", "hang")}
    tries = r.get("attempts", {})
    if "not_module" in r:
        return report(title, [(False, "", r["not_module"])])
    if r.get("hung"):
        return report(title, [(False, "", (
            f"your map had not returned after {bound:g} s. A crashed worker's task "
            "never comes back to Pool.map, and a hanging task never ends: wait for each "
            "result with a timeout (get(timeout=...), result(timeout=...), wait(..., "
            "timeout=...)), and stop the pool's workers when you give up on them."))])
    if "raised" in r:
        return report(title, [(False, "", (
            f"your map raised {r['raised']}. Catch the errors of the tasks (and "
            "BrokenProcessPool, TimeoutError) and put those tasks into `failed`, so one "
            "bad task cannot stop the rest."))])
    if "results" not in r:
        return report(title, [(False, "", (
            f"return two dicts, (results, failed), not a {r.get('type')}; and return "
            "them, do not print them."))])
    results, failed = r["results"], r["failed"]
    checks = []
    if not results and not failed:
        hint = ("results and failed are both empty: submit one task per item to a pool and "
                "collect each outcome.")
    else:
        wrong = sorted((k for k in good if results.get(k) != good[k]), key=int)
        lost = [k for k in wrong if k in failed and k != "5"]
        if lost:
            hint = (f"tasks {', '.join(lost)} never failed themselves, yet they are in "
                    "failed. When a worker crashes, a ProcessPoolExecutor fails every "
                    "pending future with BrokenProcessPool: run those again in a fresh "
                    "pool without counting it as their attempt (or use a Pool, where a "
                    "crash loses only the task that crashed). If you do, your machine was "
                    "too busy for the timeout: run the check again.")
        elif "5" in wrong:
            hint = ("task 5 fails once, then works: retry a failed task (up to retries "
                    "more times) before you report it.")
        else:
            hint = (f"results should map each index to its value squared; got {results} "
                    "for tasks " + ", ".join(wrong) + ".")
    checks.append((all(results.get(k) == v for k, v in good.items()),
                   "every task that can work is in results, with its value", hint))
    missing = sorted(bad - set(failed), key=int)
    names = {"1": "crashes its worker", "3": "always raises", "6": "hangs"}
    checks.append((not missing and not (set(failed) - bad),
                   "the tasks that crash, raise and hang are reported in failed",
                   "failed should hold indices 1, 3 and 6; missing: " + ", ".join(
                       f"{k} ({names[k]})" for k in missing) if missing else
                   "failed should hold only the tasks that kept failing: indices 1, 3, 6."))
    raised = tries.get("3", 0)
    checks.append((raised == retries + 1,
                   f"the task that always raises ran {retries + 1} times "
                   f"(1 try and {retries} more)",
                   f"the task that always raises ran {raised} time(s), not {retries + 1}: "
                   f"try each failing task once, then up to retries={retries} more times."))
    return report(title, checks)


# ---------------------------------------------------------------- exercise 2

_NAMES = re.compile(r"(Fork|Spawn|Forkserver)PoolWorker-\d+|Process-\d+|pid \d+|\b\d{3,}\b")


def check_worker_logging(init_worker: Callable, work: Callable, fmt: object,
                         items: Sequence[int] = tuple(range(6))) -> Verdict:
    """Exercise 2: logging from workers, every line naming its worker.

    Runs a pool of 2 workers with ``initializer=init_worker, initargs=(queue,)`` over
    ``items`` with ``work``; a ``QueueListener`` here writes each record with
    ``logging.Formatter(fmt)``. Every item should give one line, and every line should
    name the worker process that wrote it.
    """
    title = "Exercise 2: logging from workers"
    for f, what in ((init_worker, "init_worker"), (work, "work")):
        if getattr(f, "__module__", None) == "__main__":
            return report(title, [(False, "", (
                f"{what} is defined in the notebook: put it in my_logging.py (%%writefile) "
                "so that every start method's workers can import it."))])
    if not isinstance(fmt, str) or "%(message)s" not in fmt:
        return report(title, [(False, "", (
            "fmt should be a format string with %(message)s in it, for example "
            "'%(message)s'. Then add the attribute that names the process."))])
    ctx = get_context()
    queue = ctx.Queue()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(fmt))
    listener = logging.handlers.QueueListener(queue, handler)
    listener.start()
    error = None
    try:
        with ctx.Pool(2, initializer=init_worker, initargs=(queue,)) as pool:
            pool.map_async(work, items, chunksize=1).get(60)  # bounded: a checker must end
            pool.close()  # the workers exit normally, after sending every record; leaving
            pool.join()  # `with` would terminate them, maybe in the middle of one
    except Exception as err:  # noqa: BLE001 (the learner's code may raise anything)
        error = f"{type(err).__name__}: {err}"
    finally:
        # A worker terminated while it sent a record leaves the queue unreadable, and
        # listener.stop() would wait forever: bound it, and then do not wait for the queue.
        stopped = call_within(listener.stop, timeout=10).finished
        queue.close()
        if stopped:
            queue.join_thread()
        else:
            queue.cancel_join_thread()
    lines = [line for line in stream.getvalue().splitlines() if line.strip()]
    print("lines the listener wrote:")
    for line in lines[:12]:
        print("   ", line)
    if error:
        return report(title, [(False, "", (
            f"the pool failed: {error}. init_worker(queue) runs once in each worker; "
            "work(x) runs for each item."))])
    if not lines:
        hint = ("no line reached the listener. In init_worker, add a "
                "logging.handlers.QueueHandler(queue) to the root logger and set its level "
                "to INFO: a new process logs only WARNING and above, to nowhere you see.")
    elif len(lines) > len(items):
        hint = (f"{len(lines)} lines for {len(items)} items: a handler was added more than "
                "once (in work, or to both a logger and the root?). Add it once, in "
                "init_worker.")
    else:
        hint = (f"{len(lines)} lines for {len(items)} items: does work log one line per item "
                "at INFO, and does init_worker set the level to INFO?")
    named = [line for line in lines if _NAMES.search(line)]
    return report(title, [
        (len(lines) == len(items), f"one line per item ({len(items)})", hint),
        (bool(lines) and len(named) == len(lines), "every line names the worker that wrote it",
         "add the worker's name to fmt: LogRecord has %(processName)s (and %(process)d, "
         "its pid)."),
    ])


# ---------------------------------------------------------------- exercise 3

def check_timeout(timeout: object, durations: Sequence[float]) -> Verdict:
    """Exercise 3: a timeout for one task, chosen from measured task times.

    A good timeout lets every measured task finish with room to spare (a busy machine
    runs them slower) and still gives up on a hung task soon: here, from twice the
    slowest measured task up to ten times it.
    """
    title = "Exercise 3: choosing a timeout"
    durations = sorted(float(d) for d in durations)
    if not durations:
        raise ValueError("durations must hold the measured task times (seconds)")
    slowest = durations[-1]
    median = durations[len(durations) // 2]
    low, high = 2 * slowest, 10 * slowest
    if timeout is None or timeout is ...:
        hint = "set my_timeout to a number of seconds, computed from durations."
    elif not _is_number(timeout) or not math.isfinite(timeout) or timeout <= 0:
        hint = f"a timeout is a positive number of seconds, not {timeout!r}."
    elif timeout < slowest:
        cut = sum(d > timeout for d in durations)
        hint = (f"{cut} of the {len(durations)} measured tasks take longer than "
                f"{timeout:.3g} s: they would be stopped although they were fine. Start from "
                "the slowest, not the average.")
    elif timeout < low:
        hint = (f"{timeout:.3g} s leaves almost no room over the slowest task "
                f"({slowest:.3g} s). On a busy machine (or Binder's 1 CPU) tasks run slower: "
                "give a margin, a small multiple of the slowest.")
    elif timeout > high:
        hint = (f"{timeout:.3g} s is more than 10 times the slowest task: a hung worker "
                f"would keep you waiting that long, while no healthy task takes more than "
                f"{slowest:.3g} s.")
    else:
        hint = ""
    ok = _is_number(timeout) and low <= timeout <= high
    return report(title, [(ok, f"{timeout} s lets the slowest task ({slowest:.3g} s) finish "
                               f"with room, and gives up on a hang soon (median task "
                               f"{median:.3g} s)" if ok else "", hint)])
