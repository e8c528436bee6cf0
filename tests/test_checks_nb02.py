"""helpers.checks.nb02 and the solutions of 02_processes: right answers pass, typical
wrong answers get the hint that helps."""

import itertools
import runpy
import signal
import sys
from pathlib import Path

import pytest

from helpers.checks import nb02
from helpers.system import get_context
from helpers.workers import named_task

SOLUTIONS = Path(__file__).parent.parent / "helpers" / "solutions"
NAMES = ["A", "B", "C"]
POSIX = sys.platform != "win32"


def verdict(capsys):
    """Return the text the checker printed."""
    return capsys.readouterr().out


# --- Exercise 1: named processes --------------------------------------------------------

def named(names=NAMES, start=True, join=True, read=True, args=None):
    """Build the learner's answer to exercise 1, right or wrong in one way."""
    ctx = get_context()
    out = ctx.Queue()
    procs = [ctx.Process(target=named_task, args=args(n, out) if args else (n, out))
             for n in names]
    if start:
        for p in procs:
            p.start()
    messages = [out.get(timeout=30) for _ in names] if start and read and not args else []
    if start and join:
        for p in procs:
            p.join(30)
    return procs, messages


def cleanup(procs):
    for p in procs:
        if p.pid is not None:
            p.join(30)


def test_named_processes_right_answer_passes(capsys):
    procs, messages = named()
    assert nb02.check_named_processes(procs, messages, NAMES)
    assert "Well done" in verdict(capsys)


def test_named_processes_starter_gets_the_first_hint(capsys):
    assert not nb02.check_named_processes([], [], NAMES)
    text = verdict(capsys)
    assert "make one ctx.Process per name" in text
    assert "args=(name, out)" not in text  # the first hint does not paste the solution
    assert "every process was started" not in text  # no praise for what was not done


def test_named_processes_not_started(capsys):
    procs, messages = named(start=False)
    assert not nb02.check_named_processes(procs, messages, NAMES)
    assert "call p.start()" in verdict(capsys)


def test_named_processes_args_not_a_tuple(capsys):
    procs, _ = named(args=lambda n, out: (n))  # the classic slip: (n) is just n
    cleanup(procs)
    assert not nb02.check_named_processes(procs, [], NAMES)
    assert "must be a tuple" in verdict(capsys)


def test_named_processes_messages_not_read(capsys):
    procs, _ = named(read=False)
    assert not nb02.check_named_processes(procs, [], NAMES)
    assert "read one message per process" in verdict(capsys)


def test_named_processes_run_in_the_notebook_instead(capsys):
    import queue

    procs, _ = named()
    out = queue.Queue()
    for n in NAMES:
        named_task(n, out)  # called directly: it ran in this process
    messages = [out.get_nowait() for _ in NAMES]
    assert not nb02.check_named_processes(procs, messages, NAMES)
    assert "from the notebook's own process" in verdict(capsys)


def test_named_processes_the_same_name_twice(capsys):
    procs, messages = named(names=["A", "A", "C"])
    assert not nb02.check_named_processes(procs, messages, NAMES)
    assert "its own name" in verdict(capsys)


# --- Exercise 2: exit codes ---------------------------------------------------------------

def right_codes():
    return dict(nb02.expected_exitcodes())


def test_exitcodes_right_answer_passes(capsys):
    assert nb02.check_exitcodes(right_codes())
    assert "Well done" in verdict(capsys)


@pytest.mark.skipif(not POSIX, reason="SIGKILL exists only on Linux and macOS")
def test_exitcodes_are_the_posix_numbers():
    assert right_codes() == {"returns normally": 0, "raises an exception": 1,
                             "calls sys.exit(3)": 3, "is terminated": -15, "is killed": -9}


@pytest.mark.parametrize(
    ("case", "guess", "hint"),
    [
        ("returns normally", None, "write a whole number"),
        ("raises an exception", 0, "exit code 1"),
        ("calls sys.exit(3)", 1, "sys.exit(n)"),
        ("is terminated", 15, "negative exit code"),
        ("is terminated", 1, "SIGTERM (number 15)"),
        ("is killed", 1.5, "write a whole number"),
    ],
)
def test_exitcodes_typical_wrong_answers_get_their_hint(capsys, case, guess, hint):
    answer = right_codes() | {case: guess}
    assert not nb02.check_exitcodes(answer)
    assert hint in verdict(capsys)


@pytest.mark.skipif(not POSIX, reason="SIGKILL exists only on Linux and macOS")
def test_exitcodes_kill_is_not_terminate(capsys):
    assert not nb02.check_exitcodes(right_codes() | {"is killed": -15})
    assert "SIGKILL (number 9)" in verdict(capsys)
    assert not nb02.check_exitcodes(right_codes() | {"is killed": 9})
    assert "negative exit code" in verdict(capsys)


