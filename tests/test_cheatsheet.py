"""The cheat sheet's scripts run and print what they promise.

Every ```python block of docs/cheatsheet.md is a complete script: each is run in a fresh
Python (with a time limit, so a hang fails instead of blocking), and its output is compared
with what the section promises. The Dask block needs ``dask[distributed]``, which is not in
the course environment: where it is missing, that block is only compiled.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

CHEATSHEET = Path(__file__).resolve().parent.parent / "docs" / "cheatsheet.md"
BLOCK = re.compile(r"^## (.+?)$(?:(?!^## ).)*?^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
# What each section's script must print (a piece of its output).
PRINTS = {
    "A pool over many items: `Pool.map`": "[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]\n"
                                          f"{sum(x * x for x in range(10_000))}",
    "Futures: `ProcessPoolExecutor`": "0 failed: division by zero",
    "A queue with one sentinel per consumer": "(19, 361)]",
    "Shared memory, cleaned up": "True",
    "A shared counter: lock the `+=`, or better, do not share it": "4000",
    "joblib": "[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]",
    "A Dask client (on one machine)": "[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]",
    "CPU-bound work from asyncio": "[285, 328350]",
}
BLOCKS = dict(BLOCK.findall(CHEATSHEET.read_text(encoding="utf-8")))


def test_every_section_with_code_is_checked():
    assert sorted(BLOCKS) == sorted(PRINTS)


@pytest.mark.parametrize("section", sorted(PRINTS))
def test_the_script_runs_and_prints_what_it_promises(section, tmp_path):
    code = BLOCKS[section]
    compile(code, section, "exec")
    if "dask" in code and importlib.util.find_spec("distributed") is None:
        return  # compiled only: dask is not part of the course environment
    script = tmp_path / "cheat.py"
    script.write_text(code, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert PRINTS[section] in done.stdout, done.stdout[-2000:]
