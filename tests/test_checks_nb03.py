"""Checkers and solutions of 03_pools: right answers pass, typical wrong ones get the right hint."""

import runpy
from pathlib import Path

import pytest

from helpers.checks.nb03 import (
    check_chunked_sum,
    check_default_chunksize,
    check_kept_results,
    chunksize_range,
)
from helpers.system import get_context
from helpers.workers import do_nothing, square

SOLUTIONS = Path(__file__).parent.parent / "helpers" / "solutions"
N, P = 1000, 2
SUM = sum(x * x for x in range(N))
ITEMS = [4, 2, 0, 5, 0, 10]
GOOD = {4: 0.25, 2: 0.5, 5: 0.2, 10: 0.1}


def hint_of(capsys) -> str:
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "not yet" in line]
    return lines[0] if lines else ""


def test_default_chunksize_right_answer_passes(capsys):
    assert check_default_chunksize(63, 16)
    assert "Well done" in capsys.readouterr().out


@pytest.mark.parametrize(("chunksize", "chunks", "words"), [
    (..., ..., "your prediction"),
    (1, 1000, "imap"),
    (250, 4, "4 chunks per process"),
    (62, 16, "rounds up"),
    (62.5, 16, "whole number"),
    (100, 10, "n_items / (4 * processes)"),
    (63, 15.873015873015873, "round up"),
    (63, 15, "divide 1000 items"),
])
def test_default_chunksize_wrong_answers_get_hints(capsys, chunksize, chunks, words):
    assert not check_default_chunksize(chunksize, chunks)
    assert words in hint_of(capsys)


def test_default_chunksize_other_sizes():
    assert check_default_chunksize(2, 5, n_items=10, processes=2)
    assert not check_default_chunksize(1, 10, n_items=10, processes=2)


# --- Exercise 2: the learner's own sum_of_squares, run by the checker -----------------------
def pooled_sum(n, processes, chunksize):
    with get_context().Pool(processes) as pool:
        squares = pool.map(square, range(n), chunksize=chunksize)
    return sum(squares)


def no_pool_sum(n, processes, chunksize):
    return sum(x * x for x in range(n))


def printing_sum(n, processes, chunksize):
    print(f"total: {pooled_sum(n, processes, chunksize)}")


def default_chunks_sum(n, processes, chunksize):
    with get_context().Pool(processes) as pool:
        return sum(pool.map(square, range(n)))


def wrong_processes_sum(n, processes, chunksize):
    return pooled_sum(n, 1, chunksize)


def none_worker_sum(n, processes, chunksize):
    with get_context().Pool(processes) as pool:
        return sum(pool.map(do_nothing, range(n), chunksize=chunksize))


LEFT_RUNNING = []


def leaky_sum(n, processes, chunksize):
    pool = get_context().Pool(processes)
    LEFT_RUNNING.append(pool)
    return sum(pool.map(square, range(n), chunksize=chunksize))


def test_chunked_sum_right_answer_passes(capsys):
    assert check_chunked_sum(pooled_sum, 125, N, P)
    assert check_chunked_sum(pooled_sum, 1250, 10_000, 2)
    assert "Well done" in capsys.readouterr().out


@pytest.mark.parametrize(("func", "chunksize", "words"), [
    (no_pool_sum, 125, "no pool was started"),  # the old checker passed this
    (pooled_sum, 2, "round trip"),  # the old checker passed chunksize 2
    (pooled_sum, 1, "round trip"),
    (pooled_sum, 500, "at least 2 chunks per process"),  # one chunk per process
    (printing_sum, 125, "printed the total instead of returning it"),
    (default_chunks_sum, 125, "pass chunksize=chunksize"),
    (wrong_processes_sum, 125, "ctx.Pool(processes)"),
    (none_worker_sum, 125, "returned None"),
    (42, 125, "pass your function itself"),
])
def test_chunked_sum_wrong_answers_get_hints(capsys, func, chunksize, words):
    assert not check_chunked_sum(func, chunksize, N, P)
    assert words in hint_of(capsys)


