"""Checkers of notebooks 00 and 01: right answers pass, typical mistakes get the right hint."""

import runpy
from pathlib import Path

import pytest

from helpers.checks import Verdict, report
from helpers.checks.nb00 import check_server_cpus, server_usable_cpus
from helpers.checks.nb01 import JOBS, check_io_threads, check_threads_or_processes
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


def test_server_cpus_right_answer_passes(capsys):
    assert check_server_cpus(3)
    assert "Well done" in capsys.readouterr().out


def test_server_cpus_follow_joblibs_rule():
    assert server_usable_cpus(64, 8, 2.5) == 3  # the quota, rounded up
    assert server_usable_cpus(64, 2, 2.5) == 2  # the affinity
    assert server_usable_cpus(1, 8, 2.5) == 1   # every CPU there is
    assert server_usable_cpus(64, 8, 0.2) == 1  # never less than one


@pytest.mark.parametrize(
    ("answer", "hint"),
    [(..., "replace the ..."), (None, "replace the ..."), ("3", "not str"),
     (64, "os.cpu_count()"), (8, "the quota gives it less"), (2.5, "count whole CPUs"),
     (2, "rounds a quota up, not down"), (1, "the smallest of the three")],
)
def test_server_cpus_wrong_answers_get_a_hint(capsys, answer, hint):
    assert not check_server_cpus(answer)
    out = capsys.readouterr().out
    assert hint in out
    assert "❌" in out and "3 usable CPUs" not in out  # no hint gives the answer away


PAGES = [0.02] * 12


def test_threads_or_processes_right_answers_pass(capsys):
    assert check_threads_or_processes({job: right for job, (right, _) in JOBS.items()})
    assert "Well done" in capsys.readouterr().out


def test_threads_or_processes_starter_and_wrong_answers_get_a_hint(capsys):
    starter = dict.fromkeys(JOBS, ...)
    assert not check_threads_or_processes(starter)
    assert "replace the ... with 'threads' or 'processes'" in capsys.readouterr().out
    assert not check_threads_or_processes(dict.fromkeys(JOBS, "both"))
    assert "not 'both'" in capsys.readouterr().out
    all_processes = dict.fromkeys(JOBS, "processes")
    assert not check_threads_or_processes(all_processes)
    out = capsys.readouterr().out
    assert "not processes" in out and "mostly wait" in out
    hashing = next(job for job in JOBS if "hashlib" in job)
    answers = {job: right for job, (right, _) in JOBS.items()} | {hashing: "Processes "}
    assert not check_threads_or_processes(answers)
    assert "C code that may let go of the GIL" in capsys.readouterr().out
    assert not check_threads_or_processes(None)
    assert "must be the dict" in capsys.readouterr().out


def test_threads_or_processes_jobs_are_both_kinds():
    assert {right for right, _ in JOBS.values()} == {"threads", "processes"}


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
    runpy.run_path(str(SOLUTIONS / "nb00_server_cpus.py"))
    assert "Well done" in capsys.readouterr().out


def test_solution_nb01_threads_or_processes_passes_its_checker(capsys):
    runpy.run_path(str(SOLUTIONS / "nb01_threads_or_processes.py"))
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


def test_call_within_reports_result_error_and_a_call_that_does_not_end():
    import threading

    from helpers.checks import call_within

    done = call_within(sum, ([1, 2, 3],), timeout=5)
    assert done.finished and done.result == 6 and done.error is None and done.outcome == 6

    def raises():
        raise ValueError("wrong")

    failed = call_within(raises, timeout=5)
    assert failed.finished and isinstance(failed.error, ValueError)
    assert failed.outcome is failed.error

    release = threading.Event()
    stuck = call_within(release.wait, (30,), timeout=0.2)
    release.set()
    assert not stuck.finished and stuck.result is None and stuck.seconds < 5
