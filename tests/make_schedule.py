"""Write docs/schedule.md, the workshop schedule, from the notebooks' own time lines.

Each notebook's first cell says ``**Time:** about N minutes (T teaching + E exercises)``; this
script reads those numbers with the course-map test's parser (``tests/test_course_map.py``),
finds each notebook's explorers and quiz, and lays out a one-day and a two-day workshop on a
clock with fixed breaks. ``tests/test_schedule.py`` checks that the committed file is what this
script writes now, and that its minutes add up. After changing a notebook's time line, or
adding a notebook, run::

    python -m tests.make_schedule
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.test_course_map import cells, course_notebooks, notebook_time, source

ROOT = Path(__file__).resolve().parent.parent
SCHEDULE = ROOT / "docs" / "schedule.md"

QUIZ_MINUTES = 5  # a quiz of 3 or 4 questions, and a minute to discuss the answers
WELCOME_MINUTES = 20  # introductions, opening JupyterLab, checking that every laptop runs
RECAP_MINUTES = 10  # start of day 2: what day 1 showed, questions
WRAP_UP_MINUTES = 10  # end of each day: questions, where to go next
DAY_START, DAY_END = 9 * 60, 17 * 60
# (starts at, minutes, what): the day's fixed breaks. A block that would run more than
# SLACK minutes past a break's time starts after the break instead.
BREAKS = [(10 * 60 + 30, 15, "Break"), (12 * 60 + 30, 60, "Lunch"),
          (15 * 60, 15, "Break")]
SLACK = 10
ONE_DAY_CORE = 5  # notebooks 00 to 04 always make the one-day workshop


@dataclass
class Notebook:
    number: str
    name: str
    file: str
    title: str
    total: int
    teaching: int
    exercises: int
    widgets: list[tuple[str, str]]  # (class name, section heading)
    has_quiz: bool


@dataclass
class Block:
    start: int
    minutes: int
    what: str
    notebook: str = ""  # its number, for a notebook's teaching, exercises or quiz
    kind: str = ""  # "teaching", "exercises", "quiz", "break", "other"


def read_notebooks() -> list[Notebook]:
    """Every notebook of notebooks/, with its time line, its explorers and its quiz."""
    found = []
    for path in course_notebooks():
        total, teaching, exercises = notebook_time(path)
        sources = [(c["cell_type"], source(c)) for c in cells(path)]
        title = sources[0][1].splitlines()[0].lstrip("# ").split("·", 1)[-1].strip()
        widgets, section = [], ""
        for kind, text in sources:
            if kind == "markdown":
                headings = re.findall(r"^#{2,3} (.+)$", text, re.MULTILINE)
                section = headings[-1] if headings else section
            else:
                for name in re.findall(r"^from helpers\.\S+ import (\w*(?:Explorer|Predictor))\b",
                                       text, re.MULTILINE):
                    widgets.append((name, section))
        number = path.name[:2]
        has_quiz = any(f'quiz("{number}")' in text for _, text in sources)
        found.append(Notebook(number, path.stem, path.name, title, total, teaching, exercises,
                              widgets, has_quiz))
    return found


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def lay_out(items: list[tuple[int, str, str, str]], start: int) -> tuple[list[Block], int]:
    """Put ``items`` (minutes, what, notebook, kind) on the clock from ``start``, with breaks."""
    blocks, now = [], start
    breaks = [b for b in BREAKS if b[0] >= start]
    for minutes, what, notebook, kind in items:
        while breaks and now + minutes > breaks[0][0] + SLACK:
            at, length, name = breaks.pop(0)
            blocks.append(Block(now, length, name, kind="break"))
            now += length
        blocks.append(Block(now, minutes, what, notebook, kind))
        now += minutes
    return blocks, now


def notebook_items(nb: Notebook) -> list[tuple[int, str, str, str]]:
    link = f"[{nb.number} · {nb.title}](../notebooks/{nb.file})"
    items = [(nb.teaching, f"{link}: teaching", nb.number, "teaching")]
    if nb.exercises:
        items.append((nb.exercises, f"{nb.number}: exercises", nb.number, "exercises"))
    if nb.has_quiz:
        items.append((QUIZ_MINUTES, f"{nb.number}: quiz", nb.number, "quiz"))
    return items


def day(notebooks: list[Notebook], first: bool) -> tuple[list[Block], int]:
    items = [(WELCOME_MINUTES, "Welcome, set-up check (`make lab` or the JupyterHub link)", "",
              "other") if first else (RECAP_MINUTES, "Recap of day 1, questions", "", "other")]
    for nb in notebooks:
        items += notebook_items(nb)
    items.append((WRAP_UP_MINUTES, "Questions, wrap-up", "", "other"))
    return lay_out(items, DAY_START)


def one_day(notebooks: list[Notebook]) -> list[Notebook]:
    """Notebooks 00 to 04, then each next notebook while the day still ends by 17:00."""
    chosen = notebooks[:ONE_DAY_CORE]
    for nb in notebooks[ONE_DAY_CORE:]:
        if day([*chosen, nb], first=True)[1] > DAY_END:
            break
        chosen.append(nb)
    return chosen


def two_days(notebooks: list[Notebook]) -> tuple[list[Notebook], list[Notebook]]:
    """Split the notebooks, in order, so that the later of the two days ends earliest."""
    def ends(k: int) -> tuple[int, int]:
        return (max(day(notebooks[:k], first=True)[1], day(notebooks[k:], first=False)[1]), -k)

    if len(notebooks) < 2:
        return notebooks, []
    k = min(range(1, len(notebooks)), key=ends)
    return notebooks[:k], notebooks[k:]


def day_table(title: str, blocks: list[Block], end: int) -> list[str]:
    widgets = {nb.number: nb.widgets for nb in read_notebooks()}
    lines = [f"### {title}", "",
             "| time | what | teaching | exercises | quiz | other | break | explorers to show |",
             "|---|---|---|---|---|---|---|---|"]
    totals = dict.fromkeys(("teaching", "exercises", "quiz", "other", "break"), 0)
    for b in blocks:
        totals[b.kind] += b.minutes
        cols = {k: (str(b.minutes) if b.kind == k else "") for k in totals}
        shown = ""
        if b.kind == "teaching":
            shown = "; ".join(f"`{name}` ({section})" for name, section in widgets[b.notebook])
        what = f"*{b.what}*" if b.kind == "break" else b.what
        lines.append(f"| {clock(b.start)}–{clock(b.start + b.minutes)} | {what} | "
                     f"{cols['teaching']} | {cols['exercises']} | {cols['quiz']} | "
                     f"{cols['other']} | {cols['break']} | {shown} |")
    work = totals["teaching"] + totals["exercises"] + totals["quiz"] + totals["other"]
    lines.append(f"| **total** | {clock(DAY_START)}–{clock(end)} | **{totals['teaching']}** | "
                 f"**{totals['exercises']}** | **{totals['quiz']}** | "
                 f"**{totals['other']}** | **{totals['break']}** | |")
    lines += ["", f"Working time {work} min ({totals['teaching']} teaching + "
                  f"{totals['exercises']} exercises + {totals['quiz']} quizzes + "
                  f"{totals['other']} welcome or recap, and wrap-up), "
                  f"breaks {totals['break']} min; "
                  f"the day ends at {clock(end)}."]
    if end <= DAY_END - 30:
        lines.append(f"The time left until {clock(DAY_END)} is for an open lab: the exercises "
                     "learners skipped, or their own code.")
    return [*lines, ""]


def render() -> str:
    notebooks = read_notebooks()
    lines = [
        "# Workshop schedule",
        "",
        "<!-- Generated by `python -m tests.make_schedule` from the notebooks' time lines; "
        "do not edit by hand. tests/test_schedule.py checks that it is up to date. -->",
        "",
        "Every number below comes from the first cell of a notebook (`**Time:** about N "
        "minutes (T teaching + E exercises)`), so the schedule, the README's table and the "
        "notebooks agree. Each notebook ends with a quiz of 3 or 4 questions "
        f"({QUIZ_MINUTES} min with the discussion), just before its Summary. Breaks are at "
        + ", ".join(f"{clock(at)} ({name.lower()}, {length} min)" for at, length, name in BREAKS)
        + f"; a block that would run more than {SLACK} min past a break starts after it. "
        "The explorers column says which widgets to show during the teaching and where "
        "(the section of the notebook); [instructor notes](instructor-notes.md) say what to "
        "do with them.",
        "",
        "## The notebooks",
        "",
        "| notebook | teaching | exercises | total | quiz | explorers |",
        "|---|---|---|---|---|---|",
    ]
    for nb in notebooks:
        shown = ", ".join(f"`{name}`" for name, _ in nb.widgets) or "none"
        lines.append(f"| [{nb.number} · {nb.title}](../notebooks/{nb.file}) | {nb.teaching} | "
                     f"{nb.exercises} | {nb.total} | {'yes' if nb.has_quiz else 'not yet'} | "
                     f"{shown} |")
    teaching = sum(nb.teaching for nb in notebooks)
    exercises = sum(nb.exercises for nb in notebooks)
    lines.append(f"| **all {len(notebooks)}** | **{teaching}** | **{exercises}** | "
                 f"**{teaching + exercises}** | | |")

    core = one_day(notebooks)
    blocks, end = day(core, first=True)
    left = [nb.number for nb in notebooks if nb not in core]
    lines += ["", "## One day", "",
              f"Notebooks {core[0].number} to {core[-1].number}. "
              + (f"Not in the day: {', '.join(left)} (take them to the two-day workshop, or "
                 "give them as reading)." if left else "Every notebook fits."), ""]
    lines += day_table("The day", blocks, end)

    first, second = two_days(notebooks)
    lines += ["## Two days", "",
              f"Every notebook that exists ({len(notebooks)}), in order: day 1 from "
              f"{first[0].number} to {first[-1].number}, day 2 from {second[0].number} to "
              f"{second[-1].number}." if second else "Every notebook fits in day 1.", ""]
    for title, part, is_first in (("Day 1", first, True), ("Day 2", second, False)):
        if part:
            blocks, end = day(part, first=is_first)
            lines += day_table(title, blocks, end)
            if end > DAY_END:
                lines += [f"Day 2 runs past {clock(DAY_END)}: leave a notebook as reading.", ""]
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    SCHEDULE.parent.mkdir(exist_ok=True)
    SCHEDULE.write_text(render(), encoding="utf-8")
    print(f"wrote {SCHEDULE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
