"""Workers that fail on purpose, and a bounded way to watch what each pool API does then.

Notebook 08 breaks worker processes in every way a real job meets: a task raises, a
worker dies (``os._exit``, or a signal such as the SIGKILL the out-of-memory killer
sends), a task hangs, a result cannot be pickled, an ``initializer`` fails. This module
holds those workers (they must live in a module so that spawn and forkserver children
can import them) and :func:`observe`, which runs one fault under one API
(``multiprocessing.Pool`` or ``concurrent.futures.ProcessPoolExecutor``), waits at most
``patience`` seconds, and returns what the caller saw and how soon. Every wait here is
bounded and every pool is stopped before :func:`observe` returns.

It also holds the small workers of the other sections: a task that fails the first
times it runs (retries), tasks that log (logging from workers), a matrix product that
reports its BLAS threads (oversubscription), a task that keeps its own deadline, and the
tasks the robust-map exercise is checked with (:class:`Task`).
"""

from __future__ import annotations

import html
import io
import logging
import logging.handlers
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from helpers.parallel import check_seconds, check_workers
from helpers.system import get_context

#: The faults :func:`observe` knows, in the order of the notebook's table.
FAULTS = ("raises", "os._exit(1)", "SIGKILL", "hangs", "unpicklable result",
          "failing initializer")
#: The APIs :func:`observe` knows.
APIS = ("Pool", "ProcessPoolExecutor")
#: Seconds :func:`observe` waits for a fault to show itself, by default.
DEFAULT_PATIENCE = 3.0
#: Seconds any start-up or clean-up wait may take before it counts as a failure.
STARTUP_TIMEOUT = 60.0
#: How long a hanging task sleeps: far longer than anyone waits (it is always stopped).
HANG_SECONDS = 3600.0


# ---------------------------------------------------------------- workers that fail

def raise_error(x: object) -> None:
    """Raise a ValueError that names ``x``: an ordinary bug in a task."""
    raise ValueError(f"bad input: {x!r}")


def exit_abruptly(x: object = None, code: int = 1) -> None:
    """End this worker process at once with exit code ``code``, as a crash in C code would.

    ``os._exit`` skips every ``except`` and ``finally``: the pool never gets a result.
    """
    os._exit(code)


def killed(x: object = None) -> None:
    """Kill this worker with SIGKILL, as the out-of-memory killer does (POSIX only)."""
    if not hasattr(signal, "SIGKILL"):  # Windows: no signals; the closest is an abrupt exit
        os._exit(1)
    signal.raise_signal(signal.SIGKILL)


def hang(x: object = None, seconds: float = HANG_SECONDS) -> None:
    """Sleep ``seconds`` (an hour by default): a task that never ends in any useful time."""
    time.sleep(seconds)


def unpicklable_result(x: object = None) -> threading.Lock:
    """Return a lock: it works in the worker, but it cannot be pickled to travel back."""
    return threading.Lock()


def fail_to_start(counter=None) -> None:
    """An ``initializer`` that fails: add 1 to ``counter`` (a shared Value) if given, then raise.

    The counter tells the notebook how many worker processes tried to start. Every
    worker that fails prints its traceback to stderr; to keep the notebook readable,
    only the first one does here (the others write theirs to nowhere).
    """
    if counter is not None:
        with counter.get_lock():
            counter.value += 1
            first = counter.value == 1
        if not first:
            sys.stderr = io.StringIO()  # its traceback goes nowhere
    raise RuntimeError("the initializer failed (for example, a database that is down)")


def fine(x: float) -> float:
    """Return ``x * x``: a task that works."""
    return x * x


_FAULT_WORKERS = {
    "raises": raise_error,
    "os._exit(1)": exit_abruptly,
    "SIGKILL": killed,
    "hangs": hang,
    "unpicklable result": unpicklable_result,
    "failing initializer": fine,  # the tasks are fine; the workers never get to run them
}


# ---------------------------------------------------------------- observing a fault

