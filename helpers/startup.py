"""Starting a process: what each start method costs, and what can go wrong with fork.

A new process is made in one of three ways (the *start method*):

- ``fork``: copy the parent process, memory and all. Fast, but the copy has only the
  thread that forked: a lock held by any other thread stays locked in the child forever.
- ``spawn``: start a fresh Python, import the modules it needs, receive the function
  and its arguments by pickle. Slow to start, safe, and the only method on Windows.
- ``forkserver``: start one fresh, single-threaded server process once; every new
  process is forked from that clean server. Safe with threads, cheap after the first.

This module measures the cost (:func:`start_and_join`, :func:`startup_cost`,
:func:`compare_methods`, :func:`startup_chart`) and shows the fork-with-threads hazard
safely, with timeouts (:func:`fork_while_locked`, :func:`fork_warnings`). The functions
the children run live in :mod:`helpers.workers`; the explorer of notebook 02,
:class:`StartupExplorer`, lives in :mod:`helpers.widgets.startup` and can be imported
from here too.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure

from helpers.parallel import check_seconds, check_workers
from helpers.plots import CourseFigure
from helpers.system import START_METHODS, get_context, start_method
from helpers.timing import Timing, measure
from helpers.workers import do_nothing, try_lock

#: Seconds to wait for one process before giving up on it.
DEFAULT_TIMEOUT = 30.0
#: One colour per start method in every chart.
METHOD_COLORS = {"fork": "tab:blue", "spawn": "tab:orange", "forkserver": "tab:green"}


def available_methods() -> tuple[str, ...]:
    """Return the start methods this platform offers, in the course's order.

    Linux and macOS offer all three; Windows offers only ``spawn``.
    """
    offered = multiprocessing.get_all_start_methods()
    return tuple(m for m in START_METHODS if m in offered)


def start_and_join(
    method: str | None = None, processes: int = 1, timeout: float = DEFAULT_TIMEOUT
) -> float:
    """Start ``processes`` processes that do nothing, join them all; return the seconds taken.

    All are started first, then joined, as you would with real work. Since the children
    do nothing, the time is the cost of starting and ending processes with ``method``
    (default: the course's start method). A process that does not end within ``timeout``
    seconds is killed and a RuntimeError says so; so is one that fails.
    """
    check_workers(processes)
    timeout = check_seconds(timeout, "timeout")
    ctx = get_context(method)
    begin = time.perf_counter()
    children = [ctx.Process(target=do_nothing, name=f"start-up-{i}") for i in range(processes)]
    try:
        for child in children:
            child.start()
        deadline = begin + timeout
        for child in children:
            child.join(max(0.0, deadline - time.perf_counter()))
        elapsed = time.perf_counter() - begin
    finally:
        for child in children:
            if child.pid is not None and child.is_alive():
                child.kill()
                child.join(5)
    codes = [child.exitcode for child in children]
    for child in children:
        child.close()
    if codes != [0] * processes:
        raise RuntimeError(
            f"Not every process ended cleanly within {timeout} s (exit codes {codes}); "
            "the machine may be very busy. Try again, or with a larger timeout."
        )
    return elapsed


def startup_cost(
    method: str | None = None,
    processes: int = 1,
    repeats: int = 3,
    warmup: int = 1,
    timeout: float = DEFAULT_TIMEOUT,
) -> Timing:
    """Return the cost of starting and joining one process with ``method``.

    Times :func:`start_and_join`, ``repeats`` times after ``warmup`` untimed runs (which
    also start the forkserver, a one-off cost). The Timing is in seconds per process and
    labelled ``method``.

    By default one process is started and joined at a time: the honest answer to "how
    long does it take to start a process?". With ``processes`` > 1 they are started
    together and each time is divided by ``processes``; that is usually less than one
    process alone, because the processes start partly at the same time.
    """
    method = method or start_method()
    total = measure(start_and_join, method, processes, timeout,
                    repeats=repeats, warmup=warmup)
    return Timing(tuple(t / processes for t in total.times), label=method)


def compare_methods(
    methods: Sequence[str] | None = None, processes: int = 1, repeats: int = 3
) -> dict[str, Timing]:
    """Return :func:`startup_cost` for each method (default: every one available here).

    By default each measurement starts and joins one process at a time.
    """
    methods = tuple(methods) if methods is not None else available_methods()
    if not methods:
        raise ValueError("methods must name at least one start method, such as ['spawn']")
    return {m: startup_cost(m, processes, repeats) for m in methods}


def startup_chart(
    costs: Mapping[str, Timing],
    guesses: Mapping[str, float | None] | None = None,
    title: str = "Cost of starting and joining one process",
) -> Figure:
    """Return a bar per start method: median milliseconds per process, fastest to slowest.

    ``guesses`` (milliseconds per method, None for no guess) are drawn as red diamonds,
    so a prediction can be compared with the measurement.
    """
    if not costs:
        raise ValueError("startup_chart needs at least one measured start method")
    guesses = {m: g for m, g in (guesses or {}).items() if g is not None}
    for m, g in guesses.items():
        if isinstance(g, bool) or not isinstance(g, int | float) or g < 0:
            raise ValueError(f"the guess for {m} must be a number of milliseconds, not {g!r}")
    names = list(costs)
    ms = [costs[m].median * 1000 for m in names]
    low = [(costs[m].median - costs[m].best) * 1000 for m in names]
    high = [(costs[m].worst - costs[m].median) * 1000 for m in names]
    fig = CourseFigure(figsize=(7, 0.7 * len(names) + 1.4))
    ax = fig.subplots()
    bars = ax.barh(names, ms, xerr=[low, high], color="tab:blue", capsize=4,
                   label="measured (median)")
    for bar, m, v in zip(bars, names, ms, strict=True):  # label past the error line
        ax.annotate(f"{v:.1f} ms", (costs[m].worst * 1000, bar.get_y() + bar.get_height() / 2),
                    xytext=(8, 0), textcoords="offset points", va="center")
    marked = [m for m in names if m in guesses]
    if marked:
        ax.scatter([guesses[m] for m in marked], marked, marker="D", color="tab:red",
                   zorder=3, label="your guess")
    ax.invert_yaxis()
    top = max([c.worst * 1000 for c in costs.values()] + list(guesses.values()))
    ax.set_xlim(0, top * 1.35)
    ax.set_xlabel("milliseconds per process (start + join); line: fastest to slowest run")
    ax.set_title(title)
    ax.legend(loc="lower right")
    return fig


@dataclass(frozen=True)
class ForkLockResult:
    """What happened when a process was forked while another thread held a lock."""

    child_got_lock: bool
    parent_got_lock: bool
    child_waited: float
    warnings: tuple[str, ...]


def _require_fork() -> None:
    if "fork" not in multiprocessing.get_all_start_methods():
        raise ValueError(
            "This platform has no 'fork' start method (Windows has only 'spawn'), "
            "so it cannot have the fork-with-threads hazard."
        )


def fork_while_locked(hold: float = 1.5, wait: float = 0.5) -> ForkLockResult:
    """Fork a child while another thread holds a lock, and see who can take the lock.

    A helper thread takes a lock and holds it for ``hold`` seconds (longer if the child has
    not answered by then, so that the lock is always held while the child tries; a loaded
    machine can be slow to fork). Meanwhile a child is forked; it tries for ``wait``
    seconds to take its copy of the lock. The copy is
    locked, and the thread that would unlock it was not copied (fork copies only the
    thread that calls it), so without the timeout the child would wait forever. The
    parent gets the lock as soon as its thread lets go.
    """
    _require_fork()
    hold, wait = check_seconds(hold, "hold"), check_seconds(wait, "wait")
    if not wait < hold:
        raise ValueError(f"wait ({wait} s) must be shorter than hold ({hold} s): the child "
                         "must give up while the lock is still held in the parent")
    lock, taken, release = threading.Lock(), threading.Event(), threading.Event()

    def holder() -> None:
        with lock:
            taken.set()
            release.wait(hold + 2 * DEFAULT_TIMEOUT)  # the parent sets it; bounded anyway

    thread = threading.Thread(target=holder, name="lock-holder", daemon=True)
    thread.start()
    if not taken.wait(DEFAULT_TIMEOUT):
        raise RuntimeError("the helper thread did not take the lock in time")
    held_since = time.perf_counter()
    ctx = get_context("fork")
    out = ctx.Queue()
    child = ctx.Process(target=try_lock, args=(lock, wait, out), name="forked-child")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        child.start()
    begin = time.perf_counter()
    try:
        child_got = out.get(timeout=wait + DEFAULT_TIMEOUT)
        child_waited = time.perf_counter() - begin
        child.join(DEFAULT_TIMEOUT)
    finally:
        if child.is_alive():
            child.kill()
            child.join(5)
        out.close()
        time.sleep(max(0.0, hold - (time.perf_counter() - held_since)))
        release.set()  # the helper thread lets go
    parent_got = lock.acquire(timeout=DEFAULT_TIMEOUT)
    if parent_got:
        lock.release()
    thread.join(DEFAULT_TIMEOUT)
    return ForkLockResult(bool(child_got), parent_got, child_waited,
                          tuple(str(w.message) for w in caught))


def fork_warnings(timeout: float = DEFAULT_TIMEOUT) -> list[str]:
    """Fork one child that does nothing from this process; return the warnings Python gave.

    Python 3.12 and later issue a DeprecationWarning when a process that runs several
    threads forks, as a Jupyter kernel always does; earlier Pythons say nothing. You
    rarely see it: it is attributed to ``multiprocessing/popen_fork.py``, not to your
    code, and the default warning filters hide such DeprecationWarnings in Jupyter and
    in scripts (pytest and ``python -W default`` show them). This function records the
    warnings on purpose, whatever the filters say.
    """
    _require_fork()
    timeout = check_seconds(timeout, "timeout")
    ctx = get_context("fork")
    child = ctx.Process(target=do_nothing, name="forked-child")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        child.start()
    child.join(timeout)
    if child.is_alive():
        child.kill()
        child.join(5)
    return [f"{w.category.__name__}: {w.message}" for w in caught]


def __getattr__(name: str):
    """``from helpers.startup import StartupExplorer`` still works: the explorer lives
    in :mod:`helpers.widgets.startup` (widgets sit above this module, so it is imported
    only when asked for)."""
    if name == "StartupExplorer":
        from helpers.widgets.startup import StartupExplorer

        return StartupExplorer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
