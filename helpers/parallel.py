"""Run one function over many items: serially, with threads, or with processes.

These are the few lines every demo needs, with the checks that turn the usual
multiprocessing failures into a clear message at once:

- 0 or a negative number of processes or threads;
- a lambda or a nested function, which cannot be sent to another process;
- a function defined in the notebook (module ``__main__``) under ``spawn`` or
  ``forkserver``. Plain ``Pool.map`` would wait forever there: each child fails to
  find the function, dies, is replaced, and the task is never done. A function in the
  ``__main__`` of a *script* is fine: those children import the script (as
  ``__mp_main__``) before they run a task; see :func:`main_is_importable`.

Every wait has a timeout, so a mistake never hangs the kernel. One thing no timeout can
do: stop a thread. After a timeout with ``kind="threads"``, the threads still running
carry on in the background until their function returns.
"""

from __future__ import annotations

import functools
import multiprocessing.process
import os
import pickle
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import TimeoutError as PoolTimeout

from helpers.system import get_context, start_method

#: Seconds a helper waits for a pool's results before it gives up (and says so).
DEFAULT_TIMEOUT = 300.0

KINDS = ("serial", "threads", "processes")


class NotInModuleError(TypeError):
    """A function was defined in the notebook, so child processes cannot import it."""


def check_workers(n: object, name: str = "processes") -> int:
    """Return ``n`` if it is a whole number of workers (1 or more), else raise a clear error."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{name} must be a whole number such as 2, not {n!r} ({type(n).__name__})")
    if n < 1:
        raise ValueError(
            f"{name} must be 1 or more, not {n}: a pool with no workers would never run a task. "
            "Use helpers.system.usable_cpus() for a sensible number."
        )
    return n


def check_seconds(value: object, name: str = "timeout") -> float:
    """Return ``value`` as a float if it is a positive number of seconds, else raise an error."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValueError(f"{name} must be a positive number of seconds, not {value!r}")
    return float(value)


def main_is_importable() -> bool:
    """Return True if a ``spawn`` or ``forkserver`` child can import this process's ``__main__``.

    A child started with ``spawn`` or ``forkserver`` is a fresh Python. Before it runs a
    task, ``multiprocessing`` makes it import the parent's main module under the name
    ``__mp_main__`` (and call it ``__main__``), so that a function defined in a script
    can be found there. It can do that only when the main module is a file or a module:

    - ``python my_script.py``: imported again from its path: True;
    - ``python -m my_module``: imported again by its name: True;
    - ``python -m my_package`` (its ``__main__.py``), and any main module named
      ``__main__``: never imported again (it would run the program a second time): False;
    - a notebook, IPython, the ``python`` prompt, ``python -c``, ``python -`` (a script
      read from stdin): there is no file to import (IPython's ``__main__`` is a module made
      in memory; ``python -`` names its file ``<stdin>``): False.

    This mirrors ``multiprocessing.spawn.get_preparation_data`` and
    ``_fixup_main_from_name``/``_fixup_main_from_path`` (the same in CPython 3.11 to 3.14),
    without the case of a frozen Windows executable. A function that a script defines under
    ``if __name__ == "__main__":`` is still not found: the child's import skips that block.
    """
    main = sys.modules.get("__main__")
    if main is None:
        return False
    name = getattr(getattr(main, "__spec__", None), "name", None)
    if name is not None:  # run with -m: the child imports it by name
        return name != "__main__" and not name.endswith(".__main__")
    path = getattr(main, "__file__", None)
    if not path:  # no file: a notebook, IPython or an interactive prompt
        return False
    # A relative path is read from the folder Python started in, as spawn reads it.
    started_in = getattr(multiprocessing.process, "ORIGINAL_DIR", None) or os.getcwd()
    if not os.path.exists(os.path.join(started_in, path)):  # `python -` says "<stdin>"
        return False
    # multiprocessing never imports IPython's launch script again (it has no main guard).
    return os.path.splitext(os.path.basename(path))[0] != "ipython"


def _defined_in_main(obj: object) -> str | None:
    """Return the name of what in ``obj`` lives in ``__main__``, or None."""
    if isinstance(obj, functools.partial):
        for part in (obj.func, *obj.args, *obj.keywords.values()):
            found = _defined_in_main(part)
            if found:
                return found
        return None
    target = getattr(obj, "__func__", obj)  # a bound method: look at its function
    if callable(target) and getattr(target, "__module__", None) == "__main__":
        return getattr(target, "__qualname__", repr(target))
    if type(obj).__module__ == "__main__":
        return type(obj).__qualname__
    return None


