"""Checkers for the exercises of 03_pools.

Each prints what is right and, for the first thing that is not yet right, a hint;
it returns True or False and never raises on a wrong answer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from helpers.checks import Verdict, _is_number, report
from helpers.pools import default_chunksize


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


def check_chunked_sum(total: object, chunksize: object, n: int, processes: int) -> Verdict:
    """Exercise 2: the sum of ``square(x)`` for x in ``range(n)``, computed by a pool.

    ``chunksize`` is the one you passed to ``map``; it should make far fewer messages
    than items, yet at least one chunk per process.
    """
    right_total = sum(x * x for x in range(n))
    most = math.ceil(n / processes)
    if total == 0:
        total_hint = "total is still 0: add up the squares the pool returned (sum(...))."
    elif total == sum(x * x for x in range(1, n + 1)):
        total_hint = "range(n) starts at 0 and stops before n: use range(n) as the items."
    elif total == sum(range(n)):
        total_hint = "that is the sum of the numbers, not of their squares: map square."
    else:
        total_hint = f"expected the sum of x * x for x in range({n}): sum(...) of the results."
    is_int = isinstance(chunksize, int) and not isinstance(chunksize, bool)
    if chunksize is None:
        size_hint = ("pass chunksize= to map yourself, and keep the same number in "
                     "`my_chunksize` so the checker can see it.")
    elif not is_int or chunksize < 1:
        size_hint = f"a chunksize is a whole number of items, 1 or more, not {chunksize!r}."
    elif chunksize == 1:
        size_hint = (f"chunksize 1 sends {n} messages, each for a task of a few "
                     "nanoseconds: the messages cost far more than the work. Try hundreds.")
    else:
        size_hint = (f"chunksize {chunksize} makes only {math.ceil(n / chunksize)} chunks for "
                     f"{processes} processes, so some of them sit idle. Keep it at most "
                     f"{most} (n / processes).")
    good_size = is_int and 1 < chunksize <= most
    return report("Exercise 2: a sum of squares with a well-chosen chunksize", [
        (total == right_total, f"the total is right: {right_total}", total_hint),
        (good_size, f"chunksize {chunksize} sends {math.ceil(n / chunksize)} messages "
         f"for {processes} processes" if good_size else "", size_hint),
    ])


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
                "and call .get(timeout=...) or .result(timeout=...) on each inside try/except, "
                "so one failure cannot stop the others.")
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
