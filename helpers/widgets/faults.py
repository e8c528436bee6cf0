"""The fault explorer of notebook 08: pick a fault and an API, watch what the caller gets.

Each run starts a pool of 2 workers, makes them fail the chosen way, waits at most
``patience`` seconds and stops the pool (:func:`helpers.faults.observe`). The outcome
goes into a table (one row per fault and API, the latest run) and into the chart of
time to notice (:func:`helpers.plots.faults.notice_chart`).
"""

from __future__ import annotations

import html
from collections.abc import Iterable

import ipywidgets as widgets

from helpers.faults import APIS, DEFAULT_PATIENCE, FAULTS, Outcome, observe, outcome_table
from helpers.parallel import check_seconds
from helpers.plots.faults import notice_chart
from helpers.widgets.base import Explorer


class FaultExplorer(Explorer):
    """Choose a fault and an API (ToggleButtons), press Run: it runs bounded and fills the table.

    ``outcomes`` seeds the table and chart (for example the notebook's own table); the
    explorer then runs the selected fault once when created, so its chart is fresh.
    """

    def __init__(self, outcomes: Iterable[Outcome] = (), patience: float = DEFAULT_PATIENCE,
                 fault: str = "os._exit(1)", api: str = "ProcessPoolExecutor",
                 method: str | None = None) -> None:
        self.patience = check_seconds(patience, "patience")
        self.method = method
        self.outcomes: dict[tuple[str, str], Outcome] = {}
        for o in outcomes:
            if not isinstance(o, Outcome):
                raise TypeError(f"outcomes must be helpers.faults.Outcome, not {type(o).__name__}")
            self.outcomes[(o.fault, o.api)] = o
        self.fault = widgets.ToggleButtons(options=FAULTS, value=fault, description="fault")
        self.api = widgets.ToggleButtons(options=APIS, value=api, description="API")
        self.table = widgets.Output()
        super().__init__([widgets.VBox([self.fault, self.api])], button="Run it")
        self.widget.children = (*self.widget.children, self.table)
        self.run()

    def run(self) -> Outcome:
        """Observe the selected fault under the selected API, then redraw table and chart."""
        fault, api = self.fault.value, self.api.value
        with self.busy(f"Running <b>{fault}</b> under <b>{api}</b> "
                       f"(at most {self.patience:g} s of waiting)..."):
            outcome = observe(fault, api, self.patience, self.method)
            self.outcomes[(fault, api)] = outcome
            self.show(notice_chart(list(self.outcomes.values())))
            self.table.clear_output()
            with self.table:
                from IPython.display import display

                display(outcome_table(self.ordered()))
            self.status.value = (f"<b>{fault}</b> under <b>{api}</b>: "
                                 f"{html.escape(outcome.verdict)} "
                                 f"(noticed: {outcome.notice_text})")
        return outcome

    def ordered(self) -> list[Outcome]:
        """The outcomes so far, in the order of the faults and APIs."""
        return [self.outcomes[(f, a)] for f in FAULTS for a in APIS if (f, a) in self.outcomes]