@dataclass(frozen=True)
class Outcome:
    """What the caller saw when one fault met one API.

    ``noticed`` is true when the caller got an error within the patience; ``seconds``
    is how long that took (or the whole patience, if nothing came). ``error`` is the
    exception's type and message, or what happened instead. ``starts`` counts the
    worker processes that tried to start (only for the failing initializer).
    """

    fault: str
    api: str
    noticed: bool
    seconds: float
    error: str
    patience: float
    starts: int | None = None

    @property
    def verdict(self) -> str:
        """One short phrase for a table: the error, or that the caller was still waiting."""
        if self.noticed:
            return self.error
        return f"still waiting after {self.patience:g} s ({self.error})"

    @property
    def notice_text(self) -> str:
        """The time to notice, as text: ``"0.012 s"`` or ``"never (> 3 s)"``."""
        return f"{self.seconds:.3f} s" if self.noticed else f"never (> {self.patience:g} s)"


def _error_text(err: BaseException) -> str:
    text = str(err).splitlines()[0] if str(err) else ""
    if len(text) > 70:
        text = text[:67] + "..."
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def check_fault(fault: object) -> str:
    """Return ``fault`` if it is one of :data:`FAULTS`, else raise a ValueError that lists them."""
    if fault not in FAULTS:
        raise ValueError(f"fault must be one of {', '.join(map(repr, FAULTS))}, not {fault!r}")
    return fault


def check_api(api: object) -> str:
    """Return ``api`` if it is one of :data:`APIS`, else raise a ValueError that lists them."""
    if api not in APIS:
        raise ValueError(f"api must be one of {', '.join(map(repr, APIS))}, not {api!r}")
    return api


def observe(fault: str, api: str, patience: float = DEFAULT_PATIENCE,
            method: str | None = None) -> Outcome:
    """Run ``fault`` under ``api`` with 2 workers; return what the caller saw, and how soon.

    The pool is started and warmed up first (one task per worker), so the clock measures
    only how long the caller takes to learn about the fault, not the start-up. For the
    failing initializer the clock starts when the first worker has failed. The caller
    waits at most ``patience`` seconds from then. Whatever happened, the pool is stopped
    (``terminate()``, or :func:`helpers.executors.shutdown_now`) before this returns.
    """
    check_fault(fault)
    check_api(api)
    patience = check_seconds(patience, "patience")
    ctx = get_context(method)
    starts = ctx.Value("i", 0) if fault == "failing initializer" else None
    options = {"initializer": fail_to_start, "initargs": (starts,)} if starts else {}
    run = _observe_pool if api == "Pool" else _observe_executor
    noticed, seconds, error = run(ctx, _FAULT_WORKERS[fault], options, patience, starts)
    return Outcome(fault, api, noticed, seconds, error, patience,
                   read_count(starts) if starts is not None else None)


def read_count(counter) -> int:
    """Read a shared ``Value`` without taking its lock.

    ``counter.value`` takes the counter's lock first. A worker stopped by ``terminate()``
    while it held that lock (inside ``with counter.get_lock():``) never releases it, and
    ``counter.value`` would then wait forever. Reading the raw value needs no lock; it may
    miss an update still in progress, which is fine for a count shown to you.
    """
    return counter.get_obj().value


