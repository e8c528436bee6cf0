"""The functions that run in child processes.

A worker function must live in a module (a ``.py`` file), not in a notebook cell.
Under the ``spawn`` and ``forkserver`` start methods each child is a fresh Python
that finds the function by its module and name; a function defined in the notebook
lives in ``__main__``, which the child never ran, so it cannot be found.

Keep this module light: every spawned child imports it.
"""

from __future__ import annotations

import os
import sys
import time

#: Multiplies every default task size. Set ``COURSE_SCALE=4`` on a big machine for a
#: workshop so that each demo still runs for about a second of real work.
ENV_SCALE = "COURSE_SCALE"

#: Iterations of :func:`cpu_task` that take roughly 0.1 s on one laptop core.
BASE_CPU_SIZE = 1_000_000


def scale() -> float:
    """Return the size multiplier from ``COURSE_SCALE`` (default 1)."""
    text = os.environ.get(ENV_SCALE, "").strip()
    if not text:
        return 1.0
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{ENV_SCALE} must be a positive number, not {text!r}") from None
    if not value > 0:
        raise ValueError(f"{ENV_SCALE} must be a positive number, not {text!r}")
    return value


def default_cpu_size() -> int:
    """Return the default size of :func:`cpu_task`: about 0.1 s of work, times ``COURSE_SCALE``."""
    return max(1, int(BASE_CPU_SIZE * scale()))


def check_size(size: object, name: str = "size") -> int:
    """Return ``size`` if it is a positive integer, else raise a ValueError that says so."""
    if isinstance(size, bool) or not isinstance(size, int):
        raise TypeError(f"{name} must be a positive integer, not {size!r} ({type(size).__name__})")
    if size < 1:
        raise ValueError(f"{name} must be a positive integer (1 or more), not {size}")
    return size


def cpu_task(size: int = BASE_CPU_SIZE) -> int:
    """Do ``size`` steps of pure-Python arithmetic and return a checksum.

    CPU-bound: it never waits, so only more CPUs make many of them finish sooner.
    The checksum lets you verify that parallel runs give the same answer as serial ones.
    """
    check_size(size)
    total = 0
    for i in range(size):
        total += i * i % 7
    return total


def io_task(seconds: float = 0.1) -> float:
    """Wait ``seconds`` as if for a network or a disk, and return ``seconds``.

    I/O-bound: the CPU is idle while it waits, so threads overlap the waits well.
    """
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
        raise ValueError(f"seconds must be a number of seconds, 0 or more, not {seconds!r}")
    time.sleep(seconds)
    return seconds


def square(x: float) -> float:
    """Return ``x * x``: a task so small that sending it to a process costs more than doing it."""
    return x * x


def double(x: float) -> float:
    """Return ``2 * x``."""
    return 2 * x


def which_process(x: object) -> tuple[object, int]:
    """Return ``(x, pid)``: which process handled ``x``."""
    return x, os.getpid()


# --- 02_processes: the classic first examples and the life of a Process -------------------
# A child's print may never reach the notebook, so these workers send their lines
# through ``out`` (a multiprocessing Queue) and the notebook prints what it reads.

#: A module-level setting that 02_processes changes in the notebook, to show what each
#: start method copies: a forked child sees the change, a spawned child reads this file afresh.
MESSAGE = "as written in helpers/workers.py"


def print_numbers(out, n: int = 5) -> None:
    """The classic first example, made reliable: send the numbers 0 to ``n - 1`` to ``out``."""
    for i in range(check_size(n, "n")):
        out.put(i)


def named_task(name: str, out) -> None:
    """The classic second example: send ``"Task <name> is running in process <pid>"`` to ``out``."""
    out.put(f"Task {name} is running in process {os.getpid()}")


def say(text: str) -> None:
    """Print ``text`` in the child process: where it shows up depends on platform and method."""
    print(text, flush=True)


def do_nothing(*args: object) -> None:
    """Do nothing at all: timing a process that runs this measures only its start-up cost."""


def cube(x: float) -> float:
    """Return ``x ** 3``: the fix for the notebook-function trap is a worker in a module."""
    return x**3


def fail(message: str = "something went wrong") -> None:
    """Raise a RuntimeError: a process whose function raises ends with exit code 1."""
    raise RuntimeError(message)


def exit_with(code: int) -> None:
    """End the process with ``sys.exit(code)``: its exit code is ``code``."""
    import sys

    sys.exit(code)


def read_message(_: object = None) -> str:
    """Return :data:`MESSAGE` as this process sees it."""
    return MESSAGE


