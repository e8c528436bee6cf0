"""Checkers for the exercises: each says what is right, what is not yet, and gives a hint.

A checker never raises on a wrong answer: it prints its verdict and returns True or
False, so the notebook keeps running and you can try again.
"""

from __future__ import annotations

from collections.abc import Sequence


def report(title: str, checks: Sequence[tuple[bool, str, str]]) -> bool:
    """Print one line per check and return True if all passed.

    Each check is ``(passed, what_is_right, hint_if_not)``. Only the first failing
    check's hint is shown, so you fix one thing at a time.
    """
    print(title)
    all_ok = True
    for passed, right, hint in checks:
        if passed:
            print(f"  ✅ {right}")
        elif all_ok:
            print(f"  ❌ not yet: {hint}")
            all_ok = False
    if all_ok:
        print("🎉 Well done!")
    return all_ok


def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)
