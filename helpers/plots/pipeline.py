"""Charts of 07_pipeline: the scan's report, the heavy tail, the timeline of a pool's tasks.

- :func:`report_chart`: how complex the functions are, and the ten most complex;
- :func:`tail_chart`: the time of each file, slowest first, and against its size;
- :func:`timeline_chart`: which worker ran which file, and when; the long pole is red;
- :func:`limits_chart`: where a parallel run's time went, beside the ideal;
- :func:`bootstrap_chart`: a share per package, with its bootstrap interval;
- :func:`imports_chart`: the modules imported by the most files (the capstone).
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Mapping, Sequence

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from helpers.pipeline import Summary, Timeline, short_name
from helpers.plots import CourseFigure


def report_chart(summary: Summary, title: str = "") -> Figure:
    """Return two panels: functions per complexity (log-log points), and the most complex."""
    if not isinstance(summary, Summary) or not summary.functions:
        raise ValueError("report_chart needs a Summary with at least one function "
                         "(what summarise(reports) returns)")
    fig = CourseFigure(figsize=(11, 4))
    ax_dist, ax_top = fig.subplots(1, 2, width_ratios=[1, 1.3])
    values, counts = zip(*summary.complexities, strict=True)
    ax_dist.plot(values, counts, "o", markersize=4)
    ax_dist.axvline(summary.median_complexity, color="gray", linestyle="--",
                    label=f"median ({summary.median_complexity:g})")
    ax_dist.set_xscale("log")
    ax_dist.set_yscale("log")
    ax_dist.set_xlabel("cyclomatic complexity (paths through a function, log scale)")
    ax_dist.set_ylabel("functions (log scale)")
    ax_dist.grid(alpha=0.3, which="both")
    ax_dist.legend()
    ax_dist.set_title(f"{summary.functions:,} functions in {summary.files} files")
    top = summary.most_complex
    labels = [f"{r.name.split('.<locals>.')[-1]}  ({r.path})" for r in top]
    ax_top.barh(labels, [r.complexity for r in top], color="tab:orange")
    ax_top.invert_yaxis()
    ax_top.tick_params(axis="y", labelsize=8)
    ax_top.set_xlabel("cyclomatic complexity")
    ax_top.set_title(f"the {len(top)} most complex functions")
    if title:
        fig.suptitle(title)
    return fig


def tail_chart(files: Sequence[str | os.PathLike], seconds: Sequence[float],
               title: str = "") -> Figure:
    """Return two panels: each file's time, slowest first; and time against file size.

    Left: a heavy tail is a few points far above the median line. Right: if the points
    climb from left to right, a file's size tells in advance how long it will take.
    """
    if len(files) != len(seconds) or not files:
        raise ValueError("give one time per file, and at least one file")
    fig = CourseFigure(figsize=(11, 3.8))
    ax_rank, ax_size = fig.subplots(1, 2)
    order = sorted(range(len(files)), key=lambda i: seconds[i], reverse=True)
    ax_rank.plot(range(1, len(files) + 1), [seconds[i] * 1e3 for i in order], "o",
                 markersize=3)
    median = statistics.median(seconds) * 1e3
    ax_rank.axhline(median, color="gray", linestyle="--", label=f"median ({median:.1f} ms)")
    for rank, i in enumerate(order[:3], start=1):  # the three slowest, one label under another
        ax_rank.annotate(short_name(files[i]), (rank, seconds[i] * 1e3), fontsize=8,
                         xytext=(12, -4 - 11 * (rank - 1)), textcoords="offset points",
                         arrowprops={"arrowstyle": "-", "color": "0.6", "linewidth": 0.5})
    ax_rank.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_rank.set_yscale("log")
    ax_rank.set_xlabel("file, slowest first")
    ax_rank.set_ylabel("time to scan (ms, log scale)")
    ax_rank.legend()
    ax_rank.grid(alpha=0.3, which="both")
    sizes = [os.path.getsize(p) / 1e3 for p in files]
    ax_size.plot(sizes, [s * 1e3 for s in seconds], "o", markersize=3, color="tab:green")
    ax_size.set_xscale("log")
    ax_size.set_yscale("log")
    ax_size.set_xlabel("file size (kB, log scale)")
    ax_size.set_ylabel("time to scan (ms, log scale)")
    ax_size.grid(alpha=0.3, which="both")
    fig.suptitle(title or "The serial loop, file by file")
    return fig


def timeline_chart(timelines: Timeline | Sequence[Timeline], title: str = "") -> Figure:
    """Return one panel per run: a row per worker, a bar per task, on one time axis.

    The grey band on the left is the time before the first task started (starting the
    pool). The red bar is the long pole, the task that ended last; the hatched bars
    after a worker's last task are the time it sat idle, waiting for that last task.
    The dashed line is when the last result was in hand.
    """
    timelines = [timelines] if isinstance(timelines, Timeline) else list(timelines)
    if not timelines:
        raise ValueError("timeline_chart needs at least one Timeline")
    rows = sum(max(len(t.workers), 1) for t in timelines)
    fig = CourseFigure(figsize=(10, 1.0 + 0.55 * rows + 0.6 * len(timelines)))
    axes = fig.subplots(len(timelines), 1, sharex=True, squeeze=False,
                        height_ratios=[len(t.workers) + 1 for t in timelines])[:, 0]
    end = max(t.wall for t in timelines)
    for ax, timeline in zip(axes, timelines, strict=True):
        workers = timeline.workers
        row = {w: i for i, w in enumerate(workers)}
        pole = timeline.long_pole
        last = pole.end - timeline.started
        ax.axvspan(0, timeline.first_start, color="0.9", zorder=0)
        for i, span in enumerate(sorted(timeline.spans, key=lambda s: s.start)):
            y = row[(span.pid, span.thread)]
            color = "tab:red" if span is pole else ("tab:blue" if i % 2 else "tab:cyan")
            ax.broken_barh([(span.start - timeline.started, span.end - span.start)],
                           (y - 0.4, 0.8), facecolors=color, edgecolor="white", linewidth=0.3)
        for worker, worker_end in timeline.worker_ends().items():
            if last - worker_end > 0:
                ax.broken_barh([(worker_end, last - worker_end)], (row[worker] - 0.4, 0.8),
                               facecolors="none", edgecolor="0.5", hatch="///", linewidth=0)
        name = getattr(pole.result, "path", "")
        ax.annotate(f"long pole: {name}" if name else "long pole", (last, row[(pole.pid,
                    pole.thread)]), xytext=(4, 8), textcoords="offset points", fontsize=8,
                    color="tab:red")
        ax.axvline(timeline.wall, color="black", linestyle="--", linewidth=1)
        ax.set_yticks(range(len(workers)),
                      [f"worker {i + 1}\n(pid {pid})" for i, (pid, _) in enumerate(workers)],
                      fontsize=8)
        ax.set_ylim(len(workers) - 0.5, -0.5)
        ax.set_title(f"{timeline.label}: {timeline.wall:.2f} s; idle at the end "
                     f"{timeline.idle_at_end:.2f} worker-seconds", fontsize=10)
        ax.grid(alpha=0.3, axis="x")
    axes[-1].set_xlim(0, end * 1.08)
    axes[-1].set_xlabel("seconds since the pool was asked for (grey: before the first task "
                        "started; hatched: idle, waiting for the long pole)")
    if title:
        fig.suptitle(title)
    return fig


def limits_chart(parts: Mapping[str, float], measured: float, title: str = "") -> Figure:
    """Return one stacked bar: the ideal time, then what each limit added, beside the measured.

    ``parts`` maps a name to seconds, in order, starting with the ideal time (the serial
    time divided by the CPUs used). A part below zero cannot be stacked, so the chart
    shows it as 0 and the label says what was measured.
    """
    if not parts:
        raise ValueError("limits_chart needs at least one part, the ideal time")
    fig = CourseFigure(figsize=(9, 2.6))
    ax = fig.subplots()
    left = 0.0
    colors = ["tab:green", "tab:orange", "tab:red", "tab:purple", "0.6"]
    for i, (name, seconds) in enumerate(parts.items()):
        width = max(seconds, 0.0)
        ax.barh(["explained"], [width], left=left, color=colors[i % len(colors)],
                label=f"{name}: {seconds:.2f} s")
        left += width
    ax.barh(["measured"], [measured], color="tab:blue", label=f"measured: {measured:.2f} s")
    ax.invert_yaxis()
    ax.set_xlabel("wall-clock time (s)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    ax.set_title(title or "Where the parallel run's time went")
    return fig


def bootstrap_chart(intervals: Mapping[str, tuple[float, float, float]],
                    sizes: Mapping[str, int] | None = None, largest: int = 20,
                    title: str = "") -> Figure:
    """Return a point per package (its share) with a line for its 95 % interval.

    With ``sizes`` (functions per package), only the ``largest`` packages are drawn.
    """
    if not intervals:
        raise ValueError("bootstrap_chart needs at least one interval")
    names = list(intervals)
    if sizes:
        names = sorted(names, key=lambda n: sizes[n], reverse=True)[:largest]
    names = sorted(names, key=lambda n: intervals[n][0])
    fig = CourseFigure(figsize=(8, 0.28 * len(names) + 1.4))
    ax = fig.subplots()
    shares = [intervals[n][0] for n in names]
    low = [intervals[n][0] - intervals[n][1] for n in names]
    high = [intervals[n][2] - intervals[n][0] for n in names]
    labels = [f"{n} ({sizes[n]})" if sizes else n for n in names]
    ax.errorbar(shares, labels, xerr=[low, high], fmt="o", capsize=3)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter("{x:.0%}")
    ax.tick_params(axis="y", labelsize=8)
    ax.set_xlabel("functions with a docstring (point), and 95 % bootstrap interval (line)")
    ax.grid(alpha=0.3, axis="x")
    shown = f"the {len(names)} largest packages, " if len(names) < len(intervals) else ""
    ax.set_title(title or "Which packages document their functions?"
                 + (f" ({shown}functions in brackets)" if sizes else ""))
    return fig


def imports_chart(counts: Mapping[str, int], files: int | None = None, top: int = 15,
                  title: str = "") -> Figure:
    """Return horizontal bars: the ``top`` modules imported by the most files."""
    if not counts:
        raise ValueError("imports_chart needs counts of at least one module")
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    fig = CourseFigure(figsize=(7, 0.3 * len(ranked) + 1.3))
    ax = fig.subplots()
    bars = ax.barh([name for name, _ in ranked], [n for _, n in ranked], color="tab:purple")
    ax.bar_label(bars, padding=3, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("files that import it" + (f" (of {files})" if files else ""))
    ax.set_title(title or "Which modules does the standard library import most?")
    return fig
