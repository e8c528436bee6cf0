"""helpers.faults, its chart and its explorer: each fault gives the outcome it should."""

import logging
import logging.handlers
import multiprocessing
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial

import pytest

from helpers import faults
from helpers.plots.faults import blas_chart, notice_chart
from helpers.system import get_context
from helpers.timing import Timing
from helpers.widgets.faults import FaultExplorer

#: Patience for faults that are never noticed (the Pool waits forever): short.
NEVER = 0.5
#: Patience for faults that are noticed: long, so a loaded machine is never mistaken.
SOON = 30.0


def no_children_left():
    deadline = time.monotonic() + 10
    while multiprocessing.active_children():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.parametrize(("fault", "api", "error"), [
    ("raises", "Pool", "ValueError"),
    ("raises", "ProcessPoolExecutor", "ValueError"),
    ("os._exit(1)", "ProcessPoolExecutor", "BrokenProcessPool"),
    ("SIGKILL", "ProcessPoolExecutor", "BrokenProcessPool"),
    ("unpicklable result", "Pool", "MaybeEncodingError"),
    ("unpicklable result", "ProcessPoolExecutor", "TypeError"),
    ("failing initializer", "ProcessPoolExecutor", "BrokenProcessPool"),
])
def test_faults_the_caller_hears_about(fault, api, error):
    outcome = faults.observe(fault, api, patience=SOON)
    assert outcome.noticed, outcome
    assert outcome.error.startswith(error)
    assert 0 <= outcome.seconds < SOON
    assert outcome.verdict == outcome.error
    assert outcome.notice_text.endswith(" s") and "never" not in outcome.notice_text
    assert no_children_left()


@pytest.mark.parametrize(("fault", "api"), [
    ("os._exit(1)", "Pool"), ("SIGKILL", "Pool"), ("hangs", "Pool"),
    ("hangs", "ProcessPoolExecutor"), ("failing initializer", "Pool"),
])
def test_faults_the_caller_never_hears_about(fault, api):
    outcome = faults.observe(fault, api, patience=NEVER)
    assert not outcome.noticed
    assert outcome.seconds == NEVER
    assert outcome.verdict.startswith(f"still waiting after {NEVER:g} s")
    assert outcome.notice_text == f"never (> {NEVER:g} s)"
    assert no_children_left()  # the pool was stopped all the same


def test_a_failing_initializer_counts_its_starts():
    pool = faults.observe("failing initializer", "Pool", patience=NEVER)
    executor = faults.observe("failing initializer", "ProcessPoolExecutor", patience=SOON)
    assert pool.starts >= 1
    assert 1 <= executor.starts <= 2  # the executor gives up at the first failure
    assert faults.observe("raises", "Pool", patience=SOON).starts is None


@pytest.mark.parametrize(("args", "words"), [
    (("crash", "Pool"), "fault must be one of"),
    (("raises", "Executor"), "api must be one of"),
    (("raises", "Pool", 0), "patience must be a positive number"),
])
def test_observe_rejects_bad_arguments(args, words):
    with pytest.raises(ValueError, match=words):
        faults.observe(*args)


def test_outcome_table_and_chart_show_every_outcome():
    outcomes = faults.observe_all(faults=("raises", "hangs"), patience=NEVER)
    assert [(o.fault, o.api) for o in outcomes] == [
        ("raises", "Pool"), ("raises", "ProcessPoolExecutor"),
        ("hangs", "Pool"), ("hangs", "ProcessPoolExecutor")]
    text = str(faults.outcome_table(outcomes).data)
    assert text.count("\n") == 5 and "never (> 0.5 s)" in text and "ValueError" in text
    ax = notice_chart(outcomes).axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["raises", "hangs"]
    xs = sorted(x for line in ax.get_lines() for x in line.get_xdata())
    assert xs.count(NEVER) >= 2  # both hangs drawn at the patience line
    with pytest.raises(ValueError, match="at least one"):
        notice_chart([])


def test_blas_chart_needs_one_count_per_timing():
    t = Timing((0.1, 0.2), "x")
    assert blas_chart([t, t], [2, 1]).axes[0].get_xlabel().startswith("wall-clock")
    with pytest.raises(ValueError, match="one BLAS thread count"):
        blas_chart([t], [1, 2])


