"""Every explorer as a learner meets it: JupyterLab in headless Chromium, Run All, the keyboard.

JupyterLab starts once on 127.0.0.1 with a token; headless Chromium (Debian's, driven by
Playwright) opens the four notebooks with an explorer (00, 02, 03, 04), each in its own
window, and runs all cells of each from the Run menu (the four run side by side, to keep
the test short). Once all four are over, one explorer at a time, on a quiet kernel
and without the other notebooks running:

- a control is changed with the keyboard (a slider's handle and an arrow key; a start
  method's button reached with Tab and pressed with Space), and the page must show the
  new value;
- Run is clicked; the page records when the button was disabled, when the new chart
  arrived and was painted, and when the button came back. The button must stay disabled
  until the new chart is shown; the chart and the status must change;
- the chart must be shown at its own size (its CSS size, half its pixels: crisp on a
  high-DPI screen), and the explorer must fit a 1280x800 window;
- screenshots at 1280x800 and 1024x768 (device pixel ratio 2) go to test-artifacts/.

Click to chart, the kernel's part of it (the explorer reports its run time, the part
spent drawing and the PNG's size in a hidden field) and the browser's part (the rest:
the messages both ways, decoding and painting the image) are reported at the end of the
run, next to issue 15's targets (click to chart within 1.5 s, the browser's part within
0.2 s) and the load average, and saved in test-artifacts/browser-timings.json. They are
not asserted: a loaded machine would break such an assertion, not the course.

Last, a window of its own checks that the Dask panel (dask-labextension, which 09 uses for
the dashboard) is in JupyterLab's left sidebar and opens.

Chromium: Debian's package (``apt-get install chromium``), never ``playwright install``.
Without it the test is skipped on a learner's machine and fails in CI (``CI`` set). On
failure, a screenshot, the page's HTML, a Playwright trace (``playwright show-trace``)
and JupyterLab's log are saved in test-artifacts/ too.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from tests.browser.conftest import TIMINGS

ROOT = Path(__file__).resolve().parents[2]
#: Seconds JupyterLab may take to answer once started.
LAB_START_TIMEOUT_S = 300
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # Four notebooks run at once, in four windows: none may be slowed as "in background".
    "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
IN_CI = bool(os.environ.get("CI"))
SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                    "checkForUpdates": False},
}
#: The two windows a learner is likely to have: a 13" laptop and a small one.
SCREENS = ((1280, 800), (1024, 768))
#: Seconds to wait for the four notebooks to run, and for one click to redraw.
RUN_ALL_TIMEOUT_S = 420
CLICK_TIMEOUT_S = 120
#: Issue 15's targets, at the tests' scale on a 2-core machine: reported, never asserted.
TARGET_CLICK_S = 1.5
TARGET_BROWSER_S = 0.2


@dataclass(frozen=True)
class Case:
    """One explorer: its notebook, the control the test moves, and how."""

    name: str
    notebook: str
    control: str  # the control's description, as the page shows it
    keys: tuple[str, ...]  # pressed once the control has the focus
    status_pattern: str  # what the new status must say, from the new value


CASES = [
    Case("ProcessExplorer", "00_welcome.ipynb", "processes", ("ArrowLeft",),
         r"\b{value} process(es)?\b.*speedup"),
    Case("StartupExplorer", "02_processes.ipynb", "method", ("Tab", "Space"),
         r"^{value}, \d+ process(es)?: .* per process"),
    Case("ChunksizeExplorer", "03_pools.ipynb", "chunksize", ("ArrowRight",),
         r"chunksize {value} .*the speed of the plain loop"),
    Case("SpeedupPredictor", "04_measuring_speedup.ipynb", "task size", ("ArrowLeft",),
         r"tasks of {value} iterations.*predicted .*measured"),
]


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


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """Start JupyterLab on 127.0.0.1 with a token and fresh settings; yield its base URL."""
    tmp_path = tmp_path_factory.mktemp("lab")
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
    log_path = tmp_path / "jupyterlab.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        # make test starts JupyterLab beside the unit tests and the notebooks: on a busy
        # 2-core machine its start (its extensions' imports, Dask's among them) took over 90 s
        deadline = time.monotonic() + LAB_START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited:\n{log_path.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"JupyterLab did not answer in {LAB_START_TIMEOUT_S} s; the end of its "
                        f"log:\n{log_path.read_text(errors='replace')[-3000:]}") from None
                time.sleep(0.5)
        yield base, token, log_path
    finally:
        stop_tree(proc)
        log.close()


def wait_kernel_idle(page, timeout_s: float) -> None:
    """Wait until the notebook's kernel reports idle and no cell is running."""
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


