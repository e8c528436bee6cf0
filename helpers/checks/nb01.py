"""Checkers for notebook 01 (processes vs threads): threads or processes, and the downloads."""

from __future__ import annotations

import math

from helpers.checks import Verdict, report
from helpers.parallel import run
from helpers.timing import Timing, measure
from helpers.workers import io_task

#: How many times faster than one page at a time exercise 2 asks for.
IO_TARGET = 5


#: Exercise 1's jobs, each with the tool that fits it and why.
JOBS = {
    "resize 2,000 photos with a loop written in pure Python": (
        "processes", "this job computes in Python code, and a thread running Python code holds "
                     "the GIL: only processes put several CPUs to work on it."),
    "download 200 web pages": (
        "threads", "this job mostly waits for the network, and a waiting thread lets go of "
                   "the GIL: threads overlap the waits at a thread's small cost."),
    "compute the SHA-256 of 50 large files already read into memory, with hashlib": (
        "threads", "hashlib lets go of the GIL while it hashes 2 KiB or more (its "
                   "documentation says so), so threads hash in parallel here, without the "
                   "cost of copying the files to other processes."),
    "ask a database 500 questions, one after the other, each reply taking 20 ms": (
        "threads", "this job waits for the database's replies: a waiting thread lets go of "
                   "the GIL."),
    "count the words of 100 texts already in memory, in pure Python": (
        "processes", "counting words in Python code holds the GIL: threads would take turns."),
}


HINT = "Ask: does it run Python code all the time, or does it mostly wait?"
HINTS = {
    "compute the SHA-256 of 50 large files already read into memory, with hashlib":
        "It computes, but where: in Python code, or in C code that may let go of the GIL? "
        "Read 'Why: the GIL' again, then the hashlib documentation on threads.",
}


def check_threads_or_processes(answers: object) -> Verdict:
    """Exercise 1: for each job in :data:`JOBS`, "threads" or "processes"?"""
    title = "Exercise 1: threads or processes?"
    if not isinstance(answers, dict):
        return report(title, [(False, "", "answers must be the dict of the starter, with "
                                          "'threads' or 'processes' for each job.")])
    checks = []
    for job, (right, why) in JOBS.items():
        given = answers.get(job)
        word = given.strip().lower() if isinstance(given, str) else given
        if given is None or given is Ellipsis or word in ("", "..."):
            hint = f"{job!r}: replace the ... with 'threads' or 'processes'."
        elif word not in ("threads", "processes"):
            hint = f"{job!r}: write 'threads' or 'processes', not {given!r}."
        else:
            hint = f"{job!r}: not {word}. {HINTS.get(job, HINT)}"
        checks.append((word == right, f"{job}: {right}, because {why}", hint))
    return report(title, checks)


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
