"""The quizzes: every question is well formed, every option gives its feedback, the widget works.

Each question must have exactly one right option, wrong options that each explain why, and
no two options alike; every option, chosen by letter or by text, must give its own
explanation; the widget must give the same feedback on a click, without a browser; and every
notebook that has a quiz must show it, just before its Summary.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.checks.quiz import Feedback, Option, Question, Quiz, quiz, right, wrong
from helpers.checks.quizzes import QUIZZES

ROOT = Path(__file__).resolve().parent.parent
ALL_QUESTIONS = [(number, i, q) for number, (_, qs) in sorted(QUIZZES.items())
                 for i, q in enumerate(qs)]


def question_id(item):
    number, i, _ = item
    return f"nb{number}-q{i + 1}"


@pytest.mark.parametrize("number", sorted(QUIZZES))
def test_each_notebook_has_three_or_four_questions(number):
    title, questions = QUIZZES[number]
    assert title and 3 <= len(questions) <= 4


@pytest.mark.parametrize("item", ALL_QUESTIONS, ids=question_id)
def test_every_option_gives_its_own_feedback(item):
    number, index, question = item
    assert sum(o.right for o in question.options) == 1
    assert 3 <= len(question.options) <= 4, "one right option and two or three misconceptions"
    q = quiz(number, seed=index)
    whys = set()
    for letter, option in zip(q.letters(index), q.shown[index], strict=True):
        by_letter = q.answer(index, letter)
        by_text = q.answer(index, option.text)
        assert isinstance(by_letter, Feedback)
        assert by_letter.text == by_text.text
        assert bool(by_letter) is option.right
        assert by_letter.text.startswith("✅ Right." if option.right else "❌ Not quite.")
        assert len(option.why.split()) >= 6, f"explain more than {option.why!r}"
        whys.add(option.why)
    assert len(whys) == len(question.options), "each option needs its own explanation"


@pytest.mark.parametrize("item", ALL_QUESTIONS, ids=question_id)
def test_backticks_are_balanced(item):
    _, _, question = item
    for text in [question.prompt] + [t for o in question.options for t in (o.text, o.why)]:
        assert text.count("`") % 2 == 0, f"unbalanced backticks in {text!r}"


def test_the_options_are_shuffled_but_a_seed_repeats_them():
    orders = {tuple(o.text for o in quiz("05", seed=s).shown[0]) for s in range(20)}
    assert len(orders) > 1
    assert quiz("05", seed=3).shown == quiz("05", seed=3).shown
    assert sorted(o.text for o in quiz("05").shown[0]) == sorted(
        o.text for o in QUIZZES["05"][1][0].options)


def test_a_bad_question_is_refused():
    with pytest.raises(ValueError, match="exactly one"):
        Question("Which?", (wrong("a", "why a"), wrong("b", "why b")))
    with pytest.raises(ValueError, match="exactly one"):
        Question("Which?", (right("a", "why a"), right("b", "why b")))
    with pytest.raises(ValueError, match="at least two"):
        Question("Which?", (right("a", "why a"),))
    with pytest.raises(ValueError, match="same text"):
        Question("Which?", (right("a", "why a"), wrong("a", "why b")))
    with pytest.raises(ValueError, match="a text and a why"):
        Question("Which?", (right("a", "why a"), Option("b", False, " ")))
    with pytest.raises(ValueError, match="at least one question"):
        Quiz("empty", [])


def test_a_bad_answer_or_notebook_gets_a_clear_error():
    q = quiz("03", seed=0)
    with pytest.raises(ValueError, match="no option 'Z'"):
        q.answer(0, "Z")
    with pytest.raises(ValueError, match="from 0 to 3"):
        q.answer(4, "A")
    with pytest.raises(ValueError, match="no quiz for notebook '42'"):
        quiz("42")
    assert quiz(3, seed=0).title == quiz("03", seed=0).title


def test_the_score_names_the_first_question_not_right_yet(capsys):
    q = quiz("06", seed=1)
    for i, question in enumerate(q.questions):
        q.answer(i, question.right_option.text)
    wrong_option = next(o for o in q.questions[1].options if not o.right)
    q.answer(1, wrong_option.text)
    verdict = q.score()
    out = capsys.readouterr().out
    assert not verdict
    assert "✅ question 1" in out and "question 2: try it again" in out
    assert wrong_option.why in out
    q.answer(1, q.questions[1].right_option.text)
    assert q.score()


def test_the_widget_gives_the_feedback_on_a_click():
    q = quiz("08", seed=2)
    box = q.widget.children[0]
    text, buttons, feedback = box.children
    assert q.questions[0].prompt.split("`")[0][:20] in text.value
    assert buttons.value is None and feedback.value == ""
    for letter, option in zip(q.letters(0), q.shown[0], strict=True):
        buttons.value = letter
        assert ("✅" if option.right else "❌") in feedback.value
        assert q.chosen[0] is option


def test_the_plain_text_form_shows_questions_and_options_but_no_answers():
    q = quiz("00", seed=0)
    text = q.text()
    assert text.startswith("Quiz: 00 · Welcome")
    for shown in q.shown:
        for option in shown:
            assert option.text in text
            assert option.why not in text
    bundle = q._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert data["text/plain"] == text
    assert "application/vnd.jupyter.widget-view+json" in data


def notebook_cells(number: str) -> list[str]:
    path = next((ROOT / "notebooks").glob(f"{number}_*.ipynb"))
    return ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]]


@pytest.mark.parametrize("number", sorted(QUIZZES))
def test_the_notebook_shows_its_quiz_just_before_the_summary(number):
    sources = notebook_cells(number)
    call = f'quiz("{number}")'
    at = [i for i, s in enumerate(sources) if call in s]
    assert len(at) == 1, f"notebook {number} must call {call} once"
    assert sources[at[0] - 1].startswith("## Quiz")
    assert sources[at[0] + 1].startswith("## Summary")


def test_every_notebook_has_a_quiz():
    numbers = sorted(p.name[:2] for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    missing = [n for n in numbers if n not in QUIZZES]
    assert not missing, f"notebooks without a quiz in helpers/checks/quizzes.py: {missing}"