@pytest.fixture(scope="module")
def browser(lab):
    """Headless Chromium (Debian's)."""
    sync_playwright = need_browser()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=CHROMIUM_FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def notebooks(lab, browser, request):
    """Open each notebook in a window of its own and Run All in each, all at once.

    Each window has a device pixel ratio of 2, as on a high-DPI laptop screen, and its
    own JupyterLab workspace.
    """
    base, token, log = lab
    started = time.monotonic()
    failed_before = request.session.testsfailed
    windows = {}
    for case in CASES:
        context = browser.new_context(
            viewport={"width": SCREENS[0][0], "height": SCREENS[0][1]}, device_scale_factor=2)
        context.tracing.start(screenshots=True, snapshots=True)
        page = context.new_page()
        workspace = case.notebook.split("_")[0]
        page.goto(f"{base}/lab/workspaces/nb{workspace}/tree/notebooks/{case.notebook}"
                  f"?reset&token={token}", wait_until="domcontentloaded", timeout=180_000)
        windows[case.name] = page
    failed = False
    try:
        for page in windows.values():
            page.locator(".jp-Notebook").first.wait_for(timeout=180_000)
            accept_kernel_dialog(page, wait_s=1)
            wait_kernel_connected(page, 120)  # the kernel has started and is connected
            run_all_cells(page)
        # Every Run All over before the first click: a click is timed on a quiet machine,
        # not beside three notebooks still running.
        for page in windows.values():
            explorer_parts(page)[1].wait_for(timeout=RUN_ALL_TIMEOUT_S * 1000)
            wait_kernel_idle(page, RUN_ALL_TIMEOUT_S)
        TIMINGS_META["run_all_s"] = time.monotonic() - started
    except BaseException:
        failed = True
        for name, page in windows.items():
            page.screenshot(path=str(ARTIFACTS / f"explorer-{name}-failed.png"))
        raise
    finally:
        if failed:
            close_windows(windows, log, failed)
    yield windows, started
    close_windows(windows, log, request.session.testsfailed > failed_before)


def close_windows(windows: dict, log: Path, failed: bool) -> None:
    """Close every window; if something failed, keep traces and JupyterLab's log."""
    for name, page in windows.items():
        if failed:
            page.context.tracing.stop(path=str(ARTIFACTS / f"explorer-{name}-trace.zip"))
        else:
            page.context.tracing.stop()
        page.context.close()
    if failed:
        shutil.copy(log, ARTIFACTS / "browser-jupyterlab.log")


def explorer_parts(page):
    """The explorer's locators: the widget, its chart, status, hidden run time and button."""
    explorer = page.locator(".course-explorer").first
    return (explorer, explorer.locator("img.widget-image").first,
            explorer.locator(".explorer-status .widget-html-content").first,
            explorer.locator(".explorer-run-seconds .widget-html-content").first,
            explorer.locator("button.mod-primary").first)


