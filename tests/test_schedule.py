"""The workshop schedule (docs/schedule.md) is up to date and adds up.

The schedule is generated from the notebooks' time lines by ``python -m tests.make_schedule``;
these tests check that the committed file is what the script writes now, and then read the
file as a learner would and check its arithmetic on its own: every notebook's teaching and
exercise minutes equal its time line, the clock times follow each other, and the totals are
the sums of the rows.
"""

from __future__ import annotations

import re

import pytest

from tests.make_schedule import SCHEDULE, render
from tests.test_course_map import course_notebooks, notebook_time

ROW = re.compile(r"^\| (\d\d):(\d\d)–(\d\d):(\d\d) \| (.*?) \|((?: [^|]*\|){6})$")
TOTAL = re.compile(r"^\| \*\*total\*\* \| (\d\d):(\d\d)–(\d\d):(\d\d) \|((?: [^|]*\|){6})$")
COLUMNS = ("teaching", "exercises", "quiz", "other", "break")


def test_the_committed_schedule_is_up_to_date():
    assert SCHEDULE.exists(), "docs/schedule.md is missing: run python -m tests.make_schedule"
    assert SCHEDULE.read_text(encoding="utf-8") == render(), (
        "docs/schedule.md is out of date: run python -m tests.make_schedule and commit it")


def days(text: str) -> dict[str, list[dict]]:
    """{day title: [row, ...]} for every day table; a row has its times and minutes."""
    tables, title = {}, None
    for line in text.splitlines():
        if line.startswith("### "):
            title = line[4:]
            tables[title] = []
        elif title and (m := ROW.match(line)):
            cells = [c.strip() for c in m[6].split("|")[:-1]]
            minutes = dict(zip(COLUMNS, (int(c) if c else 0 for c in cells[:5]), strict=True))
            number = re.match(r"\[?(\d\d)[ :]", m[5])
            tables[title].append({
                "start": int(m[1]) * 60 + int(m[2]), "end": int(m[3]) * 60 + int(m[4]),
                "what": m[5], "notebook": number[1] if number else None, **minutes})
        elif title and (m := TOTAL.match(line)):
            cells = [c.strip().strip("*") for c in m[5].split("|")[:-1]]
            tables[title].append({"total": True, "start": int(m[1]) * 60 + int(m[2]),
                                  "end": int(m[3]) * 60 + int(m[4]),
                                  **dict(zip(COLUMNS, map(int, cells[:5]), strict=True))})
    return tables


TABLES = days(SCHEDULE.read_text(encoding="utf-8")) if SCHEDULE.exists() else {}
TIMES = {p.name[:2]: notebook_time(p) for p in course_notebooks()}


def test_the_schedule_has_one_day_and_two_days():
    assert set(TABLES) == {"The day", "Day 1", "Day 2"}


@pytest.mark.parametrize("title", sorted(TABLES))
def test_a_days_clock_and_totals_add_up(title):
    *rows, total = TABLES[title]
    assert total.get("total"), f"{title}: the last row must be the total"
    assert rows[0]["start"] == total["start"] and rows[-1]["end"] == total["end"]
    for before, after in zip(rows, rows[1:], strict=False):
        assert after["start"] == before["end"], f"{title}: a gap or overlap at {after['what']}"
    for row in rows:
        assert row["end"] - row["start"] == sum(row[c] for c in COLUMNS), row["what"]
    for column in COLUMNS:
        assert total[column] == sum(row[column] for row in rows), f"{title}: {column}"
    assert total["end"] <= 17 * 60, f"{title} ends after 17:00"


def notebook_minutes(rows: list[dict]) -> dict[str, tuple[int, int]]:
    minutes: dict[str, list[int]] = {}
    for row in rows:
        if row.get("notebook"):
            got = minutes.setdefault(row["notebook"], [0, 0])
            got[0] += row["teaching"]
            got[1] += row["exercises"]
    return {k: tuple(v) for k, v in minutes.items()}


@pytest.mark.parametrize("title", sorted(TABLES))
def test_each_notebooks_minutes_are_its_time_line(title):
    for number, (teaching, exercises) in notebook_minutes(TABLES[title]).items():
        assert (teaching, exercises) == TIMES[number][1:], (
            f"{title}: notebook {number} gets {teaching} + {exercises} min, its time line "
            f"says {TIMES[number][1]} + {TIMES[number][2]}")


def test_one_day_covers_00_to_04_and_two_days_cover_every_notebook():
    one_day = notebook_minutes(TABLES["The day"])
    assert {"00", "01", "02", "03", "04"} <= set(one_day)
    two = [*notebook_minutes(TABLES["Day 1"]), *notebook_minutes(TABLES["Day 2"])]
    assert sorted(two) == sorted(TIMES), "the two days must cover every notebook, once"


def test_the_notebooks_table_adds_up():
    text = SCHEDULE.read_text(encoding="utf-8")
    rows = re.findall(r"^\| \[(\d\d) · [^\]]*\]\([^)]*\) \| (\d+) \| (\d+) \| (\d+) \|", text,
                      re.MULTILINE)
    assert {n: (int(t) + int(e), int(t), int(e)) for n, t, e, _ in rows} == TIMES
    assert all(int(t) + int(e) == int(n) for _, t, e, n in rows)
    total = re.search(r"^\| \*\*all (\d+)\*\* \| \*\*(\d+)\*\* \| \*\*(\d+)\*\* \| \*\*(\d+)\*\*",
                      text, re.MULTILINE)
    assert total and int(total[1]) == len(TIMES)
    assert int(total[2]) == sum(t for _, t, _ in TIMES.values())
    assert int(total[3]) == sum(e for _, _, e in TIMES.values())
    assert int(total[4]) == sum(n for n, _, _ in TIMES.values())
