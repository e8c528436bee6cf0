"""Quizzes that find misconceptions: a few multiple-choice questions at the end of a notebook.

Each wrong option of a question stands for one real misconception (for example "a `Value`
has a lock, so `+=` on it is safe"), and choosing it explains why it is wrong. The options
are shuffled each time the quiz is shown, so that the right answer is not always first.

In a notebook::

    from helpers.checks.quiz import quiz
    quiz("05")

shows the questions of notebook 05 as a widget: each option has a letter, you pick one with
the buttons (or the arrow keys), and the feedback appears at once. Without a browser, the
same quiz answers in plain text, which is what the tests use::

    q = quiz("05", seed=0)
    q.answer(0, "B")            # a Feedback: true if right, .text explains
    q.answer(0, option_text)    # the same, naming the option by its text

The questions themselves live in :mod:`helpers.checks.quizzes`, one list per notebook.
"""

from __future__ import annotations

import html
import random
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass

import ipywidgets as widgets

from helpers.checks import Verdict, report


@dataclass(frozen=True)
class Option:
    """One answer to a question: its text, whether it is right, and why (or why not)."""

    text: str
    right: bool
    why: str


@dataclass(frozen=True)
class Question:
    """A question with one right option and wrong ones that each stand for a misconception."""

    prompt: str
    options: tuple[Option, ...]

    def __post_init__(self) -> None:
        if not self.prompt.strip():
            raise ValueError("a question needs a prompt")
        if len(self.options) < 2:
            raise ValueError(f"{self.prompt!r}: a question needs at least two options")
        if sum(option.right for option in self.options) != 1:
            raise ValueError(f"{self.prompt!r}: exactly one option must be right")
        texts = [option.text for option in self.options]
        if len(set(texts)) != len(texts):
            raise ValueError(f"{self.prompt!r}: two options have the same text")
        for option in self.options:
            if not option.text.strip() or not option.why.strip():
                raise ValueError(f"{self.prompt!r}: every option needs a text and a why")

    @property
    def right_option(self) -> Option:
        return next(option for option in self.options if option.right)


def right(text: str, why: str) -> Option:
    """The right option of a question, with why it is right."""
    return Option(text, True, why)


def wrong(text: str, why: str) -> Option:
    """A wrong option: the misconception it stands for, and why it is wrong."""
    return Option(text, False, why)


class Feedback(Verdict):
    """What choosing an option says: true if it is right, and ``text`` explains."""

    def __init__(self, option: Option) -> None:
        super().__init__(option.right)
        self.option = option
        verdict = "✅ Right." if option.right else "❌ Not quite."
        self.text = f"{verdict} {option.why}"

    def __str__(self) -> str:
        return self.text


