"""helpers.parallel: same answers every way, and clear errors instead of hangs."""

import functools
import sys

import pytest

from helpers import parallel
from helpers.system import start_method
from helpers.workers import cpu_task, io_task, square

ITEMS = [100, 2000, 30000, 7]


@pytest.mark.parametrize("kind", parallel.KINDS)
def test_every_kind_gives_the_serial_answer(kind):
    assert parallel.run(cpu_task, ITEMS, 2, kind=kind) == [cpu_task(n) for n in ITEMS]


def test_chunksize_does_not_change_the_answer():
    assert parallel.run(square, range(50), 2, chunksize=7) == [x * x for x in range(50)]


def test_processes_really_run_in_other_processes():
    import os

    from helpers.workers import which_process

    pids = {pid for _, pid in parallel.run(which_process, range(8), 2)}
    assert os.getpid() not in pids


@pytest.mark.parametrize("bad", [0, -1])
def test_zero_or_negative_processes_are_refused(bad):
    with pytest.raises(ValueError, match="processes must be 1 or more"):
        parallel.run(square, [1], bad)


@pytest.mark.parametrize("bad", ["2", 2.0, True, None])
def test_processes_must_be_a_whole_number(bad):
    with pytest.raises(TypeError, match="whole number"):
        parallel.run(square, [1], bad)


def test_threads_count_is_checked_with_its_own_name():
    with pytest.raises(ValueError, match="threads must be 1 or more"):
        parallel.run(square, [1], 0, kind="threads")


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="serial, threads, processes"):
        parallel.run(square, [1], 1, kind="gpu")


def _notebook_function(x):
    return x


class _NotebookClass:
    pass


@pytest.fixture(autouse=True)
def _typed_into_a_notebook(monkeypatch):
    """Make _notebook_function and _NotebookClass live in __main__, as if typed into a cell."""
    main = sys.modules["__main__"]
    for obj in (_notebook_function, _NotebookClass):
        monkeypatch.setattr(obj, "__module__", "__main__")
        monkeypatch.setattr(main, obj.__name__, obj, raising=False)


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_a_notebook_function_is_refused_at_once_under_spawn_and_forkserver(method):
    with pytest.raises(parallel.NotInModuleError) as info:
        parallel.run(_notebook_function, [1, 2], 2, method=method)
    message = str(info.value)
    assert "_notebook_function" in message and method in message
    assert "wait forever" in message and ".py file" in message


def test_a_notebook_function_inside_a_partial_is_found():
    with pytest.raises(parallel.NotInModuleError):
        parallel.check_sendable(functools.partial(_notebook_function, 1), "spawn")


def test_items_of_a_notebook_class_are_refused_under_spawn():
    with pytest.raises(parallel.NotInModuleError, match="_NotebookClass"):
        parallel.check_sendable(square, "spawn", example=_NotebookClass())


def test_a_notebook_function_is_fine_under_fork():
    parallel.check_sendable(_notebook_function, "fork")


def test_a_lambda_is_refused_with_the_reason():
    with pytest.raises(TypeError, match="not a lambda"):
        parallel.run(lambda x: x, [1], 2, method=start_method())


def test_a_pool_that_takes_too_long_is_stopped_with_a_clear_error():
    with pytest.raises(TimeoutError, match="did not finish within 0.3 s"):
        parallel.run(io_task, [2.0, 2.0], 2, timeout=0.3)


@pytest.mark.parametrize("bad", [0, -1.5, float("nan"), True, "3"])
def test_check_seconds_refuses_what_is_not_a_positive_number(bad):
    with pytest.raises(ValueError, match="timeout must be a positive number of seconds"):
        parallel.check_seconds(bad)


def test_check_seconds_returns_a_float():
    assert parallel.check_seconds(2, "grace") == 2.0
