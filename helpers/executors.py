"""Process pools from ``concurrent.futures`` that can never hang you on the way out.

``with ProcessPoolExecutor() as executor:`` ends by calling
``executor.shutdown(wait=True)``, which waits, with no timeout, for every task you
submitted. So ``future.result(timeout=10)`` that gives up with a ``TimeoutError`` does
not save you: the error leaves the ``with`` block, the block waits for the task that
never ends, and the notebook hangs anyway. This module gives the two missing pieces:

- :func:`shutdown_now`: stop an executor at once. Cancel the tasks still waiting,
  ask the workers to stop (``terminate``), insist (``kill``) after a short grace, and
  wait for them, every wait bounded.
- :func:`bounded_executor`: a ``with`` block that gives you a ``ProcessPoolExecutor``
  and, on the way out, waits at most ``timeout`` seconds for the tasks still running,
  then stops the workers; if the block ends with an error (a ``TimeoutError`` from
  ``result(timeout=...)``, a ``BrokenProcessPool``...), it stops them at once.

Use them like this::

    from helpers.executors import bounded_executor

    with bounded_executor(2, timeout=60) as executor:
        print(executor.submit(square, 3).result(timeout=60))

Public and private parts used (checked against CPython 3.11 to 3.13 and 3.14's source):

- Python 3.14 added ``ProcessPoolExecutor.terminate_workers()`` and ``kill_workers()``.
  Each one copies the executor's private process table, calls
  ``shutdown(wait=False, cancel_futures=True)`` (which forgets the table and the thread
  that manages the workers) and signals the workers still alive. They wait for nothing,
  return nothing, and after one of them the other finds no worker left to signal. Where
  they exist, the *kill* step here is ``kill_workers()``; elsewhere it is ``Process.kill()``
  on each worker. The *terminate* step stays ``Process.terminate()`` on each worker:
  ``terminate_workers()`` would make the executor forget its manager thread before this
  module's own bounded ``shutdown(wait=True)`` has begun to wait for it (see :func:`_stop`).
- No Python version has a public list of an executor's workers, and without it nothing
  can wait for them to end (with a bound) or report their exit codes. So
  :func:`worker_processes` reads the private ``_processes`` (a dict of pid to
  ``Process``, the same in Python 3.9 to 3.14). It is the only private attribute used.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing.connection import wait

from helpers.parallel import check_seconds, check_workers
from helpers.system import get_context

#: Seconds :func:`bounded_executor` waits, on leaving the ``with`` block, for tasks still running.
DEFAULT_TIMEOUT = 60.0
#: Seconds a worker gets to end after ``terminate()`` before it is killed.
DEFAULT_GRACE = 2.0
#: Seconds to wait for a killed process to be gone (SIGKILL cannot be ignored).
KILL_WAIT = 5.0


def _check_executor(executor: object) -> ProcessPoolExecutor:
    if not isinstance(executor, ProcessPoolExecutor):
        raise TypeError(
            "executor must be a concurrent.futures.ProcessPoolExecutor, "
            f"not {type(executor).__name__}"
        )
    return executor


def worker_processes(executor: ProcessPoolExecutor) -> list:
    """Return the executor's worker processes (``multiprocessing`` Process objects) now.

    Empty before the first ``submit`` (workers start when there is work) and after
    ``shutdown``. It reads the executor's private ``_processes``: no Python version,
    3.14 included, has a public list of an executor's workers.
    """
    return list((getattr(_check_executor(executor), "_processes", None) or {}).values())


def _shutdown_in_background(executor: ProcessPoolExecutor, cancel_futures: bool):
    """Call ``executor.shutdown(wait=True)`` in a thread of its own; return the thread.

    ``shutdown(wait=True)`` is the executor's own, complete clean-up, but it can wait
    forever; in a daemon thread it cannot hang you, and you can join it with a timeout.
    """
    thread = threading.Thread(
        target=executor.shutdown, kwargs={"wait": True, "cancel_futures": cancel_futures},
        name="executor-shutdown", daemon=True,
    )
    thread.start()
    return thread


def _sentinel(p) -> object | None:
    """The handle that becomes ready when ``p`` ends, or None if ``p`` was closed."""
    try:
        return p.sentinel
    except ValueError:  # closed: it has ended and been cleaned up
        return None


def _wait_ended(workers: list, timeout: float) -> list:
    """Wait up to ``timeout`` s for ``workers`` to end; return those still running.

    It waits on each process's sentinel, which never reads the exit code: the executor's
    own thread joins the same processes, and under forkserver the exit code can be read
    only once (a second reader gets 255).
    """
    pending = {s: p for p in workers if (s := _sentinel(p)) is not None}
    deadline = time.monotonic() + timeout
    while pending:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        for ready in wait(list(pending), left):
            del pending[ready]
    return list(pending.values())


def _kill(executor: ProcessPoolExecutor, workers: list) -> None:
    """Kill (SIGKILL: no process can ignore it) the ``workers`` that are still running.

    Python 3.14 has ``executor.kill_workers()`` for this. It reaches only the workers the
    executor still lists (none once a shutdown has finished), so any worker still running
    a moment later is killed in turn, as before 3.14.
    """
    kill_workers = getattr(executor, "kill_workers", None)  # Python 3.14 and later
    if kill_workers is not None:
        kill_workers()
        workers = _wait_ended(workers, 0.5)
    for p in workers:
        p.kill()


def _stop(executor: ProcessPoolExecutor, workers: list, grace: float,
          closing: threading.Thread) -> list[int | None]:
    """Terminate, then kill, every process in ``workers``; return their exit codes.

    ``closing`` is the thread running the executor's own ``shutdown(wait=True)``: it
    joins the manager thread, which reaps the workers and records their exit codes, so
    they are read here only once it has ended. (Reading an exit code while the manager
    thread reaps the same process is a race: under ``fork`` one reader may get ``None``,
    under ``forkserver`` ``255``.) By the time :func:`_kill` runs, ``closing`` has waited
    ``grace`` seconds, well inside its wait, so 3.14's ``kill_workers()``, whose
    ``shutdown(wait=False)`` clears the executor's reference to its manager thread,
    no longer matters to it.
    """
    for p in workers:
        p.terminate()  # SIGTERM: "please stop" (nothing happens to one that has ended)
    survivors = _wait_ended(workers, grace)
    if survivors:
        _kill(executor, survivors)
    _wait_ended(workers, KILL_WAIT)
    closing.join(KILL_WAIT)
    return [p.exitcode for p in workers]


def shutdown_now(executor: ProcessPoolExecutor, grace: float = DEFAULT_GRACE) -> list[int | None]:
    """Stop ``executor`` at once, without waiting for its tasks; return the workers' exit codes.

    Tasks not yet started are cancelled. Running workers are asked to stop
    (``terminate()``), given ``grace`` seconds, then killed. The futures of the tasks
    that were running fail with ``BrokenProcessPool``. Exit codes are negative for a
    worker stopped by a signal (-15 terminated, -9 killed) and 0 for one that had already
    ended normally. Safe to call on an executor that never ran a task or is already
    shut down (it then returns ``[]``).
    """
    _check_executor(executor)
    grace = check_seconds(grace, "grace")
    workers = worker_processes(executor)  # before shutdown, which forgets them
    closing = _shutdown_in_background(executor, cancel_futures=True)
    return _stop(executor, workers, grace, closing)


@contextmanager
def bounded_executor(
    max_workers: int,
    timeout: float = DEFAULT_TIMEOUT,
    *,
    method: str | None = None,
    grace: float = DEFAULT_GRACE,
    **executor_options: object,
) -> Iterator[ProcessPoolExecutor]:
    """A ``with`` block around a ``ProcessPoolExecutor`` whose end never hangs.

    ``max_workers`` processes, started with ``method`` (default: the course's start
    method; or pass ``mp_context=`` yourself). Other keyword arguments go to
    ``ProcessPoolExecutor`` (for example ``max_tasks_per_child``).

    On leaving the block normally, the tasks still running get at most ``timeout``
    seconds to finish; if they do not, the workers are stopped (see
    :func:`shutdown_now`) and a ``TimeoutError`` says so. If the block ends with an
    error, the workers are stopped at once and the error goes on to you.
    """
    check_workers(max_workers, "max_workers")
    timeout = check_seconds(timeout, "timeout")
    grace = check_seconds(grace, "grace")
    if method is not None and "mp_context" in executor_options:
        raise ValueError("give either method= or mp_context=, not both")
    executor_options.setdefault("mp_context", get_context(method))
    executor = ProcessPoolExecutor(max_workers, **executor_options)
    try:
        yield executor
    except BaseException:
        shutdown_now(executor, grace)
        raise
    workers = worker_processes(executor)  # before shutdown, which forgets them
    closing = _shutdown_in_background(executor, cancel_futures=False)
    closing.join(timeout)  # it ends when every task is done and the workers have ended
    if closing.is_alive():
        codes = _stop(executor, workers, grace, closing)
        raise TimeoutError(
            f"The executor's tasks did not finish within {timeout} s of the end of the "
            f"with block, so its {len(codes)} worker process(es) were stopped "
            f"(exit codes {codes}). Wait for each result with a timeout inside the "
            "block, or give bounded_executor a larger timeout."
        )
