"""Checkers for notebook 02 (processes): named processes, exit codes, stopping a process, and
the learner's own worker module run in their own processes (exercise 3)."""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from multiprocessing.process import BaseProcess

from helpers.checks import Verdict, _is_number, call_within, report
from helpers.system import get_context
from helpers.workers import io_task, stubborn_sleep

_PID = re.compile(r"process (\d+)")


def _state(p: BaseProcess) -> str:
    """Return 'closed', 'not started', 'running' or 'finished' for a Process."""
    if getattr(p, "_closed", False):
        return "closed"  # close() only succeeds on a process that has finished
    if p.pid is None:
        return "not started"
    return "running" if p.is_alive() else "finished"


def check_named_processes(
    processes: Sequence, messages: Sequence, names: Sequence[str] = ("A", "B", "C")
) -> Verdict:
    """Exercise 1: one started, joined Process per name, and one message from each.

    ``processes`` are the Process objects; ``messages`` the strings read from the queue.
    """
    title = "Exercise 1: one process per name, started, joined, each reporting back"
    names = list(names)
    procs = list(processes) if isinstance(processes, list | tuple) else []
    are_processes = bool(procs) and all(isinstance(p, BaseProcess) for p in procs)
    states = [_state(p) for p in procs] if are_processes else []
    codes = [p.exitcode for p, s in zip(procs, states, strict=True) if s == "finished"]
    msgs = [m for m in messages if isinstance(m, str)] if isinstance(messages, list | tuple) else []
    pids = [int(found.group(1)) for m in msgs if (found := _PID.search(m))]
    named = sorted(n for m in msgs for n in names if m.startswith(f"Task {n} "))
    checks = [
        (len(procs) == len(names) and are_processes,
         f"{len(names)} Process objects, one per name",
         f"make one ctx.Process per name, with target=named_task, and append each to the "
         f"list `processes` (you have {len(procs)} item(s), names has {len(names)})."),
        ("not started" not in states, "every process was started",
         "call p.start() on each process: creating a Process does not run it "
         "(and p.run() would run it here, in the notebook's own process)."),
        ("running" not in states, "every process has finished (joined)",
         "call p.join(timeout=10) on each process after starting all of them, so you wait "
         "until they are done."),
        (all(c == 0 for c in codes), "every process ended with exit code 0",
         f"a process failed (exit codes {codes}). Check args: it must be a tuple, "
         "args=(name, out); note that (name) without a comma is just name."),
        (len(msgs) == len(names), f"{len(names)} messages read from the queue",
         f"read one message per process: messages = [out.get(timeout=10) for _ in names] "
         f"(you have {len(msgs)})."),
        (named == sorted(names), "each name reported exactly once",
         f"each process should run named_task with its own name; the messages name "
         f"{named or 'nobody'} but names is {names}."),
        (len(pids) == len(names) and os.getpid() not in pids,
         "every message came from a child process",
         "a message came from the notebook's own process: call p.start(), not "
         "named_task(...) or p.run() directly."),
        (len(set(pids)) == len(pids), "each message came from a different process",
         "two messages came from the same process: give each name its own Process."),
    ]
    first_failure = next((i for i, (ok, _, _) in enumerate(checks) if not ok), len(checks))
    return report(title, checks[: first_failure + 1])  # later checks would pass vacuously


def expected_exitcodes() -> dict[str, int]:
    """Return the exit code of a child process in each situation, on this platform."""
    kill = getattr(signal, "SIGKILL", signal.SIGTERM)  # on Windows kill() is terminate()
    return {
        "returns normally": 0,
        "raises an exception": 1,
        "calls sys.exit(3)": 3,
        "is terminated": -int(signal.SIGTERM),
        "is killed": -int(kill),
    }


def _exitcode_hint(case: str, guess: object, right: int) -> str:
    if not _is_number(guess) or guess != int(guess):
        return f"{case!r}: write a whole number (an exit code), not {guess!r}."
    if right < 0 and guess == -right:
        return (f"{case!r}: a process stopped by a signal has a negative exit code: "
                "minus the signal's number.")
    if case == "is killed" and right != -signal.SIGTERM and guess == -signal.SIGTERM:
        return ("'is killed': kill() sends SIGKILL (number 9), not SIGTERM (15); "
                "SIGKILL cannot be ignored.")
    if case == "is terminated" and right != -9 and guess == -9:
        return "'is terminated': terminate() sends SIGTERM (number 15); kill() sends SIGKILL."
    hints = {
        "returns normally": "a process whose function returns ends with 0, meaning success.",
        "raises an exception": "an exception nobody catches ends the child with exit code 1.",
        "calls sys.exit(3)": "sys.exit(n) ends the process with exit code n.",
        "is terminated": "terminate() sends the signal SIGTERM (number 15); a process ended "
                         "by a signal has exit code minus that number.",
        "is killed": "kill() sends the signal SIGKILL (number 9); a process ended by a "
                     "signal has exit code minus that number.",
    }
    return f"{case!r}: {hints[case]}"


