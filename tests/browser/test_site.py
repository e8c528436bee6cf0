"""The executed edition in a real browser: two pages, their charts and an explorer's chart drawn.

Builds notebooks 00 and 01 with ``tests/build_site.py`` at the tests' scale, opens the pages in
headless Chromium from the files, with every network request refused (as offline, and as a
reader whose CDN is blocked), and checks what a reader sees: the recording header, every chart
image decoded (00's explorer chart, 01's bar charts), the quiz's questions, and the link to
the next page, which opens it. Chromium and Playwright as in ``test_explorers_in_lab.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.browser.test_explorers_in_lab import CHROMIUM, CHROMIUM_FLAGS, ROOT, need_browser

DRAWN_IMAGES = """() => [...document.querySelectorAll('.jp-OutputArea-output img')]
    .map(img => img.complete && img.naturalWidth > 0 ? img.naturalWidth : 0)"""


def build(out: Path) -> None:
    env = {**os.environ, "COURSE_SCALE": os.environ.get("COURSE_SCALE", "0.1")}
    done = subprocess.run([sys.executable, "-m", "tests.build_site", "--only", "00", "01",
                           "--out", str(out)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]


def test_two_pages_show_their_charts_offline(tmp_path):
    sync_playwright = need_browser()
    out = tmp_path / "site"
    build(out)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            page.route("http*://**", lambda route: route.abort())  # no network at all
            page.goto((out / "00_welcome.html").as_uri())
            assert "The executed edition." in page.inner_text("body")
            drawn = page.evaluate(DRAWN_IMAGES)
            assert drawn and all(drawn), f"00: chart images not drawn: {drawn}"
            assert "Quiz: 00 · Welcome" in page.inner_text("body")
            page.click("text=01_processes_vs_threads →")
            page.wait_for_url("**/01_processes_vs_threads.html")
            drawn = page.evaluate(DRAWN_IMAGES)
            assert len(drawn) >= 2 and all(drawn), f"01: chart images not drawn: {drawn}"
        finally:
            browser.close()