def test_exitcodes_not_a_dict(capsys):
    assert not nb02.check_exitcodes([0, 1])
    assert "must be a dict" in verdict(capsys)


def test_exitcodes_match_real_children():
    """The expected codes are what real children give: ask them."""
    import time

    from helpers.workers import do_nothing, exit_with, fail, io_task

    ctx = get_context()
    runs = {"returns normally": (do_nothing, ()), "raises an exception": (fail, ("x",)),
            "calls sys.exit(3)": (exit_with, (3,)), "is terminated": (io_task, (30,)),
            "is killed": (io_task, (30,))}
    seen = {}
    for case, (target, args) in runs.items():
        p = ctx.Process(target=target, args=args)
        p.start()
        if case == "is terminated":
            time.sleep(0.1)
            p.terminate()
        elif case == "is killed":
            time.sleep(0.1)
            p.kill()
        p.join(30)
        seen[case] = p.exitcode
    assert seen == right_codes()


# --- Exercise 3: stop a process -------------------------------------------------------------

def polite_only(p):
    p.terminate()
    p.join(timeout=1)
    return p.exitcode


def impatient(p):
    p.kill()
    p.join(timeout=1)
    return p.exitcode


def no_join(p):
    p.terminate()
    return p.exitcode


def forgets_to_return(p):
    p.terminate()
    p.join(timeout=1)
    if p.is_alive():
        p.kill()
        p.join(timeout=1)


def waits_forever(p):
    p.terminate()
    p.join()  # no timeout: a process that ignores SIGTERM keeps it waiting
    return p.exitcode


def test_stop_right_answer_passes(capsys):
    namespace = runpy.run_path(str(SOLUTIONS / "nb02_stop.py"))
    assert nb02.check_stop(namespace["stop"])
    assert "Well done" in verdict(capsys)


def closes_at_the_end(p):
    """A right answer that ends as 02 teaches: close() releases the finished process."""
    p.terminate()
    p.join(timeout=1)
    if p.is_alive():
        p.kill()
        p.join(timeout=10)
    code = p.exitcode
    p.close()
    return code


def test_stop_that_closes_the_process_passes(capsys):
    """After close() the Process can no longer tell its exit code; the answer is still right.

    The old checker read p.exitcode after stop() and saw None, so it said the sleeping
    process had not ended by terminate().
    """
    assert nb02.check_stop(closes_at_the_end)
    text = verdict(capsys)
    assert "Well done" in text
    if POSIX:
        assert "it asks politely first" in text


def test_stop_not_a_function(capsys):
    assert not nb02.check_stop(None)
    assert "pass your function itself" in verdict(capsys)


@pytest.mark.skipif(not POSIX, reason="on Windows terminate() is kill()")
@pytest.mark.parametrize(
    ("stop", "hint"),
    [
        (polite_only, "call p.kill()"),
        (impatient, "p.terminate() first"),
        (forgets_to_return, "return p.exitcode"),
        (waits_forever, "waits forever"),
    ],
    ids=lambda x: getattr(x, "__name__", "hint"),
)
def test_stop_typical_wrong_answers_get_their_hint(capsys, stop, hint):
    # Only an answer that hangs meets the limit; the others keep the default, so that a
    # slow moment on a loaded machine does not turn their hint into "waits forever".
    limit = 3 if stop is waits_forever else 10
    assert not nb02.check_stop(stop, limit=limit)
    assert hint in verdict(capsys)


def test_stop_without_join_is_caught(capsys):
    """Without join the exit code is usually still None, so the first hint is about joining.

    On a loaded machine the sleeping process may die before stop() reads p.exitcode; then
    the process that ignores terminate() still catches the answer, because it never calls
    kill(). Either way the answer fails, with one of these hints.
    """
    assert not nb02.check_stop(no_join)
    text = verdict(capsys)
    hints = ("return p.exitcode after joining", "wait for the end with p.join", "call p.kill()")
    assert any(hint in text for hint in hints), text


# --- The solutions, as the notebook loads them ------------------------------------------------

@pytest.mark.parametrize("name", ["nb02_named_processes.py", "nb02_exitcodes.py"])
def test_solutions_pass_their_checker(capsys, name):
    runpy.run_path(str(SOLUTIONS / name))
    assert "Well done" in verdict(capsys)


def test_signal_numbers_used_in_hints_are_the_real_ones():
    assert int(signal.SIGTERM) == 15


# --- Exercise 3: the learner's own worker module and processes -------------------------------

MODULE_NUMBERS = itertools.count()
RIGHT_WORKER = '''
def sum_of_squares(numbers, out):
    out.put(sum(n * n for n in numbers))
'''


@pytest.fixture
def worker_module(tmp_path, monkeypatch):
    """Write a learner's my_worker module into a temporary folder on sys.path; import it.

    A spawned child gets the parent's sys.path, so it finds the module there too.
    """
    import importlib

    monkeypatch.syspath_prepend(str(tmp_path))

    def write(text):
        name = f"my_worker_{next(MODULE_NUMBERS)}"  # a new name: import never reuses one
        (tmp_path / f"{name}.py").write_text(text)
        importlib.invalidate_caches()
        return importlib.import_module(name)

    return write


