"""Checkers of notebooks 00 and 01: right answers pass, typical mistakes get the right hint."""

import os
import runpy
from pathlib import Path

import pytest

from helpers.checks import Verdict, report
from helpers.checks.nb00 import check_usable_cpus
from helpers.checks.nb01 import check_efficiency, check_io_threads
from helpers.system import usable_cpus
from helpers.timing import Timing

SOLUTIONS = Path(__file__).parent.parent / "helpers" / "solutions"


def test_report_shows_only_the_first_hint(capsys):
    verdict = report("T", [(True, "a ok", "x"), (False, "", "hint one"), (False, "", "hint two")])
    out = capsys.readouterr().out
    assert not verdict and verdict == False  # noqa: E712
    assert "✅ a ok" in out and "hint one" in out and "hint two" not in out


def test_verdict_is_true_when_all_pass_and_displays_nothing(capsys):
    verdict = report("T", [(True, "fine", "")])
    assert verdict and verdict == True and isinstance(verdict, Verdict)  # noqa: E712
    assert verdict._ipython_display_() is None
    assert "Well done" in capsys.readouterr().out


def test_usable_cpus_right_answer_passes():
    assert check_usable_cpus(usable_cpus())


@pytest.mark.parametrize(
    ("answer", "hint"),
    [(..., "replace the ..."), (None, "replace the ..."), ("2", "not str"),
     (os.cpu_count() + 1, "usable CPUs")],
)
def test_usable_cpus_wrong_answers_get_a_hint(capsys, answer, hint):
    assert not check_usable_cpus(answer)
    assert hint in capsys.readouterr().out


def test_usable_cpus_hint_names_os_cpu_count(capsys, monkeypatch):
    monkeypatch.setenv("LOKY_MAX_CPU_COUNT", "1")
    if os.cpu_count() == 1:
        pytest.skip("needs a machine with more than one CPU")
    assert not check_usable_cpus(os.cpu_count())
    assert "os.cpu_count()" in capsys.readouterr().out


SERIAL, PARALLEL = Timing((2.0, 1.6, 2.2), "serial"), Timing((1.0, 0.9, 1.5), "processes")


def test_efficiency_right_answer_passes(capsys):
    assert check_efficiency(2.0 / 1.0 / 2, SERIAL, PARALLEL, 2)
    assert "100%" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "hint"),
    [(2.0, "that is the speedup"), (0.5, "upside down"), (1.6 / 0.9 / 2, "fastest runs"),
     ("1", "compute a number"), (0.3, "efficiency = speedup / workers")],
)
def test_efficiency_wrong_answers_get_the_right_hint(capsys, answer, hint):
    assert not check_efficiency(answer, SERIAL, PARALLEL, 2)  # right: 2.0 / 1.0 / 2 = 1.0
    assert hint in capsys.readouterr().out


PAGES = [0.02] * 12


def test_io_threads_enough_threads_pass_when_fast_enough():
    assert check_io_threads(12, PAGES, timing=Timing((0.021, 0.022)))  # 11x one at a time


def test_io_threads_enough_threads_but_a_slow_run_says_run_again(capsys):
    assert not check_io_threads(12, PAGES, timing=Timing((0.2,)))
    assert "run the cell again" in capsys.readouterr().out


def test_io_threads_measures_when_given_no_timing(capsys):
    check_io_threads(3, PAGES)  # timing-dependent verdict: only the measurement is checked
    assert "3 threads: " in capsys.readouterr().out


@pytest.mark.parametrize(("threads", "repeats"), [(1, 1), (3, 1), (12, 3)])
def test_io_threads_times_a_hopeless_answer_once(monkeypatch, threads, repeats):
    import helpers.checks.nb01 as nb01

    seen = []

    def fake_measure(*args, repeats=3, warmup=1, **kwargs):
        seen.append((repeats, warmup))
        return Timing((0.01,) * repeats)

    monkeypatch.setattr(nb01, "measure", fake_measure)
    check_io_threads(threads, PAGES)
    assert seen == [(repeats, 0 if repeats == 1 else 1)]


@pytest.mark.parametrize(
    ("threads", "hint"),
    [(1, "in 12 rounds of waiting, so the best possible is 1.0x"),
     (3, "in 4 rounds of waiting, so the best possible is 3.0x"),
     (0, "1 or more"), (2.5, "not 2.5"), ("8", "not '8'")],
)
def test_io_threads_too_few_or_wrong_get_the_rounds_hint(capsys, threads, hint):
    assert not check_io_threads(threads, PAGES)
    assert hint in capsys.readouterr().out


def test_solution_nb00_passes_its_checker(capsys):
    runpy.run_path(str(SOLUTIONS / "nb00_usable_cpus.py"))
    assert "Well done" in capsys.readouterr().out


def test_solution_nb01_efficiency_passes_its_checker(capsys):
    runpy.run_path(str(SOLUTIONS / "nb01_efficiency.py"), init_globals={
        "cpu_timings": [SERIAL, Timing((1.9,)), PARALLEL], "workers": 2})
    assert "Well done" in capsys.readouterr().out


def test_solution_nb01_io_threads_passes_its_checker(capsys, monkeypatch):
    import helpers.checks.nb01 as nb01

    seen = []

    def one_round(func, *args, **kwargs):  # what 30 threads achieve on an idle machine
        seen.append(args)
        return Timing((0.06,))

    monkeypatch.setattr(nb01, "measure", one_round)
    runpy.run_path(str(SOLUTIONS / "nb01_io_threads.py"), init_globals={"pages": [0.05] * 30})
    assert seen and seen[0][2] == 30  # it measured the pages with 30 threads
    assert "Well done" in capsys.readouterr().out


def test_guess_text_says_when_there_was_no_guess():
    from helpers.checks import guess_text

    for unfilled in (None, ..., "...", "?", "  "):
        assert guess_text(unfilled) == "you did not guess"
    assert guess_text(1.5, "x") == "you guessed 1.5x"
    assert guess_text("half") == "you guessed half"
    assert guess_text(0) == "you guessed 0"
