"""helpers.plots.pipeline and helpers.widgets.pipeline: the charts and the explorer of 07."""

from collections import Counter

import pytest

from helpers.pipeline import Timed, Timeline, scan_file, stdlib_files, summarise
from helpers.plots import figure_png
from helpers.plots.pipeline import (
    bootstrap_chart,
    imports_chart,
    limits_chart,
    report_chart,
    tail_chart,
    timeline_chart,
)
from helpers.widgets.pipeline import TimelineExplorer, run_timeline

FILES = stdlib_files(6)


def _png(fig):
    data = figure_png(fig)
    assert data.startswith(b"\x89PNG")
    return data


def test_the_charts_draw():
    reports = [scan_file(p) for p in FILES]
    _png(report_chart(summarise(reports)))
    _png(tail_chart(FILES, [0.01 * (i + 1) for i in range(len(FILES))]))
    timeline = Timeline((Timed(reports[0], 1, 1, 0.1, 0.5), Timed(reports[1], 2, 2, 0.2, 0.3)),
                        0.0, 0.6, "two tasks")
    _png(timeline_chart([timeline, timeline]))
    _png(limits_chart({"ideal": 1.0, "start-up": 0.2, "not explained": -0.1}, 1.1))
    _png(bootstrap_chart({"a": (0.5, 0.4, 0.6), "b": (0.2, 0.1, 0.35)}, {"a": 20, "b": 12}))
    _png(imports_chart(Counter({"os": 5, "sys": 7}), files=9))


def test_the_charts_reject_empty_input():
    with pytest.raises(ValueError, match="at least one function"):
        report_chart(summarise([]))
    with pytest.raises(ValueError, match="one time per file"):
        tail_chart(FILES, [1.0])
    with pytest.raises(ValueError, match="at least one Timeline"):
        timeline_chart([])
    with pytest.raises(ValueError, match="at least one"):
        bootstrap_chart({})
    with pytest.raises(ValueError, match="at least one module"):
        imports_chart(Counter())


def test_run_timeline_scans_every_file_in_the_order_asked():
    timeline = run_timeline(FILES, 2, "largest first", chunksize=1)
    assert sorted(s.result for s in timeline.spans) == sorted(scan_file(p) for p in FILES)
    assert "largest first, chunksize 1" in timeline.label
    one = run_timeline(FILES, 1, "largest first", chunksize=2)  # one worker: a strict order
    sizes = [s.result.size for s in sorted(one.spans, key=lambda s: s.start)]
    assert sizes == sorted(sizes, reverse=True) and len(one.workers) == 1
    with pytest.raises(ValueError, match="order must be"):
        run_timeline(FILES, 2, "smallest first")
    with pytest.raises(ValueError, match="1 or more"):
        run_timeline(FILES, 0)
    with pytest.raises(ValueError, match="at least one file"):
        run_timeline([], 1)


def test_the_explorer_draws_when_created_and_again_on_click():
    explorer = TimelineExplorer(FILES, max_processes=2)
    first = bytes(explorer.image.value)
    assert first.startswith(b"\x89PNG") and len(explorer.runs) == 1
    assert "worker-seconds" in explorer.status.value
    explorer.processes.value = 1
    explorer.order.value = "largest first"
    explorer.chunksize.value = 1
    explorer.button.click()
    assert len(explorer.runs) == 2 and not explorer.button.disabled
    assert explorer.runs[-1].label.startswith("1 process, largest first, chunksize 1")
    assert len(explorer.runs[-1].workers) == 1
    assert bytes(explorer.image.value) != first
    with pytest.raises(ValueError, match="at least one file"):
        TimelineExplorer([])
