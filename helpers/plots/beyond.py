"""Charts of notebook 09: the same job on four engines, and an event loop's latency."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter

from helpers.beyond import EngineComparison, LoopLatency
from helpers.plots import CourseFigure, plain_number, seconds_text

#: What each panel of :func:`engines_chart` shows: (field, title).
PANELS = (("start", "start-up"), ("per_task", "overhead per task"),
          ("total", "total: start, job, stop"))


def engines_chart(comparison: EngineComparison, title: str = "") -> Figure:
    """Return three panels, one row per engine: start-up, per-task overhead, total time.

    Each point is the median of the rounds, with a line from the fastest to the slowest.
    The axes are logarithmic (each step ten times the one before), since the engines
    differ by factors of ten: points, not bars. The total panel has the serial loop as a
    dashed line: left of it the engine paid off for this job, right of it it did not.
    """
    if not isinstance(comparison, EngineComparison):
        raise TypeError(f"engines_chart takes what compare_engines returns, not "
                        f"{type(comparison).__name__}")
    engines = list(comparison.runs)
    fig = CourseFigure(figsize=(10, 0.45 * len(engines) + 1.8))
    axes = fig.subplots(1, len(PANELS), sharey=True)
    rows = list(range(len(engines)))
    for ax, (what, name) in zip(axes, PANELS, strict=True):
        medians = [comparison.median(e, what) for e in engines]
        lows, highs = zip(*(comparison.spread(e, what) for e in engines), strict=True)
        errors = [[m - lo for m, lo in zip(medians, lows, strict=True)],
                  [hi - m for m, hi in zip(medians, highs, strict=True)]]
        ax.errorbar(medians, rows, xerr=errors, fmt="o", color="tab:blue", capsize=4)
        for m, row in zip(medians, rows, strict=True):
            ax.annotate(seconds_text(m), (m, row), textcoords="offset points", xytext=(0, 8),
                        ha="center", fontsize=8)
        if what == "total":
            ax.axvline(comparison.serial, color="tab:gray", linestyle="--",
                       label=f"serial loop {seconds_text(comparison.serial)}")
            ax.legend(loc="lower right", fontsize=8)
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(plain_number))  # 0.1, 1, 10: no 10^x
        ax.xaxis.set_minor_formatter(NullFormatter())
        low = min(min(lows), comparison.serial if what == "total" else min(lows))
        high = max(max(highs), comparison.serial if what == "total" else max(highs))
        ax.set_xlim(low / 3, high * 4)
        ax.set_title(name)
        ax.set_xlabel("seconds (log scale)")
        ax.grid(alpha=0.3, axis="x", which="both")
    axes[0].set_yticks(rows, engines)
    axes[0].set_ylim(len(engines) + 0.3, -0.7)  # room below the last row for the legend
    fig.suptitle(title or f"The same job ({comparison.tasks} empty tasks, then the scan) on "
                 f"{comparison.workers} worker{'s' * (comparison.workers > 1)}")
    return fig


def latency_chart(*runs: LoopLatency,
                  title: str = "How late the event loop's ticks came") -> Figure:
    """Return each run's tick lateness against the moment the tick ran, one line per run.

    A responsive loop runs every tick within a millisecond or so of when it was due; a
    loop blocked by CPU work in one of its coroutines runs no tick at all until the work
    ends, and then one very late tick.
    """
    if not runs or not all(isinstance(r, LoopLatency) for r in runs):
        raise TypeError("latency_chart takes one or more LoopLatency (what loop_latency returns)")
    fig = CourseFigure(figsize=(7, 3.2))
    ax = fig.subplots()
    for run in runs:
        ran = [due + late for due, late in zip(run.times, run.late, strict=True)]
        ticks = f"{len(run.late)} tick{'s' * (len(run.late) != 1)}"
        ax.plot(ran, [late * 1e3 for late in run.late], marker="o", markersize=3,
                label=f"{run.label}: worst {seconds_text(run.worst)}, {ticks} in "
                      f"{run.seconds:.2f} s")
    ax.set_xlabel("when the tick ran (s after the start)")
    ax.set_ylabel("how late it ran (ms)")
    ax.set_yscale("symlog", linthresh=1)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    return fig
