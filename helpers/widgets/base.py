"""What every explorer has: controls, a Run button, a status line and a chart.

An explorer is a small measuring instrument: the learner sets a few controls, presses
the button, and the explorer measures and draws the chart again. :class:`Explorer`
holds the parts and the one way to run:

- the button is disabled and the status says what is being measured;
- the subclass measures and redraws inside :meth:`Explorer.busy`;
- only once the new chart is shown is the button enabled again, so a second click
  cannot queue another run while the first is still drawing.

A subclass builds its controls, calls ``super().__init__(controls, ...)``, implements
``run()`` (measure, then ``self.show(figure)`` and a status line), and calls ``run()``
once at the end of its ``__init__`` so that the chart exists even without a browser.
Controls must work from the keyboard: sliders, ``SelectionSlider`` and
``ToggleButtons``, never a ``Dropdown`` (in JupyterLab, arrow keys on a focused
dropdown move the notebook's active cell instead of the value).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import ipywidgets as widgets
from matplotlib.figure import Figure

from helpers.plots import figure_png


class Explorer:
    """Controls, a button, a status line and a chart image, run in one safe order."""

    def __init__(self, controls: Sequence[widgets.Widget], button: str = "Run") -> None:
        self.button = widgets.Button(description=button, button_style="primary", icon="play")
        self.status = widgets.HTML()
        self.image = widgets.Image(format="png")
        self.button.on_click(lambda _button: self.run())
        self.widget = widgets.VBox(
            [widgets.HBox([*controls, self.button]), self.status, self.image])

    def run(self) -> object:
        """Measure with the controls' values and redraw (each explorer says how)."""
        raise NotImplementedError

    @contextmanager
    def busy(self, text: str) -> Iterator[None]:
        """Disable the button and show ``text`` while the block measures and redraws.

        The button comes back only when the block is over, that is after the new chart
        is shown. If the block raises, the status says so and the error goes on.
        """
        self.button.disabled = True
        self.status.value = text
        try:
            yield
        except BaseException as err:
            self.status.value = f"Stopped: {type(err).__name__}: {err}"
            raise
        finally:
            self.button.disabled = False

    def show(self, fig: Figure) -> None:
        """Put ``fig`` into the explorer's image."""
        self.image.value = figure_png(fig)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
