"""The explorer of notebook 00: the same job with more and more processes.

:class:`ProcessExplorer` times a job with the number of processes on its slider and
draws time and speedup against processes (:func:`helpers.plots.scaling_chart`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from helpers.parallel import check_workers, run
from helpers.plots import scaling_chart
from helpers.system import usable_cpus
from helpers.timing import Scaling, Timing, measure
from helpers.widgets.base import (
    Explorer,
    max_processes_for,
    processes_slider,
    processes_text,
    speedup_text,
)
from helpers.workers import cpu_task, default_cpu_size


class ProcessExplorer(Explorer):
    """Run the same job with a chosen number of processes and chart time and speedup.

    The slider goes from 1 to twice the CPUs you can use (at least 3), so you can see
    what happens when there are more processes than CPUs (oversubscription). Every run
    adds a point to the chart; the serial loop, measured once at the start, is the
    baseline. On creation it measures ``initial`` process counts (default: one process,
    the most the slider offers and the usable CPUs, and 2 if that makes fewer than
    three), leaving the slider on the last one.
    """

    def __init__(
        self,
        func: Callable = cpu_task,
        items: Sequence | None = None,
        max_processes: int | None = None,
        repeats: int = 3,
        initial: Sequence[int] | None = None,
    ) -> None:
        usable = usable_cpus()
        self.max_processes = max_processes_for(max_processes, usable)
        if items is None:  # about half a second of serial work, in many equal tasks
            tasks = max(12, 4 * usable)
            items = [max(1, default_cpu_size() * 6 // tasks)] * tasks
        self.func, self.items, self.repeats = func, list(items), check_workers(repeats, "repeats")
        if not self.items:
            raise ValueError("items must hold at least one task")
        if initial is None:
            initial = self.first_counts(usable, self.max_processes)
        counts = [check_workers(p) for p in initial]
        if not counts:
            raise ValueError("initial must name at least one process count, such as [1, 2]")

        self.slider = processes_slider(self.max_processes, usable)
        super().__init__([self.slider], "Run")
        self.expected = run(self.func, self.items, kind="serial")
        self.serial = measure(run, self.func, self.items, kind="serial",
                              repeats=self.repeats, label="serial")
        self.timings: dict[int, Timing] = {}
        # Each count once, in order, but the last one asked for last: the slider stays on it.
        *first, last = reversed(dict.fromkeys(reversed(counts)))
        for p in first:
            self.choose(self.slider, p)
            self.measure()
        self.run(last)

    @staticmethod
    def first_counts(usable: int, max_processes: int) -> list[int]:
        """The process counts measured on creation, the usable CPUs last (if offered)."""
        counts = sorted({1, min(usable, max_processes), max_processes})
        if len(counts) < 3 and max_processes >= 3:
            counts = sorted({*counts, 2, 3})[:3]
        mine = min(usable, max_processes)
        return [p for p in counts if p != mine] + [mine]

    def measure(self) -> Timing:
        """Time the job with the slider's processes (checked against the loop); keep it.

        Each timed run starts its own pool, as a script would, so there is no warm-up;
        the results of every run are checked against the loop's.
        """
        n = self.slider.value
        results = []
        timing = measure(lambda: results.append(run(self.func, self.items, n)),
                         repeats=self.repeats, warmup=0, label=processes_text(n))
        if any(result != self.expected for result in results):
            raise AssertionError("the parallel results differ from the serial ones")
        self.timings[n] = timing
        return timing

    def run(self, processes: int | None = None) -> Timing:
        """Measure the job with ``processes`` (default: the slider's value) and redraw."""
        n = self.choose(self.slider, processes)
        with self.busy(f"Running with {processes_text(n)}..."):
            timing = self.measure()
            self.show(self.chart)
            speedup = self.serial.median / timing.median
            self.say(
                f"<b>{processes_text(n)}</b>: {timing.median:.3f} s, speedup "
                f"<b>{speedup_text(speedup)}</b> over the serial loop "
                f"({self.serial.median:.3f} s). You can use {usable_cpus()} CPUs."
            )
        return timing

    @property
    def result(self) -> Scaling:
        """Everything measured so far, ordered by process count."""
        procs = tuple(sorted(self.timings))
        return Scaling(procs, tuple(self.timings[p] for p in procs), self.serial)

    def chart(self):
        """The chart of everything measured so far."""
        title = (f"{len(self.items)} tasks of {getattr(self.func, '__name__', 'a task')}, "
                 f"{self.serial.median:.2f} s as a serial loop")
        return scaling_chart(self.result, title=title, max_processes=self.max_processes)

    def redraw(self) -> None:
        """Draw the chart of everything measured so far into the widget."""
        self.show(self.chart)