def stubborn_sleep(seconds: float = 30.0, ready=None) -> float:
    """Ignore ``terminate()`` (SIGTERM), set ``ready`` (an Event) if given, then sleep.

    Only ``kill()`` (SIGKILL, which no process can ignore) stops it early.
    """
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if ready is not None:
        ready.set()
    return io_task(seconds)


def try_to_start_child(out) -> None:
    """Try to start a process from inside this one; send ``"started"`` or the error to ``out``.

    A daemon process may not have children, so in a daemon this sends the error text.
    """
    import multiprocessing

    try:
        child = multiprocessing.Process(target=do_nothing)
        child.start()
        child.join(30)
        out.put("started and joined a child process")
    except Exception as err:  # any error: reporting it is the point
        out.put(f"{type(err).__name__}: {err}")


def try_lock(lock, seconds: float, out) -> None:
    """Try for ``seconds`` to acquire ``lock``; send True or False to ``out``."""
    got = lock.acquire(timeout=seconds)
    if got:
        lock.release()
    out.put(got)


def receive_arrays(inbox, outbox) -> None:
    """Receive NumPy arrays from ``inbox`` until ``None``; answer each with its last element.

    A message is either an array (it came pickled through the queue: copied) or a tuple
    ``("shm", name, shape, dtype)`` naming a ``multiprocessing.shared_memory`` block that
    already holds the data (nothing is copied: this process maps the same memory). The
    answer ``float(array[-1])`` proves the array arrived whole. The block is closed here
    but never unlinked: the process that created it removes it.

    The array over the block is made with ``np.frombuffer(block.buf, ...)`` and lives
    only inside one expression. ``np.frombuffer`` keeps the block's buffer exported, so
    ``block.close()`` under a live array raises ``BufferError``. The other common form,
    ``np.ndarray(shape, dtype, buffer=block.buf)``, does not: ``close()`` succeeds, unmaps
    the memory, and the next read of the array crashes the process (a segmentation fault).
    """
    import numpy as np

    while True:
        message = inbox.get()
        if message is None:
            return
        if isinstance(message, tuple) and message and message[0] == "shm":
            _, name, shape, dtype = message
            count = 1
            for n in shape:
                count *= n
            block = attach_shared_memory(name)
            try:
                last = float(np.frombuffer(block.buf, dtype=dtype, count=count)[-1])
            finally:
                block.close()
            outbox.put(last)
        else:
            outbox.put(float(message[-1]))


def reciprocal(x: float) -> float:
    """Return ``1 / x``; for ``x == 0`` it raises ZeroDivisionError, as a buggy worker would.

    03_pools uses it to show what the caller sees when one task of many fails.
    """
    return 1 / x


def result_or_error(func, *args: object) -> object:
    """Return ``func(*args)``, or the exception it raised instead of raising it.

    Wrap a worker with it, ``functools.partial(result_or_error, reciprocal)``, and
    ``Pool.map`` gives every result: one failing task no longer throws away the others.
    Look for failures with ``isinstance(r, Exception)``. The exception keeps its type
    and message, but not the worker's traceback.
    """
    try:
        return func(*args)
    except Exception as err:  # any error: handing it back is the point
        return err


def attach_shared_memory(name: str):
    """Open the existing shared-memory block ``name`` without taking charge of removing it.

    Before Python 3.13, opening a block by name always registers it with this process's
    resource tracker, as if this process had created it. A process with a tracker of its
    own (one not started by the block's creator) then removes the block when it ends,
    with a "leaked shared_memory" warning, although the creator still uses it. Python 3.13
    added ``SharedMemory(name, track=False)``, used here where it exists. Before 3.13 there
    is no public way to skip the registration, so the fallback replaces
    ``multiprocessing.resource_tracker.register`` (a module function, not documented) by
    a no-op for the time of the call and puts it back at once. That swap is seen by the
    whole process: a block created by another thread at the same moment would not be
    registered either.
    """
    from multiprocessing import resource_tracker, shared_memory

    if sys.version_info >= (3, 13):
        return shared_memory.SharedMemory(name=name, track=False)
    register = resource_tracker.register
    resource_tracker.register = lambda *args, **kwargs: None
    try:
        return shared_memory.SharedMemory(name=name)
    finally:
        resource_tracker.register = register


def slow_which_process(x: object, seconds: float = 0.05) -> tuple[object, int]:
    """Wait ``seconds``, then return ``(x, pid)`` like :func:`which_process`.

    The wait keeps every worker of a pool busy, so you can see how a pool shares out the
    items (and its chunks); with instant tasks, one worker may take them all before the
    others have started.
    """
    io_task(seconds)
    return x, os.getpid()