def _first_start(starts) -> None:
    """Wait (bounded) until a worker has run the failing initializer at least once."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while read_count(starts) < 1 and time.monotonic() < deadline:
        time.sleep(0.002)


def _observe_pool(ctx, func, options, patience, starts):
    with ctx.Pool(2, **options) as pool:  # leaving the block terminates the workers
        if not options:
            pool.map_async(fine, range(2), chunksize=1).get(STARTUP_TIMEOUT)  # warm up
        pending = pool.map_async(func, range(2), chunksize=1)  # pool.map, but bounded
        if starts is not None:
            _first_start(starts)
        start = time.perf_counter()
        try:
            pending.get(patience)
        except multiprocessing.TimeoutError:
            return False, patience, "no result and no error"
        except Exception as err:  # the fault, as the caller gets it
            return True, time.perf_counter() - start, _error_text(err)
    return True, time.perf_counter() - start, "returned normally"


def _observe_executor(ctx, func, options, patience, starts):
    from helpers.executors import shutdown_now  # above this module: imported when needed

    executor = ProcessPoolExecutor(2, mp_context=ctx, **options)
    start = time.perf_counter()
    try:
        if not options:  # warm up: both workers started and idle
            for f in [executor.submit(fine, x) for x in range(2)]:
                f.result(STARTUP_TIMEOUT)
        start = time.perf_counter()
        futures = [executor.submit(func, x) for x in range(2)]
        if starts is not None:
            _first_start(starts)
            start = time.perf_counter()
        done, _ = wait(futures, timeout=patience, return_when=FIRST_EXCEPTION)
        seconds = time.perf_counter() - start
        errors = [f.exception() for f in done if f.exception() is not None]
        if errors:
            return True, seconds, _error_text(errors[0])
        if len(done) == len(futures):
            return True, seconds, "returned normally"
        return False, patience, "no result and no error"
    except Exception as err:  # submit() itself can raise BrokenProcessPool
        return True, time.perf_counter() - start, _error_text(err)
    finally:
        shutdown_now(executor)


def observe_all(faults=FAULTS, apis=APIS, patience: float = DEFAULT_PATIENCE,
                method: str | None = None) -> list[Outcome]:
    """Run :func:`observe` for every fault under every API; return the outcomes in order."""
    return [observe(f, a, patience, method) for f in faults for a in apis]


def outcome_table(outcomes: list[Outcome]):
    """Return the outcomes as a Markdown table: fault, API, what the caller got, time to notice."""
    from helpers.tables import markdown_table

    rows = []
    for o in outcomes:
        what = html.escape(o.verdict).replace("|", "/")  # "<lock object>" is not a tag
        if o.starts is not None:
            what += f"; {o.starts} worker(s) tried to start"
        rows.append((o.fault, f"`{o.api}`", what, o.notice_text))
    return markdown_table(("fault", "API", "what the caller got", "time to notice"), rows)


def announced_sleep(i: int, seconds: float = 0.5) -> int:
    """Print ``"task i started in <process name>"``, sleep ``seconds``, return ``i``.

    For the Ctrl-C scripts: their output shows when each task started. (In a notebook,
    prefer returning values to printing them in a worker.)
    """
    name = multiprocessing.current_process().name
    sys.stdout.write(f"task {i} started in {name}\n")  # one write: lines do not mix
    sys.stdout.flush()
    time.sleep(seconds)
    return i


# ---------------------------------------------------------------- retries

def flaky_square(x: int, folder: str, failures: int = 1) -> int:
    """Return ``x * x``, but fail the first ``failures`` times it is called for ``x``.

    A transient failure, like a network timeout: it counts its attempts in files in
    ``folder`` (one file per attempt), so the count survives across processes and a
    retry in another worker sees it. Raises ConnectionError while failing.
    """
    tries = Path(folder)
    attempt = len(list(tries.glob(f"{x}-*"))) + 1
    (tries / f"{x}-{attempt}-{os.getpid()}").touch()
    if attempt <= failures:
        raise ConnectionError(f"attempt {attempt} for {x} failed (a transient error)")
    return x * x


# ---------------------------------------------------------------- deadlines

def steps_with_deadline(steps: int, step_seconds: float, deadline: float) -> int:
    """Do ``steps`` steps of ``step_seconds`` each, giving up once ``deadline`` has passed.

    ``deadline`` is a ``time.time()`` value (the wall clock, the same in every process).
    The task checks it between steps and raises TimeoutError when it is late: a task that
    stops itself, so that its worker is free again. Returns the steps done.
    """
    for step in range(steps):
        if time.time() > deadline:
            raise TimeoutError(f"gave up after {step} of {steps} steps: past the deadline")
        time.sleep(step_seconds)
    return steps


def timed_work(size: int) -> float:
    """Do ``size`` loop iterations of arithmetic and return how many seconds it took."""
    start = time.perf_counter()
    total = 0
    for i in range(size):
        total += i * i % 7
    return time.perf_counter() - start


# ---------------------------------------------------------------- logging from workers

def log_to_queue(queue, level: int = logging.INFO) -> None:
    """An ``initializer``: send every log record of this worker process to ``queue``.

    It gives the root logger one handler, a ``QueueHandler``, and the level; a
    ``QueueListener`` in the notebook takes the records out and writes them.
    """
    root = logging.getLogger()
    root.handlers[:] = [logging.handlers.QueueHandler(queue)]  # not the notebook's (fork)
    root.setLevel(level)


def logged_square(x: float) -> float:
    """Return ``x * x`` and log an INFO line about it (logger ``"work"``)."""
    logging.getLogger("work").info("squaring %s", x)
    return x * x


# ---------------------------------------------------------------- BLAS threads

def blas_threads() -> int:
    """Return how many threads NumPy's BLAS may use in this process (threadpoolctl)."""
    from threadpoolctl import threadpool_info

    counts = [p["num_threads"] for p in threadpool_info() if p.get("user_api") == "blas"]
    return max(counts, default=1)


