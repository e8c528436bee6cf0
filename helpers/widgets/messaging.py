"""The explorer of notebook 06: how fast does each channel move messages of a given size?

:class:`MessageExplorer` has a message size (a ``SelectionSlider``, 10 bytes to 10
megabytes) and a number of consumer processes. Each run measures every channel at that
size with that many consumers, the channels taking turns, and adds the points to the
chart; there is one chart per number of consumers. It measures once when it is created.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as widgets

from helpers.messaging import CHANNELS, SIZES, Throughput, measure_throughput, size_text
from helpers.parallel import check_workers
from helpers.plots.messaging import throughput_chart
from helpers.system import usable_cpus
from helpers.widgets.base import Explorer


class MessageExplorer(Explorer):
    """Pick a message size and a number of consumers; measure every channel; see the chart.

    ``sizes`` are the sizes the slider offers, ``size`` and ``consumers`` its starting
    values, ``max_consumers`` the top of the consumers slider (default: the usable CPUs,
    at least 2). ``repeats`` rounds per channel and size.
    """

    def __init__(
        self, sizes: Sequence[int] = SIZES, size: int = 1_000, consumers: int = 1,
        max_consumers: int | None = None, repeats: int = 3,
        channels: Sequence[str] = CHANNELS,
    ) -> None:
        self.sizes = sorted({check_workers(s, "size") for s in sizes})
        if size not in self.sizes:
            raise ValueError(f"size {size} is not one of the choices {self.sizes}")
        top = check_workers(max_consumers or max(2, usable_cpus()), "max_consumers")
        if check_workers(consumers, "consumers") > top:
            raise ValueError(f"consumers ({consumers}) must be at most max_consumers ({top})")
        self.repeats = check_workers(repeats, "repeats")
        self.channels = list(channels)
        self.size = widgets.SelectionSlider(
            options=[(size_text(s), s) for s in self.sizes], value=size,
            description="message size", continuous_update=False)
        self.consumers = widgets.IntSlider(value=consumers, min=1, max=top,
                                           description="consumers", continuous_update=False)
        super().__init__([self.size, self.consumers], button="Measure")
        #: consumers -> everything measured with that many consumers
        self.results: dict[int, Throughput] = {}
        self.run()

    def run(self, size: int | None = None, consumers: int | None = None) -> Throughput:
        """Measure every channel at ``size`` with ``consumers`` (default: the sliders)."""
        if size is not None:
            if size not in self.sizes:
                raise ValueError(f"size must be one of {self.sizes}, not {size!r}")
            self.size.value = size
        if consumers is not None:
            self.consumers.value = check_workers(consumers, "consumers")
        s, k = self.size.value, self.consumers.value
        with self.busy(f"Measuring {size_text(s)} messages with {k} consumer(s)..."):
            new = measure_throughput([s], self.channels, consumers=k, repeats=self.repeats)
            old = self.results.get(k)
            merged = Throughput(k, {**(old.timings if old else {}), **new.timings},
                                {**(old.messages if old else {}), **new.messages}, new.method)
            self.results[k] = merged
            self.show(throughput_chart(merged, mark=s))
        best = new.fastest(s)
        parts = [f"{c}: {new.per_second(c, s):,.0f} msg/s ({new.mb_per_second(c, s):,.1f} MB/s)"
                 for c in new.channels]
        ties = [c for c in new.channels if c != best and not new.resolved(c, best, s)]
        verdict = (f"fastest: <b>{best}</b>" + (f", not resolved from {', '.join(ties)} "
                   "(their ranges of rounds overlap)" if ties else ""))
        self.status.value = (f"<b>{size_text(s)}, {k} consumer{'s' if k > 1 else ''}</b>, "
                             f"{new.messages[s]} messages per round: " + "; ".join(parts)
                             + f". {verdict}.")
        return new
