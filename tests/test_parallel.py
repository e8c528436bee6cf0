"""helpers.parallel: same answers every way, and clear errors instead of hangs."""

import functools
import subprocess
import sys
import textwrap
import threading
import types
from importlib.machinery import ModuleSpec

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


def _interactive_main() -> types.ModuleType:
    """A ``__main__`` like a notebook's: a module made in memory, with no file (IPython's)."""
    return types.ModuleType("__main__", "Automatically created module for IPython")


@pytest.fixture(autouse=True)
def _typed_into_a_notebook(monkeypatch):
    """Make _notebook_function and _NotebookClass live in __main__, as if typed into a cell."""
    main = _interactive_main()
    monkeypatch.setitem(sys.modules, "__main__", main)
    for obj in (_notebook_function, _NotebookClass):
        monkeypatch.setattr(obj, "__module__", "__main__")
        setattr(main, obj.__name__, obj)


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


def _main_module(file=None, spec_name=None) -> types.ModuleType:
    main = types.ModuleType("__main__")
    if file is not None:
        main.__file__ = file
    if spec_name is not None:
        main.__spec__ = ModuleSpec(spec_name, None)
    return main


SCRIPT_FILE = __file__  # any file that exists stands for a script here


@pytest.mark.parametrize("main, importable", [
    (_interactive_main(), False),                                  # a notebook, IPython
    (_main_module(), False),                                       # python -c, the prompt
    (_main_module(file="<stdin>"), False),                         # python - < script.py
    (_main_module(file=SCRIPT_FILE), True),                        # python my_script.py
    (_main_module(file="my_script.py", spec_name="my_script"), True),  # python -m my_script
    (_main_module(file="pkg/__main__.py", spec_name="pkg.__main__"), False),  # python -m pkg
], ids=["notebook", "python -c", "stdin", "script", "-m module", "-m package"])
def test_main_is_importable_follows_what_spawn_does(monkeypatch, main, importable):
    monkeypatch.setitem(sys.modules, "__main__", main)
    assert parallel.main_is_importable() is importable


def test_ipythons_launch_script_is_never_imported_again(monkeypatch, tmp_path):
    launcher = tmp_path / "ipython"
    launcher.write_text("")
    monkeypatch.setitem(sys.modules, "__main__", _main_module(file=str(launcher)))
    assert parallel.main_is_importable() is False


def test_a_function_in_a_scripts_main_is_accepted(monkeypatch):
    main = _main_module(file=SCRIPT_FILE)
    monkeypatch.setitem(sys.modules, "__main__", main)
    main._notebook_function = _notebook_function
    parallel.check_sendable(_notebook_function, "spawn")
    parallel.check_sendable(square, "forkserver", example=_NotebookClass())


SCRIPT = textwrap.dedent("""
    import sys
    from helpers import parallel

    def triple(x):
        return 3 * x

    if __name__ == "__main__":
        print(parallel.run(triple, [1, 2, 3], 2, method=sys.argv[1], timeout=60))
""")


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_a_script_that_defines_its_worker_in_main_runs_under_spawn(tmp_path, method):
    """A spawn or forkserver child imports the script as __mp_main__ and finds triple."""
    script = tmp_path / "my_script.py"
    script.write_text(SCRIPT)
    done = subprocess.run([sys.executable, str(script), method], capture_output=True,
                          text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[3, 6, 9]"


@pytest.mark.parametrize("how", ["-c", "stdin"])
def test_a_function_of_python_c_or_stdin_is_still_refused(how):
    """No file for the child to import: Pool.map would wait forever, so it is refused."""
    if how == "-c":
        args, stdin = ["-c", SCRIPT, "spawn"], None
    else:
        args, stdin = ["-", "spawn"], SCRIPT
    done = subprocess.run([sys.executable, *args], input=stdin, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode != 0 and "NotInModuleError" in done.stderr
    assert "triple is defined in this notebook" in done.stderr.replace("\n", " ")


_release = threading.Event()
_finished = []


def _wait_for_release(x):
    _release.wait(30)
    _finished.append(x)
    return x


def test_a_thread_timeout_returns_at_once_and_says_threads_go_on():
    """The old `with ThreadPoolExecutor()` waited for the running threads after the timeout."""
    _release.clear()
    _finished.clear()
    try:
        with pytest.raises(TimeoutError, match="cannot be stopped"):
            parallel.run(_wait_for_release, [1, 2, 3], 2, kind="threads", timeout=0.2)
        assert _finished == []  # run returned while both threads were still waiting
    finally:
        _release.set()


def test_threads_give_results_in_order():
    assert parallel.run(square, range(6), 3, kind="threads") == [0, 1, 4, 9, 16, 25]


def test_a_thread_timeout_must_be_positive():
    with pytest.raises(ValueError, match="timeout"):
        parallel.run(square, [1], 1, kind="threads", timeout=0)


def test_a_pool_that_takes_too_long_is_stopped_with_a_clear_error():
    with pytest.raises(TimeoutError, match="did not finish within 0.3 s"):
        parallel.run(io_task, [2.0, 2.0], 2, timeout=0.3)


@pytest.mark.parametrize("bad", [0, -1.5, float("nan"), True, "3"])
def test_check_seconds_refuses_what_is_not_a_positive_number(bad):
    with pytest.raises(ValueError, match="timeout must be a positive number of seconds"):
        parallel.check_seconds(bad)


def test_check_seconds_returns_a_float():
    assert parallel.check_seconds(2, "grace") == 2.0
