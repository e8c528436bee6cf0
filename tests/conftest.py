"""Shared test set-up.

``pytester`` lets tests/test_nb_leak_check.py run pytest (with nbval and the leak-check
plugin) on scratch notebooks and look at the outcome.
"""

pytest_plugins = ["pytester"]
