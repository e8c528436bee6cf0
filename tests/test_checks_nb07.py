"""helpers.checks.nb07: the capstone's checker passes the solution and hints at each mistake."""

import time
from collections import Counter

import pytest

from helpers.checks.nb07 import check_capstone, notebook_functions
from helpers.pipeline import count_imports_serial, imports_of, stdlib_files
from helpers.solutions.nb07_imports import count_imports as solution
from helpers.system import get_context

FILES = stdlib_files(6)
EXPECTED = count_imports_serial(FILES)


def serial_starter(files, processes=2):  # the starter as given: right, but in one process
    return count_imports_serial(files)


def printed(files, processes=2):
    with get_context().Pool(processes) as pool:
        print(sum(pool.map(imports_of, files), Counter()))


def not_reduced(files, processes=2):
    with get_context().Pool(processes) as pool:
        return pool.map(imports_of, files)


def counted_twice(files, processes=2):
    with get_context().Pool(processes) as pool:
        results = pool.map(imports_of, files)
    return sum(results + results, Counter())


def one_process(files, processes=2):
    with get_context().Pool(1) as pool:
        return sum(pool.map(imports_of, files), Counter())


def first_half_only(files, processes=2):
    with get_context().Pool(processes) as pool:
        return sum(pool.map(imports_of, files[: len(files) // 2]), Counter())


LEFT_RUNNING = []


def left_running(files, processes=2):
    pool = get_context().Pool(processes)  # never closed: its workers stay
    LEFT_RUNNING.append(pool)
    return sum(pool.map(imports_of, files), Counter())


def one_argument(files):
    return count_imports_serial(files)


def too_slow(files, processes=2):
    time.sleep(3)


def verdict_and_output(capsys, func, **kwargs):
    verdict = check_capstone(func, FILES, EXPECTED, **kwargs)
    return verdict, capsys.readouterr().out


def test_the_solution_passes_and_its_speedup_is_reported(capsys):
    verdict, out = verdict_and_output(capsys, solution)
    assert verdict, out
    assert "Well done" in out and "Your speedup:" in out and "usable CPU" in out


@pytest.mark.parametrize(("func", "hint"), [
    (serial_starter, "ran in this process only"),
    (printed, "returned None"),
    (not_reduced, "returned a list"),
    (counted_twice, "twice too big"),
    (one_process, "only 1 worker process started"),
    (first_half_only, "other counts than the serial loop"),
    (one_argument, "count_imports(files, processes)"),
])
def test_each_typical_mistake_gets_its_hint(capsys, func, hint):
    verdict, out = verdict_and_output(capsys, func)
    assert not verdict
    assert hint in out, out
    assert "Your speedup" not in out


def test_a_pool_left_running_is_found(capsys):
    try:
        verdict, out = verdict_and_output(capsys, left_running)
    finally:
        for pool in LEFT_RUNNING:
            pool.terminate()
            pool.join()
    assert not verdict and "still running after your function returned" in out


def test_a_function_that_does_not_finish_is_reported(capsys):
    verdict, out = verdict_and_output(capsys, too_slow, timeout=0.5)
    assert not verdict and "did not finish within" in out


def test_not_a_function(capsys):
    verdict, out = verdict_and_output(capsys, solution(FILES))
    assert not verdict and "pass your function itself" in out


def _notebook_worker(path):
    return imports_of(path)


_notebook_worker.__module__ = "__main__"  # as if defined in a notebook cell


def uses_notebook_worker(files, processes=2):
    with get_context().Pool(processes) as pool:
        return sum(pool.map(_notebook_worker, files), Counter())


def test_a_worker_from_the_notebook_is_found_without_running_it(capsys, monkeypatch):
    assert notebook_functions(uses_notebook_worker) == ["_notebook_worker"]
    assert notebook_functions(solution) == []
    monkeypatch.setenv("COURSE_START_METHOD", "spawn")
    verdict, out = verdict_and_output(capsys, uses_notebook_worker)
    assert not verdict and "defined in this notebook" in out and "my_imports.py" in out
