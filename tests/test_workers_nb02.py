"""helpers.workers, the workers of 02_processes: each reports back through a queue."""

import queue
import sys

import pytest

from helpers import workers
from helpers.system import get_context


def test_print_numbers_sends_zero_to_four():
    out = queue.Queue()
    workers.print_numbers(out)
    assert [out.get_nowait() for _ in range(5)] == [0, 1, 2, 3, 4] and out.empty()
    with pytest.raises(ValueError, match="positive"):
        workers.print_numbers(out, 0)


def test_named_task_names_itself_and_its_process():
    out = queue.Queue()
    workers.named_task("A", out)
    assert out.get_nowait().startswith("Task A is running in process ")


def test_small_workers_of_02():
    assert workers.cube(3) == 27
    assert workers.read_message() == workers.MESSAGE
    workers.do_nothing(1, 2)
    with pytest.raises(RuntimeError, match="boom"):
        workers.fail("boom")
    with pytest.raises(SystemExit) as stopped:
        workers.exit_with(3)
    assert stopped.value.code == 3


@pytest.mark.parametrize(
    ("target", "args", "code"),
    [(workers.do_nothing, (), 0), (workers.fail, ("boom",), 1), (workers.exit_with, (3,), 3)],
)
def test_exit_codes_of_real_children(target, args, code):
    p = get_context().Process(target=target, args=args)
    p.start()
    p.join(30)
    assert p.exitcode == code


def test_a_daemon_may_not_start_children():
    ctx = get_context()
    out = ctx.Queue()
    p = ctx.Process(target=workers.try_to_start_child, args=(out,), daemon=True)
    p.start()
    text = out.get(timeout=30)
    p.join(30)
    assert "daemonic processes are not allowed to have children" in text


@pytest.mark.skipif(sys.platform == "win32", reason="on Windows terminate() is kill()")
def test_stubborn_sleep_survives_terminate_but_not_kill():
    ctx = get_context()
    ready = ctx.Event()
    p = ctx.Process(target=workers.stubborn_sleep, args=(30, ready))
    p.start()
    assert ready.wait(30)
    p.terminate()
    p.join(0.5)
    still_alive = p.is_alive()
    p.kill()
    p.join(10)
    assert still_alive and p.exitcode is not None and p.exitcode < 0
