"""helpers.executors: process pools whose end never hangs, and stopping one at once."""

import multiprocessing
import signal
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool

import pytest

from helpers import executors
from helpers.system import get_context
from helpers.workers import io_task, square, stubborn_sleep


def no_children_left():
    return multiprocessing.active_children() == []


def test_a_normal_block_returns_results_and_leaves_no_worker():
    with executors.bounded_executor(2, timeout=30) as executor:
        assert list(executor.map(square, range(5), timeout=30)) == [0, 1, 4, 9, 16]
        workers = executors.worker_processes(executor)
        assert workers
    assert all(not p.is_alive() and p.exitcode == 0 for p in workers)
    assert no_children_left()


def test_a_normal_block_waits_for_tasks_it_did_not_collect():
    with executors.bounded_executor(1, timeout=30) as executor:
        future = executor.submit(io_task, 0.3)
    assert future.done() and future.result(timeout=0) == pytest.approx(0.3, abs=0.5)
    assert no_children_left()


def test_a_result_timeout_stops_the_workers_instead_of_hanging():
    with pytest.raises(FutureTimeout):
        with executors.bounded_executor(1, timeout=30, grace=1) as executor:
            future = executor.submit(io_task, 60)
            future.result(timeout=0.5)
    # A plain `with` would have waited the 60 s and the future would hold a result.
    assert isinstance(future.exception(timeout=5), BrokenProcessPool)
    assert no_children_left()


def test_tasks_running_past_the_timeout_are_stopped_with_a_clear_error():
    with pytest.raises(TimeoutError, match="did not finish within 0.5 s"):
        with executors.bounded_executor(1, timeout=0.5, grace=0.5) as executor:
            executor.submit(io_task, 60)
    assert no_children_left()


def test_shutdown_now_kills_a_worker_that_ignores_terminate():
    executor = ProcessPoolExecutor(1, mp_context=get_context())
    ready = get_context().Manager()
    try:
        event = ready.Event()
        future = executor.submit(stubborn_sleep, 60, event)
        assert event.wait(30), "the worker did not start in time"
        codes = executors.shutdown_now(executor, grace=0.5)
    finally:
        ready.shutdown()
    assert codes == [-signal.SIGKILL]  # SIGTERM ignored, so SIGKILL
    assert isinstance(future.exception(timeout=5), BrokenProcessPool)
    assert no_children_left()


def test_shutdown_now_cancels_tasks_not_yet_started():
    executor = ProcessPoolExecutor(1, mp_context=get_context())
    first = executor.submit(io_task, 60)
    waiting = [executor.submit(square, i) for i in range(3)]
    deadline = time.monotonic() + 30
    while not first.running() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert first.running(), "the first task did not start in time"
    codes = executors.shutdown_now(executor, grace=1)
    assert codes == [-signal.SIGTERM]  # the worker was sleeping: terminate() was enough
    assert all(f.cancelled() or isinstance(f.exception(timeout=5), BrokenProcessPool)
               for f in waiting)
    assert isinstance(first.exception(timeout=5), BrokenProcessPool)
    assert no_children_left()


def test_shutdown_now_on_an_unused_or_finished_executor_is_harmless():
    executor = ProcessPoolExecutor(1, mp_context=get_context())
    assert executors.shutdown_now(executor) == []
    assert executors.shutdown_now(executor) == []
    assert executors.worker_processes(executor) == []


def test_the_executor_options_reach_the_executor():
    with executors.bounded_executor(1, 30, method="spawn", max_tasks_per_child=1) as executor:
        assert executor._mp_context.get_start_method() == "spawn"
        assert executor.submit(square, 4).result(timeout=30) == 16
    assert no_children_left()


@pytest.mark.parametrize("bad", [0, -2])
def test_bounded_executor_rejects_no_workers(bad):
    with pytest.raises(ValueError, match="max_workers must be 1 or more"):
        with executors.bounded_executor(bad):
            pass


@pytest.mark.parametrize("bad", [0, -1, "10", True])
def test_bounded_executor_rejects_a_bad_timeout_or_grace(bad):
    with pytest.raises(ValueError, match="timeout must be a positive number"):
        with executors.bounded_executor(1, bad):
            pass
    with pytest.raises(ValueError, match="grace must be a positive number"):
        with executors.bounded_executor(1, grace=bad):
            pass


def test_bounded_executor_rejects_method_and_mp_context_together():
    with pytest.raises(ValueError, match="not both"):
        with executors.bounded_executor(1, method="spawn", mp_context=get_context("spawn")):
            pass


def test_shutdown_now_rejects_what_is_not_a_process_pool():
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as threads, pytest.raises(TypeError, match="ProcessPoolExecutor"):
        executors.shutdown_now(threads)
    with pytest.raises(ValueError, match="grace"):
        executors.shutdown_now(ProcessPoolExecutor(1), grace=0)


class _Executor314(ProcessPoolExecutor):
    """An executor with Python 3.14's kill_workers(), written as 3.14 writes it."""

    killed = 0

    def kill_workers(self):
        type(self).killed += 1
        processes = dict(self._processes or {})
        self.shutdown(wait=False, cancel_futures=True)
        for p in processes.values():
            if p.is_alive():
                p.kill()


def test_shutdown_now_uses_kill_workers_where_the_executor_has_it():
    _Executor314.killed = 0
    executor = _Executor314(1, mp_context=get_context())
    manager = get_context().Manager()
    try:
        event = manager.Event()
        future = executor.submit(stubborn_sleep, 60, event)
        assert event.wait(30), "the worker did not start in time"
        codes = executors.shutdown_now(executor, grace=0.5)
    finally:
        manager.shutdown()
    assert _Executor314.killed == 1
    assert codes == [-signal.SIGKILL]
    assert isinstance(future.exception(timeout=5), BrokenProcessPool)
    assert no_children_left()


def test_kill_workers_is_not_called_when_terminate_was_enough():
    _Executor314.killed = 0
    executor = _Executor314(1, mp_context=get_context())
    future = executor.submit(io_task, 60)
    deadline = time.monotonic() + 30
    while not future.running() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert executors.shutdown_now(executor, grace=5) == [-signal.SIGTERM]
    assert _Executor314.killed == 0
    assert no_children_left()
