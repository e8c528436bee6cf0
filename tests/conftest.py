"""Shared test set-up.

``pytester`` lets tests/test_nb_leak_check.py run pytest (with nbval and the leak-check
plugin) on scratch notebooks and look at the outcome. ``notebook_main`` stands in for a
notebook's ``__main__`` in tests of the notebook-function trap.
"""

import pytest

pytest_plugins = ["pytester"]


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