def test_chunked_sum_refuses_chunksize_5000_for_10000_items_on_2_processes(capsys):
    assert not check_chunked_sum(pooled_sum, 5000, 10_000, 2)  # the old checker passed it
    assert "at least 2 chunks per process" in hint_of(capsys)


def test_chunked_sum_stops_a_pool_left_running(capsys):
    assert not check_chunked_sum(leaky_sum, 125, N, P)
    assert "left running" in hint_of(capsys)
    pool = LEFT_RUNNING.pop()
    with pytest.raises(ValueError):  # the checker terminated it
        pool.apply_async(int)


def notebook_square(x):
    return x * x


def notebook_sum(n, processes, chunksize):
    with get_context().Pool(processes) as pool:
        return sum(pool.map(notebook_square, range(n), chunksize=chunksize))


def test_chunked_sum_names_a_notebook_worker_under_spawn(capsys, monkeypatch):
    import sys

    import helpers.pools

    # what a `def` in a notebook cell is: a function of the module __main__
    monkeypatch.setattr(notebook_square, "__module__", "__main__")
    monkeypatch.setattr(sys.modules["__main__"], "notebook_square", notebook_square,
                        raising=False)
    monkeypatch.setattr(helpers.pools, "start_method", lambda: "spawn")
    assert not check_chunked_sum(notebook_sum, 125, N, P)
    assert "defined in this notebook" in hint_of(capsys)


def test_chunksize_range_keeps_two_chunks_per_process_and_hundreds_per_message():
    assert chunksize_range(10_000, 2) == (100, 2500)
    assert chunksize_range(1000, 2) == (100, 250)
    assert chunksize_range(100, 4) == (12, 12)  # too few items for both rules: the second wins


def test_kept_results_right_answer_passes(capsys):
    assert check_kept_results(dict(GOOD), [0, 0], ITEMS)
    assert check_kept_results(dict(GOOD), (0, 0), ITEMS)
    assert "Well done" in capsys.readouterr().out


@pytest.mark.parametrize(("results", "failed", "words"), [
    ({}, [], "results is empty"),
    ([0.25, 0.5], [0, 0], "should be a dict"),
    ({**GOOD, 0: ZeroDivisionError("division by zero")}, [0, 0], "holds exceptions for [0]"),
    ({4: 0.25, 2: 0.5}, [0], "missing [5, 10]"),
    ({4: 4, 2: 2, 5: 5, 10: 10}, [0, 0], "1 / item"),
    (dict(GOOD), [], "failed is empty"),
    (dict(GOOD), [ZeroDivisionError(), ZeroDivisionError()], "not the error"),
    (dict(GOOD), [0], "[0, 0]"),
    (dict(GOOD), None, "a list of items"),
])
def test_kept_results_wrong_answers_get_hints(capsys, results, failed, words):
    assert not check_kept_results(results, failed, ITEMS)
    assert words in hint_of(capsys)


def test_checkers_never_raise_on_odd_answers():
    assert not check_default_chunksize("63", None)
    assert not check_chunked_sum(None, "x", N, P)
    assert not check_chunked_sum(pooled_sum, "x", N, P)
    assert not check_kept_results({1: 1.0}, ["a", 0], [1, 0])


@pytest.mark.parametrize("name", ["nb03_default_chunksize", "nb03_chunked_sum",
                                  "nb03_keep_results"])
def test_solutions_run_and_pass_their_checker(capsys, name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # nb03_chunked_sum writes my_squares.py: here, not in the repo
    monkeypatch.syspath_prepend(str(tmp_path))
    runpy.run_path(str(SOLUTIONS / f"{name}.py"), run_name="solution")
    out = capsys.readouterr().out
    assert "Well done" in out and "not yet" not in out
