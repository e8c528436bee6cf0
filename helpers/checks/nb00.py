"""Checkers for notebook 00 (welcome)."""

from __future__ import annotations

import math

from helpers.checks import Verdict, _is_number, report

#: Exercise 0's server: every CPU it has, the CPUs its affinity allows, its container quota.
SERVER = {"cpu_count": 64, "affinity": 8, "quota": 2.5}


def server_usable_cpus(cpu_count: int, affinity: int, quota: float) -> int:
    """The usable CPUs of a machine, the rule that joblib (and so ``usable_cpus()``) applies.

    The smallest of every CPU, the affinity, and the quota rounded up, and at least 1.
    """
    return max(1, min(cpu_count, affinity, math.ceil(quota)))


def check_server_cpus(answer: object) -> Verdict:
    """Exercise 0: how many CPUs can a program really use on the server described in 00?"""
    right = server_usable_cpus(**SERVER)
    if answer is None or answer is ...:
        hint = "replace the ... with a whole number."
    elif not _is_number(answer):
        hint = f"the answer is a number of CPUs, not {type(answer).__name__}."
    elif answer == SERVER["cpu_count"]:
        hint = ("64 is what os.cpu_count() says: every CPU the machine has, not what a "
                "program there may use.")
    elif answer == SERVER["affinity"]:
        hint = ("the affinity lets the program run on 8 CPUs, but the quota gives it less "
                "CPU time than that in total.")
    elif answer != int(answer):
        hint = "count whole CPUs: a quota of a CPU and a half still lets two processes run."
    elif answer == math.floor(SERVER["quota"]):
        hint = "joblib rounds a quota up, not down."
    else:
        hint = "the usable CPUs are the smallest of the three numbers, the quota rounded up."
    return report("Exercise 0: the CPUs a program can use on the server",
                  [(_is_number(answer) and answer == right,
                    f"{right} usable CPUs: the quota, {SERVER['quota']}, rounded up, is the "
                    "smallest of the three", hint)])
