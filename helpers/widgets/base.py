"""What every explorer has: controls, a Run button, a status line and a chart.

An explorer is a small measuring instrument: the learner sets a few controls, presses
the button, and the explorer measures and draws the chart again. :class:`Explorer`
holds the parts and the one way to run:

- the button is disabled and the status says what is being measured;
- the subclass measures and redraws inside :meth:`Explorer.busy`;
- only once the new chart is shown is the button enabled again, so a second click
  cannot queue another run while the first is still drawing.

A subclass builds its controls, calls ``super().__init__(controls, ...)``, implements
``run()`` (measure, then ``self.show(figure)`` and ``self.say(status)``), and calls ``run()``
once at the end of its ``__init__`` so that the chart exists even without a browser.
The pattern, in full::

    def run(self, processes=None):
        n = self.choose(self.slider, processes)
        with self.busy(f"Running with {processes_text(n)}..."):
            timing = ...                      # measure
            self.show(self.chart)             # the new chart
            self.say(f"...")                  # what it says, from the same numbers
        return timing

Controls must work from the keyboard: sliders, ``SelectionSlider`` and
``ToggleButtons`` (:func:`processes_slider`, :func:`choice_buttons` with
:func:`labelled`, :func:`choice_slider`), never a ``Dropdown`` (in JupyterLab, arrow
keys on a focused dropdown move the notebook's active cell instead of the value).

Charts are shown at their own size, drawn at twice the pixels so that they stay crisp
on high-DPI screens (:func:`helpers.plots.figure_png`); where the notebook is narrower
than the chart, the chart shrinks to fit, never grows past its size.

A click is meant to feel quick (issue 15: a new chart within about 1.5 s on a 2-core
machine at the tests' scale). What a click costs is mostly the measurement, which is
the point; the chart should cost little beside it. :func:`helpers.plots.figure_png`
lays a chart out once and draws it once, and :meth:`Explorer.show` keeps its layout
(:class:`helpers.plots.LayoutMemo`) for the next click while the labels stay the same.
The browser test (``tests/browser/test_explorers_in_lab.py``) reports, per explorer,
click to chart, the kernel's part (measuring and drawing) and the browser's.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import ipywidgets as widgets
from matplotlib.figure import Figure

from helpers.parallel import check_workers
from helpers.plots import LayoutMemo, css_size, figure_png


def processes_text(n: int) -> str:
    """``"1 process"``, ``"2 processes"``: a process count in words, for status lines."""
    return f"{n} process" if n == 1 else f"{n} processes"


def speedup_text(speedup: float) -> str:
    """A speedup with three significant digits: ``"1.85x"``, ``"0.0312x"``, ``"12.4x"``.

    Never ``"0.00x"``: a pool 300 times slower than the loop reads ``"0.00333x"``.
    """
    if speedup >= 100:
        return f"{speedup:.0f}x"
    return f"{speedup:.3g}x"


def max_processes_for(max_processes: int | None, usable: int) -> int:
    """The top of an explorer's processes slider: ``max_processes`` if given, else twice
    the usable CPUs (at least 3, so that even one CPU shows what oversubscription does)."""
    return check_workers(max_processes or max(3, 2 * usable), "max_processes")


def processes_slider(max_processes: int, value: int) -> widgets.IntSlider:
    """A slider of process counts from 1 to ``max_processes``, starting at ``value``.

    ``value`` is brought into the slider's range (the CPUs you can use may be more than
    the slider offers). Arrow keys move a focused slider by one.
    """
    check_workers(max_processes, "max_processes")
    return widgets.IntSlider(
        value=min(check_workers(value), max_processes), min=1, max=max_processes,
        description="processes", continuous_update=False,
    )


def choice_buttons(
    options: Sequence, value: object, description: str = ""
) -> widgets.ToggleButtons:
    """One button per option (``(label, value)`` pairs or plain values), one pressed.

    For a few named choices, such as start methods. Tab reaches each button; Space or
    Enter presses it. JupyterLab puts a ToggleButtons' own description above the
    buttons; to keep a name beside them on one row, leave ``description`` empty and
    wrap them with :func:`labelled`.
    """
    buttons = widgets.ToggleButtons(options=list(options), value=value, description=description,
                                    style={"button_width": "auto"},
                                    layout=widgets.Layout(width="auto"))
    buttons.add_class("explorer-choice")
    return buttons


def labelled(text: str, control: widgets.Widget) -> widgets.HBox:
    """``control`` with ``text`` in front of it, the two kept together on one row."""
    return widgets.HBox([widgets.Label(text), control],
                        layout=widgets.Layout(align_items="center"))


def choice_slider(options: Sequence, value: object, description: str) -> widgets.SelectionSlider:
    """A slider over ``options`` (``(label, value)`` pairs or plain values), on ``value``.

    For an ordered range of choices, such as sizes. Arrow keys move a focused slider to
    the next choice; the readout shows the option's label.
    """
    return widgets.SelectionSlider(options=list(options), value=value, description=description,
                                   continuous_update=False)


class Explorer:
    """Controls, a button, a status line and a chart image, run in one safe order.

    ``run_seconds`` is how long the last run took in the kernel, from the start of
    :meth:`busy` to the new chart handed to the browser, ``draw_seconds`` the part of it
    spent drawing the chart, and ``run_count`` counts the runs (a name of its own:
    explorers keep their measurements in attributes such as ``runs``). A hidden field in
    the widget (CSS class ``explorer-run-seconds``) carries them, as ``"count seconds
    draw png_bytes"``, so that a browser test can tell the kernel's part of a click
    from the browser's.
    """

    def __init__(self, controls: Sequence[widgets.Widget], button: str = "Run") -> None:
        self.button = widgets.Button(description=button, button_style="primary", icon="play")
        self.status = widgets.HTML()
        self.status.add_class("explorer-status")
        self.image = widgets.Image(format="png", layout=widgets.Layout(
            max_width="100%", height="auto", align_self="flex-start"))
        self.image.add_class("explorer-chart")
        self.run_seconds: float | None = None
        self.draw_seconds: float | None = None
        self.run_count = 0
        #: The chart's last layout, reused while its labels stay the same.
        self.layout = LayoutMemo()
        self.run_seconds_field = widgets.HTML(layout=widgets.Layout(display="none"))
        self.run_seconds_field.add_class("explorer-run-seconds")
        self._started: float | None = None
        self.button.on_click(lambda _button: self.run())
        self.controls = widgets.HBox([*controls, self.button],
                                     layout=widgets.Layout(flex_flow="row wrap"))
        self.widget = widgets.VBox(
            [self.controls, self.status, self.image, self.run_seconds_field])
        self.widget.add_class("course-explorer")

    def run(self) -> object:
        """Measure with the controls' values and redraw (each explorer says how)."""
        raise NotImplementedError

    @staticmethod
    def choose(control: widgets.ValueWidget, value: object = None, name: str = "") -> object:
        """Set ``control`` to ``value`` if one is given; return the control's value.

        A value the control does not offer is refused with a ValueError that lists the
        choices (a slider would quietly clamp it, and the run would measure another).
        """
        if value is None:
            return control.value
        name = name or getattr(control, "description", "") or "value"
        if isinstance(control, widgets.IntSlider):
            if isinstance(value, bool) or not isinstance(value, int) or not (
                    control.min <= value <= control.max):
                raise ValueError(f"{name} must be a whole number from {control.min} to "
                                 f"{control.max}, not {value!r}")
        else:
            values = [o[1] if isinstance(o, tuple) else o for o in control.options]
            if value not in values:
                raise ValueError(f"{name} {value!r} is not one of the choices "
                                 f"{', '.join(map(str, values))}")
        control.value = value
        return value

    @contextmanager
    def busy(self, text: str) -> Iterator[None]:
        """Disable the button and show ``text`` while the block measures and redraws.

        The button comes back only when the block is over, that is after the new chart
        is shown. If the block raises, the status says so and the error goes on.
        """
        self.button.disabled = True
        self.say(text)
        self._started = time.perf_counter()
        try:
            yield
        except BaseException as err:
            self.say(f"Stopped: {type(err).__name__}: {err}")
            raise
        finally:
            self._started = None
            self.button.disabled = False

    def say(self, html: str) -> None:
        """Write ``html`` in the status line (a paragraph, which may wrap)."""
        self.status.value = f'<div style="line-height: 1.45">{html}</div>'

    def show(self, fig: Figure | Callable[[], Figure]) -> None:
        """Put ``fig`` into the explorer's image, at the figure's own size.

        ``fig`` is a Figure, or a function that makes one (then the time spent drawing
        counts the making too). The PNG has twice the pixels of its size on screen
        (crisp on high-DPI screens); the image is given its CSS width, so that it is
        neither stretched to the width of the notebook nor blurred. The chart's layout
        is kept (:class:`helpers.plots.LayoutMemo`) and reused while its labels stay
        the same: most clicks change the data, not the labels.
        """
        begin = time.perf_counter()
        png = figure_png(fig() if callable(fig) else fig, layout=self.layout)
        width, _height = css_size(png)
        self.image.layout.width = f"{width}px"
        self.image.value = png
        done = time.perf_counter()
        self.draw_seconds = done - begin
        if self._started is not None:
            self.run_seconds = done - self._started
            self.run_count += 1
            self.run_seconds_field.value = (
                f"{self.run_count} {self.run_seconds:.4f} {self.draw_seconds:.4f} {len(png)}")

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
