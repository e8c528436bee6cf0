"""Checkers for the exercises: each says what is right, what is not yet, and gives a hint.

A checker never raises on a wrong answer: it prints its verdict and returns a
:class:`Verdict` (true when everything passed), so the notebook keeps running and you
can try again. The verdict shows nothing more in the notebook than the printed lines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence


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


class Call:
    """What :func:`call_within` saw: whether the call finished, its result or error, its time."""

    def __init__(self, finished: bool, result: object = None,
                 error: BaseException | None = None, seconds: float = 0.0) -> None:
        self.finished, self.result, self.error, self.seconds = finished, result, error, seconds

    @property
    def outcome(self) -> object:
        """The error if the call raised one, else its result."""
        return self.error if self.error is not None else self.result

    def __repr__(self) -> str:
        return (f"Call(finished={self.finished}, result={self.result!r}, error={self.error!r}, "
                f"seconds={self.seconds:.3f})")


def call_within(func: Callable, args: Sequence = (), timeout: float = 60.0) -> Call:
    """Call the learner's ``func(*args)`` in a thread and wait for it at most ``timeout`` s.

    A learner's answer may hang (a ``join()`` with no timeout on a process that cannot
    end, a ``get()`` on a queue that stays empty); a checker must not hang with it. The
    call runs in a daemon thread; an error it raises is kept, not raised. If it has not
    finished in time, ``finished`` is False and the thread is left to end on its own
    (the checker should then stop the processes it waits for).
    """
    import threading
    import time

    box: dict[str, object] = {}

    def call() -> None:
        try:
            box["result"] = func(*args)
        except BaseException as err:  # the learner's error is reported, never raised
            box["error"] = err

    begin = time.perf_counter()
    thread = threading.Thread(target=call, name="checker-call", daemon=True)
    thread.start()
    thread.join(timeout)
    seconds = time.perf_counter() - begin
    if thread.is_alive():
        return Call(False, seconds=seconds)
    return Call(True, box.get("result"), box.get("error"), seconds)  # type: ignore[arg-type]
