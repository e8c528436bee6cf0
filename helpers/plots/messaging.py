"""The chart of notebook 06: throughput of each channel against message size.

One figure, two panels sharing the x-axis (message size, log scale): messages per second
on the left, megabytes per second on the right. Each channel is one line of points; the
vertical line through each point goes from the slowest to the fastest round.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from helpers.messaging import CHANNELS, Throughput, size_text
from helpers.plots import CourseFigure

#: One colour per channel in every chart of 06.
CHANNEL_COLORS = dict(zip(CHANNELS, ("tab:blue", "tab:orange", "tab:green", "tab:red"),
                          strict=True))


def throughput_chart(result: Throughput, title: str = "", mark: int | None = None) -> Figure:
    """Return messages/s and MB/s against message size, one line per channel.

    ``mark`` (a size in bytes) draws a gray band at that size: the explorer marks the size
    it has just measured.
    """
    if not result.timings:
        raise ValueError("throughput_chart needs at least one measurement to draw")
    fig = CourseFigure(figsize=(11, 4.2))
    ax_msgs, ax_mb = fig.subplots(1, 2, sharex=True)
    sizes = result.sizes
    for channel in result.channels:
        have = [s for s in sizes if (channel, s) in result.timings]
        rates = [result.rates(channel, s) for s in have]
        for ax, unit in ((ax_msgs, 1.0), (ax_mb, None)):
            scale = [unit if unit else s / 1e6 for s in have]
            mid = [r[0] * k for r, k in zip(rates, scale, strict=True)]
            low = [(r[0] - r[1]) * k for r, k in zip(rates, scale, strict=True)]
            high = [(r[2] - r[0]) * k for r, k in zip(rates, scale, strict=True)]
            ax.errorbar(have, mid, yerr=[low, high], marker="o", capsize=3, label=channel,
                        color=CHANNEL_COLORS[channel])
    for ax, label in ((ax_msgs, "messages per second (log scale)"),
                      (ax_mb, "megabytes per second (log scale)")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(sizes, [size_text(s) for s in sizes])
        ax.minorticks_off()
        ax.set_xlabel("message size (log scale)")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3, which="both")
        if mark is not None:
            ax.axvspan(mark / 1.3, mark * 1.3, color="gray", alpha=0.15)
    ax_msgs.legend(title=f"{result.consumers} consumer" + ("s" if result.consumers > 1 else ""))
    fig.suptitle(title or "Throughput: one process sends, consumers receive "
                 f"(start method {result.method}; median and range of rounds)")
    return fig