def check_exitcodes(predicted: Mapping[str, object]) -> Verdict:
    """Predict, then measure: a child's exit code in each situation."""
    right = expected_exitcodes()
    if not isinstance(predicted, Mapping):
        return report("Your prediction: exit codes", [
            (False, "", "predicted must be a dict from each situation to an exit code.")])
    checks = []
    for case, code in right.items():
        guess = predicted.get(case)
        ok = _is_number(guess) and guess == code
        checks.append((ok, f"{case}: exit code {code}", _exitcode_hint(case, guess, code)))
    return report("Your prediction: exit codes", checks)


def _cleanup(p: BaseProcess) -> None:
    if not getattr(p, "_closed", False) and p.pid is not None and p.is_alive():
        p.kill()
        p.join(5)


def _try_stop(stop: Callable, target: Callable, limit: float) -> dict[str, object]:
    """Start ``target`` in a child, wait until it runs, call ``stop`` on it; say what happened."""
    ctx = get_context()
    ready = ctx.Event()
    args = (30.0, ready) if target is stubborn_sleep else (30.0,)
    p = ctx.Process(target=target, args=args, name=target.__name__)
    p.start()
    try:
        if target is stubborn_sleep:
            ready.wait(30)  # stop() must meet a process that really ignores SIGTERM
        else:
            time.sleep(0.2)
        call = call_within(stop, (p,), limit)
        in_time, outcome, seconds = call.finished, call.outcome, call.seconds
        closed = getattr(p, "_closed", False)
        alive = False if closed else p.is_alive()
        code = None if closed else p.exitcode
    finally:
        _cleanup(p)  # unblocks a join() that had no timeout
    return {"in_time": in_time, "outcome": outcome, "seconds": seconds, "alive": alive,
            "exitcode": code, "closed": closed}


def check_stop(stop: object, limit: float = 10.0) -> Verdict:
    """Exercise 2: ``stop(p)`` must end any process within a few seconds and return its exit code.

    The checker tries it on a process that sleeps (terminate() stops it) and on one that
    ignores terminate() (only kill() stops it). ``limit`` is the seconds stop() may take.
    """
    title = "Exercise 2: stop any process, politely first"
    if not callable(stop):
        return report(title, [(False, "", "pass your function itself: check_stop(stop).")])
    polite = _try_stop(stop, io_task, limit)
    checks = _stop_checks(polite, "a sleeping process", limit, stubborn=False)
    if all(ok for ok, _, _ in checks):
        stubborn = _try_stop(stop, stubborn_sleep, limit)
        checks += _stop_checks(stubborn, "a process that ignores terminate()", limit,
                               stubborn=True)
        if sys.platform != "win32":
            checks.append((
                _exitcode_seen(polite) == -signal.SIGTERM,
                "it asks politely first: the sleeping process ended by terminate()",
                "call p.terminate() first and give the process a moment (join with a timeout) "
                "to clean up; keep kill() for a process that does not stop.",
            ))
    return report(title, checks)


def _exitcode_seen(seen: dict) -> object:
    """The exit code the process ended with.

    After ``p.close()`` (which 02 teaches as the last step) the Process object can no longer
    say; the checker then takes the code stop() returned, which the checks before this one
    have already compared with what they could see.
    """
    return seen["outcome"] if seen["closed"] else seen["exitcode"]


