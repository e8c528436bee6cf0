"""The explorer of 07_pipeline: processes, order and chunksize, drawn as a timeline.

:class:`TimelineExplorer` scans the same files with a pool of the chosen size, in the
chosen order (as given, or largest first) and chunksize, and draws which worker ran
which file and when, under the previous run, so two choices can be compared side by
side: the long pole, the idle time at the end, the start-up.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

import ipywidgets as widgets

from helpers.parallel import check_workers
from helpers.pipeline import Timeline, scan_file_timed
from helpers.plots.pipeline import timeline_chart
from helpers.pools import default_chunksize
from helpers.system import get_context, usable_cpus
from helpers.widgets.base import Explorer

ORDERS = ("as given", "largest first")


def run_timeline(files: Sequence[str | os.PathLike], processes: int, order: str = "as given",
                 chunksize: int | None = None, label: str = "") -> Timeline:
    """Scan ``files`` with ``pool.imap_unordered`` and return the run's :class:`Timeline`.

    ``order`` is ``"as given"`` or ``"largest first"`` (by file size); ``chunksize``
    defaults to the one ``Pool.map`` would pick (about four chunks per process). The
    pool is started inside the timed run, so its start-up shows on the timeline.
    """
    check_workers(processes)
    if order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(map(repr, ORDERS))}, not {order!r}")
    files = list(files)
    if not files:
        raise ValueError("give at least one file to scan")
    if order == "largest first":
        files = sorted(files, key=os.path.getsize, reverse=True)
    chunksize = check_workers(chunksize or default_chunksize(len(files), processes), "chunksize")
    started = time.perf_counter()
    with get_context().Pool(processes) as pool:
        spans = list(pool.imap_unordered(scan_file_timed, files, chunksize=chunksize))
    label = label or (f"{processes} process{'es' * (processes > 1)}, {order}, "
                      f"chunksize {chunksize}")
    return Timeline(tuple(spans), started, time.perf_counter(), label)


class TimelineExplorer(Explorer):
    """Pick processes, order and chunksize; Run scans the files and draws the timeline.

    The chart shows the new run under the one before, so a change shows side by side.
    """

    def __init__(self, files: Sequence[str | os.PathLike], max_processes: int | None = None,
                 order: str = "as given", chunksize: int | None = None) -> None:
        self.files = list(files)
        if not self.files:
            raise ValueError("give at least one file to scan")
        usable = usable_cpus()
        self.max_processes = check_workers(max_processes or 2 * usable, "max_processes")
        if order not in ORDERS:
            raise ValueError(f"order must be one of {', '.join(map(repr, ORDERS))}")
        default = default_chunksize(len(self.files), usable)
        chunks = sorted({c for c in (1, 2, 5, 10, 25) if c <= len(self.files)} | {default})
        self.processes = widgets.IntSlider(
            value=min(usable, self.max_processes), min=1, max=self.max_processes,
            description="processes", continuous_update=False)
        self.order = widgets.ToggleButtons(options=ORDERS, value=order, description="order")
        self.chunksize = widgets.SelectionSlider(
            options=chunks, value=chunksize if chunksize in chunks else default,
            description="chunksize", continuous_update=False)
        super().__init__([self.processes, self.order, self.chunksize], button="Run")
        self.runs: list[Timeline] = []
        self.run()

    def run(self) -> Timeline:
        """Scan with the controls' values, draw this run under the previous one, return it."""
        p, order, chunksize = self.processes.value, self.order.value, self.chunksize.value
        with self.busy(f"Scanning {len(self.files)} files with {p} process"
                       f"{'es' * (p > 1)}, {order}, chunksize {chunksize}..."):
            timeline = run_timeline(self.files, p, order, chunksize)
            self.runs.append(timeline)
            self.show(timeline_chart(self.runs[-2:]))
            self.status.value = (
                f"<b>{timeline.label}</b>: {timeline.wall:.2f} s; the last task "
                f"({timeline.long_pole.result.path}) ended {timeline.tail:.2f} s after the "
                f"first worker ran out of work; idle at the end: {timeline.idle_at_end:.2f} "
                "worker-seconds.")
        return timeline
