"""Checkers for the exercises of 05_sharing_state.

- :func:`check_squares`: a sum of squares added to one shared ``Value`` by 4 processes,
  exact because each update (or one update per process) holds the lock;
- :func:`check_shared_sum`: an array summed by a pool's workers straight from shared
  memory, without copying it to them, and the block cleaned up;
- :func:`check_index`: a Manager dict whose nested lists are filled by processes.

Each checker runs the learner's function itself, in processes with the course's start
method, and every wait is bounded.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

from helpers.checks import Verdict, call_within, report
from helpers.parallel import NotInModuleError, check_sendable
from helpers.system import get_context

#: Seconds a checker waits for the learner's processes before it stops them.
LIMIT = 60.0
SHM = Path("/dev/shm")


def _module_problem(func: object, name: str, module: str) -> str | None:
    """Say why ``func`` cannot run in a child process, or None if it can."""
    if not callable(func):
        return f"{name} must be the function itself (my_module.{name}), not {func!r}"
    try:
        check_sendable(func)
    except NotInModuleError:
        method = get_context().get_start_method()
        return (f"{name} is defined in this notebook, so under the {method!r} start method"
                f" a child process cannot find it. Keep it in {module} (the "
                f"%%writefile cell), then `import {module[:-3]}` and pass {module[:-3]}.{name}.")
    except TypeError as err:
        return str(err)
    return None


def _stop(procs: Sequence) -> None:
    for p in procs:
        if p.is_alive():
            p.kill()
        p.join(5)


def _run_processes(target: Callable, arg_lists: Sequence[tuple]) -> tuple[bool, list]:
    """Start one process per argument tuple, join them all within LIMIT; return (ended, codes)."""
    ctx = get_context()
    procs = [ctx.Process(target=target, args=args) for args in arg_lists]
    try:
        for p in procs:
            p.start()
        for p in procs:
            p.join(LIMIT)
        ended = not any(p.is_alive() for p in procs)
        return ended, [p.exitcode for p in procs]
    finally:
        _stop(procs)


# --- exercise 1: a race fixed ---------------------------------------------------------------
def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _ancestors(node: ast.AST, parents: dict) -> list[ast.AST]:
    found = []
    while node in parents:
        node = parents[node]
        found.append(node)
    return found


def _holds_lock(node: ast.With) -> bool:
    text = " ".join(ast.unparse(item.context_expr) for item in node.items)
    return "lock" in text.lower()


def unlocked_updates(func: Callable) -> list[str]:
    """Return the lines of ``func`` that change a shared ``.value`` without holding a lock.

    A line such as ``total.value += x`` inside a loop, or anywhere outside a
    ``with ....get_lock():`` block, reads and then writes: another process may write in
    between. An empty list means every update is under a lock.
    """
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError):
        return []
    parents = _parents(tree)
    found = []
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AugAssign) else [])
        if any(isinstance(t, ast.Attribute) and t.attr == "value" for t in targets):
            if not any(isinstance(a, ast.With) and _holds_lock(a)
                       for a in _ancestors(node, parents)):
                found.append(ast.unparse(node))
    return found


def _squares_total(add_squares: Callable, n: int, processes: int = 4) -> tuple[bool, list, int]:
    ctx = get_context()
    total = ctx.Value("q", 0)
    ended, codes = _run_processes(
        add_squares, [(total, range(i, n, processes)) for i in range(processes)])
    return ended, codes, total.value


def check_squares(add_squares: object, procs: Sequence, total: object, n: int) -> Verdict:
    """Check exercise 1: 4 processes add ``x * x`` for x in 0..n-1 to one shared Value.

    ``add_squares(total, numbers)`` is the learner's worker, ``procs`` the processes they
    started, ``total`` the value they read afterwards. The checker also runs the worker
    itself, in 4 processes, and reads its code for updates made without the lock.
    """
    expected = sum(x * x for x in range(n))
    title = f"Exercise 1: the sum of squares of 0 to {n - 1:,} with 4 processes"
    problem = _module_problem(add_squares, "add_squares", "my_squares.py")
    if problem:
        return report(title, [(False, "", problem)])
    procs = list(procs) if isinstance(procs, list | tuple) else []
    started = [p for p in procs if getattr(p, "pid", None) is not None]
    joined = all(getattr(p, "exitcode", None) is not None for p in started)
    failed = [p.exitcode for p in started if joined and p.exitcode != 0]
    unlocked = unlocked_updates(add_squares)
    ended, codes, own = _squares_total(add_squares, n) if joined else (True, [], None)
    lost = "" if not isinstance(total, int) else (
        f"you got {total:,}, {expected - total:,} short: updates were lost"
        if total < expected else f"you got {total:,}, more than {expected:,}")
    return report(title, [
        (len(started) >= 2, f"you started {len(started)} processes",
         "start one process per part: ctx.Process(target=my_squares.add_squares, "
         "args=(total, part)), then p.start() for each (procs holds none started yet)"),
        (joined, "you joined every process before reading total",
         "join every process before you read total.value: until then they may still add"),
        (not failed, "every process ended with exit code 0",
         f"a process failed (exit codes {failed}): run add_squares(total, range(3)) in a "
         "cell to see its error"),
        (total == expected, f"total is exact: {expected:,}",
         lost or f"total must be the number in total.value, not {total!r}"),
        (not unlocked, "every change of total.value holds the lock",
         f"`{unlocked[0] if unlocked else ''}` runs without the lock: another process can "
         "write between its read and its write. Put it in `with total.get_lock():`, or add "
         "up locally and add once, under the lock"),
        (ended and own == expected,
         "the checker's own run of your worker in 4 processes was exact too",
         f"the checker's own run gave {own!r}, not {expected:,}"
         + ("" if ended else " (the processes did not end within a minute)")),
    ])


# --- exercise 2: shared memory without copying ----------------------------------------------
COPIED = "the checker's array was pickled to send it to a worker (a copy)"


def _guarded(values):
    """Return ``values`` as an array that refuses to be pickled (so, to be copied)."""
    import numpy as np

    class NotToBeCopied(np.ndarray):
        def __reduce_ex__(self, protocol):
            raise TypeError(COPIED)

    return values.view(NotToBeCopied)


def shm_segments() -> set[str]:
    """Return the shared-memory segments in /dev/shm (empty where there is none)."""
    try:
        return {p.name for p in SHM.iterdir() if p.name.startswith(("psm_", "wnsm_"))}
    except OSError:
        return set()


def _mapped_by_others(names: set[str]) -> set[str]:
    """Return those of ``names`` that a process outside this one's family maps."""
    import psutil

    me = psutil.Process()
    family = {me.pid, *(c.pid for c in me.children(recursive=True))}
    found = set()
    for pid in set(psutil.pids()) - family:
        try:
            with open(f"/proc/{pid}/maps", encoding="utf-8", errors="replace") as f:
                for line in f:
                    for name in names:
                        if line.rstrip().endswith(f"/dev/shm/{name}"):
                            found.add(name)
        except OSError:
            continue
    return found