def limit_blas_threads(n: int = 1) -> None:
    """An ``initializer``: load NumPy, then limit its BLAS to ``n`` threads in this worker.

    ``threadpool_limits`` acts on the libraries already loaded. A spawn or forkserver
    worker has not imported NumPy yet when its initializer runs, so a bare
    ``threadpool_limits(1)`` there would find no BLAS to limit; importing NumPy first
    makes it work under every start method.
    """
    import numpy  # noqa: F401 (loads the BLAS library so that the limit can reach it)
    from threadpoolctl import threadpool_limits

    threadpool_limits(check_workers(n, "n"))


def matmul_work(n: int = 300, repeats: int = 5) -> int:
    """Multiply two ``n`` x ``n`` matrices ``repeats`` times; return the BLAS threads used.

    NumPy hands the product to its BLAS library, which may start one thread per CPU it
    sees, in every worker process.
    """
    import numpy as np

    check_workers(n, "n")
    rng = np.random.default_rng(0)
    a, b = rng.random((n, n)), rng.random((n, n))
    for _ in range(repeats):
        a = a @ b
        a /= np.abs(a).max()
    return blas_threads()


# ---------------------------------------------------------------- the robust-map exercise

@dataclass(frozen=True)
class Task:
    """One task for :func:`run_task`: its value, and what it does wrong, if anything.

    ``fault`` is ``None`` (return ``value * value``), ``"raise"`` (always raises
    ValueError), ``"flaky"`` (raises ConnectionError the first ``failures`` times, then
    works), ``"crash"`` (the worker dies with ``os._exit``) or ``"hang"`` (never ends).
    With ``folder`` set, each attempt leaves a file there, so a checker can count them.
    """

    value: int
    fault: str | None = None
    failures: int = 1
    folder: str | None = None


def run_task(task: Task) -> int:
    """Run ``task`` as :class:`Task` describes; return ``task.value ** 2`` if it works."""
    if not isinstance(task, Task):
        raise TypeError(f"run_task takes a helpers.faults.Task, not {type(task).__name__}")
    attempt = 1
    if task.folder is not None:
        tries = Path(task.folder)
        attempt = len(list(tries.glob(f"{task.value}-*"))) + 1
        (tries / f"{task.value}-{attempt}-{os.getpid()}").touch()
    if task.fault == "raise":
        raise ValueError(f"task {task.value} always fails")
    if task.fault == "flaky" and attempt <= task.failures:
        raise ConnectionError(f"task {task.value}: attempt {attempt} failed (transient)")
    if task.fault == "crash":
        os._exit(1)
    if task.fault == "hang":
        time.sleep(HANG_SECONDS)
    return task.value * task.value


def attempts(folder: str, value: int) -> int:
    """Return how many times the task with ``value`` ran (files left in ``folder``)."""
    return len(list(Path(folder).glob(f"{value}-*")))
