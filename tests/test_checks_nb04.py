"""Checkers of notebook 04: right answers pass, typical mistakes get the matching hint."""

import pytest

from helpers.checks.nb04 import check_amdahl, check_break_even, check_speedup_efficiency
from helpers.model import OverheadModel

MODEL = OverheadModel(0.01, 0.005, 2e-5, 1.0, 1e-7, cpus=2)


def test_speedup_efficiency_right_answer_passes(capsys):
    assert check_speedup_efficiency(lambda s, t, p: (s / t, s / t / p))
    assert "Well done" in capsys.readouterr().out


@pytest.mark.parametrize("func, hint", [
    (lambda s, t, p: (t / s, t / s / p), "upside down"),
    (lambda s, t, p: (s / t, s / t), "divided by the number of processes"),
    (lambda s, t, p: (s / t, p / (s / t)), "not processes / speedup"),
    (lambda s, t, p: s / t, "two numbers"),
    (lambda s, t, p: (None, None), "two numbers"),
    (lambda s, t, p: 1 / 0, "ZeroDivisionError"),
])
def test_speedup_efficiency_mistakes_get_hints(func, hint, capsys):
    assert not check_speedup_efficiency(func)
    assert hint in capsys.readouterr().out


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
