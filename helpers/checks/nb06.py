"""Checkers for the exercises of 06_communication.

- :func:`check_pipeline`: the learner's producer/consumer module, run in a fresh Python
  (so that a hang or a leftover process can never reach the notebook), counted;
- :func:`check_gather`: the fixed join-before-get snippet, run with a bound, and the
  learner's explanation;
- :func:`check_channel_choice`: a channel chosen for each job, judged with the learner's
  own measurements.

Each prints what is right and a hint for the first thing that is not yet right, and
returns a :class:`helpers.checks.Verdict`; none raises on a wrong answer.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from collections import Counter
from pathlib import Path
from types import ModuleType

from helpers.checks import Verdict, call_within, report
from helpers.messaging import CHANNELS, Report, Throughput, size_text
from helpers.parallel import check_seconds
from helpers.scripts import run_script
from helpers.system import get_context

# --- Exercise 1: a producer and two consumers, in the learner's module ----------------------

#: The script the checker runs in a fresh Python: it imports the learner's module, calls
#: run_pipeline in a thread and reports, as one JSON line, what came back, or, if the call
#: has not returned within __LIMIT__ seconds, the line of the module it was waiting at.
_PIPELINE_SCRIPT = '''
import json, os, sys, threading, traceback
sys.path.insert(0, __FOLDER__)
import multiprocessing
from helpers.system import get_context

MARK = "@@check@@"


def say(**facts):
    print(MARK + json.dumps(facts), flush=True)


def main():
    import __MODULE__ as learner
    box = {}

    def call():
        try:
            box["value"] = learner.run_pipeline(list(range(__N__)), get_context())
        except BaseException as err:
            box["error"] = "".join(traceback.format_exception_only(err)).strip()

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(__LIMIT__)
    alive = [p.exitcode is None for p in multiprocessing.active_children()]
    if thread.is_alive():
        frame, where = sys._current_frames().get(thread.ident), None
        while frame is not None:
            if frame.f_code.co_filename.endswith("__MODULE__.py"):
                where = where or [frame.f_lineno, frame.f_code.co_name]
            frame = frame.f_back
        import linecache
        path = os.path.join(__FOLDER__, "__MODULE__.py")
        line = linecache.getline(path, where[0]).strip() if where else ""
        say(hung=True, where=where, line=line, alive=len(alive))
    elif "error" in box:
        say(error=box["error"])
    else:
        value = box.get("value")
        try:
            results, processes = value
            results = [list(r) if isinstance(r, (tuple, list)) else repr(r) for r in results]
            procs = []
            for p in processes:
                started = p.pid is not None
                procs.append({"started": started, "alive": started and p.is_alive(),
                              "exitcode": p.exitcode, "pid": p.pid,
                              "is_process": isinstance(p, multiprocessing.process.BaseProcess)})
            others = [c.pid for c in multiprocessing.active_children()
                      if c.pid not in {q["pid"] for q in procs}]
            say(results=results, processes=procs, others=others, me=os.getpid())
        except Exception as err:
            say(shape=repr(type(value).__name__), detail=str(err))
    for child in multiprocessing.active_children():
        child.kill()
    os._exit(0)


if __name__ == "__main__":
    main()
'''


def _run_learner_pipeline(module: ModuleType, n: int, limit: float) -> dict:
    """Run ``module.run_pipeline(list(range(n)), ctx)`` in a fresh Python; return its report."""
    path = Path(module.__file__).resolve()
    text = (_PIPELINE_SCRIPT.replace("__FOLDER__", repr(str(path.parent)))
            .replace("__MODULE__", path.stem).replace("__LIMIT__", repr(limit))
            .replace("__N__", str(n)))
    try:
        done = run_script(text, timeout=limit + 60, name="check_pipeline.py")
    except TimeoutError as err:
        return {"hung": True, "where": None, "line": "", "alive": -1, "detail": str(err)}
    for line in done.stdout.splitlines():
        if line.startswith("@@check@@"):
            return json.loads(line[len("@@check@@"):])
    tail = (done.stderr.strip().splitlines() or ["(nothing printed)"])[-1]
    return {"error": f"the module could not be run: {tail}"}


def check_pipeline(module: object, n: int = 40, consumers: int = 2, limit: float = 30.0
                   ) -> Verdict:
    """Exercise 1: run ``module.run_pipeline`` on ``range(n)`` and count what comes back.

    ``run_pipeline(numbers, ctx)`` must square every number in ``consumers`` consumer
    processes and return ``(results, processes)``: the ``(n, n * n)`` pairs and the consumer
    Process objects. The checker runs it in a fresh Python (with the course's start
    method), at most ``limit`` seconds, and checks that every number came back exactly
    once, that every consumer was started, ended by itself (exit code 0) and was joined,
    and that nothing else was left running.
    """
    title = f"Exercise 1: a producer and {consumers} consumers, every item exactly once"
    limit = check_seconds(limit, "limit")
    if not isinstance(module, ModuleType) or not getattr(module, "__file__", None):
        return report(title, [(False, "", "pass the module itself: `import my_pipeline`, "
                               "then check_pipeline(my_pipeline).")])
    if not callable(getattr(module, "run_pipeline", None)):
        return report(title, [(False, "", f"{Path(module.__file__).name} has no function "
                               "run_pipeline(numbers, ctx): write it in the %%writefile cell, "
                               "run that cell, then importlib.reload(my_pipeline).")])
    seen = _run_learner_pipeline(module, n, limit)
    if seen.get("hung"):
        where = (f" It was waiting at line {seen['where'][0]} of {Path(module.__file__).name}"
                 f" (in {seen['where'][1]}): `{seen['line']}`." if seen.get("where") else "")
        alive = seen.get("alive", 0)
        hint = (f"run_pipeline did not return within {limit:g} s.{where} "
                + (f"{alive} child process(es) were still running: a consumer that never "
                   "gets its own None waits forever, and a join() without a timeout waits "
                   "for it. Put one None per consumer, after the numbers. " if alive > 0 else "")
                + "Give every get() and join() a timeout.")
        return report(title, [(False, "", hint)])
    if "error" in seen:
        hint = f"run_pipeline raised {seen['error']}"
        if seen["error"].startswith(("Empty", "_queue.Empty", "queue.Empty")):
            hint += (". A get() waited in vain: no result came within its timeout. Do the "
                     "consumers start (args=(inbox, outbox), with the comma) and run without "
                     "an error, and do the numbers go in before the sentinels?")
        elif "not iterable" in seen["error"]:
            hint += ". args must be a tuple: args=(inbox, outbox); (inbox) alone is just inbox."
        return report(title, [(False, "", hint)])
    if "shape" in seen:
        return report(title, [(False, "", "run_pipeline must return two lists: "
                               f"`return results, processes` (it returned a {seen['shape']}).")])
    return report(title, _pipeline_checks(seen, n, consumers))


def _pipeline_checks(seen: dict, n: int, consumers: int) -> list[tuple[bool, str, str]]:
    procs, results = seen["processes"], seen["results"]
    pairs = [tuple(r) for r in results if isinstance(r, list) and len(r) == 2]
    counts = Counter(p[0] for p in pairs)
    wrong = [p for p in pairs if not (isinstance(p[0], int) and p[1] == p[0] * p[0])]
    missing = [x for x in range(n) if counts[x] == 0]
    twice = sorted(x for x, c in counts.items() if c > 1)
    codes = [p["exitcode"] for p in procs]
    checks = [
        (len(procs) == consumers and all(p["is_process"] for p in procs),
         f"{consumers} consumer processes returned",
         f"return the consumer Process objects as the second list, {consumers} of them "
         f"(you returned {len(procs)}): start them with ctx.Process(target=consume, "
         "args=(inbox, outbox))."),
        (all(p["started"] for p in procs), "every consumer was started",
         "call p.start() on each consumer: creating a Process does not run it."),
        (len(pairs) == len(results) and not wrong, "every result is a pair (n, n * n)",
         "each result should be the pair (n, n * n); "
         + (f"got {results[:3]}..." if results else "results is empty") + "."),
        (not missing, f"all {n} numbers came back",
         (f"{len(missing)} of {n} numbers have no result (for example {missing[:5]}). "
          "Read one result per number from the outbox (with a timeout) before you join; "
          "and put the sentinels after the numbers, not before.")
         if results else "results is empty: read one result per number from the outbox, "
         "with a timeout, and append it to results."),
        (not twice, "each number came back exactly once",
         f"numbers {twice[:5]} came back more than once: each consumer should put one "
         "result per number it takes, and you should read each result once."),
        (not any(p["alive"] for p in procs), "every consumer has ended",
         "a consumer was still running when run_pipeline returned: each consumer stops "
         "only at its own None, so put one None per consumer (not one in all), then join "
         "each consumer with a timeout."),
        (all(c == 0 for c in codes), "every consumer ended by itself (exit code 0)",
         f"the consumers' exit codes are {codes}: 1 means a consumer raised (its "
         "traceback is printed in the terminal or above); check args=(inbox, outbox) and "
         "that consume stops at None instead of computing None * None."),
        (not seen["others"], "no other process left running",
         f"{len(seen['others'])} other child process(es) were still running: join or stop "
         "every process you start."),
    ]
    first = next((i for i, (ok, _, _) in enumerate(checks) if not ok), len(checks))
    return checks[: first + 1]


# --- Exercise 2: the join-before-get deadlock, fixed ----------------------------------------

#: Words that show an explanation names what the child waits for and why it cannot end.
_WHY_PIPE = ("pipe", "buffer", "flush", "feeder", "full", "read", "drain", "get")
_WHY_END = ("exit", "end", "finish", "terminat", "wait", "block", "stuck", "hang")


def _first_calls(func) -> dict[str, int]:
    """Return the line of the first ``.join(...)`` and ``.get(...)`` call in ``func``'s source.

    Calls on a string (``", ".join``) are not counted. Empty if the source is not found.
    """
    import ast
    import inspect
    import textwrap

    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError):
        return {}
    found: dict[str, int] = {}
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute) and node.func.attr in ("join", "get")
             and not isinstance(node.func.value, ast.Constant)]
    for node in sorted(calls, key=lambda n: (n.lineno, n.col_offset)):
        found.setdefault(node.func.attr, node.lineno)
    return found


def _new_children(before: set[int]) -> list:
    return [p for p in multiprocessing.active_children() if p.pid not in before]


def _stop_new_children(before: set[int], seconds: float = 15.0) -> None:
    """Kill every process started since ``before`` and wait until none is left.

    The learner's thread may still be starting one when we look (on a busy machine), and it
    is often joining one at the same moment as we are (then either of us may reap it): so
    look again until none is left, or ``seconds`` have passed.
    """
    deadline = time.monotonic() + seconds
    while (stuck := _new_children(before)) and time.monotonic() < deadline:
        for p in stuck:
            p.kill()  # a join() without a timeout in the learner's thread then returns
        for p in stuck:
            p.join(max(0.0, min(1.0, deadline - time.monotonic())))
        time.sleep(0.05)


def check_gather(gather: object, why: object = None, parts=(0.4, 0.2, 0.0),
                 limit: float = 30.0) -> Verdict:
    """Exercise 2: ``gather(ctx, parts)`` must return every report, quickly, and join.

    ``gather`` starts one :func:`helpers.messaging.slow_report` process per part (the
    seconds it works before sending a 1 MB :class:`Report`) and returns the reports. The
    checker calls it with a bound of ``limit`` seconds, looks at how long each report
    waited in the pipe before it was read, checks that no process is left running, and
    reads ``why``, your one-sentence explanation.
    """
    title = "Exercise 2: take the results out, then join"
    if not callable(gather):
        return report(title, [(False, "", "pass your function itself: check_gather(gather, why).")])
    limit = check_seconds(limit, "limit")
    before = {p.pid for p in multiprocessing.active_children()}
    call = call_within(gather, (get_context(), list(parts)), limit)
    seconds = call.seconds
    if not call.finished:
        _stop_new_children(before)
        return report(title, [(False, "", f"gather did not return within {limit:g} s: a "
                               "join() without a timeout waits for a process that cannot end "
                               "until its report is read. Read first, then join.")])
    if call.error is not None:
        err = call.error
        hint = f"gather raised {type(err).__name__}: {err}"
        if type(err).__name__ == "Empty":
            hint += " (a get() timed out: did you read more reports than processes?)"
        return report(title, [(False, "", hint)])
    deadline = time.monotonic() + 2
    while _new_children(before) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = _new_children(before)
    for p in left:
        p.kill()
    value = call.result
    reports = [r for r in value if isinstance(r, Report)] if isinstance(value, list) else []
    waited = [r.waited for r in reports if r.waited is not None]
    worst = max(waited, default=0.0)
    got = sorted(r.seconds for r in reports)
    text = why.lower() if isinstance(why, str) else ""
    first = _first_calls(gather)
    join_first = "join" in first and first["join"] < first.get("get", first["join"] + 1)
    checks = [
        (got == sorted(parts), f"all {len(parts)} reports came back, once each",
         f"gather should return a list with one report per part ({len(parts)}); it returned "
         f"{len(reports)}. Read one report per process: [q.get(timeout=30) for p in procs]."),
        (not join_first, "gather reads before it joins",
         "gather still calls join() before get(): a process that has put a large report "
         "cannot end until the report is read. Read every report first, then join."),
        (worst < 1.0, f"no report waited in the pipe (the longest wait: {worst:.2f} s)",
         f"a report waited {worst:.1f} s in the pipe after its worker sent it (gather took "
         f"{seconds:.1f} s): your code was in a join() meanwhile, waiting for a process that "
         "cannot end before its report is read. Read every report first, then join: "
         "`q.get()` then `p.join()` for one process is not enough, because the report you "
         "get may come from another process."),
        (not left, "every process had ended when gather returned",
         f"{len(left)} process(es) were still running when gather returned: after reading "
         "the reports, join each process with a timeout."),
        (any(w in text for w in _WHY_PIPE) and any(w in text for w in _WHY_END),
         "your explanation names what the child waits for",
         "write in `why`, in one sentence, what a child that has put a large message waits "
         "for before it can exit (think of the pipe, and of who reads it)."),
    ]
    first = next((i for i, (ok, _, _) in enumerate(checks) if not ok), len(checks))
    return report(title, checks[: first + 1])


# --- Exercise 3: the right channel for each job ---------------------------------------------

#: The two jobs of exercise 3: (what, message size in bytes, number of messages).
JOBS = {"many_small": ("log lines from a worker to a collector", 100, 100_000),
        "few_large": ("NumPy arrays from a reader to a worker", 10_000_000, 20)}


def _job_line(result: Throughput, size: int, count: int) -> str:
    parts = [f"{c} {count / result.per_second(c, size):.2f} s" for c in result.channels]
    return ", ".join(parts)


def check_channel_choice(result: object, many_small: object, few_large: object) -> Verdict:
    """Exercise 3: pick a channel for each job in :data:`JOBS`, from ``result``'s numbers.

    A pick passes if it is the fastest at the job's message size, or if its range of
    rounds overlaps the fastest one's (the difference is not resolved). The verdict
    says, with your own numbers, how long each channel would take for the job.
    """
    title = "Exercise 3: the channel for each job, from your own measurements"
    if not isinstance(result, Throughput):
        return report(title, [(False, "", "pass the measurement of section 5 first: "
                               "check_channel_choice(throughput, many_small, few_large).")])
    checks = []
    for key, pick in (("many_small", many_small), ("few_large", few_large)):
        what, size, count = JOBS[key]
        at = result.nearest_size(size)
        best = result.fastest(at)
        times = _job_line(result, at, count)
        if pick is None or pick is Ellipsis:
            checks.append((False, "", f"set `{key}` to the name of a channel, one of "
                           f"{result.channels}."))
            continue
        if pick not in result.channels:
            checks.append((False, "", f"`{key}` must name one of {result.channels}, as a "
                           f"string, not {pick!r}."))
            continue
        ok = pick == best or not result.resolved(pick, best, at)
        note = ("" if pick == best else
                f" ({best} was faster, but the ranges of rounds overlap: not resolved)")
        ratio = result.per_second(best, at) / result.per_second(pick, at)
        hint = (f"for {count:,} {what} ({size_text(size)} each), your chart at "
                f"{size_text(at)} says: {times}. {pick} is "
                f"{ratio:.3g} times slower than {best}"
                + ("; every put and get of a Manager queue is a round trip to the manager "
                   "process." if pick == "Manager queue" else "."))
        right = f"{count:,} {what}: {pick}{note}; with your numbers: {times}"
        if key == "few_large" and ok:
            right += (". Better still for arrays: shared memory (notebook 05), where only a "
                      "name travels")
        checks.append((ok, right, hint))
    return report(title, checks)


__all__ = ["CHANNELS", "JOBS", "check_channel_choice", "check_gather", "check_pipeline"]
