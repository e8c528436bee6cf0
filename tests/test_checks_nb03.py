"""Checkers and solutions of 03_pools: right answers pass, typical wrong ones get the right hint."""

import runpy
from pathlib import Path

import pytest

from helpers.checks.nb03 import check_chunked_sum, check_default_chunksize, check_kept_results

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


def test_chunked_sum_right_answer_passes(capsys):
    assert check_chunked_sum(SUM, 125, N, P)
    assert check_chunked_sum(SUM, 500, N, P)
    assert "Well done" in capsys.readouterr().out


@pytest.mark.parametrize(("total", "chunksize", "words"), [
    (0, 100, "still 0"),
    (sum(x * x for x in range(1, N + 1)), 100, "starts at 0"),
    (sum(range(N)), 100, "not of their squares"),
    (12345, 100, "sum(...)"),
    (SUM, None, "pass chunksize="),
    (SUM, 1, "messages cost far more"),
    (SUM, 0, "1 or more"),
    (SUM, 2.5, "whole number"),
    (SUM, 501, "sit idle"),
    (SUM, 1000, "sit idle"),
])
def test_chunked_sum_wrong_answers_get_hints(capsys, total, chunksize, words):
    assert not check_chunked_sum(total, chunksize, N, P)
    assert words in hint_of(capsys)


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
    assert not check_kept_results({1: 1.0}, ["a", 0], [1, 0])


@pytest.mark.parametrize("name", ["nb03_default_chunksize", "nb03_chunked_sum",
                                  "nb03_keep_results"])
def test_solutions_run_and_pass_their_checker(capsys, name):
    runpy.run_path(str(SOLUTIONS / f"{name}.py"), run_name="solution")
    out = capsys.readouterr().out
    assert "Well done" in out and "not yet" not in out
