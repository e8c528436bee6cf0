"""The course's map is true: times agree, every notebook is listed, every link resolves.

- Each notebook's first cell says how long it takes, in one format:
  ``**Time:** about N minutes (T teaching + E exercises)`` with N = T + E.
- The README's notebook table lists every notebook of ``notebooks/``, links to it, and
  gives the same times, as ``N min (T + E)``.
- Every relative link in a notebook's markdown (and in the README) points to a file that
  exists; a ``#section`` after a notebook's name must be one of that notebook's headings,
  as JupyterLab names them (the heading's text, spaces turned into ``-``).

The notebooks are found by their names (``NN_name.ipynb``), so a notebook added later is
checked without changing this file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
README = ROOT / "README.md"

TIME_LINE = re.compile(
    r"\*\*Time:\*\* about (\d+) minutes \((\d+) teaching \+ (\d+) exercises\)")
# A README row: | 03 | [pools](notebooks/03_pools.ipynb) | ... | 60 min (35 + 25) |
README_ROW = re.compile(r"^\|\s*(\d\d)\s*\|\s*\[[^\]]*\]\((notebooks/[^)]+\.ipynb)\)\s*\|.*\|\s*"
                        r"(?P<time>[^|]*?)\s*\|\s*$")
README_TIME = re.compile(r"^(\d+) min \((\d+) \+ (\d+)\)$")
# [text](target) and ![alt](target), with an optional "title"; and href="target".
MARKDOWN_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_LINK = re.compile(r"""(?:href|src)\s*=\s*["']([^"']+)["']""")
CODE = re.compile(r"```.*?```|`[^`\n]*`", re.DOTALL)


def course_notebooks() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell: dict) -> str:
    text = cell["source"]
    return text if isinstance(text, str) else "".join(text)


def markdown_of(path: Path) -> list[str]:
    return [source(c) for c in cells(path) if c["cell_type"] == "markdown"]


def readme_rows() -> dict[str, tuple[str, str]]:
    """{notebook file name: (number, time text)} for every row of the README's table."""
    rows = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        match = README_ROW.match(line)
        if match:
            rows[Path(match[2]).name] = (match[1], match["time"])
    return rows


def heading_ids(path: Path) -> set[str]:
    """The anchors JupyterLab gives the headings of a notebook: text, spaces as ``-``."""
    ids = set()
    for text in markdown_of(path):
        for line in CODE.sub(lambda m: m[0].replace("#", ""), text).splitlines():
            match = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
            if match:
                shown = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", match[1])  # a link: its text
                shown = re.sub(r"[`*_]", "", shown)  # code and emphasis marks are not shown
                ids.add(shown.replace(" ", "-"))
    return ids


def relative_links(text: str) -> list[str]:
    """Every link target in markdown ``text`` that is not a URL, outside code."""
    text = CODE.sub("", text)
    targets = [m[1] for m in MARKDOWN_LINK.finditer(text)] + HTML_LINK.findall(text)
    return [t for t in targets if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//", t)]


def broken_links(text: str, folder: Path, here: Path | None = None) -> list[str]:
    """The links of ``text`` (a file in ``folder``; ``here`` if a notebook) that do not resolve."""
    broken = []
    for target in relative_links(text):
        file, _, anchor = target.partition("#")
        file = file.split("?")[0]
        path = (folder / file).resolve() if file else here
        if path is None or not path.exists():
            broken.append(f"{target} (no such file)")
        elif anchor and path.suffix == ".ipynb" and anchor not in heading_ids(path):
            broken.append(f"{target} (no heading #{anchor} in {path.name})")
    return broken


def notebook_time(path: Path) -> tuple[int, int, int]:
    first = source(cells(path)[0])
    found = TIME_LINE.findall(first)
    said = re.findall(r"[*]*Time[^\n]*", first)
    assert len(found) == 1, (
        f"{path.name}: its first cell must say, once, '**Time:** about N minutes "
        f"(T teaching + E exercises)'; it says: {said}")
    return tuple(int(n) for n in found[0])


def test_the_course_has_notebooks():
    assert len(course_notebooks()) >= 5


@pytest.mark.parametrize("path", course_notebooks(), ids=lambda p: p.stem)
def test_first_cell_gives_the_time_as_teaching_plus_exercises(path):
    total, teaching, exercises = notebook_time(path)
    assert teaching > 0 and exercises >= 0
    assert total == teaching + exercises, (
        f"{path.name}: about {total} minutes, but {teaching} + {exercises} = "
        f"{teaching + exercises}")


@pytest.mark.parametrize("path", course_notebooks(), ids=lambda p: p.stem)
def test_readme_gives_the_notebooks_times(path):
    rows = readme_rows()
    assert path.name in rows, f"the README's notebook table has no row for {path.name}"
    number, time_text = rows[path.name]
    assert number == path.name[:2], f"{path.name} is listed as number {number} in the README"
    match = README_TIME.match(time_text)
    assert match, (f"{path.name}: the README says {time_text!r}; write the time as "
                   "'N min (T + E)', teaching + exercises, as in the notebook")
    readme = tuple(int(n) for n in match.groups())
    assert readme == notebook_time(path), (
        f"{path.name}: the README says {time_text!r}, the notebook "
        "about {} minutes ({} teaching + {} exercises)".format(*notebook_time(path)))


def test_every_readme_row_is_a_notebook_that_exists():
    rows = readme_rows()
    assert rows, "no notebook table found in the README"
    assert sorted(rows) == [p.name for p in course_notebooks()]


@pytest.mark.parametrize("path", course_notebooks(), ids=lambda p: p.stem)
def test_every_relative_link_in_a_notebook_resolves(path):
    broken = [f"cell {i}: {link}" for i, cell in enumerate(cells(path))
              if cell["cell_type"] == "markdown"
              for link in broken_links(source(cell), path.parent, path)]
    assert not broken, f"{path.name} has links to nothing: {broken}"


def test_every_relative_link_in_the_readme_resolves():
    assert broken_links(README.read_text(encoding="utf-8"), ROOT) == []


# The checks themselves, on made-up text: they must catch what they are meant to catch.
def test_the_link_check_finds_missing_files_and_headings(tmp_path):
    (tmp_path / "01_a.ipynb").write_text(json.dumps({"cells": [
        {"cell_type": "markdown", "source": ["## 2. The `Pool` API\n", "text"]}]}))
    (tmp_path / "notes.md").write_text("")
    text = ("[ok](01_a.ipynb) [ok](01_a.ipynb#2.-The-Pool-API) [ok](notes.md) "
            "[web](https://example.org/x.ipynb) `[code](nowhere.py)`\n"
            "[gone](05_later.ipynb) [bad](01_a.ipynb#Nope) <a href=\"gone.py\">x</a>")
    assert broken_links(text, tmp_path) == [
        "05_later.ipynb (no such file)", "01_a.ipynb#Nope (no heading #Nope in 01_a.ipynb)",
        "gone.py (no such file)"]


def test_the_time_formats():
    assert TIME_LINE.search("**Time:** about 60 minutes (35 teaching + 25 exercises) · more")
    assert not TIME_LINE.search("**Time:** about 60 minutes · **Prerequisites:**")
    assert README_TIME.match("60 min (35 + 25)").groups() == ("60", "35", "25")
    assert not README_TIME.match("60 min")