def check_sendable(func: Callable, method: str | None = None, example: object = None) -> None:
    """Raise a clear error if ``func`` (or ``example``, one item) cannot reach a child process.

    A child process receives the function by name (module and qualified name). Under
    ``spawn`` and ``forkserver`` the child imports that module afresh; a notebook cell
    is not a module it can import. A function defined in the ``__main__`` of a script is
    accepted (the child imports the script first, see :func:`main_is_importable`); one
    defined in a notebook, IPython or at the ``python`` prompt raises
    :class:`NotInModuleError`.
    """
    try:
        pickle.dumps(func)
    except (pickle.PicklingError, AttributeError, TypeError) as err:
        raise TypeError(
            f"{func!r} cannot be sent to another process: {err}. A process pool sends a "
            "function by its name, so it must be defined with `def` at the top level of a "
            "module: not a lambda, and not inside another function."
        ) from None
    method = method or start_method()
    if method != "fork" and not main_is_importable():
        for what in (func, example):
            name = _defined_in_main(what)
            if name:
                raise NotInModuleError(
                    f"{name} is defined in this notebook (module __main__), which a child "
                    "process cannot import (nor anything typed at a Python prompt). Under the "
                    f"{method!r} start method each worker is a fresh Python that never ran "
                    f"your notebook, so it cannot find {name}; Pool.map would wait forever. "
                    f"Fix: put {name} in a .py file (for example my_workers.py next to the "
                    "notebook), then `from my_workers import ...` and pass the imported one."
                )


def _threads_map(func: Callable, items: list, workers: int, timeout: float) -> list:
    """``list(ThreadPoolExecutor(workers).map(func, items))``, with a bounded end.

    ``with ThreadPoolExecutor() as pool:`` ends with ``pool.shutdown(wait=True)``, which
    waits, without any limit, for every running thread: ``map``'s ``timeout`` would raise
    its ``TimeoutError`` and the ``with`` would then wait anyway. Here, on a timeout (or any
    error), the executor is shut down without waiting and the tasks not yet started are
    cancelled (``shutdown(wait=False, cancel_futures=True)``). Python has no way to stop a
    running thread: those threads go on until ``func`` returns (and a Python that exits
    waits for them first).
    """
    pool = ThreadPoolExecutor(workers)
    try:
        results = list(pool.map(func, items, timeout=timeout))
    except TimeoutError:  # concurrent.futures.TimeoutError is TimeoutError from Python 3.11
        pool.shutdown(wait=False, cancel_futures=True)
        raise TimeoutError(
            f"The threads did not finish within {timeout} s. The tasks not yet started were "
            "cancelled; the ones running cannot be stopped (Python cannot stop a thread) and "
            "go on in the background until they return. Use fewer or smaller tasks, or a "
            "larger timeout."
        ) from None
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)  # every task has returned: this does not wait
    return results


def run(
    func: Callable,
    items: Iterable,
    workers: int = 1,
    kind: str = "processes",
    chunksize: int | None = None,
    method: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> list:
    """Return ``[func(x) for x in items]``, computed the way ``kind`` says.

    kind: ``"serial"`` (a plain loop), ``"threads"`` (a thread pool of ``workers``)
    or ``"processes"`` (a ``multiprocessing`` pool of ``workers`` processes, with the
    course's start method unless ``method`` is given). The pool is started and shut
    down inside the call, so its start-up cost is part of what you time.

    If the results are not all in within ``timeout`` seconds, a ``TimeoutError`` says so:
    a process pool is stopped (its workers are terminated); threads cannot be stopped, so
    the running ones go on in the background until they return (the ones not started are
    cancelled).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    items = list(items)
    if kind == "serial":
        return [func(x) for x in items]
    check_workers(workers, "threads" if kind == "threads" else "processes")
    if chunksize is not None:
        check_workers(chunksize, "chunksize")
    if kind == "threads":
        return _threads_map(func, items, workers, check_seconds(timeout))
    method = method or start_method()
    check_sendable(func, method, items[0] if items else None)
    with get_context(method).Pool(workers) as pool:
        pending = pool.map_async(func, items, chunksize=chunksize)
        try:
            return pending.get(timeout)
        except PoolTimeout:
            raise TimeoutError(
                f"The pool did not finish within {timeout} s, so it was stopped. "
                "Use fewer or smaller tasks, or a larger timeout."
            ) from None
