"""``make site`` builds the executed edition: a page per notebook, with charts, widgets, header.

Building every notebook takes as long as running them all, so this test builds notebook 00
alone, at the tests' scale, and reads the page: it has the recording header, the explorer's
widget state, its chart as an image, the quiz as text, the links to the next notebook's page
and to the index, and the index lists it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_site_builds_a_page_with_its_charts_widgets_and_header(tmp_path):
    out = tmp_path / "site"
    env = {**os.environ, "COURSE_SCALE": os.environ.get("COURSE_SCALE", "0.1")}
    done = subprocess.run([sys.executable, "-m", "tests.build_site", "--only", "00", "--out",
                           str(out)], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    page = (out / "00_welcome.html").read_text(encoding="utf-8")
    assert "<strong>The executed edition.</strong>" in page
    assert re.search(r"\d+ usable CPU\(s\) of \d+, Python 3\.\d+", page)
    assert 'href="01_processes_vs_threads.html"' in page
    assert 'href="index.html"' in page
    state = re.search(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>',
                      page, re.DOTALL)
    assert state, "the page stores no widget state: the explorers would not render"
    models = json.loads(state[1])["state"].values()
    images = [m for m in models if m["model_name"] == "ImageModel"]
    assert images and all(m.get("buffers") for m in images), "the explorer drew no chart"
    chart = images[0]["buffers"][0]["data"]
    assert f"data:image/png;base64,{chart}" in page, "the explorer's chart is not on the page"
    assert "Quiz: 00 · Welcome" in page, "the quiz's questions are not on the page"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "href='00_welcome.html'" in index


def test_a_wrong_notebook_number_is_refused(tmp_path, capsys):
    from tests.build_site import main  # in this process: the refusal comes before any build

    with pytest.raises(SystemExit) as refused:
        main(["--only", "42", "--out", str(tmp_path)])
    assert refused.value.code == 2 and "no notebook numbered 42" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())
