"""Interactive explorers: pick a number, press Run, see the measured chart.

Each explorer measures and draws its first chart when it is created, so a notebook
run without a browser still exercises it. Its logic lives in plain methods
(:meth:`ProcessExplorer.run`) that a test can call, or reach through
``explorer.button.click()``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import ipywidgets as widgets

from helpers.parallel import check_workers, run
from helpers.plots import chunksize_chart, figure_png, scaling_chart
from helpers.pools import ChunksizeSweep, chunksize_sweep, long_tail_tasks, number_of_chunks
from helpers.system import usable_cpus
from helpers.timing import Scaling, Timing, measure, measure_in_turns
from helpers.workers import cpu_task, default_cpu_size


def processes_text(n: int) -> str:
    """``"1 process"``, ``"2 processes"``: a process count in words, for status lines."""
    return f"{n} process" if n == 1 else f"{n} processes"


def explorer_controls(
    max_processes: int, button: str, processes: int | None = None
) -> tuple[widgets.IntSlider, widgets.Button, widgets.HTML, widgets.Image]:
    """The parts every explorer has: a processes slider (starting at ``processes``, by
    default the usable CPUs), a button, a status line and the chart's image."""
    start = usable_cpus() if processes is None else check_workers(processes)
    slider = widgets.IntSlider(
        value=min(start, max_processes), min=1, max=max_processes,
        description="processes", continuous_update=False,
    )
    run_button = widgets.Button(description=button, button_style="primary", icon="play")
    return slider, run_button, widgets.HTML(), widgets.Image(format="png")


