"""The explorer of notebook 03: processes and chunksize together.

:class:`ChunksizeExplorer` times ``pool.map`` with the processes and chunksize on its
sliders, in turns with the plain loop, and draws time against chunksize
(:func:`helpers.plots.chunksize_chart`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from helpers.parallel import check_workers
from helpers.plots import chunksize_chart
from helpers.pools import ChunksizeSweep, chunksize_sweep, long_tail_tasks, number_of_chunks
from helpers.system import usable_cpus
from helpers.timing import Timing
from helpers.widgets.base import (
    Explorer,
    choice_slider,
    max_processes_for,
    processes_slider,
    processes_text,
    speedup_text,
)
from helpers.workers import cpu_task


def messages_text(n: int) -> str:
    """``"1 message"``, ``"40 messages"``."""
    return f"{n} message" if n == 1 else f"{n} messages"


class ChunksizeExplorer(Explorer):
    """Pick a number of processes and a chunksize, press Run, see time against chunksize.

    The job (default: :func:`helpers.pools.long_tail_tasks`) is many short tasks and a
    few long ones, so that tiny chunks pay for many messages and big chunks leave
    processes idle. Each run starts a pool, warms it up, and times only ``pool.map``
    (start-up is left out, so the chart shows what chunksize changes). The plain loop is
    timed again on every run, taking turns with the pool, so that both see the same
    load from other programs. The dashed line is the median of every loop run so far,
    and the status line compares the run with that same figure, so the two always
    agree. Every run adds a point; there is one line per process count, a star marks
    the best chunksize of a line of two points or more, and a ring the run just made.

    On creation it measures ``initial`` chunksizes with the usable CPUs, in turns
    (default: 1, 10 and 100 with the course's choices of chunksize; only ``chunksize``
    with choices of your own), and leaves the slider on ``chunksize``.
    """

    #: The chunksizes the slider offers, roughly evenly spaced on a log scale.
    CHUNKSIZES = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000)
    #: The chunksizes measured on creation with the course's choices.
    INITIAL = (1, 10, 100)

    def __init__(
        self,
        func: Callable = cpu_task,
        items: Sequence | None = None,
        max_processes: int | None = None,
        repeats: int = 3,
        chunksizes: Sequence[int] | None = None,
        chunksize: int = 1,
        initial: Sequence[int] | None = None,
    ) -> None:
        usable = usable_cpus()
        self.max_processes = max_processes_for(max_processes, usable)
        self.func = func
        self.items = list(items) if items is not None else long_tail_tasks()
        if not self.items:
            raise ValueError("items must hold at least one task")
        self.repeats = check_workers(repeats, "repeats")
        options = sorted({check_workers(c, "chunksize")
                          for c in (chunksizes or self.CHUNKSIZES)})
        if check_workers(chunksize, "chunksize") not in options:
            raise ValueError(f"chunksize {chunksize} is not one of the choices {options}")
        if initial is None:
            initial = [c for c in self.INITIAL if c in options] if chunksizes is None else []
        first = sorted({*initial, chunksize})
        for c in first:
            if c not in options:
                raise ValueError(f"chunksize {c} is not one of the choices {options}")

        self.slider = processes_slider(self.max_processes, usable)
        self.chunk_slider = choice_slider(options, chunksize, "chunksize")
        super().__init__([self.slider, self.chunk_slider], "Run")
        #: processes -> chunksize -> Timing of pool.map
        self.points: dict[int, dict[int, Timing]] = {}
        #: Every loop time measured so far (seconds), one per round of every run.
        self.loop_runs: tuple[float, ...] = ()
        self.serial = Timing((), "loop")
        self.last: tuple[int, int] | None = None
        self.run(chunksizes=first)

    def run(self, processes: int | None = None, chunksize: int | None = None,
            chunksizes: Sequence[int] | None = None) -> Timing:
        """Measure ``pool.map`` with ``processes`` and ``chunksize`` (default: the sliders).

        ``chunksizes`` measures several in one go, taking turns with the loop; the run
        returns the Timing of the slider's chunksize.
        """
        n = self.choose(self.slider, processes)
        c = self.choose(self.chunk_slider, chunksize)
        sizes = sorted({c, *(chunksizes or ())})
        what = f"chunksize {c}" if len(sizes) == 1 else "chunksizes " + ", ".join(map(str, sizes))
        with self.busy(f"Running with {processes_text(n)}, {what}..."):
            # The loop and the pool take turns, so that both meet the same load.
            sweep = chunksize_sweep(self.func, self.items, sizes, processes=n,
                                    repeats=self.repeats, interleave=True)
            self.points.setdefault(n, {}).update(zip(sizes, sweep.timings, strict=True))
            self.loop_runs = self.loop_runs + sweep.serial.times
            self.serial = Timing(self.loop_runs, "loop")
            self.last = (n, c)
            timing = self.points[n][c]
            self.show(self.chart)
            loop = self.serial.median  # the dashed line: the chart and the text agree
            self.say(
                f"<b>{processes_text(n)}, chunksize {c}</b> "
                f"({messages_text(number_of_chunks(len(self.items), c))}): "
                f"{timing.median:.4f} s, <b>{speedup_text(loop / timing.median)}</b> the speed "
                f"of the plain loop ({loop:.4f} s, the dashed line: median of its "
                f"{len(self.loop_runs)} runs, timed in turns with the pool). "
                "Pool start-up not counted."
            )
        return timing

    @property
    def sweeps(self) -> list[ChunksizeSweep]:
        """Everything measured so far: one sweep per process count, ordered by chunksize."""
        found = []
        for n in sorted(self.points):
            sizes = tuple(sorted(self.points[n]))
            name = getattr(self.func, "__name__", "a task")
            found.append(ChunksizeSweep(n, sizes, tuple(self.points[n][c] for c in sizes),
                                        self.serial, len(self.items),
                                        f"{len(self.items)} tasks of {name}"))
        return found

    def chart(self):
        """Time against chunksize for everything measured so far, the last run ringed."""
        return chunksize_chart(self.sweeps, mark=self.last)

    def redraw(self) -> None:
        """Draw the chart of everything measured so far into the widget."""
        self.show(self.chart)
