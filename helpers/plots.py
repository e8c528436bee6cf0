"""Charts of measured timings: bars for comparing ways, and time and speedup against processes.

The charts are plain matplotlib figures that show themselves when they are the last
value of a cell; they need no ``plt.show()`` and leave nothing open behind them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.figure import Figure

from helpers.pools import ChunksizeSweep
from helpers.system import usable_cpus
from helpers.timing import Scaling, Timing


class CourseFigure(Figure):
    """A matplotlib Figure that Jupyter shows as a PNG image."""

    def _repr_png_(self) -> bytes:
        return figure_png(self)


def figure_png(fig: Figure) -> bytes:
    """Return ``fig`` drawn as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return buffer.getvalue()


def bar_chart(timings: Sequence[Timing], title: str = "Time to finish the same work") -> Figure:
    """Return a horizontal bar per timing: the median, with a line from fastest to slowest."""
    if not timings:
        raise ValueError("bar_chart needs at least one Timing to draw")
    fig = CourseFigure(figsize=(7, 0.6 * len(timings) + 1.2))
    ax = fig.subplots()
    labels = [t.label or f"run {i + 1}" for i, t in enumerate(timings)]
    medians = [t.median for t in timings]
    errors = [[t.median - t.best for t in timings], [t.worst - t.median for t in timings]]
    bars = ax.barh(labels, medians, xerr=errors, color="tab:blue", capsize=4)
    ax.bar_label(bars, labels=[f"{m:.2f} s" for m in medians], padding=6)
    ax.invert_yaxis()
    ax.set_xlabel("wall-clock time (s), median; line: fastest to slowest run")
    ax.set_xlim(0, max(t.worst for t in timings) * 1.3)
    ax.set_title(title)
    return fig


def scaling_chart(result: Scaling, title: str = "", usable: int | None = None) -> Figure:
    """Return two panels: time against processes, and speedup against processes.

    The speedup panel has the ideal line (speedup = processes) and marks the CPUs you
    can use: past that line, more processes only share the same CPUs.
    """
    usable = usable or usable_cpus()
    procs = list(result.processes)
    fig = CourseFigure(figsize=(10, 3.8))
    ax_time, ax_speed = fig.subplots(1, 2)

    medians = [t.median for t in result.timings]
    errors = [[t.median - t.best for t in result.timings],
              [t.worst - t.median for t in result.timings]]
    ax_time.errorbar(procs, medians, yerr=errors, marker="o", capsize=4, label="processes")
    ax_time.axhline(result.serial.median, color="gray", linestyle="--", label="serial loop")
    ax_time.set_xlabel("processes")
    ax_time.set_ylabel("wall-clock time (s)")
    ax_time.set_ylim(bottom=0)
    ax_time.legend()

    top = max(max(procs), usable)
    ax_speed.plot([1, top], [1, top], color="gray", linestyle="--", label="ideal")
    ax_speed.plot(procs, result.speedups, marker="o", label="measured")
    ax_speed.axvline(usable, color="tab:red", linestyle=":", label=f"usable CPUs ({usable})")
    ax_speed.set_xlabel("processes")
    ax_speed.set_ylabel("speedup over the serial loop (x)")
    ax_speed.set_ylim(bottom=0)
    ax_speed.legend()
    for ax in (ax_time, ax_speed):
        ax.set_xticks(range(1, top + 1))
        ax.set_xlim(0.5, top + 0.5)
        ax.grid(alpha=0.3)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def chunksize_chart(
    sweeps: ChunksizeSweep | Sequence[ChunksizeSweep], title: str = "",
    mark: tuple[int, int] | None = None,
) -> Figure:
    """Return time against chunksize (log scale), one line per process count.

    The dashed line is the plain loop: below it the pool wins. A star marks each
    line's best chunksize; ``mark=(processes, chunksize)`` rings one point (the
    explorer marks the run it just made).
    """
    sweeps = [sweeps] if isinstance(sweeps, ChunksizeSweep) else list(sweeps)
    if not sweeps:
        raise ValueError("chunksize_chart needs at least one ChunksizeSweep to draw")
    fig = CourseFigure(figsize=(7.5, 4))
    ax = fig.subplots()
    for sweep in sorted(sweeps, key=lambda s: s.processes):
        errors = [[t.median - t.best for t in sweep.timings],
                  [t.worst - t.median for t in sweep.timings]]
        line = ax.errorbar(sweep.chunksizes, sweep.medians, yerr=errors, marker="o",
                           capsize=3, label=f"{sweep.processes} process"
                           + ("es" if sweep.processes > 1 else ""))
        ax.plot([sweep.best_chunksize], [sweep.best.median], marker="*", markersize=16,
                color=line[0].get_color(), linestyle="none")
        if mark and mark[0] == sweep.processes and mark[1] in sweep.chunksizes:
            ax.plot([mark[1]], [sweep.timing(mark[1]).median], marker="o", markersize=14,
                    markerfacecolor="none", markeredgecolor="black", linestyle="none")
    ax.axhline(sweeps[0].serial.median, color="gray", linestyle="--", label="plain loop")
    ax.set_xscale("log")
    sizes = sorted({c for sweep in sweeps for c in sweep.chunksizes})
    ax.set_xticks(sizes, [str(c) for c in sizes])
    ax.minorticks_off()
    ax.set_xlabel("chunksize (items per message, log scale)")
    ax.set_ylabel("wall-clock time (s), median")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    ax.set_title(title or f"{sweeps[0].label}: time against chunksize (pool already started)")
    fig.tight_layout()
    return fig
