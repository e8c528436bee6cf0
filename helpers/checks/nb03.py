"""Checkers for the exercises of 03_pools.

Each prints what is right and, for the first thing that is not yet right, a hint;
it returns True or False and never raises on a wrong answer.
"""

from __future__ import annotations

import contextlib
import io
import math
from collections.abc import Callable, Sequence

from helpers.checks import Verdict, _is_number, report
from helpers.parallel import NotInModuleError
from helpers.pools import default_chunksize, watch_pools


def check_default_chunksize(
    chunksize: object, chunks: object, n_items: int = 1000, processes: int = 4
) -> Verdict:
    """Exercise 1: the chunksize ``Pool.map`` picks for ``n_items`` items and ``processes``.

    ``chunks`` is how many messages (chunks) that makes.
    """
    right = default_chunksize(n_items, processes)
    right_chunks = math.ceil(n_items / right)
    per_process = n_items / processes
    is_int = isinstance(chunksize, int) and not isinstance(chunksize, bool)
    if chunksize is None or chunksize is ...:
        hint = "set `chunksize` to a number: your prediction."
    elif not is_int:
        hint = (f"a chunksize counts items, so it is a whole number, not {chunksize!r}. "
                "Round up: the last chunk may be shorter than the others.")
    elif chunksize == 1:
        hint = ("1 is the default of imap and imap_unordered (and apply_async sends one "
                "call per message), not of map. map knows how many items there are, so it "
                "cuts them into a few chunks per process.")
    elif chunksize in (math.floor(per_process), math.ceil(per_process)):
        hint = (f"{chunksize} would give each process one chunk. map makes about 4 chunks "
                "per process, so that a process that finishes early can take another one.")
    elif chunksize == right - 1 and n_items % (4 * processes):
        hint = (f"close: {n_items} / (4 * {processes}) is not a whole number, and map "
                "rounds up (otherwise a small extra chunk would be left over).")
    else:
        hint = (f"map cuts the items into about 4 chunks per process: n_items / "
                f"(4 * processes) = {n_items} / {4 * processes}, rounded up.")
    checks = [(chunksize == right, f"map's default chunksize here is {right}", hint)]
    if chunksize == right:
        if chunks == right_chunks:
            chunk_hint = ""
        elif _is_number(chunks) and chunks == n_items / right:
            chunk_hint = ("round up: the last chunk holds the items left over, so it counts "
                          "as a message too.")
        elif chunks == 4 * processes:
            chunk_hint = (f"about 4 per process, but count them: {n_items} items in chunks "
                          f"of {right}, rounded up.")
        else:
            chunk_hint = (f"each chunk is one message: divide {n_items} items by the "
                          f"chunksize {right} and round up.")
        checks.append((chunks == right_chunks,
                       f"{n_items} items in chunks of {right} make {right_chunks} messages",
                       chunk_hint))
    return report("Exercise 1: map's default chunksize", checks)


#: Fewest items per message that check_chunked_sum accepts: a square takes well under a
#: microsecond, a message's round trip tens of microseconds, so a chunk needs hundreds.
MIN_ITEMS_PER_CHUNK = 100


