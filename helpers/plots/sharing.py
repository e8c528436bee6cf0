"""Charts of notebook 05: counting strategies (time and lost updates), and handing an
array to a worker by pickling or through shared memory."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.figure import Figure

from helpers.plots import CourseFigure
from helpers.sharing import STRATEGIES, Handoff, RaceResult

#: One colour per counting strategy, in every chart of the notebook.
STRATEGY_COLORS = dict(zip(STRATEGIES, ("tab:red", "tab:blue", "tab:green", "tab:purple"),
                           strict=True))


def strategies_chart(runs: Mapping[str, Sequence[RaceResult]], title: str = "") -> Figure:
    """Return two panels side by side: time per update, and the share of updates lost.

    Left, on a log scale (each step ten times the one before): microseconds per update,
    a point per run and a bar-free line from fastest to slowest. Right: the percentage
    of updates lost, per run (0 for an exact strategy).
    """
    runs = {s: list(r) for s, r in runs.items() if r}
    if not runs:
        raise ValueError("strategies_chart needs at least one strategy with a run")
    names = list(runs)
    fig = CourseFigure(figsize=(10, 0.55 * len(names) + 1.8))
    ax_time, ax_lost = fig.subplots(1, 2, sharey=True)
    for y, name in enumerate(names):
        color = STRATEGY_COLORS.get(name, "gray")
        micro = sorted(r.per_update * 1e6 for r in runs[name])
        ax_time.plot([micro[0], micro[-1]], [y, y], color=color, alpha=0.5)
        ax_time.plot(micro, [y] * len(micro), "o", color=color)
        ax_time.annotate(f"{micro[(len(micro) - 1) // 2]:.3g} µs", (micro[-1], y),
                         xytext=(8, 0), textcoords="offset points", va="center")
        lost = [r.lost_fraction * 100 for r in runs[name]]
        ax_lost.barh(y, max(lost), color=color, alpha=0.35)
        ax_lost.plot(lost, [y] * len(lost), "o", color=color)
        ax_lost.annotate(f"{max(r.lost for r in runs[name]):,} lost", (max(lost), y),
                         xytext=(8, 0), textcoords="offset points", va="center")
    ax_time.set_xscale("log")
    low, high = ax_time.get_xlim()
    ax_time.set_xlim(low, high * 8)  # room for the labels
    ax_time.set_yticks(range(len(names)), names)
    ax_time.invert_yaxis()
    ax_time.set_xlabel("time per update (µs, log scale), one point per run")
    ax_lost.set_xlim(0, 100)
    ax_lost.set_xlabel("updates lost (% of all updates), one point per run")
    for ax in (ax_time, ax_lost):
        ax.grid(alpha=0.3, axis="x", which="both")
    some = next(iter(runs.values()))[0]
    fig.suptitle(title or f"{some.processes} processes adding 1 to one shared counter")
    return fig


def handoff_chart(result: Handoff, title: str = "") -> Figure:
    """Return the time to hand an array to a worker (and get its sum), against its size.

    Both axes are logarithmic; points, not bars. Pickling copies the array into the
    worker, so its time grows with the size; sending a shared block's name does not.
    """
    megabytes = [s / 2**20 for s in result.sizes]
    fig = CourseFigure(figsize=(7.5, 4))
    ax = fig.subplots()
    ax.plot(megabytes, [t * 1e3 for t in result.pickled], "o-", color="tab:orange",
            label="pickled: pool.apply(sum_sent, (array,))")
    ax.plot(megabytes, [t * 1e3 for t in result.shared], "o-", color="tab:blue",
            label="shared memory: pool.apply(sum_shared, (name, length))")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(megabytes, [f"{m:.3g}" for m in megabytes])
    ax.minorticks_off()
    ax.set_xlabel("array size (MB, log scale)")
    ax.set_ylabel("time to hand over and sum (ms, median, log scale)")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize="small")
    ax.set_title(title or "Handing an array to a running pool's worker")
    return fig
