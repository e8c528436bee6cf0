"""The sharing explorer of notebook 05: pick a counting strategy and the processes, see
the time per update and the updates lost, side by side."""

from __future__ import annotations

import ipywidgets as widgets

from helpers.parallel import check_workers
from helpers.plots.sharing import strategies_chart
from helpers.sharing import STRATEGIES, UPDATES, RaceResult, race, updates_for
from helpers.system import usable_cpus
from helpers.widgets import processes_text
from helpers.widgets.base import Explorer


class SharingExplorer(Explorer):
    """Choose how processes update one shared counter, and how many processes; press Run.

    Each run starts the processes, lets them count together and adds a point to the
    chart: time per update on the left, the share of updates lost on the right. The
    first run (the unlocked counter, with 4 processes or fewer) is made when the
    explorer is created, so the chart is there even without a browser.
    """

    def __init__(self, updates: int = UPDATES, max_processes: int | None = None,
                 strategy: str = "unlocked", processes: int = 4) -> None:
        self.updates = updates
        updates_for(strategy, updates)  # rejects a bad strategy or a bad number of updates
        top = check_workers(max_processes or max(4, 2 * usable_cpus()), "max_processes")
        self.strategy = widgets.ToggleButtons(options=STRATEGIES, value=strategy,
                                              description="strategy")
        self.slider = widgets.IntSlider(value=min(check_workers(processes), top), min=1,
                                        max=top, description="processes",
                                        continuous_update=False)
        super().__init__([widgets.VBox([self.strategy, self.slider])], button="Run")
        self.runs: dict[str, list[RaceResult]] = {}
        self.run()

    def run(self) -> RaceResult:
        """Count with the chosen strategy and processes, then redraw the chart."""
        strategy, n = self.strategy.value, self.slider.value
        each = updates_for(strategy, self.updates)
        with self.busy(f"{processes_text(n)} each add 1 {each:,} times ({strategy})..."):
            result = race(strategy, n, self.updates)
            self.runs.setdefault(strategy, []).append(result)
            ordered = {s: self.runs[s] for s in STRATEGIES if s in self.runs}
            self.show(strategies_chart(ordered, title="Your runs: one point per run"))
            self.status.value = (
                f"<b>{strategy}</b>, {processes_text(n)}: counted {result.total:,} of "
                f"{result.expected:,} (<b>{result.lost:,} lost</b>), "
                f"{result.per_update * 1e6:.3g} µs per update.")
        return result
