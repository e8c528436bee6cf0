"""Interactive explorers: pick a number, press Run, see the measured chart.

One explorer per notebook, each in its own module, all built on
:class:`helpers.widgets.base.Explorer` (controls, a Run button that stays disabled until
the new chart is shown, a status line and a crisp chart):

- :class:`ProcessExplorer` (00, :mod:`helpers.widgets.scaling`): time and speedup
  against processes;
- :class:`StartupExplorer` (02, :mod:`helpers.widgets.startup`): the cost of starting
  processes with each start method;
- :class:`ChunksizeExplorer` (03, :mod:`helpers.widgets.pools`): time against chunksize;
- :class:`SpeedupPredictor` (04, :mod:`helpers.widgets.speedup`): the overhead model's
  prediction against your measurements.

Each explorer measures and draws its first chart when it is created, so a notebook
run without a browser still exercises it. Its logic lives in plain methods
(:meth:`ProcessExplorer.run`) that a test can call, or reach through
``explorer.button.click()``.
"""

from __future__ import annotations

import ipywidgets as widgets

from helpers.system import usable_cpus
from helpers.widgets.base import (
    Explorer,
    choice_buttons,
    choice_slider,
    labelled,
    processes_slider,
    processes_text,
    speedup_text,
)
from helpers.widgets.pools import ChunksizeExplorer
from helpers.widgets.scaling import ProcessExplorer
from helpers.widgets.speedup import SpeedupPredictor
from helpers.widgets.startup import StartupExplorer

__all__ = [
    "ChunksizeExplorer", "Explorer", "ProcessExplorer", "SpeedupPredictor", "StartupExplorer",
    "choice_buttons", "choice_slider", "explorer_controls", "labelled", "processes_slider",
    "processes_text", "speedup_text",
]


def explorer_controls(
    max_processes: int, button: str, processes: int | None = None
) -> tuple[widgets.IntSlider, widgets.Button, widgets.HTML, widgets.Image]:
    """A processes slider (starting at ``processes``, by default the usable CPUs), a
    button, a status line and an image: the parts of an explorer, loose.

    New explorers subclass :class:`Explorer` instead, which holds the last three and
    runs them in the right order; use :func:`processes_slider` for the slider.
    """
    slider = processes_slider(max_processes, usable_cpus() if processes is None else processes)
    run_button = widgets.Button(description=button, button_style="primary", icon="play")
    return slider, run_button, widgets.HTML(), widgets.Image(format="png")