def check_shared_sum(shared_sum: object, length: int = 200_000) -> Verdict:
    """Check exercise 2: ``shared_sum(values, pool)`` sums ``values`` from shared memory.

    The checker gives it an array of ``length`` float64 values that refuses to be
    pickled (so a copy sent to a worker is caught) and a 2-process pool; the result must
    be the array's sum, and no new segment may be left in /dev/shm afterwards.
    """
    from multiprocessing import resource_tracker, shared_memory

    import numpy as np

    title = "Exercise 2: a sum from shared memory, without copying, cleaned up"
    if not callable(shared_sum):
        return report(title, [(False, "", "pass the function itself: my_shm_sum.shared_sum")])
    values = np.random.default_rng(5).random(length)
    expected = float(values.sum())
    before = shm_segments()
    # Start this process's resource tracker before the pool: a worker forked without one
    # starts its own, which deletes the segments it saw when the worker exits.
    resource_tracker.ensure_running()
    with get_context().Pool(2) as pool:
        call = call_within(shared_sum, (_guarded(values), pool), LIMIT)
        ended, result, error = call.finished, call.result, call.error
        if not ended:
            pool.terminate()
    left = shm_segments() - before
    left -= _mapped_by_others(left)  # another program's segments are not yours
    for name in left:  # leave nothing behind, but say so
        try:  # attach, then unlink: this also tells the resource tracker it is gone
            leftover = shared_memory.SharedMemory(name=name)
            leftover.close()
            leftover.unlink()
        except OSError:
            pass
    message = f"{type(error).__name__}: {error}" if error else ""
    copied = COPIED in message
    notebook = "__main__" in message or "Can't get attribute" in message
    return report(title, [
        (ended, "shared_sum finished",
         "shared_sum did not finish within a minute. Is your worker defined in the notebook? "
         "Under spawn and forkserver it must be in my_shm_sum.py"),
        (not copied, "the array itself was never sent to a worker",
         "the array (or a slice of it) was pickled to a worker, which copies it: copy it "
         "into the shared block once, and send each worker only the block's name, the "
         "length and its start and stop"),
        (error is None, "shared_sum ran without an error",
         "put the worker in my_shm_sum.py (it is defined in the notebook)" if notebook else
         "del the NumPy view before shm.close(): a live view keeps the buffer exported"
         if "exported pointers" in message else f"shared_sum raised {message}"),
        (isinstance(result, int | float | np.floating) and np.isclose(result, expected),
         f"the sum is right: {expected:.6f}",
         f"shared_sum returned {result!r}, not {expected:.6f}: each worker sums "
         "values[start:stop] of its own part, the parts cover the array once, and you "
         "add up what the workers return"),
        (not left, "no shared-memory segment is left in /dev/shm" if SHM.exists() else
         "(no /dev/shm here: the checker cannot look for a segment left behind)",
         f"{len(left)} segment(s) were left in /dev/shm (the checker removed them): the "
         "creator calls shm.close() and then shm.unlink(), once, in a finally block"),
    ])