def test_explorer_draws_when_created_and_a_click_adds_the_selected_outcome():
    seed = faults.observe("raises", "Pool", patience=SOON)
    explorer = FaultExplorer([seed], patience=NEVER, fault="raises", api="ProcessPoolExecutor")
    assert bytes(explorer.image.value).startswith(b"\x89PNG")
    assert set(explorer.outcomes) == {("raises", "Pool"), ("raises", "ProcessPoolExecutor")}
    first = bytes(explorer.image.value)
    explorer.fault.value, explorer.api.value = "hangs", "Pool"
    explorer.button.click()
    assert ("hangs", "Pool") in explorer.outcomes
    assert not explorer.outcomes[("hangs", "Pool")].noticed
    assert "still waiting" in explorer.status.value
    assert bytes(explorer.image.value) != first
    assert [o.fault for o in explorer.ordered()] == ["raises", "raises", "hangs"]
    assert not explorer.button.disabled
    with pytest.raises(TypeError, match="Outcome"):
        FaultExplorer(["not an outcome"])


def test_flaky_square_fails_the_given_number_of_times_in_any_process():
    with tempfile.TemporaryDirectory() as folder:
        task = partial(faults.flaky_square, folder=folder, failures=2)
        for _ in range(2):
            with pytest.raises(ConnectionError):
                task(3)
        with get_context().Pool(1) as pool:  # the third attempt, in another process, works
            assert pool.apply_async(task, (3,)).get(60) == 9
        assert faults.attempts(folder, 3) == 3


def test_steps_with_deadline_stops_itself():
    assert faults.steps_with_deadline(2, 0.001, time.time() + 60) == 2
    with pytest.raises(TimeoutError, match="gave up after 0 of 5 steps"):
        faults.steps_with_deadline(5, 0.001, time.time() - 1)


def test_small_workers():
    assert faults.fine(3) == 9
    assert faults.timed_work(1000) >= 0
    with pytest.raises(ValueError, match="bad input: 7"):
        faults.raise_error(7)
    counter = get_context().Value("i", 0)
    with pytest.raises(RuntimeError, match="initializer failed"):
        faults.fail_to_start(counter)
    assert counter.value == 1


def test_run_task_does_what_its_task_says():
    with tempfile.TemporaryDirectory() as folder:
        assert faults.run_task(faults.Task(4, folder=folder)) == 16
        with pytest.raises(ValueError):
            faults.run_task(faults.Task(5, "raise", folder=folder))
        flaky = faults.Task(6, "flaky", failures=1, folder=folder)
        with pytest.raises(ConnectionError):
            faults.run_task(flaky)
        assert faults.run_task(flaky) == 36
        assert [faults.attempts(folder, v) for v in (4, 5, 6)] == [1, 1, 2]
    with ProcessPoolExecutor(1, mp_context=get_context()) as executor:
        with pytest.raises(BrokenProcessPool):
            executor.submit(faults.run_task, faults.Task(1, "crash")).result(60)
    with pytest.raises(TypeError, match="Task"):
        faults.run_task(3)


def test_limit_blas_threads_reaches_numpy_in_every_worker():
    with get_context().Pool(2, initializer=faults.limit_blas_threads) as pool:
        assert pool.starmap(faults.matmul_work, [(20, 1)] * 2) == [1, 1]
    with pytest.raises(ValueError, match="1 or more"):
        faults.limit_blas_threads(0)


def test_log_to_queue_sends_the_workers_records():
    ctx = get_context()
    queue = ctx.Queue()
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    listener = logging.handlers.QueueListener(queue, Keep())
    listener.start()
    try:
        with ctx.Pool(2, initializer=faults.log_to_queue, initargs=(queue,)) as pool:
            assert pool.map(faults.logged_square, range(4)) == [0, 1, 4, 9]
            # as in 08: workers that exit normally send every record first; terminate()
            # (the end of the with block) may stop one before its queue's thread has sent it
            pool.close()
            pool.join()
    finally:
        listener.stop()
    assert sorted(r.getMessage() for r in records) == [f"squaring {x}" for x in range(4)]
    assert all("PoolWorker" in r.processName and r.process != os.getpid() for r in records)


def test_announced_sleep_prints_one_line(capsys):
    assert faults.announced_sleep(3, 0.001) == 3
    assert capsys.readouterr().out.startswith("task 3 started in ")


def test_read_count_reads_a_counter_whose_lock_a_dead_worker_still_holds():
    import operator

    from helpers.faults import read_count
    from helpers.system import get_context

    ctx = get_context()
    counter = ctx.Value("i", 7)
    # operator.methodcaller("acquire")(lock) takes the lock; the process then exits with it
    taker = ctx.Process(target=operator.methodcaller("acquire"), args=(counter.get_lock(),))
    taker.start()
    taker.join(30)
    assert taker.exitcode == 0
    lock = counter.get_lock()
    assert not lock.acquire(timeout=0.2), "the dead process should still hold the lock"
    assert read_count(counter) == 7  # counter.value would wait forever here
