"""Checkers of notebook 04: right answers pass, typical mistakes get the matching hint."""

import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest

from helpers.checks.nb04 import check_amdahl, check_break_even, check_my_speedup
from helpers.model import OverheadModel
from helpers.workers import cpu_task, do_nothing

MODEL = OverheadModel(0.01, 0.005, 2e-5, 1.0, 1e-7, cpus=2)
SOLUTIONS = Path(__file__).parent.parent / "helpers" / "solutions"
ITEMS = [2000] * 4


def timeit_result(average, best=None):
    """What `%timeit -o` hands back, as far as the checker reads it."""
    return SimpleNamespace(average=average, best=best or average, worst=average,
                           all_runs=[average])


LOOP, POOLED = timeit_result(0.8, 0.75), timeit_result(0.5, 0.45)


def test_amdahl_right_answer_passes():
    assert check_amdahl(lambda p, f: 1 / (f + (1 - f) / p))


@pytest.mark.parametrize("func, hint", [
    (lambda p, f: f + (1 - f) / p, "one divided by it"),
    (lambda p, f: 1 / (f + (1 - f) * p), "not multiplied"),
    (lambda p, f: 1 / ((1 - f) + f / p), "stays whole"),
    (lambda p, f: p, "1 / (f + (1 - f) / p)"),
    (lambda p, f: None, "return a number"),
])
def test_amdahl_mistakes_get_hints(func, hint, capsys):
    assert not check_amdahl(func)
    assert hint in capsys.readouterr().out


def test_break_even_right_and_wrong(capsys):
    right = MODEL.break_even_size(2)
    assert check_break_even(right, MODEL, 2)
    assert check_break_even(int(right * 1.5), MODEL, 2)  # found by doubling: close enough
    capsys.readouterr()
    assert not check_break_even(right // 10, MODEL, 2)
    assert "still below" in capsys.readouterr().out
    assert not check_break_even(right * 10, MODEL, 2)
    assert "already" in capsys.readouterr().out
    assert not check_break_even(None, MODEL, 2)
    assert "try sizes" in capsys.readouterr().out


def test_break_even_with_one_cpu_expects_none(capsys):
    one_cpu = OverheadModel(0.01, 0.005, 2e-5, 1.0, 1e-7, cpus=1)
    assert check_break_even(None, one_cpu, 2)
    assert not check_break_even(50_000, one_cpu, 2)
    assert "never" in capsys.readouterr().out


# --- Exercise 1: the speedup of the learner's own function --------------------------------
def test_my_speedup_right_answer_passes(capsys):
    assert check_my_speedup(0.8 / 0.5, LOOP, POOLED, cpu_task, ITEMS, 2, harness=False)
    assert check_my_speedup(0.75 / 0.45, LOOP, POOLED, cpu_task, ITEMS, 2, harness=False)
    assert "Well done" in capsys.readouterr().out


def test_my_speedup_sets_the_learners_number_next_to_the_harness(capsys):
    assert check_my_speedup(0.8 / 0.5, LOOP, POOLED, cpu_task, ITEMS, 2)
    out = capsys.readouterr().out
    assert "harness" in out and "start-up included" in out


def notebook_task(n):
    return n


@pytest.fixture
def in_main(monkeypatch):
    """Make notebook_task look like a `def` in a notebook cell: a function of __main__."""
    import sys

    monkeypatch.setattr(notebook_task, "__module__", "__main__")
    monkeypatch.setattr(sys.modules["__main__"], "notebook_task", notebook_task, raising=False)


@pytest.mark.parametrize("args, hint", [
    ((0.5 / 0.8, LOOP, POOLED, cpu_task), "upside down"),
    ((2.5, LOOP, POOLED, cpu_task), "loop.average / pooled.average"),
    ((None, LOOP, POOLED, cpu_task), "set my_speedup"),
    ((1.6, LOOP, timeit_result(5e-8), cpu_task), "timed almost nothing"),
    ((1.6, None, POOLED, cpu_task), "loop = %timeit -o"),
    ((1.6, LOOP, POOLED, do_nothing), "returned None"),
    ((1.6, LOOP, POOLED, notebook_task), "defined in"),
    ((1.6, LOOP, POOLED, lambda n: n), "cannot be sent"),
])
def test_my_speedup_mistakes_get_hints(args, hint, capsys, in_main):
    assert not check_my_speedup(*args, ITEMS, 2, harness=False)
    assert hint in capsys.readouterr().out


def test_solutions_pass_their_checkers(capsys, tmp_path, monkeypatch):
    runpy.run_path(str(SOLUTIONS / "nb04_amdahl.py"), init_globals={"fitted_f": 0.1})
    out = capsys.readouterr().out
    assert "Well done" in out and "81 processes" in out
    model = OverheadModel(0.01, 0.005, 2e-5, 1.0, 1e-7, cpus=2)
    runpy.run_path(str(SOLUTIONS / "nb04_break_even.py"), init_globals={"model": model,
                                                                        "CPUS": 2})
    assert "Well done" in capsys.readouterr().out


def test_my_speedup_solution_runs_in_ipython(capsys, tmp_path, monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.chdir(tmp_path)  # my_work.py goes here, not into the repo
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("COURSE_SCALE", "0.02")
    (tmp_path / "my_work.py").write_text("def my_task(n):\n    return sum(range(n))\n")
    shell = InteractiveShell.instance()
    try:
        result = shell.run_cell((SOLUTIONS / "nb04_my_speedup.py").read_text())
    finally:
        InteractiveShell.clear_instance()
    result.raise_error()
    out = capsys.readouterr().out
    assert "Well done" in out and "not yet" not in out