def show_explorer(page, explorer) -> None:
    """Scroll the notebook so that the explorer's cell starts at the top of the window."""
    explorer.evaluate("el => el.closest('.jp-Cell').scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)  # JupyterLab lays out cells that come into view
    explorer.evaluate("el => el.closest('.jp-Cell').scrollIntoView({block: 'start'})")
    page.wait_for_timeout(200)


def change_control(page, explorer, case: Case) -> str:
    """Move the case's control with the keyboard; return its new value as the page shows it."""
    if case.control == "method":  # toggle buttons: Tab to the next one, Space presses it
        pressed = explorer.locator(".widget-toggle-button.mod-active").first
        before = pressed.inner_text().strip()
        pressed.focus()
        for key in case.keys:
            page.keyboard.press(key)
        page.wait_for_function(
            "([box, before]) => { const b = box.querySelector('.widget-toggle-button.mod-active');"
            " return b && b.textContent.trim() !== before; }",
            arg=[explorer.element_handle(), before], timeout=10_000)
        return explorer.locator(".widget-toggle-button.mod-active").first.inner_text().strip()
    slider = explorer.locator(".widget-slider", has=page.locator(
        ".widget-label", has_text=re.compile(rf"^{re.escape(case.control)}$"))).first
    readout = slider.locator(".widget-readout").first
    before = readout.inner_text().strip()
    handle = slider.locator(".noUi-handle").first
    now, low, high = (handle.get_attribute(f"aria-value{k}") for k in ("now", "min", "max"))
    keys = case.keys
    if (keys == ("ArrowLeft",) and now == low) or (keys == ("ArrowRight",) and now == high):
        keys = ("ArrowRight",) if keys == ("ArrowLeft",) else ("ArrowLeft",)  # at an end
    handle.focus()
    for key in keys:
        page.keyboard.press(key)
    page.wait_for_function("([el, before]) => el.textContent.trim() !== before",
                           arg=[readout.element_handle(), before], timeout=10_000)
    return readout.inner_text().strip()


#: Watches one click: when it happened, when the button went disabled, when the new
#: chart arrived (src changed), was decoded and painted, and when the button came back.
WATCH_CLICK = """([explorer, img, button]) => {
    const t = {src: img.getAttribute('src')};
    window.__click = t;
    button.addEventListener('click', () => { t.click = performance.now(); },
                            {capture: true, once: true});
    const seen = () => {
        if (t.click === undefined) return;
        if (t.disabled === undefined && button.disabled) t.disabled = performance.now();
        if (t.image === undefined && img.getAttribute('src') !== t.src) {
            t.image = performance.now();
            t.buttonDisabledAtImage = button.disabled;
            img.decode().catch(() => {}).then(() => {
                t.decoded = performance.now();
                requestAnimationFrame(() => requestAnimationFrame(() => {
                    t.painted = performance.now();
                }));
            });
        }
        if (t.disabled !== undefined && t.enabled === undefined && !button.disabled) {
            t.enabled = performance.now();
            t.imageBeforeEnabled = t.image !== undefined;
        }
    };
    new MutationObserver(seen).observe(explorer, {attributes: true, subtree: true,
                                                  childList: true, characterData: true});
}"""


def field_text(locator) -> str:
    return locator.evaluate("el => el.textContent.trim()")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_explorer_in_jupyterlab(case, notebooks, request):
    pages, started = notebooks
    page = pages[case.name]
    name = f"explorer-{case.name}"
    passed = False
    try:
        explorer, image, status, run_seconds, button = explorer_parts(page)
        image.wait_for(timeout=RUN_ALL_TIMEOUT_S * 1000)
        wait_kernel_idle(page, RUN_ALL_TIMEOUT_S)  # Run All is over: a quiet kernel
        page.set_viewport_size({"width": SCREENS[0][0], "height": SCREENS[0][1]})
        show_explorer(page, explorer)
        first_src, first_status = image.get_attribute("src"), status.inner_text()
        first_runs = field_text(run_seconds).split()[0]
        assert not button.is_disabled()

        value = change_control(page, explorer, case)
        page.evaluate(WATCH_CLICK, [explorer.element_handle(), image.element_handle(),
                                    button.element_handle()])
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        button.click()
        page.wait_for_function(
            """([status, field, runs]) => {
                const t = window.__click;
                return t.painted !== undefined && t.enabled !== undefined
                    && field.textContent.trim().split(' ')[0] !== runs
                    && !/Running|Starting|Measuring/.test(status.textContent);
            }""",
            arg=[status.element_handle(), run_seconds.element_handle(), first_runs],
            timeout=CLICK_TIMEOUT_S * 1000)
        t = page.evaluate("window.__click")
        _runs, kernel_s, draw_s, *png_bytes = (float(x) for x in field_text(run_seconds).split())
        png_bytes = png_bytes[0] if png_bytes else float("nan")  # older explorers: no size
        new_status = status.inner_text()

        assert t.get("disabled") is not None, "the button was never disabled"
        assert t["buttonDisabledAtImage"], "the button was enabled before the new chart came"
        assert t["imageBeforeEnabled"], "the button came back before the new chart"
        assert image.get_attribute("src") != first_src, "the chart was not redrawn"
        assert new_status != first_status, "the status did not change"
        pattern = case.status_pattern.format(value=re.escape(value))
        assert re.search(pattern, new_status), f"{pattern!r} not in {new_status!r}"

        sizes = {}
        for width, height in SCREENS:
            page.set_viewport_size({"width": width, "height": height})
            show_explorer(page, explorer)
            sizes[width] = box = page.evaluate(
                """([box, img]) => ({shown: img.getBoundingClientRect().width,
                    natural: img.naturalWidth, height: box.getBoundingClientRect().height,
                    area: box.getBoundingClientRect().width,
                    window: document.querySelector('.jp-WindowedPanel-outer, .jp-Notebook')
                        .getBoundingClientRect().height})""",
                [explorer.element_handle(), image.element_handle()])
            page.screenshot(path=str(ARTIFACTS / f"{name}-{width}x{height}.png"))
            # Its own size: half its pixels (crisp at a device pixel ratio of 2), unless
            # the notebook is narrower than the chart; then it shrinks, never grows.
            own = box["natural"] / 2
            assert box["shown"] == pytest.approx(min(own, box["area"]), abs=1.5), box
            if width == 1280:
                assert box["height"] <= box["window"], f"taller than the notebook: {box}"
        TIMINGS.append({
            "explorer": case.name, "notebook": case.notebook, "control": case.control,
            "value": value, "click_to_chart_s": (t["painted"] - t["click"]) / 1000,
            "click_to_disabled_s": (t["disabled"] - t["click"]) / 1000,
            "kernel_s": kernel_s, "kernel_measuring_s": kernel_s - draw_s,
            "kernel_drawing_s": draw_s,
            "browser_s": (t["painted"] - t["click"]) / 1000 - kernel_s,
            "png_bytes": png_bytes, "load_average_1min_at_click": load,
            "chart_px": sizes[1280]["natural"], "explorer_height_px": sizes[1280]["height"],
        })
        passed = True
    finally:
        if not passed:
            page.screenshot(path=str(ARTIFACTS / f"{name}-failed.png"), full_page=True)
            (ARTIFACTS / f"{name}-failed.html").write_text(page.content(), encoding="utf-8")


def test_the_dask_panel_is_in_jupyterlab(lab, browser):
    """09's dashboard: the JupyterLab that `make lab` installs has the Dask panel.

    Runs after the explorers (its own window), so it never slows their clicks.
    """
    base, token, _log = lab
    context = browser.new_context(viewport={"width": SCREENS[0][0], "height": SCREENS[0][1]})
    try:
        page = context.new_page()
        page.goto(f"{base}/lab/workspaces/dask?reset&token={token}",
                  wait_until="domcontentloaded", timeout=180_000)
        tab = page.locator('.jp-SideBar .lm-TabBar-tab[data-id="dask-dashboard-launcher"]')
        tab.wait_for(timeout=120_000)
        tab.click()
        panel = page.locator("#dask-dashboard-launcher")
        panel.wait_for(state="visible", timeout=30_000)
        # the field where a dashboard's address goes (the notebook prints it)
        panel.locator(".dask-URLInput-wrapper input").wait_for(timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "dask-panel-1280x800.png"))
    finally:
        context.close()