class ProcessExplorer:
    """Run the same job with a chosen number of processes and chart time and speedup.

    The slider goes from 1 to twice the CPUs you can use, so you can see what happens
    when there are more processes than CPUs (oversubscription). Every run adds a point
    to the chart; the serial loop, measured once at the start, is the baseline.
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
        self.max_processes = check_workers(max_processes or 2 * usable, "max_processes")
        if items is None:  # about half a second of serial work, in many equal tasks
            tasks = max(12, 4 * usable)
            items = [max(1, default_cpu_size() * 6 // tasks)] * tasks
        self.func, self.items, self.repeats = func, list(items), check_workers(repeats, "repeats")
        if not self.items:
            raise ValueError("items must hold at least one task")

        self.slider, self.button, self.status, self.image = explorer_controls(
            self.max_processes, "Run")
        self.button.on_click(lambda _button: self.run())
        self.widget = widgets.VBox([widgets.HBox([self.slider, self.button]),
                                    self.status, self.image])

        self.expected = run(self.func, self.items, kind="serial")
        self.serial = measure(run, self.func, self.items, kind="serial",
                              repeats=self.repeats, label="serial")
        self.timings: dict[int, Timing] = {}
        if initial is None:  # one process, too many, then the usable CPUs (left selected)
            initial = sorted({1, self.max_processes}) + [min(usable, self.max_processes)]
        self._first_runs([check_workers(p) for p in initial])

    def _first_runs(self, processes: list[int]) -> None:
        """Measure and draw on creation, so the chart exists even without a browser."""
        # Once each, in order, but the last one asked for last: the slider stays on it.
        for p in reversed(dict.fromkeys(reversed(processes))):
            self.run(p)

    def run(self, processes: int | None = None) -> Timing:
        """Measure the job with ``processes`` (default: the slider's value) and redraw."""
        if processes is not None:
            self.slider.value = check_workers(processes)
        n = self.slider.value
        self.button.disabled = True
        self.status.value = f"Running with {processes_text(n)}..."
        try:
            if run(self.func, self.items, n) != self.expected:
                raise AssertionError("the parallel results differ from the serial ones")
            timing = measure(run, self.func, self.items, n, repeats=self.repeats, warmup=0,
                             label=processes_text(n))
        finally:
            self.button.disabled = False
        self.timings[n] = timing
        self.redraw()
        speedup = self.serial.median / timing.median
        self.status.value = (
            f"<b>{processes_text(n)}</b>: {timing.median:.3f} s, speedup <b>{speedup:.2f}x</b> "
            f"over the serial loop ({self.serial.median:.3f} s). "
            f"You can use {usable_cpus()} CPUs."
        )
        return timing

    @property
    def result(self) -> Scaling:
        """Everything measured so far, ordered by process count."""
        procs = tuple(sorted(self.timings))
        return Scaling(procs, tuple(self.timings[p] for p in procs), self.serial)

    def redraw(self) -> None:
        """Draw the chart of everything measured so far into the widget."""
        title = (f"{len(self.items)} tasks of {self.func.__name__}, "
                 f"{self.serial.median:.2f} s as a serial loop")
        fig = scaling_chart(self.result, title=title, max_processes=self.max_processes)
        self.image.value = figure_png(fig)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


class ChunksizeExplorer(ProcessExplorer):
    """Pick a number of processes and a chunksize, press Run, see time against chunksize.

    The job (default: :func:`helpers.pools.long_tail_tasks`) is many short tasks and a
    few long ones, so that tiny chunks pay for many messages and big chunks leave
    processes idle. Each run starts a pool, warms it up, and times only ``pool.map``
    (start-up is left out, so the chart shows what chunksize changes). The plain loop is
    timed again on every run, taking turns with the pool, so that both see the same
    load from other programs: the status line compares the two runs of that moment, and
    the dashed line is the median of every loop run so far. Every run adds a point;
    there is one line per process count, a star marks the best chunksize so far and a
    ring the run just made. It reuses ProcessExplorer's processes slider, Run button,
    status line and image.
    """

    #: The chunksizes the slider offers, roughly evenly spaced on a log scale.
    CHUNKSIZES = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000)

    def __init__(
        self,
        func: Callable = cpu_task,
        items: Sequence | None = None,
        max_processes: int | None = None,
        repeats: int = 3,
        chunksizes: Sequence[int] | None = None,
        chunksize: int = 1,
    ) -> None:
        if items is None:  # 1000 tasks of cpu_task, the last few much longer
            items = long_tail_tasks()
        options = sorted({check_workers(c, "chunksize") for c in (chunksizes or self.CHUNKSIZES)})
        if check_workers(chunksize, "chunksize") not in options:
            raise ValueError(f"chunksize {chunksize} is not one of the choices {options}")
        self.chunk_slider = widgets.SelectionSlider(
            options=options, value=chunksize, description="chunksize", continuous_update=False,
        )
        self.points: dict[int, dict[int, Timing]] = {}
        self.last: tuple[int, int] | None = None
        super().__init__(func, items, max_processes, repeats)  # measures the loop, then runs
        self.widget.children = (widgets.HBox([self.slider, self.chunk_slider, self.button]),
                                *self.widget.children[1:])

    def _first_runs(self, processes: list[int]) -> None:
        """Measure once on creation, with the sliders' starting values."""
        #: Every loop time measured so far (seconds), on creation and on each run.
        self.loop_runs: tuple[float, ...] = self.serial.times
        self.run()

    def run(self, processes: int | None = None, chunksize: int | None = None) -> Timing:
        """Measure ``pool.map`` with ``processes`` and ``chunksize`` (default: the sliders)."""
        if processes is not None:
            self.slider.value = check_workers(processes)
        if chunksize is not None:
            if check_workers(chunksize, "chunksize") not in self.chunk_slider.options:
                raise ValueError(f"chunksize {chunksize} is not one of the choices "
                                 f"{list(self.chunk_slider.options)}")
            self.chunk_slider.value = chunksize
        n, c = self.slider.value, self.chunk_slider.value
        self.button.disabled = True
        self.status.value = f"Running with {processes_text(n)}, chunksize {c}..."
        try:  # the loop and the pool take turns, so that both meet the same load
            sweep = chunksize_sweep(self.func, self.items, [c], processes=n,
                                    repeats=self.repeats, interleave=True)
        finally:
            self.button.disabled = False
        timing = sweep.timings[0]
        self.points.setdefault(n, {})[c] = timing
        self.loop_runs = self.loop_runs + sweep.serial.times
        self.serial = Timing(self.loop_runs, "loop")
        self.last = (n, c)
        self.redraw()
        loop = sweep.serial.median  # the loop runs of this very run
        self.status.value = (
            f"<b>{processes_text(n)}, chunksize {c}</b> "
            f"({number_of_chunks(len(self.items), c)} "
            f"messages): {timing.median:.4f} s, <b>{loop / timing.median:.2f}x</b> the speed "
            f"of the plain loop, timed in turns with it ({loop:.4f} s). "
            "Pool start-up not counted."
        )
        return timing

    @property
    def sweeps(self) -> list[ChunksizeSweep]:
        """Everything measured so far: one sweep per process count, ordered by chunksize."""
        found = []
        for n in sorted(self.points):
            sizes = tuple(sorted(self.points[n]))
            found.append(ChunksizeSweep(n, sizes, tuple(self.points[n][c] for c in sizes),
                                        self.serial, len(self.items),
                                        f"{len(self.items)} tasks of {self.func.__name__}"))
        return found

    def redraw(self) -> None:
        """Draw time against chunksize for everything measured so far."""
        self.image.value = figure_png(chunksize_chart(self.sweeps, mark=self.last))


