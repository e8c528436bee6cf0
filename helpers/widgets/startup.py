"""The explorer of notebook 02: what it costs to start processes with each start method.

:class:`StartupExplorer` starts and joins the chosen number of processes that do
nothing (:func:`helpers.startup.start_and_join`) with the chosen start method, and
draws one line per method: time against processes.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure

from helpers.parallel import check_workers
from helpers.plots import CourseFigure
from helpers.startup import METHOD_COLORS, available_methods, start_and_join
from helpers.system import start_method
from helpers.timing import Timing, measure
from helpers.widgets.base import (
    Explorer,
    choice_buttons,
    labelled,
    processes_slider,
    processes_text,
)


class StartupExplorer(Explorer):
    """Pick a start method and a number of processes, press Run: see the time to start them.

    Every run adds a point; each start method gets its own line, so you can see both how
    the cost grows with the number of processes and how the methods compare. On
    creation it measures the course's start method with 1, 2 and ``processes``
    processes (those the slider offers), leaving the slider on ``processes``.
    """

    def __init__(
        self,
        methods: Sequence[str] | None = None,
        max_processes: int = 8,
        repeats: int = 3,
        processes: int = 4,
    ) -> None:
        self.methods = tuple(methods) if methods is not None else available_methods()
        if not self.methods:
            raise ValueError("methods must name at least one start method, such as ['spawn']")
        unknown = [m for m in self.methods if m not in available_methods()]
        if unknown:
            raise ValueError(f"start method {unknown[0]!r} is not available here; "
                             f"choose from {', '.join(available_methods())}")
        self.max_processes = check_workers(max_processes, "max_processes")
        self.repeats = check_workers(repeats, "repeats")
        first = start_method() if start_method() in self.methods else self.methods[0]
        self.method = choice_buttons(self.methods, first)
        self.slider = processes_slider(self.max_processes, processes)
        super().__init__([labelled("method", self.method), self.slider], "Run")
        #: method -> processes -> Timing (seconds to start and join them all)
        self.timings: dict[str, dict[int, Timing]] = {}
        last = self.slider.value
        for n in sorted({1, 2, last} & set(range(1, self.max_processes + 1)) - {last}):
            self.measure(first, n)
        self.run(first, last)

    def measure(self, method: str, processes: int) -> Timing:
        """Time starting and joining ``processes`` processes with ``method``; keep it.

        The first measurement of a method has one untimed start of one process before
        it (a warm-up).
        """
        # One warm-up per method (it starts the forkserver, and reads Python from disk
        # for spawn); after it, each start costs what it always will. One process is
        # enough for that, and quicker than all of them.
        if method not in self.timings:
            start_and_join(method, 1)
        timing = measure(start_and_join, method, processes, repeats=self.repeats,
                         warmup=0, label=f"{method}, {processes_text(processes)}")
        self.timings.setdefault(method, {})[processes] = timing
        return timing

    def run(self, method: str | None = None, processes: int | None = None) -> Timing:
        """Measure starting and joining the chosen number of processes; redraw the chart."""
        m = self.choose(self.method, method, "method")
        n = self.choose(self.slider, processes)
        with self.busy(f"Starting {processes_text(n)} with {m}..."):
            timing = self.measure(m, n)
            self.show(self.chart)
            self.say(
                f"<b>{m}</b>, {processes_text(n)}: {timing.median * 1000:.0f} ms in all, "
                f"<b>{timing.median * 1000 / n:.1f} ms</b> per process "
                f"(median of {self.repeats})."
            )
        return timing

    def chart(self) -> Figure:
        """Return the chart of everything measured so far."""
        fig = CourseFigure(figsize=(6.4, 3.2))
        ax = fig.subplots()
        top = 0.0
        for m in self.methods:  # the same colour for a method, whatever was measured first
            points = self.timings.get(m)
            if points:
                counts = sorted(points)
                ax.plot(counts, [points[n].median * 1000 for n in counts], marker="o",
                        label=m, color=METHOD_COLORS.get(m))
                top = max(top, *(points[n].median * 1000 for n in counts))
        ax.set_xlabel("processes started, then joined")
        ax.set_ylabel("wall-clock time (ms), median")
        ax.set_xlim(0.5, self.max_processes + 0.5)
        ax.set_ylim(0, top * 1.15 or 1)
        ax.set_xticks(range(1, self.max_processes + 1))
        ax.grid(alpha=0.3)
        ax.legend(title="start method", loc="upper left", fontsize="small")
        ax.set_title("Time to start and join processes that do nothing", fontsize="medium")
        return fig

    def redraw(self) -> None:
        """Draw the chart into the widget."""
        self.show(self.chart)
