"""Checkers of notebooks 00 and 01: right answers pass, typical mistakes get the right hint."""

import os
import runpy
from pathlib import Path

import pytest

from helpers.checks import Verdict, report
from helpers.checks.nb00 import check_usable_cpus
from helpers.checks.nb01 import check_io_threads, check_speedup
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
     (usable_cpus() + 1, "usable CPUs")],
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


def test_speedup_right_answer_passes():
    assert check_speedup(SERIAL.median / PARALLEL.median, SERIAL, PARALLEL)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [(0.5, "upside down"), (1.6 / 0.9, "fastest runs"), ("2", "compute a number"),
     (3.0, "use the medians")],
)
def test_speedup_wrong_answers_get_the_right_hint(capsys, answer, hint):
    assert not check_speedup(answer, SERIAL, PARALLEL)
    assert hint in capsys.readouterr().out


def test_io_threads_enough_threads_pass():
    assert check_io_threads(30, Timing((0.06,)), serial_seconds=1.5)


@pytest.mark.parametrize(
    ("threads", "timing", "hint"),
    [(1, 1.5, "1 thread(s) wait"), (0, 1.5, "1 or more"), (10, 1.0, "run the measuring cell")],
)
def test_io_threads_wrong_answers_get_a_hint(capsys, threads, timing, hint):
    assert not check_io_threads(threads, Timing((timing,)), serial_seconds=1.5)
    assert hint in capsys.readouterr().out


def test_solution_nb00_passes_its_checker(capsys):
    runpy.run_path(str(SOLUTIONS / "nb00_usable_cpus.py"))
    assert "Well done" in capsys.readouterr().out


def test_solution_nb01_speedup_passes_its_checker(capsys):
    runpy.run_path(str(SOLUTIONS / "nb01_speedup.py"),
                   init_globals={"cpu_timings": [SERIAL, Timing((1.9,)), PARALLEL]})
    assert "Well done" in capsys.readouterr().out


def test_solution_nb01_io_threads_passes_its_checker(capsys):
    runpy.run_path(str(SOLUTIONS / "nb01_io_threads.py"), init_globals={"pages": [0.05] * 30})
    assert "Well done" in capsys.readouterr().out