def _stop_checks(
    seen: dict, what: str, limit: float, stubborn: bool
) -> list[tuple[bool, str, str]]:
    outcome = seen["outcome"]
    raised = isinstance(outcome, Exception)
    if stubborn:
        still_running = (
            f"{what} is still running after stop(): terminate() only asks (SIGTERM) and a "
            "process may ignore it. If p.is_alive() after p.join(timeout=1), call p.kill() "
            "and join again.")
    else:
        still_running = (
            f"{what} was still running when stop() returned: a signal takes a moment to "
            "work. After p.terminate(), wait for the end with p.join(timeout=1); join also "
            "sets p.exitcode.")
    return [
        (seen["in_time"], f"stop() returned within {limit:g} s for {what}",
         f"stop() was still waiting after {limit:g} s for {what}: p.join() with no timeout "
         "waits forever if the process does not stop. Use p.join(timeout=1), then check "
         "p.is_alive()."),
        (not raised, f"stop() raised no error for {what}",
         f"stop() raised {type(outcome).__name__}: {outcome}"),
        (not seen["alive"], f"{what} is stopped", still_running),
        (_is_number(outcome) and (seen["closed"] or outcome == seen["exitcode"]) and outcome < 0,
         f"stop() returned the exit code of {what}",
         "return p.exitcode after joining: it is None until the process has ended and "
         "been joined, and negative when a signal ended it."
         + (f" (stop() returned {outcome!r})" if not raised else "")),
    ]


# --- Exercise 3: your own worker module, your own processes ---------------------------------

#: The chunks exercise 3's checker hands to the learner's function.
MY_CHUNKS = tuple(range(i * 20_000, (i + 1) * 20_000) for i in range(4))


def _sum_of_squares(numbers: range) -> int:
    return sum(n * n for n in numbers)


def _try_worker(worker: Callable) -> tuple[list, str, BaseException | None]:
    """Call ``worker(range(10), out)`` here, in the notebook's process, with a plain queue.

    Return what it put in the queue, what it printed, and the error it raised (or None).
    """
    import contextlib
    import io
    import queue

    out: queue.Queue = queue.Queue()
    printed = io.StringIO()
    error = None
    try:
        with contextlib.redirect_stdout(printed):
            worker(range(10), out)
    except Exception as err:  # report the learner's error, do not raise it
        error = err
    sent = []
    while not out.empty():
        sent.append(out.get_nowait())
    return sent, printed.getvalue(), error


def _worker_checks(worker: Callable) -> list[tuple[bool, str, str]]:
    """The checks on the worker alone: in a module, and sending one right total back."""
    name = getattr(worker, "__name__", "your worker")
    module = getattr(worker, "__module__", None)
    works_here = " (It happens to work under fork, which copies the notebook.)"
    checks = [(
        module != "__main__",
        f"{name} lives in the module {module}, where a child can import it",
        f"{name} is defined in the notebook. Under spawn and forkserver a child looks a "
        "function up by its module and name, and it cannot import the notebook: put it in "
        f"my_worker.py with %%writefile, then use my_worker.{name}."
        + (works_here if get_context().get_start_method() == "fork" else ""),
    )]
    sent, printed, error = _try_worker(worker)
    right = _sum_of_squares(range(10))
    if error is not None:
        hint = f"{name}(range(10), out) raised {type(error).__name__}: {error}"
    elif not sent and printed:
        hint = (f"{name} prints its total. A child's print may never reach the notebook, and "
                "the parent cannot compute with printed text: send the total to the parent "
                "through the queue it gets, with out.put(...).")
    elif not sent:
        hint = f"{name} sends nothing back: it must put its total in the queue `out`."
    elif len(sent) > 1:
        hint = f"{name} sent {len(sent)} values for one range; send one: the total."
    else:
        hint = (f"for range(10), {name} sent {sent[0]!r}; the sum of n * n for n in "
                f"range(10) is {right}.")
    checks.append((error is None and sent == [right],
                   f"{name}(range(10), out) sends {right} through out", hint))
    return checks


def _call_parallel(parallel: Callable, chunks: Sequence[range], limit: float):
    """Call ``parallel(chunks)`` in a thread; kill the children it left if it does not return.

    Return (finished in time, its result or error).
    """
    import multiprocessing

    before = {p.pid for p in multiprocessing.active_children()}
    call = call_within(parallel, (list(chunks),), limit)
    in_time, outcome = call.finished, call.outcome
    if not in_time:  # a get() or join() without a timeout: stop the children it waits for
        for p in multiprocessing.active_children():
            if p.pid not in before:
                p.kill()
                p.join(5)
    return in_time, outcome


def _joined(p: BaseProcess) -> bool:
    """Whether the parent has waited for ``p`` (join, or is_alive/exitcode after its end).

    No public attribute says so without waiting for it right now, so this reads the private
    ``_popen.returncode``, which stays None until the parent has collected the exit code.
    """
    if getattr(p, "_closed", False):
        return True
    popen = getattr(p, "_popen", None)
    return popen is not None and getattr(popen, "returncode", None) is not None