#: What is measured once for the whole run.
TIMINGS_META: dict = {}


def timing_report(rows: list[dict]) -> list[str]:
    """The lines that the end of the run shows, and save the figures as JSON."""
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    lines = [f"{'explorer':<18} {'click to chart':>14} {'= kernel':>8} {'(measure':>8} "
             f"{'+ draw)':>7} {'+ browser':>9} {'PNG kB':>6} {'load':>5}  "
             f"(seconds; COURSE_SCALE={os.environ.get('COURSE_SCALE', '0.1')}; "
             "load: 1-minute load average at the click)"]
    for r in rows:
        lines.append(f"{r['explorer']:<18} {r['click_to_chart_s']:14.3f} {r['kernel_s']:8.3f} "
                     f"{r['kernel_measuring_s']:8.3f} {r['kernel_drawing_s']:7.3f} "
                     f"{r['browser_s']:9.3f} {r['png_bytes'] / 1000:6.0f} "
                     f"{r['load_average_1min_at_click']:5.1f}")
    slow = [r["explorer"] for r in rows if r["click_to_chart_s"] > TARGET_CLICK_S]
    heavy = [r["explorer"] for r in rows if r["browser_s"] > TARGET_BROWSER_S]
    lines.append(f"Targets (issue 15): click to chart within {TARGET_CLICK_S} s: "
                 + (f"over in {', '.join(slow)}" if slow else "met by all")
                 + f"; the browser's part within {TARGET_BROWSER_S} s: "
                 + (f"over in {', '.join(heavy)}" if heavy else "met by all") + ".")
    cpus = os.cpu_count()
    lines.append(f"Run All of the four notebooks side by side: "
                 f"{TIMINGS_META.get('run_all_s', float('nan')):.0f} s. {cpus} CPUs; load "
                 + (f"average {load[0]:.1f} (1 min)" if load else "unknown")
                 + ": timings on a loaded machine are longer, so none is asserted.")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "browser-timings.json").write_text(json.dumps(
        {"explorers": rows, "run_all_s": TIMINGS_META.get("run_all_s"), "cpus": cpus,
         "targets_s": {"click_to_chart": TARGET_CLICK_S, "browser": TARGET_BROWSER_S},
         "load_average": load, "course_scale": os.environ.get("COURSE_SCALE", "0.1")},
        indent=2), encoding="utf-8")
    return lines
