"""Shared test set-up.

``pytester`` lets tests/test_nb_leak_check.py run pytest (with nbval and the leak-check
plugin) on scratch notebooks and look at the outcome. ``notebook_main`` stands in for a
notebook's ``__main__`` in tests of the notebook-function trap.
"""

import signal

import pytest

pytest_plugins = ["pytester"]

#: Test files that make shared-memory segments or compare /dev/shm before and after. They are
#: marked ``shared_memory``, and `make unit` runs them one after another in a pytest of their
#: own (each in a /dev/shm of its own where it can), beside the others in pytest-xdist
#: workers: /dev/shm is one folder for the whole machine, and none of them may see another's
#: segments. (pytest-xdist's own ``--dist loadgroup`` did not keep a group on one worker
#: with pytest 9.2.) tests/test_suite.py checks that the list is complete.
SHARED_MEMORY_FILES = frozenset({
    "test_bench.py", "test_beyond.py", "test_cheatsheet.py", "test_checks_nb05.py",
    "test_nb_leak_check.py", "test_sharing.py", "test_workers.py",
})

#: Test files whose subject never uses the course's start method (COURSE_START_METHOD): the
#: cheat sheet's stand-alone scripts (they name their own), Dask's programs, the site's HTML
#: (its notebooks run under every method in nbval). Marked ``same_under_every_method``, as
#: are single tests of Dask and joblib (their workers start their own way); the matrix runs
#: them once per Python, in the cell with its default start method (see the Makefile).
SAME_UNDER_EVERY_METHOD_FILES = frozenset({"test_cheatsheet.py", "test_cluster.py", "test_site.py"})


def pytest_configure(config):
    # A test run started in the background by a non-interactive shell (`make test &`)
    # ignores SIGINT, and its child processes inherit that: the tests that press Ctrl-C on
    # a script would then see it ignored. A handler, unlike an ignore, is not inherited.
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    config.addinivalue_line(
        "markers", "shared_memory: makes segments or compares /dev/shm: runs apart, serially")
    config.addinivalue_line(
        "markers", "same_under_every_method: does not use the course's start method, so the "
        "matrix runs it only under each Python's default one")


def pytest_itemcollected(item):
    if item.path.name in SHARED_MEMORY_FILES:
        item.add_marker(pytest.mark.shared_memory)
    if item.path.name in SAME_UNDER_EVERY_METHOD_FILES:
        item.add_marker(pytest.mark.same_under_every_method)


@pytest.fixture
def notebook_main(monkeypatch):
    """Make ``__main__`` a notebook's: a module made in memory, with no file (as IPython's).

    Set a function on it to stand for one defined in a notebook cell: under spawn and
    forkserver a child cannot import it, and the course's checks must say so.
    """
    import sys
    import types

    main = types.ModuleType("__main__")
    monkeypatch.setitem(sys.modules, "__main__", main)
    return main
