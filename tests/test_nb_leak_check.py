"""The leak check (tests/nb_leak_check.py) passes a clean notebook and fails leaky ones.

Each scratch notebook is run by nbval with the plugin, in a separate pytest, under the
start method of this test run (COURSE_START_METHOD), like ``make notebooks`` does.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
CONTEXT = "from helpers.system import get_context\nctx = get_context()\n"

NOTEBOOKS = {
    "clean": [
        CONTEXT,
        "with ctx.Pool(2) as pool:\n    print(pool.map(abs, [-1, -2], chunksize=1))",
        "from multiprocessing import shared_memory\n"
        "segment = shared_memory.SharedMemory(create=True, size=1024)\n"
        "segment.close()\nsegment.unlink()",
        "lock = ctx.Lock()  # alive at the end, released when the session ends: not a leak",
    ],
    "leaky_process": [
        CONTEXT,
        "import time\nchild = ctx.Process(target=time.sleep, args=(120,))\nchild.start()",
    ],
    "leaky_segment": [
        "from multiprocessing import shared_memory\n"
        "segment = shared_memory.SharedMemory(create=True, size=1024)\n"
        "segment.close()  # but never unlinked",
    ],
    "leaky_pool": [CONTEXT, "pool = ctx.Pool(1)\npool.map(abs, [-1])  # never closed"],
    "leaky_loky": [
        "from joblib import Parallel, delayed\n"
        "Parallel(n_jobs=2)(delayed(abs)(i) for i in range(-4, 0))  # loky's workers stay",
    ],
    "leaky_port": [
        "import builtins, socket\n"
        "server = socket.create_server(('127.0.0.1', 0))  # listening, never closed\n"
        "builtins.leak_check_test_server = server  # kept beyond the end of the session",
    ],
    "exposed_port": [
        "import socket, time\n"
        "with socket.create_server(('0.0.0.0', 0)):  # reachable from the network, briefly\n"
        "    time.sleep(1.5)",
    ],
}


def write_notebook(folder: Path, name: str, sources: list[str]) -> None:
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": KERNELSPEC})
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(nb, folder / f"{name}.ipynb")


def test_the_leak_check_passes_clean_notebooks_and_fails_each_kind_of_leak(
    pytester, monkeypatch
):
    for name, sources in NOTEBOOKS.items():
        write_notebook(pytester.path, name, sources)
    pytester.makeini("[pytest]\n")  # not the course's settings
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    monkeypatch.setenv("LEAK_CHECK_GRACE_S", "2")  # each leak waits this long before failing
    result = pytester.runpytest_subprocess(
        "-p", "tests.nb_leak_check", "-p", "no:cacheprovider", "-v",
        "--nbval-lax", "--nbval-current-env", "--nbval-cell-timeout=60",
        timeout=240,
    )
    out = result.stdout.str()
    result.stdout.fnmatch_lines([
        "clean*leak check PASSED*",
        "exposed_port*leak check FAILED*",
        "leaky_loky*leak check FAILED*",
        "leaky_pool*leak check FAILED*",
        "leaky_port*leak check FAILED*",
        "leaky_process*leak check FAILED*",
        "leaky_segment*leak check FAILED*",
    ])
    assert "ResourceWarning: unclosed running multiprocessing pool" in out
    assert "a process is still alive" in out
    assert re.search(r"a process is still alive: pid \d+: \S*python\S* -m "
                     r"joblib\.externals\.loky", out), "the left-over loky worker is named"
    assert re.search(r"a TCP port is still listening: 127\.0\.0\.1:\d+", out)
    assert re.search(r"listened on 0\.0\.0\.0:\d+, reachable from the network", out)
    assert "a shared-memory segment or semaphore was left in /dev/shm" in out
    assert "leaked shared_memory objects" in out
    # every cell of every notebook ran; only the six leak checks of leaky ones failed
    result.assert_outcomes(passed=sum(map(len, NOTEBOOKS.values())) + 1, failed=6)
    # and the check cleaned up after the leaky notebooks: the segment is gone
    for name in re.findall(r"left in /dev/shm: (\S+)", out):  # a segment, or joblib's folder
        assert not (Path("/dev/shm") / name).exists(), f"{name} was left behind"


def test_an_entry_that_names_a_live_maker_outside_the_kernel_is_another_programs():
    from tests.nb_leak_check import _made_by_another_program

    me = os.getpid()
    tree = {me}
    # pid 1 is alive and not the kernel's: another program's joblib folder or loky semaphore
    assert _made_by_another_program("joblib_memmapping_folder_1_ab_cd", tree)
    assert _made_by_another_program("sem.loky-1-abcdef", tree)
    # the kernel's own, a maker that is gone (it may have been the kernel's child), a name
    # without a pid: all counted as the notebook's
    assert not _made_by_another_program(f"joblib_memmapping_folder_{me}_ab_cd", tree)
    assert not _made_by_another_program("joblib_memmapping_folder_4194999_ab_cd", tree)
    assert not _made_by_another_program("psm_1a2b3c4d", tree)
