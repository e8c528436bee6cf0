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
        "leaky_pool*leak check FAILED*",
        "leaky_process*leak check FAILED*",
        "leaky_segment*leak check FAILED*",
    ])
    assert "ResourceWarning: unclosed running multiprocessing pool" in out
    assert "a process is still alive" in out
    assert "a shared-memory segment or semaphore was left in /dev/shm" in out
    assert "leaked shared_memory objects" in out
    # every cell of every notebook ran; only the three leak checks failed
    result.assert_outcomes(passed=sum(map(len, NOTEBOOKS.values())) + 1, failed=3)
    # and the check cleaned up after the leaky notebooks: the segment is gone
    for name in re.findall(r"left in /dev/shm: (\S+)", out):
        assert not (Path("/dev/shm") / name).exists(), f"{name} was left behind"
