"""Checkers for the exercises: each says what is right, what is not yet, and gives a hint.

A checker never raises on a wrong answer: it prints its verdict and returns a
:class:`Verdict` (true when everything passed), so the notebook keeps running and you
can try again. The verdict shows nothing more in the notebook than the printed lines.
"""

from __future__ import annotations

from collections.abc import Sequence


class Verdict:
    """The result of a checker: true if every check passed. Prints nothing in a notebook."""

    def __init__(self, passed: bool) -> None:
        self.passed = bool(passed)

    def __bool__(self) -> bool:
        return self.passed

    def __eq__(self, other: object) -> bool:
        return self.passed == bool(other) if isinstance(other, bool | Verdict) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.passed)

    def __repr__(self) -> str:
        return f"Verdict(passed={self.passed})"

    def _ipython_display_(self) -> None:
        """Show nothing: the checker already printed its verdict."""


def report(title: str, checks: Sequence[tuple[bool, str, str]]) -> Verdict:
    """Print one line per check and return a Verdict, true if all passed.

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
    return Verdict(all_ok)


def _is_number(x: object) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def guess_text(guess: object, unit: str = "") -> str:
    """Say what the learner predicted, for a cell that reads a prediction back.

    ``None``, ``...`` and ``"..."``/``"?"`` (a guess left as the starter had it) give
    ``"you did not guess"``; anything else gives ``"you guessed <guess><unit>"``::

        print(f"measured {speedup:.2f}x ({guess_text(my_guess, 'x')})")
    """
    if guess is None or guess is Ellipsis or (isinstance(guess, str) and guess.strip() in
                                               ("", "...", "?")):
        return "you did not guess"
    return f"you guessed {guess}{unit}"