def learner_parallel(worker, args=lambda chunk, out: (chunk, out), join=True, timeout=10):
    """The learner's sum_in_processes, right or wrong in one way."""
    def sum_in_processes(chunks):
        ctx = get_context()
        out = ctx.Queue()
        processes = [ctx.Process(target=worker, args=args(chunk, out)) for chunk in chunks]
        for p in processes:
            p.start()
        totals = [out.get(timeout=timeout) for _ in processes]
        if join:
            for p in processes:
                p.join(timeout=30)
        return totals, processes
    return sum_in_processes


def reap(outcome):
    """Join what a wrong answer left running, so no test leaves a child behind."""
    import multiprocessing

    for p in multiprocessing.active_children():
        p.join(30)


def test_my_processes_right_answer_passes(capsys, worker_module):
    worker = worker_module(RIGHT_WORKER).sum_of_squares
    assert nb02.check_my_processes(learner_parallel(worker), worker)
    assert "Well done" in verdict(capsys)


def test_my_processes_starter_says_the_worker_sends_nothing(capsys, worker_module):
    worker = worker_module('def sum_of_squares(numbers, out):\n    ...\n').sum_of_squares

    def sum_in_processes(chunks):
        return [], []

    assert not nb02.check_my_processes(sum_in_processes, worker)
    assert "sends nothing back" in verdict(capsys)


def test_my_processes_worker_in_the_notebook(capsys):
    def sum_of_squares(numbers, out):
        out.put(sum(n * n for n in numbers))

    sum_of_squares.__module__ = "__main__"  # as if defined in a notebook cell
    assert not nb02.check_my_processes(learner_parallel(sum_of_squares), sum_of_squares)
    assert "defined in the notebook" in verdict(capsys)


def test_my_processes_worker_prints_instead_of_sending(capsys, worker_module):
    worker = worker_module(
        'def sum_of_squares(numbers, out):\n    print(sum(n * n for n in numbers))\n'
    ).sum_of_squares
    assert not nb02.check_my_processes(learner_parallel(worker), worker)
    assert "prints its total" in verdict(capsys)


def test_my_processes_args_without_a_comma(capsys, worker_module):
    worker = worker_module(RIGHT_WORKER).sum_of_squares
    parallel = learner_parallel(worker, args=lambda chunk, out: (out))  # noqa: UP034
    assert not nb02.check_my_processes(parallel, worker)
    assert "(x) without a comma is just x" in verdict(capsys)


def test_my_processes_args_in_the_wrong_shape_makes_the_children_fail(capsys, worker_module):
    worker = worker_module(RIGHT_WORKER).sum_of_squares
    # args=(chunk) without out: the children get 20 000 arguments and fail; get() times out
    parallel = learner_parallel(worker, args=lambda chunk, out: (chunk), timeout=2)  # noqa: UP034
    assert not nb02.check_my_processes(parallel, worker)
    assert "is args a tuple" in verdict(capsys)
    reap(None)


def test_my_processes_missing_join(capsys, worker_module):
    worker = worker_module(RIGHT_WORKER).sum_of_squares
    assert not nb02.check_my_processes(learner_parallel(worker, join=False), worker)
    assert "join each process" in verdict(capsys)
    reap(None)


def test_my_processes_wrong_totals(capsys, worker_module):
    worker = worker_module(
        'def sum_of_squares(numbers, out):\n    out.put(sum(numbers))\n').sum_of_squares
    assert not nb02.check_my_processes(learner_parallel(worker), worker)
    assert "the sum of n * n for n in range(10) is 285" in verdict(capsys)


def test_my_processes_a_get_without_timeout_is_bounded(capsys, worker_module):
    worker = worker_module(RIGHT_WORKER).sum_of_squares
    failing = worker_module('def sum_of_squares(numbers, out):\n    raise ValueError\n')

    def sum_in_processes(chunks):  # the right worker passes the first check; this one hangs
        ctx = get_context()
        out = ctx.Queue()
        processes = [ctx.Process(target=failing.sum_of_squares, args=(c, out)) for c in chunks]
        for p in processes:
            p.start()
        return [out.get() for _ in processes], processes

    assert not nb02.check_my_processes(sum_in_processes, worker, limit=5)
    assert "without a timeout waits forever" in verdict(capsys)


def test_solution_my_processes_passes_its_checker(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the solution writes my_worker.py into the current folder
    monkeypatch.syspath_prepend(str(tmp_path))
    runpy.run_path(str(SOLUTIONS / "nb02_my_processes.py"))
    assert "Well done" in verdict(capsys)
    sys.modules.pop("my_worker", None)
