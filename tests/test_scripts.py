"""helpers.scripts: run a small script in a fresh Python, bounded; pick the error out."""

import os
import re
import time
import uuid

import psutil
import pytest

from helpers.scripts import error_summary, run_script

CLASSIC = """
from multiprocessing import Process

def print_numbers():
    for i in range(5):
        print(i)

if __name__ == "__main__":
    p = Process(target=print_numbers)
    p.start()
    p.join()
"""

# A script that starts a grandchild which outlives it, and writes the grandchild's pid.
LEAVES_A_CHILD = """
import subprocess, sys
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(child.pid, flush=True)
"""

# A script that hangs waiting for its child; the child's command line carries a marker.
HANGS_WITH_A_CHILD = """
import subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)  # MARKER"])
print(child.pid, flush=True)
child.wait()
"""

NO_GUARD_ERROR = ("""Traceback (most recent call last):
  File "<string>", line 1, in <module>
    raise RuntimeError('''
RuntimeError:"""  " "  # the real message ends this line with a space
"""
        An attempt has been made to start a new process before the
        current process has finished its bootstrapping phase.

        This probably means that you are not using fork to start your
        child processes.
""")


def soon(condition, within: float = 10.0) -> bool:
    """Poll ``condition()`` until it is true (a killed process takes a moment to go);
    False if it is still false after ``within`` seconds."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def with_marker(marker: str) -> list[int]:
    """The pids of running processes whose command line contains ``marker``."""
    found = []
    for proc in psutil.process_iter(["cmdline"]):
        if marker in " ".join(proc.info["cmdline"] or []) and is_running(proc.pid):
            found.append(proc.pid)
    return found


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as stat:  # Linux: a zombie has ended, unreaped
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return not os.path.isdir("/proc")  # no /proc (macOS): os.kill said it exists


def test_the_classic_first_example_prints_0_to_4_as_a_script():
    done = run_script(CLASSIC, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "1", "2", "3", "4"]


def test_the_script_runs_in_its_own_folder_with_its_name():
    done = run_script("import os, sys; print(os.getcwd() == os.path.dirname("
                      "os.path.abspath(sys.argv[0])), sys.argv[0])", name="mine.py")
    assert done.stdout.split() == ["True", "mine.py"]


def test_an_error_is_returned_not_raised():
    done = run_script("raise ValueError('bad value')")
    assert done.returncode == 1
    assert error_summary(done.stderr) == "ValueError: bad value"


@pytest.mark.skipif(os.name != "posix", reason="process groups are POSIX")
def test_processes_the_script_left_behind_are_killed():
    done = run_script(LEAVES_A_CHILD, timeout=30)
    pid = int(done.stdout)
    assert soon(lambda: not is_running(pid))


@pytest.mark.skipif(os.name != "posix", reason="process groups are POSIX")
def test_a_timeout_kills_the_script_and_its_children():
    marker = f"hangs-{uuid.uuid4().hex}"
    with pytest.raises(TimeoutError, match="did not end within 1.0 s") as caught:
        run_script(HANGS_WITH_A_CHILD.replace("MARKER", marker), timeout=1)
    # On a loaded machine the script may not have printed the child's pid within 1 s (or
    # not even started it): look for the child by its command line as well.
    printed = re.search(r"output: '(\d+)", str(caught.value))
    assert printed is None or soon(lambda: not is_running(int(printed[1])))
    assert soon(lambda: with_marker(marker) == []), with_marker(marker)


@pytest.mark.parametrize("text", ["", "   ", None])
def test_run_script_rejects_no_code(text):
    with pytest.raises(ValueError, match="non-empty"):
        run_script(text)


@pytest.mark.parametrize("bad", [0, -1, "60", True])
def test_run_script_rejects_a_bad_timeout(bad):
    with pytest.raises(ValueError, match="positive number of seconds"):
        run_script("print(1)", timeout=bad)


@pytest.mark.parametrize("bad", ["demo", "../demo.py", "a/b.py"])
def test_run_script_rejects_a_bad_name(bad):
    with pytest.raises(ValueError, match="file name ending in .py"):
        run_script("print(1)", name=bad)


def test_error_summary_joins_a_message_spread_over_lines():
    assert error_summary(NO_GUARD_ERROR) == (
        "RuntimeError: An attempt has been made to start a new process before the "
        "current process has finished its bootstrapping phase."
    )


def test_error_summary_takes_the_last_exception_and_falls_back_to_the_last_line():
    two = "ValueError: first\n\nDuring handling...\nKeyError: 'second'\n"
    assert error_summary(two) == "KeyError: 'second'"
    assert error_summary("some output\nthe end\n\n") == "the end"
    assert error_summary("") == "(no error)"
    assert error_summary("  \n", default="nothing") == "nothing"
    with pytest.raises(TypeError, match="text"):
        error_summary(b"ValueError: bytes")


# A script whose workers print when a task starts, then wait 2 s; Ctrl-C is sent when the
# second task has started. (With 08's half second, a machine too busy to deliver the
# signal within 2 s let the script finish, once.)
INTERRUPTIBLE = """
import time
from helpers.faults import announced_sleep
from helpers.system import get_context

if __name__ == "__main__":
    try:
        with get_context().Pool(2) as pool:
            pool.starmap(announced_sleep, [(i, 2.0) for i in range(8)], chunksize=1)
        print("finished without an interrupt")
    except KeyboardInterrupt:
        print("main: KeyboardInterrupt")
"""


@pytest.mark.skipif(os.name != "posix", reason="signals and process groups are POSIX")
def test_interrupt_on_sends_sigint_to_the_whole_group_once_the_text_is_printed():
    done = run_script(INTERRUPTIBLE, timeout=60, interrupt_on="task 1 started")
    assert "main: KeyboardInterrupt" in done.stdout
    assert "finished without" not in done.stdout
    assert "task 7 started" not in done.stdout  # the workers were interrupted too
    assert done.seconds_after_signal is not None and done.seconds_after_signal >= 0


@pytest.mark.skipif(os.name != "posix", reason="signals and process groups are POSIX")
def test_interrupt_on_text_that_never_comes_sends_nothing():
    done = run_script("print('hello')", timeout=30, interrupt_on="never printed")
    assert done.returncode == 0 and done.stdout == "hello\n"
    assert done.seconds_after_signal is None


@pytest.mark.skipif(os.name != "posix", reason="signals and process groups are POSIX")
def test_interrupt_on_still_bounds_a_script_that_ignores_the_signal():
    script = ("import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
              "print('ready', flush=True)\ntime.sleep(60)\n")
    with pytest.raises(TimeoutError, match="did not end within 2.0 s"):
        run_script(script, timeout=2, interrupt_on="ready")


def test_interrupt_on_must_be_text():
    with pytest.raises(ValueError, match="non-empty text"):
        run_script("print(1)", interrupt_on="")