def _parallel_checks(outcome: object, chunks: Sequence[range],
                     name: str) -> list[tuple[bool, str, str]]:
    """The checks on what the learner's function returned: processes, joined, totals."""
    import queue

    if isinstance(outcome, TypeError) and "not iterable" in str(outcome):
        return [(False, "", f"{type(outcome).__name__}: {outcome}. args must be a tuple: "
                 "(x) without a comma is just x, and (x,) is a tuple of one.")]
    if isinstance(outcome, queue.Empty):
        return [(False, "", "out.get() found no total in time: a child failed or sent "
                 "nothing. Did you start every process, and is args a tuple in the order "
                 "of the worker's parameters?")]
    if isinstance(outcome, Exception):
        return [(False, "", f"your function raised {type(outcome).__name__}: {outcome}")]
    if not (isinstance(outcome, tuple) and len(outcome) == 2):
        return [(False, "", "end your function with `return totals, processes`.")]
    totals, procs = outcome
    procs = list(procs) if isinstance(procs, list | tuple) else []
    are_processes = bool(procs) and all(isinstance(p, BaseProcess) for p in procs)
    joined = are_processes and all(_joined(p) for p in procs)  # before anything else waits
    started = are_processes and all(_state(p) != "not started" for p in procs)
    codes = [p.exitcode for p in procs if _state(p) == "finished"] if started else []
    totals = list(totals) if isinstance(totals, list | tuple) else []
    right = sorted(_sum_of_squares(c) for c in chunks)
    checks = [
        (are_processes and len(procs) == len(chunks),
         f"{len(chunks)} processes for {len(chunks)} chunks",
         f"make one ctx.Process per chunk and keep them in `processes` (you returned "
         f"{len(procs)} for {len(chunks)} chunks)."),
        (started, "every process was started",
         "call p.start() on each process: creating a Process does not run it."),
        (joined, "you joined every process",
         "join each process after reading the totals, p.join(timeout=10): join waits for "
         "the end and collects the exit code, so no finished child is left as a zombie."),
        (all(c == 0 for c in codes), "every process ended with exit code 0",
         f"a process failed (exit codes {codes}). If its error says it got the wrong number "
         "of arguments, check args: a tuple, args=(chunk, out)."),
        (bool(totals), "you read the totals from the queue",
         "read one total per process from the queue: out.get(timeout=10), once per process, "
         "before joining."),
        (sorted(totals) == right if all(_is_number(t) for t in totals) else False,
         f"the totals are right: their sum is {sum(right)}",
         f"{name} returned {len(totals)} totals for {len(chunks)} chunks; "
         "expected one sum of squares per chunk."),
    ]
    first_failure = next((i for i, (ok, _, _) in enumerate(checks) if not ok), len(checks))
    return checks[: first_failure + 1]


def check_my_processes(parallel: object, worker: object, limit: float = 60.0) -> Verdict:
    """Exercise 3: your worker in your module, run in processes you start and join yourself.

    ``worker(numbers, out)`` must put ``sum(n * n for n in numbers)`` in the queue ``out``;
    ``parallel(chunks)`` must start one process per chunk running ``worker``, read the
    totals, join the processes, and return ``(totals, processes)``. The checker first calls
    ``worker`` here, in this process, then runs ``parallel`` on 4 chunks, for at most
    ``limit`` seconds, and looks at what it returned.
    """
    title = "Exercise 3: your own worker module, your own processes"
    if not callable(parallel) or not callable(worker):
        return report(title, [(False, "", "pass your two functions: "
                                          "check_my_processes(sum_in_processes, "
                                          "my_worker.sum_of_squares).")])
    checks = _worker_checks(worker)
    if all(ok for ok, _, _ in checks):
        name = getattr(parallel, "__name__", "your function")
        in_time, outcome = _call_parallel(parallel, MY_CHUNKS, limit)
        if in_time:
            checks += _parallel_checks(outcome, MY_CHUNKS, name)
        else:
            checks.append((False, "", f"{name} was still waiting after {limit:g} s: a get() "
                           "or join() without a timeout waits forever when a child fails or "
                           "sends nothing. Give each one a timeout, e.g. out.get(timeout=10)."))
    return report(title, checks)
