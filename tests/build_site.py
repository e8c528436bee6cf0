"""Build the executed edition of the course: every notebook run fresh, saved as linked HTML.

``make site`` (or ``python -m tests.build_site``) runs each notebook of ``notebooks/`` top to
bottom in a fresh kernel, as Run All would, keeps the widgets' state, and writes
``build/site/NN_name.html`` plus an ``index.html`` in course order. Explorers show the chart
they drew, quizzes their questions as text (a page has no kernel to answer them), so charts and
quizzes show without JavaScript (formulas still use MathJax from its CDN). Each page starts
with a header that says when and on what machine it was recorded (CPUs, Python, start method,
task scale), and links to the previous and next notebook. Links between notebooks point to the
pages. The HTML is generated, never committed (``build/`` is ignored).

    python -m tests.build_site                   # every notebook, at the learner's size
    COURSE_SCALE=0.1 python -m tests.build_site --only 00 01 --out /tmp/site
"""

from __future__ import annotations

import argparse
import datetime
import html
import os
import platform
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter

from tests.test_course_map import course_notebooks, notebook_time

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
CELL_TIMEOUT = 600


def machine_line() -> str:
    """When and where the pages were recorded, in one line."""
    from helpers.system import start_method, usable_cpus

    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    scale = os.environ.get("COURSE_SCALE", "1")
    return (f"Recorded {when} on {platform.system()} {platform.machine()}: "
            f"{usable_cpus()} usable CPU(s) of {os.cpu_count()}, Python "
            f"{platform.python_version()}, start method `{start_method()}`, "
            f"task scale `COURSE_SCALE={scale}`.")


def title_of(nb: nbformat.NotebookNode) -> str:
    return nb.cells[0].source.splitlines()[0].lstrip("# ").strip()


def make_widgets_static(nb: nbformat.NotebookNode) -> int:
    """Show each widget output as what it holds, so that the page needs no JavaScript.

    A page has no kernel: an explorer's controls cannot measure and a quiz cannot answer.
    So an explorer's output becomes the PNG of its chart, and a quiz's its plain text (its
    questions and options). The widget state stays stored in the page's notebook metadata.
    Returns how many outputs became a chart.
    """
    state = nb.metadata.get("widgets", {}).get(
        "application/vnd.jupyter.widget-state+json", {}).get("state", {})

    def images(model_id: str) -> list[str]:
        model = state.get(model_id, {})
        found = [b["data"] for b in model.get("buffers", [])
                 if model.get("model_name") == "ImageModel" and b.get("path") == ["value"]]
        for child in model.get("state", {}).get("children", []):
            found += images(str(child).removeprefix("IPY_MODEL_"))
        return found

    charts = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            view = data.pop("application/vnd.jupyter.widget-view+json", None)
            if view and (found := images(view["model_id"])):
                data["image/png"] = found[0]
                data.pop("text/plain", None)
                charts += 1
    return charts


def nav(paths: list[Path], index: int) -> str:
    links = ["[course index](index.html)"]
    if index > 0:
        links.insert(0, f"[← {paths[index - 1].stem}]({paths[index - 1].stem}.html)")
    if index < len(paths) - 1:
        links.append(f"[{paths[index + 1].stem} →]({paths[index + 1].stem}.html)")
    return " · ".join(links)


def build(paths: list[Path], out: Path, all_paths: list[Path]) -> list[tuple[Path, float]]:
    """Execute ``paths`` and write their pages to ``out``; return (page, seconds) per page."""
    out.mkdir(parents=True, exist_ok=True)
    header = machine_line()
    exporter = HTMLExporter(template_name="lab")
    pages = []
    names = {p.name for p in all_paths}
    for path in paths:
        start = time.perf_counter()
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                                resources={"metadata": {"path": str(NOTEBOOKS)}},
                                store_widget_state=True)
        client.execute()
        make_widgets_static(nb)
        where = nav(all_paths, all_paths.index(path))
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(
            f"> **The executed edition.** {header} Your own run will differ: every chart is "
            f"measured live.\n>\n> {where}"))
        nb.cells.append(nbformat.v4.new_markdown_cell(f"---\n\n{where}"))
        body, _ = exporter.from_notebook_node(nb, resources={"metadata": {
            "name": title_of(nb)}})
        # Links to other notebooks point to their pages.
        body = re.sub(r'href="(\d\d_[\w]+)\.ipynb',
                      lambda m: f'href="{m[1]}.html' if f"{m[1]}.ipynb" in names else m[0],
                      body)
        page = out / f"{path.stem}.html"
        page.write_text(body, encoding="utf-8")
        pages.append((page, time.perf_counter() - start))
        print(f"{page.name}: {pages[-1][1]:.0f} s, {page.stat().st_size / 1e6:.1f} MB",
              flush=True)
    rows = "\n".join(
        f"<li><a href='{p.stem}.html'>{html.escape(title_of(nbformat.read(p, 4)))}</a> "
        f"({notebook_time(p)[0]} min)</li>" for p in paths)
    (out / "index.html").write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        "<title>Parallel Python with multiprocessing: the executed edition</title></head>"
        "<body><h1>Parallel Python with multiprocessing: the executed edition</h1>"
        f"<p>{html.escape(header)}</p><ol>{rows}</ol></body></html>\n", encoding="utf-8")
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site",
                        help="folder for the pages (default build/site)")
    parser.add_argument("--only", nargs="+", metavar="NN",
                        help="build only these notebooks, by number (e.g. 00 03)")
    args = parser.parse_args(argv)
    all_paths = course_notebooks()
    paths = all_paths
    if args.only:
        paths = [p for p in all_paths if p.name[:2] in args.only]
        missing = set(args.only) - {p.name[:2] for p in paths}
        if missing:
            parser.error(f"no notebook numbered {', '.join(sorted(missing))}")
    start = time.perf_counter()
    pages = build(paths, args.out, all_paths)
    size = sum(p.stat().st_size for p, _ in pages) / 1e6
    print(f"{len(pages)} pages in {args.out}, {size:.1f} MB, "
          f"{time.perf_counter() - start:.0f} s; open {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