class SpeedupPredictor:
    """Pick a task size and a number of processes; see the model's prediction, then measure.

    The job is ``tasks`` equal tasks of ``cpu_task(size)``. The chart shows the speedup
    the overhead model (:class:`helpers.model.OverheadModel`) predicts for every task size,
    and every run you measure as a point. Small tasks sit below the break-even line: the
    pool costs more than it saves. ``sizes`` are the task sizes offered (default: 1/1000,
    1/100, 1/10 and 1 times the course's default task, about 0.1 s).
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
        from helpers.workers import check_size

        usable = usable_cpus()
        self.model = model if model is not None else calibrate()
        base = default_cpu_size()
        sizes = sizes or [max(1, base // 1000), max(1, base // 100), max(1, base // 10), base]
        self.sizes = sorted({check_size(s, "task size") for s in sizes})
        self.tasks = check_size(tasks, "tasks")
        self.repeats = check_workers(repeats, "repeats")
        self.max_processes = check_workers(max_processes or 2 * usable, "max_processes")

        self.size = widgets.Dropdown(
            options=[(f"{s:,} iterations", s) for s in self.sizes],
            value=self.sizes[len(self.sizes) // 2], description="task size",
        )
        self.slider, self.button, self.status, self.image = explorer_controls(
            self.max_processes, "Measure")
        self.button.on_click(lambda _button: self.run())
        self.size.observe(lambda _change: self.show_prediction(), names="value")
        self.slider.observe(lambda _change: self.show_prediction(), names="value")
        self.widget = widgets.VBox([widgets.HBox([self.size, self.slider, self.button]),
                                    self.status, self.image])
        #: (size, processes) -> (predicted speedup, measured speedup)
        self.points: dict[tuple[int, int], tuple[float, float]] = {}
        self._serial: dict[int, Timing] = {}
        self.run()

    def predict(self, size: int | None = None, processes: int | None = None) -> float:
        """The model's speedup for ``size`` and ``processes`` (default: the widget's choice)."""
        return self.model.predict_speedup(size or self.size.value,
                                          processes or self.slider.value, self.tasks)

    def show_prediction(self) -> None:
        """Write the prediction for the current choice, before anything is measured."""
        size, n = self.size.value, self.slider.value
        self.status.value = (
            f"Model: {self.tasks} tasks of {size:,} iterations on {processes_text(n)}: "
            f"predicted speedup <b>{self.predict():.2f}x</b>. Press Measure to check."
        )

    def run(self, size: int | None = None, processes: int | None = None) -> tuple[float, float]:
        """Measure the chosen job, serially and with the pool; return (predicted, measured)."""
        if size is not None:
            if size not in self.sizes:
                raise ValueError(f"size must be one of {self.sizes}, not {size!r}")
            self.size.value = size
        if processes is not None:
            self.slider.value = check_workers(processes)
        size, n = self.size.value, self.slider.value
        predicted = self.predict()
        items = [size] * self.tasks
        self.button.disabled = True
        self.status.value = f"Predicted {predicted:.2f}x. Measuring with {processes_text(n)}..."
        try:  # loop and pool take turns, so that a burst of load falls on both alike
            self._serial[size], pooled = measure_in_turns(
                [partial(run, cpu_task, items, kind="serial"), partial(run, cpu_task, items, n)],
                self.repeats, ["serial", processes_text(n)])
        finally:
            self.button.disabled = False
        measured = self._serial[size].median / pooled.median
        self.points[(size, n)] = (predicted, measured)
        self.redraw()
        error = (predicted - measured) / measured
        self.status.value = (
            f"<b>{self.tasks} tasks of {size:,} iterations, {processes_text(n)}</b>: predicted "
            f"{predicted:.2f}x, measured <b>{measured:.2f}x</b> (model off by {error:+.0%}). "
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

    def redraw(self) -> None:
        """Draw the prediction curves and every measured point."""
        from helpers.plots import prediction_chart

        measured = [(s, p, m) for (s, p), (_, m) in self.points.items()]
        fig = prediction_chart(self.model, self.sizes, self.slider.value, self.tasks, measured)
        self.image.value = figure_png(fig)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
