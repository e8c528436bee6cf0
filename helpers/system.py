"""What this machine gives you: usable CPUs, the start method, memory.

``os.cpu_count()`` counts the CPUs of the whole machine. A learner can often use fewer:
a container may have a CPU quota (Binder gives 1 CPU on a 64-core host), and the
process may be pinned to some CPUs (affinity). :func:`usable_cpus` takes all of that
into account, using joblib (loky), which already does the job well.

The start method is the way a new process is made: ``fork``, ``spawn`` or
``forkserver``. The course never calls ``multiprocessing.set_start_method``; instead
every helper asks :func:`get_context`, and the environment variable
``COURSE_START_METHOD`` overrides the platform's default everywhere.
"""

from __future__ import annotations

import multiprocessing
import os
import platform
import sys
from multiprocessing.context import BaseContext

START_METHODS = ("fork", "spawn", "forkserver")
ENV_START_METHOD = "COURSE_START_METHOD"


def usable_cpus() -> int:
    """Return how many CPUs this process can really use (at least 1).

    The smallest of: the machine's CPUs, the CPUs this process may run on (affinity),
    and the container's CPU quota. Use this, not ``os.cpu_count()``, to choose how many
    worker processes to start.
    """
    import joblib  # imported here so that child processes that never ask do not pay for it

    return joblib.cpu_count()


def affinity_cpus() -> int | None:
    """Return how many CPUs this process may be scheduled on, or None if unknown.

    macOS and Windows have no ``os.sched_getaffinity``; there we ask psutil, which
    knows it on Windows but not on macOS.
    """
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    import psutil

    process = psutil.Process()
    if hasattr(process, "cpu_affinity"):
        return len(process.cpu_affinity())
    return None


def quota_cpus() -> float | None:
    """Return the container's CPU quota in CPUs (Linux cgroups), or None if there is none.

    A quota of 1.5 means the container may use one and a half CPUs' worth of time,
    however many CPUs it sees.
    """
    try:
        with open("/sys/fs/cgroup/cpu.max") as f:  # cgroup v2
            quota, period = f.read().split()[:2]
    except (OSError, ValueError):
        try:  # cgroup v1
            with open("/sys/fs/cgroup/cpu/cpu.cfs_quota_us") as f:
                quota = f.read().strip()
            with open("/sys/fs/cgroup/cpu/cpu.cfs_period_us") as f:
                period = f.read().strip()
        except OSError:
            return None
    if quota == "max" or int(quota) <= 0:
        return None
    return int(quota) / int(period)


def memory_limit_bytes() -> int | None:
    """Return the container's memory limit in bytes, or None if there is none."""
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path) as f:
                text = f.read().strip()
        except OSError:
            continue
        if text != "max" and int(text) < 2**60:
            return int(text)
    return None


def default_start_method() -> str:
    """Return this platform's default start method (what Python uses if you say nothing)."""
    chosen = multiprocessing.get_start_method(allow_none=True)
    return chosen or multiprocessing.get_all_start_methods()[0]


def start_method() -> str:
    """Return the start method the course uses: ``COURSE_START_METHOD`` if set, else the default.

    Raises ValueError if the variable names a method that does not exist or is not
    available here (Windows has only ``spawn``).
    """
    wanted = os.environ.get(ENV_START_METHOD, "").strip().lower()
    if not wanted:
        return default_start_method()
    return check_start_method(wanted)


def check_start_method(method: str) -> str:
    """Return ``method`` if this platform supports it, else raise a ValueError that says why."""
    if method not in START_METHODS:
        raise ValueError(
            f"Unknown start method {method!r}. Choose one of {', '.join(START_METHODS)} "
            f"(set {ENV_START_METHOD} to one of them, or unset it for the default)."
        )
    available = multiprocessing.get_all_start_methods()
    if method not in available:
        raise ValueError(
            f"The start method {method!r} is not available on {sys.platform}; "
            f"this platform offers {', '.join(available)}."
        )
    return method


def get_context(method: str | None = None) -> BaseContext:
    """Return a multiprocessing context for ``method`` (default: :func:`start_method`).

    A context has the same API as the ``multiprocessing`` module (``Pool``, ``Process``,
    ``Queue``...) but is tied to one start method, without changing the global default::

        ctx = get_context()
        with ctx.Pool(2) as pool:
            print(pool.map(abs, [-1, -2]))
    """
    return multiprocessing.get_context(check_start_method(method) if method else start_method())


def machine_report() -> dict[str, object]:
    """Return the facts about this machine that matter for parallel Python, as a dict."""
    import psutil

    quota = quota_cpus()
    memory_limit = memory_limit_bytes()
    return {
        "Python": f"{platform.python_version()} ({platform.python_implementation()})",
        "platform": f"{platform.system()} {platform.machine()}",
        "start method (course)": start_method(),
        "start method (platform default)": default_start_method(),
        "os.cpu_count()": os.cpu_count(),
        "physical cores (psutil)": psutil.cpu_count(logical=False),
        "CPUs this process may run on (affinity)": affinity_cpus(),
        "container CPU quota": "none" if quota is None else f"{quota:g} CPUs",
        "usable CPUs (joblib)": usable_cpus(),
        "memory total": f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
        "memory available": f"{psutil.virtual_memory().available / 2**30:.1f} GiB",
        "container memory limit": (
            "none" if memory_limit is None else f"{memory_limit / 2**30:.1f} GiB"
        ),
    }


def print_machine_report() -> None:
    """Print :func:`machine_report` as an aligned table."""
    report = machine_report()
    width = max(map(len, report))
    for key, value in report.items():
        print(f"{key:<{width}}  {value}")