def _html(text: str) -> str:
    """Escape ``text`` for HTML and show `code` in backticks as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text, quote=False))


class Quiz:
    """The questions of one notebook, each with its options in a shuffled order.

    ``answer(question, choice)`` gives the feedback without a browser; displaying the quiz
    in a notebook shows it as a widget that gives the same feedback on a click.
    """

    def __init__(self, title: str, questions: Sequence[Question],
                 seed: int | None = None) -> None:
        if not questions:
            raise ValueError("a quiz needs at least one question")
        if any(len(q.options) > len(string.ascii_uppercase) for q in questions):
            raise ValueError("a question may have at most 26 options")
        self.title = title
        self.questions = list(questions)
        rng = random.Random(seed)
        # The order in which each question's options are shown, lettered A, B, C...
        self.shown = [rng.sample(list(q.options), len(q.options)) for q in self.questions]
        self.chosen: list[Option | None] = [None] * len(self.questions)
        self._widget: widgets.Widget | None = None

    def letters(self, question: int) -> list[str]:
        """The letters of question ``question``'s options, in the order shown."""
        return list(string.ascii_uppercase[:len(self.shown[self._index(question)])])

    def _index(self, question: int) -> int:
        if not isinstance(question, int) or not 0 <= question < len(self.questions):
            raise ValueError(f"question must be a number from 0 to {len(self.questions) - 1}, "
                             f"not {question!r}")
        return question

    def option(self, question: int, choice: str) -> Option:
        """The option ``choice`` of ``question``: a letter as shown (``"B"``) or its text."""
        shown = self.shown[self._index(question)]
        if isinstance(choice, str) and len(choice) == 1 and choice.upper() in self.letters(
                question):
            return shown[self.letters(question).index(choice.upper())]
        for option in shown:
            if option.text == choice:
                return option
        raise ValueError(f"question {question} has no option {choice!r}: give a letter "
                         f"({', '.join(self.letters(question))}) or an option's exact text")

    def answer(self, question: int, choice: str) -> Feedback:
        """Choose an option of ``question`` (a letter or the option's text); get the feedback."""
        option = self.option(question, choice)
        self.chosen[question] = option
        return Feedback(option)

    def score(self) -> Verdict:
        """Print how the chosen answers stand, one line per question, and return a Verdict."""
        checks = []
        for number, option in enumerate(self.chosen, 1):
            hint = ("not answered yet" if option is None
                    else f"try it again: {Feedback(option).text}")
            checks.append((option is not None and option.right, f"question {number}",
                           f"question {number}: {hint}"))
        return report(f"Quiz: {self.title}", checks)

    def text(self) -> str:
        """The quiz as plain text: each question and its lettered options (no answers)."""
        lines = [f"Quiz: {self.title}"]
        for number, (question, shown) in enumerate(zip(self.questions, self.shown,
                                                       strict=True), 1):
            lines.append(f"\n{number}. {question.prompt}")
            lines += [f"   {letter}. {option.text}"
                      for letter, option in zip(string.ascii_uppercase, shown, strict=False)]
        return "\n".join(lines)

    @property
    def widget(self) -> widgets.Widget:
        """The quiz as ipywidgets: per question, its text, letter buttons and the feedback."""
        if self._widget is None:
            self._widget = widgets.VBox([self._question_widget(i)
                                         for i in range(len(self.questions))])
        return self._widget

    def _question_widget(self, index: int) -> widgets.Widget:
        question, shown = self.questions[index], self.shown[index]
        items = "".join(f"<li><b>{letter}.</b> {_html(option.text)}</li>"
                        for letter, option in zip(string.ascii_uppercase, shown, strict=False))
        text = widgets.HTML(f"<p><b>{index + 1}.</b> {_html(question.prompt)}</p>"
                            f"<ul style='list-style: none'>{items}</ul>")
        buttons = widgets.ToggleButtons(options=self.letters(index), value=None,
                                        description="Your answer:",
                                        style={"button_width": "3em"})
        feedback = widgets.HTML()

        def on_choice(change: dict) -> None:
            if change["new"] is not None:
                feedback.value = _html(self.answer(index, change["new"]).text)

        buttons.observe(on_choice, names="value")
        return widgets.VBox([text, buttons, feedback])

    def __repr__(self) -> str:
        return self.text()

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):  # (data, metadata)
            bundle[0]["text/plain"] = self.text()
        elif isinstance(bundle, dict):
            bundle["text/plain"] = self.text()
        return bundle


def quiz(notebook: str, seed: int | None = None) -> Quiz:
    """The quiz of notebook ``notebook`` (its number, ``"05"``), options shuffled.

    Give ``seed`` for the same order every time (the tests do).
    """
    from helpers.checks.quizzes import QUIZZES

    key = str(notebook).zfill(2) if str(notebook).isdigit() else str(notebook)
    if key not in QUIZZES:
        raise ValueError(f"no quiz for notebook {notebook!r}; there are quizzes for "
                         f"{', '.join(sorted(QUIZZES))}")
    title, questions = QUIZZES[key]
    return Quiz(f"{key} · {title}", questions, seed=seed)
