"""The chart of notebook 08: how long the caller took to notice each fault, per API.

One row per fault; a point per API at the time the caller got an error (log scale: a
millisecond and a second both show). A fault the caller never noticed within the
patience is drawn as a hollow marker with an arrow at the patience line: "still
waiting when we stopped looking".
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure

from helpers.faults import APIS, FAULTS, Outcome
from helpers.plots import CourseFigure

_STYLE = {"Pool": ("tab:orange", "s", -0.12), "ProcessPoolExecutor": ("tab:blue", "o", 0.12)}


def notice_chart(outcomes: Sequence[Outcome], title: str = "") -> Figure:
    """Return time to notice each fault (log scale), one row per fault, one colour per API.

    ``outcomes`` come from :func:`helpers.faults.observe`. Only the faults present are
    drawn, in the order of :data:`helpers.faults.FAULTS`; if a fault and API were
    observed more than once, the last observation is drawn.
    """
    outcomes = list(outcomes)
    if not outcomes:
        raise ValueError("notice_chart needs at least one Outcome to draw")
    latest = {(o.fault, o.api): o for o in outcomes}
    faults = [f for f in FAULTS if any(f == key[0] for key in latest)]
    patience = max(o.patience for o in outcomes)
    fig = CourseFigure(figsize=(7.5, 0.55 * len(faults) + 1.6))
    ax = fig.subplots()
    for api in APIS:
        color, marker, shift = _STYLE[api]
        first = True
        for row, fault in enumerate(faults):
            o = latest.get((fault, api))
            if o is None:
                continue
            y = row + shift
            label = api if first else None
            first = False
            if o.noticed:
                ax.plot([max(o.seconds, 1e-4)], [y], marker=marker, color=color,
                        linestyle="none", markersize=9, label=label)
            else:
                ax.plot([o.patience], [y], marker=marker, markerfacecolor="none",
                        markeredgecolor=color, linestyle="none", markersize=9, label=label)
                ax.annotate("", xy=(o.patience * 2.2, y), xytext=(o.patience * 1.1, y),
                            arrowprops={"arrowstyle": "->", "color": color})
    ax.axvline(patience, color="gray", linestyle=":",
               label=f"we stopped waiting ({patience:g} s)")
    ax.set_yticks(range(len(faults)), faults)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(1e-4, patience * 4)
    ax.set_xlabel("seconds until the caller got an error (log scale); hollow: never")
    ax.grid(alpha=0.3, axis="x", which="both")
    ax.legend(loc="lower right", fontsize="small")
    ax.set_title(title or "When a worker fails, how soon does the caller know?")
    return fig


def blas_chart(timings: Sequence, threads: Sequence[int], title: str = "") -> Figure:
    """Return the time of the same pool job with each BLAS thread setting, as points.

    ``timings`` are :class:`helpers.timing.Timing` (median, with a line from the fastest
    to the slowest run); ``threads`` the BLAS threads each worker had.
    """
    timings = list(timings)
    if not timings or len(timings) != len(threads):
        raise ValueError("give one BLAS thread count per Timing (and at least one)")
    fig = CourseFigure(figsize=(7, 0.7 * len(timings) + 1.4))
    ax = fig.subplots()
    labels = [f"{t.label}\n({n} BLAS thread{'s' * (n != 1)} per worker)"
              for t, n in zip(timings, threads, strict=True)]
    medians = [t.median for t in timings]
    errors = [[t.median - t.best for t in timings], [t.worst - t.median for t in timings]]
    ax.errorbar(medians, range(len(timings)), xerr=errors, marker="o", linestyle="none",
                capsize=4, color="tab:blue")
    ax.set_yticks(range(len(timings)), labels)
    ax.invert_yaxis()
    ax.set_xlim(0, max(t.worst for t in timings) * 1.3)
    ax.set_xlabel("wall-clock time (s), median; line: fastest to slowest run")
    ax.grid(alpha=0.3, axis="x")
    ax.set_title(title or "The same matrix products in a pool")
    return fig
