"""The test suite's own set-up: the files that must share one pytest-xdist worker."""

import re
from pathlib import Path

from tests.conftest import SHARED_MEMORY_FILES

TESTS = Path(__file__).parent
# Words that show a test file makes shared-memory segments or reads /dev/shm itself.
SHARED_MEMORY_WORDS = re.compile(r"shared_memory|SharedMemory|/dev/shm|helpers\.sharing|"
                                 r"helpers\.bench|SharingExplorer")


def test_every_file_that_uses_shared_memory_runs_in_the_shared_memory_group():
    using = {p.name for p in TESTS.glob("test_*.py")
             if p.name != "test_suite.py"
             and SHARED_MEMORY_WORDS.search(p.read_text(encoding="utf-8"))}
    assert using - SHARED_MEMORY_FILES == set(), (
        "these test files make shared memory or read /dev/shm: add them to "
        "SHARED_MEMORY_FILES in tests/conftest.py")


def test_every_file_in_the_group_exists():
    assert {p.name for p in TESTS.glob("test_*.py")} >= SHARED_MEMORY_FILES