# --- exercise 3: a Manager dict of lists ----------------------------------------------------
def expected_index(words: Sequence[str], letters: str) -> dict[str, list[str]]:
    """Return the index the exercise asks for: each letter's words, in their order."""
    return {letter: [w for w in words if w.startswith(letter)] for letter in letters}


def _sorted_lists(index: object) -> dict | None:
    try:
        return {k: sorted(v) for k, v in dict(index).items()}
    except (TypeError, ValueError, AttributeError):
        return None


def check_index(index_words: object, result: object, words: Sequence[str],
                letters: str = "abc") -> Verdict:
    """Check exercise 3: processes fill a Manager dict's lists, one letter each.

    ``index_words(index, letter, words)`` is the learner's worker and ``result`` the
    plain dict they copied out of the manager. The checker also runs the worker itself,
    one process per letter, with a Manager of its own.
    """
    title = "Exercise 3: a Manager dict whose lists fill up"
    want = expected_index(words, letters)
    problem = _module_problem(index_words, "index_words", "my_index.py")
    if problem:
        return report(title, [(False, "", problem)])
    got = _sorted_lists(result)
    mine = None
    ctx = get_context()
    with ctx.Manager() as manager:
        index = manager.dict({letter: [] for letter in letters})
        ended, codes = _run_processes(index_words, [(index, c, list(words)) for c in letters])
        if ended:
            mine = _sorted_lists(index)
    sorted_want = {k: sorted(v) for k, v in want.items()}
    empty = got is not None and all(not v for v in got.values())
    return report(title, [
        (got is not None, "result is a dict of lists",
         "result must be dict(index), copied before the manager's `with` block ends"),
        (not empty, "the lists are no longer empty",
         "index[letter] gives your process a copy of the list, and .append changes only "
         "that copy. Build the list, then store it: index[letter] = the_list"),
        (got == sorted_want, f"result is right: {want}",
         f"result is {result!r}; each letter's list must hold exactly its words"),
        (ended and not any(codes) and mine == sorted_want,
         "the checker's own run of your worker filled the lists too",
         f"the checker's own run gave {mine!r} (exit codes {codes})"),
    ])

