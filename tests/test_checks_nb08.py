"""Checkers and solutions of 08_robustness: right answers pass, wrong ones get the right hint."""

import importlib
import runpy
import sys
import textwrap
from pathlib import Path

import pytest

from helpers.checks.nb08 import check_robust_map, check_timeout, check_worker_logging
from helpers.solutions import nb08_logging, nb08_robust_map

SOLUTIONS = Path(__file__).parent.parent / "helpers" / "solutions"

# Wrong answers a learner may write, in a module of their own (as my_robust.py would be).
WRONG = '''
import logging
import logging.handlers
import time
from concurrent.futures import ProcessPoolExecutor

from helpers.system import get_context

GOOD = {0: 0, 2: 4, 4: 16, 5: 25, 7: 49}


def plain_map(func, items, retries=2, timeout=5.0):
    with get_context().Pool(2) as pool:
        return dict(enumerate(pool.map(func, items))), {}


def executor_map(func, items, retries=2, timeout=5.0):
    with ProcessPoolExecutor(2, mp_context=get_context()) as executor:
        return dict(enumerate(executor.map(func, items, timeout=timeout))), {}


def prints(func, items, retries=2, timeout=5.0):
    print({}, {})


def returns_nothing(func, items, retries=2, timeout=5.0):
    return {}, {}


def blames_innocents(func, items, retries=2, timeout=5.0):
    return {0: 0, 5: 25}, {1: "x", 2: "x", 3: "x", 4: "x", 6: "x", 7: "x"}


def no_retry(func, items, retries=2, timeout=5.0):
    return {k: v for k, v in GOOD.items() if k != 5}, {1: "x", 3: "x", 5: "x", 6: "x"}


def misses_the_hang(func, items, retries=2, timeout=5.0):
    return dict(GOOD), {1: "x", 3: "x"}


def init_nothing(queue):
    pass


def init_warning_level(queue):
    logging.getLogger().handlers[:] = [logging.handlers.QueueHandler(queue)]


def retries_once_too_often(func, items, retries=2, timeout=5.0):
    from helpers.solutions.nb08_robust_map import robust_map

    return robust_map(func, items, retries=retries + 1, timeout=timeout)


def init_good(queue):
    root = logging.getLogger()
    root.handlers[:] = [logging.handlers.QueueHandler(queue)]
    root.setLevel(logging.INFO)


def work_twice(x):
    logging.getLogger("work").info("squaring %s", x)
    logging.getLogger("work").info("again %s", x)
    return x * x
'''


@pytest.fixture(scope="module")
def wrong(tmp_path_factory):
    folder = tmp_path_factory.mktemp("learner")
    (folder / "wrong_answers_nb08.py").write_text(textwrap.dedent(WRONG))
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("wrong_answers_nb08")
    finally:
        sys.path.remove(str(folder))
        sys.modules.pop("wrong_answers_nb08", None)


def hint_of(capsys) -> str:
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "not yet" in line]
    return lines[0] if lines else ""


def test_robust_map_solution_passes(capsys):
    assert check_robust_map(nb08_robust_map.robust_map)
    assert "Well done" in capsys.readouterr().out


@pytest.mark.parametrize(("name", "words"), [
    ("plain_map", "had not returned"),
    ("executor_map", "your map raised"),
    ("prints", "return two dicts"),
    ("returns_nothing", "both empty"),
    ("blames_innocents", "never failed themselves"),
    ("no_retry", "task 5 fails once"),
    ("misses_the_hang", "6 (hangs)"),
    ("retries_once_too_often", "ran 3 time(s), not 2"),
])
def test_robust_map_wrong_answers_get_hints(capsys, wrong, name, words):
    bound = 8 if name == "plain_map" else 40  # the others return (or raise) by themselves
    assert not check_robust_map(getattr(wrong, name), bound=bound)
    assert words in hint_of(capsys)


def test_robust_map_defined_in_the_notebook_gets_a_hint(capsys):
    def robust_map(func, items, retries=2, timeout=5.0):
        return {}, {}

    robust_map.__module__ = "__main__"
    assert not check_robust_map(robust_map)
    assert "defined in the notebook" in hint_of(capsys)
    assert not check_robust_map("robust_map")
    assert "pass your function itself" in hint_of(capsys)


def test_worker_logging_solution_passes(capsys):
    assert check_worker_logging(nb08_logging.init_worker, nb08_logging.work, nb08_logging.fmt)
    out = capsys.readouterr().out
    assert "Well done" in out and "PoolWorker" in out


@pytest.mark.parametrize(("init", "work", "fmt", "words"), [
    ("init_nothing", None, "%(processName)s %(message)s", "no line reached the listener"),
    ("init_warning_level", None, "%(processName)s %(message)s", "no line reached"),
    ("init_good", "work_twice", "%(processName)s %(message)s", "added more than once"),
    ("init_good", None, "%(message)s", "%(processName)s"),
    ("init_good", None, "%(processName)s", "%(message)s in it"),
    ("init_good", None, None, "format string"),
])
def test_worker_logging_wrong_answers_get_hints(capsys, wrong, init, work, fmt, words):
    work_function = getattr(wrong, work) if work else nb08_logging.work
    assert not check_worker_logging(getattr(wrong, init), work_function, fmt)
    assert words in hint_of(capsys)


def test_worker_logging_defined_in_the_notebook_gets_a_hint(capsys):
    def init_worker(queue):
        pass

    init_worker.__module__ = "__main__"
    assert not check_worker_logging(init_worker, nb08_logging.work, "%(message)s")
    assert "defined in the notebook" in hint_of(capsys)


DURATIONS = [0.1, 0.15, 0.2, 0.3, 0.4]


def test_timeout_right_answers_pass(capsys):
    assert check_timeout(0.8, DURATIONS)
    assert check_timeout(3 * max(DURATIONS), DURATIONS)
    assert check_timeout(4, DURATIONS)
    assert "Well done" in capsys.readouterr().out


@pytest.mark.parametrize(("timeout", "words"), [
    (None, "set my_timeout"),
    (..., "set my_timeout"),
    (-1, "positive number"),
    ("1", "positive number"),
    (float("inf"), "positive number"),
    (0.22, "2 of the 5 measured tasks"),
    (sum(DURATIONS) / len(DURATIONS), "not the average"),
    (0.4, "almost no room"),
    (0.5, "almost no room"),
    (60, "more than 10 times"),
])
def test_timeout_wrong_answers_get_hints(capsys, timeout, words):
    assert not check_timeout(timeout, DURATIONS)
    assert words in hint_of(capsys)


def test_timeout_needs_durations():
    with pytest.raises(ValueError, match="measured task times"):
        check_timeout(1, [])


@pytest.mark.parametrize(("name", "init"), [
    ("nb08_robust_map", {}), ("nb08_logging", {}), ("nb08_timeout", {"durations": DURATIONS}),
])
def test_solutions_run_and_pass_their_checker(capsys, name, init):
    runpy.run_path(str(SOLUTIONS / f"{name}.py"), init_globals=init, run_name="__main__")
    out = capsys.readouterr().out
    assert "Well done" in out and "not yet" not in out
