"""Checkers for notebook 00 (welcome)."""

from __future__ import annotations

import os

from helpers.checks import _is_number, report
from helpers.system import usable_cpus


def check_usable_cpus(answer: object) -> bool:
    """Check that ``answer`` is the number of CPUs this notebook can really use."""
    right = usable_cpus()
    if answer is None or answer is ...:
        hint = "replace the ... with a number, or with a call to a helper that knows it."
    elif not _is_number(answer):
        hint = f"the answer is a number of CPUs, not {type(answer).__name__}."
    elif answer == os.cpu_count() and right != os.cpu_count():
        hint = ("that is os.cpu_count(), every CPU the machine has. Your quota or affinity "
                "lets you use fewer: look at the report above.")
    else:
        hint = ("look at the line 'usable CPUs' in the report above, or call usable_cpus() "
                "after `from helpers.system import usable_cpus`.")
    return report("Exercise 0: the CPUs you can use",
                  [(answer == right, f"you can use {right} CPU(s)", hint)])
