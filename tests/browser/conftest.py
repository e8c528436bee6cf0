"""Report what the browser test measured, at the end of the run, beside pass and fail."""

from __future__ import annotations

#: One row per explorer, filled in by test_explorers_in_lab.py.
TIMINGS: list[dict] = []


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not TIMINGS:
        return
    from tests.browser.test_explorers_in_lab import timing_report

    terminalreporter.section("explorers in JupyterLab: click to new chart")
    for line in timing_report(TIMINGS):
        terminalreporter.write_line(line)
