"""The functions that run in child processes.

A worker function must live in a module (a ``.py`` file), not in a notebook cell.
Under the ``spawn`` and ``forkserver`` start methods each child is a fresh Python
that finds the function by its module and name; a function defined in the notebook
lives in ``__main__``, which the child never ran, so it cannot be found.

Keep this module light: every spawned child imports it.
"""

from __future__ import annotations

import os
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
