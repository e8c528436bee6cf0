"""The explorer of notebook 04: predict a pool's speedup with a model, then measure it.

:class:`SpeedupPredictor` shows what :class:`helpers.model.OverheadModel` predicts for
the task size and processes on its sliders, measures the loop and the pool in turns
when asked, and draws prediction and measurements together
(:func:`helpers.plots.prediction_chart`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from helpers.parallel import check_workers, run
from helpers.plots import prediction_chart
from helpers.system import usable_cpus
from helpers.timing import Timing, measure_in_turns
from helpers.widgets.base import (
    Explorer,
    choice_slider,
    max_processes_for,
    processes_slider,
    processes_text,
    speedup_text,
)
from helpers.workers import check_size, cpu_task, default_cpu_size


class SpeedupPredictor(Explorer):
    """Pick a task size and a number of processes; see the model's prediction, then measure.

    The job is ``tasks`` equal tasks of ``cpu_task(size)``. The chart shows the speedup
    the overhead model (:class:`helpers.model.OverheadModel`) predicts for every task size,
    and every run you measure as a point. Small tasks sit below the break-even line: the
    pool costs more than it saves. ``sizes`` are the task sizes offered (default: 1/1000,
    1/100, 1/10 and 1 times the course's default task, about 0.1 s). On creation it
    measures the sizes up to the middle one (at least three, where there are three),
    with the usable CPUs, and leaves the size slider on the middle one.
    """

    def __init__(
        self,
        model=None,
        sizes: Sequence[int] | None = None,
        tasks: int = 8,
        max_processes: int | None = None,
        repeats: int = 3,
    ) -> None:
        from helpers.model import calibrate

        usable = usable_cpus()
        base = default_cpu_size()
        sizes = sizes or [max(1, base // 1000), max(1, base // 100), max(1, base // 10), base]
        self.sizes = sorted({check_size(s, "task size") for s in sizes})
        self.tasks = check_size(tasks, "tasks")
        self.repeats = check_workers(repeats, "repeats")
        self.max_processes = max_processes_for(max_processes, usable)
        self.model = model if model is not None else calibrate()

        middle = self.sizes[len(self.sizes) // 2]
        self.size = choice_slider([(f"{s:,}", s) for s in self.sizes], middle, "task size")
        self.slider = processes_slider(self.max_processes, usable)
        super().__init__([self.size, self.slider], "Measure")
        self.size.observe(lambda _change: self.show_prediction(), names="value")
        self.slider.observe(lambda _change: self.show_prediction(), names="value")
        #: (size, processes) -> (predicted speedup, measured speedup)
        self.points: dict[tuple[int, int], tuple[float, float]] = {}
        self._serial: dict[int, Timing] = {}
        first = [s for s in self.sizes if s <= middle]
        first = (first + [s for s in self.sizes if s > middle])[:max(3, len(first))]
        for s in first:
            if s != middle:
                self.measure(s, self.slider.value)
        self.run(middle)

    def predict(self, size: int | None = None, processes: int | None = None) -> float:
        """The model's speedup for ``size`` and ``processes`` (default: the widget's choice)."""
        return self.model.predict_speedup(size or self.size.value,
                                          processes or self.slider.value, self.tasks)

    def show_prediction(self) -> None:
        """Write the prediction for the current choice, before anything is measured."""
        size, n = self.size.value, self.slider.value
        self.say(
            f"Model: {self.tasks} tasks of {size:,} iterations on {processes_text(n)}: "
            f"predicted speedup <b>{speedup_text(self.predict())}</b>. "
            f"Press {self.button.description} to check."
        )

    def measure(self, size: int, processes: int) -> tuple[float, float]:
        """Time the loop and the pool in turns; keep and return (predicted, measured)."""
        items = [size] * self.tasks
        # Loop and pool take turns, so that a burst of load falls on both alike.
        self._serial[size], pooled = measure_in_turns(
            [partial(run, cpu_task, items, kind="serial"),
             partial(run, cpu_task, items, processes)],
            self.repeats, ["serial", processes_text(processes)])
        measured = self._serial[size].median / pooled.median
        self.points[(size, processes)] = (self.predict(size, processes), measured)
        return self.points[(size, processes)]

    def run(self, size: int | None = None, processes: int | None = None) -> tuple[float, float]:
        """Measure the chosen job, serially and with the pool; return (predicted, measured)."""
        size = self.choose(self.size, size, "size")
        n = self.choose(self.slider, processes)
        predicted = self.predict()
        with self.busy(f"Predicted {speedup_text(predicted)}. "
                       f"Measuring with {processes_text(n)}..."):
            predicted, measured = self.measure(size, n)
            self.show(self.chart)
            error = (predicted - measured) / measured
            self.say(
                f"<b>{self.tasks} tasks of {size:,} iterations, {processes_text(n)}</b>: "
                f"predicted {speedup_text(predicted)}, measured <b>{speedup_text(measured)}"
                f"</b> (model off by {error:+.0%}). "
                + ("The pool pays." if measured > 1 else "The loop wins: the pool costs more "
                   "than it saves.")
            )
        return predicted, measured

    def sweep(self, processes: int | None = None, remeasure: bool = False
              ) -> list[tuple[int, float, float]]:
        """Measure every task size with ``processes``; return ``(size, predicted, measured)``.

        A size already measured with these processes is reused unless ``remeasure``.
        """
        n = check_workers(processes or self.slider.value)
        rows = []
        for s in self.sizes:
            if remeasure or (s, n) not in self.points:
                self.run(s, n)
            rows.append((s, *self.points[(s, n)]))
        return rows

    def chart(self):
        """The prediction curves and every measured point."""
        measured = [(s, p, m) for (s, p), (_, m) in self.points.items()]
        return prediction_chart(self.model, self.sizes, self.slider.value, self.tasks, measured)

    def redraw(self) -> None:
        """Draw the chart into the widget."""
        self.show(self.chart)
