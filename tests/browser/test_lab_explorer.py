"""A learner's first minutes, in a real browser: JupyterLab, the welcome notebook, the explorer.

JupyterLab starts on 127.0.0.1 with a token; headless Chromium (Debian's, driven by
Playwright) opens notebooks/00_welcome.ipynb, runs all cells from the Run menu, waits
for the kernel, moves the explorer's processes slider with the keyboard and clicks Run,
and checks in the page that the chart image was redrawn and the result text changed.

Chromium: Debian's package (``apt-get install chromium``), never ``playwright install``.
Without it the test is skipped on a learner's machine and fails in CI (``CI`` set).
Set BROWSER_TEST_SCREENSHOT=1 to keep a screenshot of a passing run too. On failure, a
screenshot, the page's HTML, a Playwright trace (open it with
``playwright show-trace``) and JupyterLab's log are saved in test-artifacts/.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
NOTEBOOK = os.environ.get("BROWSER_TEST_NOTEBOOK", "notebooks/00_welcome.ipynb")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
IN_CI = bool(os.environ.get("CI"))
SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                    "checkForUpdates": False},
}
#: Seconds to wait for the whole notebook to run, and for one click to redraw.
RUN_ALL_TIMEOUT_S = 240
CLICK_TIMEOUT_S = 120


def need_browser():
    """Return playwright's sync_playwright, or skip (fail in CI) saying what is missing."""
    problems = []
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        problems.append(f"no Chromium at {CHROMIUM} (install Debian's: "
                        "sudo apt-get install chromium; or set CHROMIUM=/path/to/it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
        problems.append("the playwright package is missing (pip install -r requirements-test.txt)")
    if problems:
        message = "browser test not run: " + "; ".join(problems)
        if IN_CI:
            pytest.fail(message + " -- CI must run it", pytrace=False)
        pytest.skip(message)
    return sync_playwright


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_tree(proc: subprocess.Popen, timeout: float = 20) -> None:
    """Stop ``proc`` (SIGTERM lets JupyterLab shut its kernels down), then whatever is left."""
    try:
        family = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
    _gone, alive = psutil.wait_procs(family, timeout=5)
    for p in alive:
        p.kill()
    psutil.wait_procs(alive, timeout=5)


@pytest.fixture
def lab(tmp_path):
    """Start JupyterLab on 127.0.0.1 with a token and fresh settings; yield its base URL."""
    port, token = free_port(), uuid.uuid4().hex
    home = tmp_path / "jupyter"
    # Serve a copy of the notebooks, so that nothing the browser does can change the repo.
    root = tmp_path / "course"
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    # No autosave, no news pop-up: settings in a fresh folder, not the learner's.
    for plugin, settings in SETTINGS.items():
        path = home / "settings" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings), encoding="utf-8")
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTER_RUNTIME_DIR=str(home / "run"), IPYTHONDIR=str(home / "ipython"),
               COURSE_SCALE=os.environ.get("COURSE_SCALE", "0.1"))
    cmd = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        f"--LabApp.user_settings_dir={home / 'settings'}",
        f"--LabApp.workspaces_dir={home / 'workspaces'}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.news_url=", "--LabApp.collaborative=False",
    ]
    if hasattr(os, "getuid") and os.getuid() == 0:
        cmd.append("--allow-root")
    log = open(tmp_path / "jupyterlab.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                output = (tmp_path / "jupyterlab.log").read_text(errors="replace")
                raise RuntimeError(f"JupyterLab exited:\n{output}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not answer in 90 s") from None
                time.sleep(0.5)
        yield base, token, tmp_path / "jupyterlab.log"
    finally:
        stop_tree(proc)
        log.close()


def wait_kernel_idle(page, timeout_s: float) -> None:
    """Wait until the notebook's kernel reports idle (the toolbar's status indicator)."""
    page.wait_for_function(
        """() => {
            const el = document.querySelector('.jp-Notebook-ExecutionIndicator');
            const busy = document.querySelector('.jp-Notebook .jp-mod-running, '
                + '.jp-InputPrompt:is([data-status="running"])');
            return el && el.getAttribute('data-status') === 'idle' && !busy;
        }""",
        timeout=timeout_s * 1000,
    )


def wait_kernel_connected(page, timeout_s: float) -> None:
    """Wait until the toolbar names the Python kernel and the kernel is idle.

    On a loaded machine the execution indicator can read idle before any kernel is
    connected; Run All then asks the learner to select a kernel and runs nothing.
    """
    page.wait_for_function(
        """() => {
            const name = document.querySelector('.jp-Toolbar-kernelName');
            const state = document.querySelector('.jp-Notebook-ExecutionIndicator');
            return name && /Python/.test(name.textContent)
                && state && state.getAttribute('data-status') === 'idle';
        }""",
        timeout=timeout_s * 1000,
    )


def accept_kernel_dialog(page, wait_s: float = 3) -> bool:
    """If JupyterLab asks which kernel to use, take the one it offers; say if it asked."""
    dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
    try:
        dialog.wait_for(timeout=wait_s * 1000)
    except Exception:  # no dialog: nothing to do
        return False
    dialog.locator(".jp-Dialog-button.jp-mod-accept").click()
    dialog.wait_for(state="detached", timeout=30_000)
    return True


def run_all_cells(page) -> None:
    """Run > Run All Cells, as a learner would from the menu bar."""
    for _attempt in range(3):
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
        if not accept_kernel_dialog(page):
            return
        wait_kernel_connected(page, 90)  # the kernel asked for was not ready: try again
    raise AssertionError("JupyterLab kept asking for a kernel")


def test_process_explorer_redraws_in_jupyterlab(lab, request):
    sync_playwright = need_browser()
    base, token, lab_log = lab
    ARTIFACTS.mkdir(exist_ok=True)
    started = time.monotonic()
    user_data = tempfile.mkdtemp(prefix="chromium-profile-")
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            user_data, executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS,
            viewport={"width": 1400, "height": 1000},
        )
        context.tracing.start(screenshots=True, snapshots=True)
        page = context.pages[0] if context.pages else context.new_page()
        passed = False
        try:
            page.goto(f"{base}/lab/tree/{NOTEBOOK}?reset&token={token}",
                      wait_until="domcontentloaded", timeout=90_000)
            page.locator(".jp-Notebook").first.wait_for(timeout=90_000)
            accept_kernel_dialog(page, wait_s=1)
            wait_kernel_connected(page, 90)  # the kernel has started and is connected
            run_all_cells(page)

            image = page.locator("img.widget-image").first
            image.wait_for(timeout=RUN_ALL_TIMEOUT_S * 1000)
            page.wait_for_function(
                "img => img.complete && img.naturalWidth > 0 && img.getAttribute('src')",
                arg=image.element_handle(), timeout=RUN_ALL_TIMEOUT_S * 1000)
            wait_kernel_idle(page, RUN_ALL_TIMEOUT_S)
            explorer = page.locator(".widget-vbox", has=page.locator("img.widget-image")).first
            status = explorer.locator(".widget-html-content").first
            page.wait_for_function("el => /speedup/.test(el.textContent)",
                                   arg=status.element_handle(), timeout=60_000)
            first_src, first_status = image.get_attribute("src"), status.inner_text()
            readout = explorer.locator(".widget-readout").first
            first_value = int(readout.inner_text())

            # Move the slider one step with the keyboard, then press Run.
            explorer.locator(".noUi-handle").first.focus()
            page.keyboard.press("ArrowLeft" if first_value > 1 else "ArrowRight")
            new_value = first_value - 1 if first_value > 1 else first_value + 1
            page.wait_for_function(f"el => el.textContent.trim() === '{new_value}'",
                                   arg=readout.element_handle(), timeout=10_000)
            explorer.locator("button", has_text="Run").first.click()

            page.wait_for_function(
                """([img, el, src, text]) => img.getAttribute('src') !== src
                       && el.textContent !== text && !/Running/.test(el.textContent)""",
                arg=[image.element_handle(), status.element_handle(), first_src, first_status],
                timeout=CLICK_TIMEOUT_S * 1000,
            )
            new_status = status.inner_text()
            assert image.get_attribute("src") != first_src, "the chart was not redrawn"
            assert new_status != first_status
            assert re.search(rf"\b{new_value} process(es)?\b", new_status), new_status
            assert "speedup" in new_status
            assert page.evaluate("img => img.naturalWidth", image.element_handle()) > 0
            passed = True
        finally:
            name = re.sub(r"[^A-Za-z0-9_.-]", "_", request.node.name)
            if not passed:
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
                (ARTIFACTS / f"{name}.html").write_text(page.content(), encoding="utf-8")
                context.tracing.stop(path=str(ARTIFACTS / f"{name}-trace.zip"))
                shutil.copy(lab_log, ARTIFACTS / f"{name}-jupyterlab.log")
            else:
                if os.environ.get("BROWSER_TEST_SCREENSHOT"):  # to look at a passing run
                    page.screenshot(path=str(ARTIFACTS / f"{name}-passed.png"))
                context.tracing.stop()
            context.close()
            shutil.rmtree(user_data, ignore_errors=True)
    print(f"browser test: {time.monotonic() - started:.1f} s in the browser")