def chunksize_range(n: int, processes: int) -> tuple[int, int]:
    """Return the chunksizes Exercise 2 accepts: (fewest, most) items per message.

    At least :data:`MIN_ITEMS_PER_CHUNK` items per message, so that the work outweighs the
    message; at most ``n / (2 * processes)``, so that each process gets two chunks or more
    and one that is slowed down (another program, a slower item) can be helped by the others.
    """
    most = max(1, n // (2 * processes))
    return min(MIN_ITEMS_PER_CHUNK, most), most


def _run_learner(func: Callable, *args: object) -> tuple[object, str, str, object]:
    """Call ``func(*args)`` while watching its pools; return (result, printed, error, watch)."""
    out = io.StringIO()
    with watch_pools(timeout=60) as watch:
        try:
            with contextlib.redirect_stdout(out):
                result, error = func(*args), ""
        except NotInModuleError as err:
            result, error = None, f"notebook: {err}"
        except Exception as err:  # any error: reporting it is the point
            result, error = None, f"{type(err).__name__}: {err}"
    printed = out.getvalue()
    if printed:
        print(printed, end="" if printed.endswith("\n") else "\n")
    return result, printed, error, watch


def check_chunked_sum(sum_of_squares: object, chunksize: object, n: int = 10_000,
                      processes: int = 2) -> Verdict:
    """Exercise 2: the learner's own pool sums the squares of ``range(n)`` in a few messages.

    ``sum_of_squares(n, processes, chunksize)`` is the learner's function: it should start a
    pool of ``processes``, ``map`` the worker from their own module over ``range(n)`` with
    ``chunksize``, end the pool, and *return* the sum. The checker runs it, watching which
    pool it starts and what it maps (:func:`helpers.pools.watch_pools`), and names the
    first thing that is not right yet.
    """
    title = "Exercise 2: your own pool, in few messages"
    right = sum(x * x for x in range(n))
    low, high = chunksize_range(n, processes)
    if not callable(sum_of_squares):
        return report(title, [(False, "", "pass your function itself: "
                                          "check_chunked_sum(sum_of_squares, my_chunksize, ...)")])
    result, printed, error, watch = _run_learner(sum_of_squares, n, processes, chunksize)
    left_running = watch.still_running()
    for pool in left_running:  # clean up first, whatever the verdict
        pool.terminate()
        pool.join()
    call = watch.maps[-1] if watch.maps else None
    size = call.chunksize if call else None
    if error.startswith("notebook: "):
        error_hint = error.removeprefix("notebook: ")
    elif call and call.returned_none:
        error_hint = (f"your worker {call.func.__name__} returned None ({error}). Does "
                      "my_squares.py still say `...`? Make it `return x * x`, run the "
                      "%%writefile cell again, then the cell that reloads it.")
    else:
        error_hint = f"sum_of_squares raised {error}."
    checks = [
        (not error, "sum_of_squares ran without an error", error_hint),
        (bool(watch.pools), "it started a pool",
         "no pool was started: the squares were computed in the notebook's own process. "
         "Inside sum_of_squares, start one with `with ctx.Pool(processes) as pool:`."),
        (bool(watch.pools) and watch.pools[-1][1] == processes,
         f"the pool has {processes} processes",
         f"pass the number of processes to the pool: ctx.Pool(processes), "
         f"not {watch.pools[-1][1] if watch.pools else None!r}."),
        (call is not None, "it called pool.map",
         "call pool.map(my_squares.square, range(n), chunksize=chunksize) on the pool."),
        (call is not None and call.func.__module__ != "__main__",
         "the worker comes from your module, so any start method can import it",
         "the worker is defined in the notebook: that works under fork only (under spawn, "
         "on macOS and Windows, a worker never finds it). Put it in my_squares.py and "
         "map my_squares.square."),
        (call is not None and call.n_items == n, f"map got the {n:,} numbers of range(n)",
         f"map got {call.n_items if call else 0:,} items: map over range(n)."),
        (result == right, f"it returned the sum: {right:,}",
         "sum_of_squares printed the total instead of returning it: `return sum(...)`."
         if result is None and str(right) in printed.replace(",", "") else
         "sum_of_squares returned None: end it with `return sum(squares)`."
         if result is None else
         f"it returned {result!r}; expected the sum of x * x for x in range({n}): "
         "sum(...) of what map returned."),
        (not left_running, "the pool was shut down",
         "the pool was left running (the checker stopped it): use `with ctx.Pool(...) as "
         "pool:`, or call pool.close() and pool.join() when the work is done."),
        (size is not None, "you passed a chunksize to map",
         "pass chunksize=chunksize to pool.map: without it, map picks its own."),
    ]
    if size is not None:
        messages = math.ceil(n / size)
        if size < low:
            hint = (f"chunksize {size} sends {messages:,} messages, each carrying {size} "
                    "squares of well under a microsecond: the round trip of a message costs "
                    f"far more than the work in it. Aim for {low} items per message or more.")
        else:
            hint = (f"chunksize {size} makes only {messages} chunk(s) for {processes} "
                    "processes: a process that finishes early has nothing left to take. "
                    f"Keep at least 2 chunks per process (a chunksize of at most {high}).")
        checks.append((low <= size <= high,
                       f"chunksize {size}: {messages} messages, at least 2 per process", hint))
    first_failure = next((i for i, (ok, _, _) in enumerate(checks) if not ok), len(checks))
    return report(title, checks[: first_failure + 1])


def check_kept_results(results: object, failed: object, items: Sequence[float]) -> Verdict:
    """Exercise 3: keep every good result when some tasks raise.

    ``results`` maps each item whose task worked to ``1 / item``; ``failed`` lists the
    items whose task raised (``reciprocal(0)`` raises ZeroDivisionError).
    """
    items = list(items)
    good = {x: 1 / x for x in items if x != 0}
    bad = sorted(x for x in items if x == 0)
    checks = []
    if not isinstance(results, dict):
        checks.append((False, "", f"results should be a dict {{item: 1 / item}}, not a "
                       f"{type(results).__name__}. Start from results = {{}} and fill it in."))
        return report("Exercise 3: keep the good results", checks)
    errors_inside = [k for k, v in results.items() if isinstance(v, BaseException)]
    if not results:
        hint = ("results is empty. Submit one task per item (apply_async or executor.submit) "
                "and call .get() or .result() on each inside try/except, so one failure "
                "cannot stop the others.")
    elif errors_inside:
        hint = (f"results holds exceptions for {errors_inside}: put those items in `failed` "
                "instead, and keep only the numbers in results.")
    elif set(results) < set(good):
        hint = (f"{len(results)} of {len(good)} good results: missing "
                f"{sorted(set(good) - set(results))}. Did the first error stop the loop? "
                "Catch the error for each task, not around all of them.")
    else:
        hint = f"results should be {good}: each item that worked, mapped to 1 / item."
    checks.append((results == good, f"all {len(good)} good results kept", hint))
    failed_list = list(failed) if isinstance(failed, list | tuple | set) else None
    if failed_list is None:
        fhint = f"failed should be a list of items, not {type(failed).__name__}."
    elif any(isinstance(f, BaseException) for f in failed_list):
        fhint = ("failed holds exceptions: append the item (x) whose task raised, "
                 "not the error, so you know which input to look at.")
    elif not failed_list:
        fhint = "failed is empty: append x in the `except` branch."
    else:
        fhint = f"failed should list the items whose task raised: {bad}."
    try:
        failed_ok = failed_list is not None and sorted(failed_list) == bad
    except TypeError:  # items that cannot be compared
        failed_ok = False
    checks.append((failed_ok, f"the {len(bad)} failed items are listed: {bad}", fhint))
    return report("Exercise 3: keep the good results", checks)
