"""helpers.plots: the charts hold the measured data and the ideal line."""

import pytest

from helpers.plots import bar_chart, figure_png, scaling_chart
from helpers.timing import Scaling, Timing


def test_bar_chart_has_one_bar_per_timing_at_the_median():
    fig = bar_chart([Timing((1.0, 3.0, 2.0), "serial"), Timing((0.5,), "threads")])
    ax = fig.axes[0]
    assert [bar.get_width() for bar in ax.patches] == [2.0, 0.5]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["serial", "threads"]


def test_bar_chart_needs_data():
    with pytest.raises(ValueError, match="at least one"):
        bar_chart([])


def test_scaling_chart_draws_measured_speedup_and_ideal_line():
    result = Scaling((1, 2), (Timing((2.0,)), Timing((1.25,))), Timing((2.0,)))
    fig = scaling_chart(result, usable=4)
    ax_time, ax_speed = fig.axes
    lines = {line.get_label(): line for line in ax_speed.get_lines()}
    assert list(lines["ideal"].get_ydata()) == [1, 4]
    assert list(lines["measured"].get_ydata()) == [1.0, 1.6]
    assert ax_time.get_ylabel() == "wall-clock time (s)"


def test_figures_show_themselves_as_png():
    fig = bar_chart([Timing((1.0,), "x")])
    assert fig._repr_png_().startswith(b"\x89PNG")
    assert figure_png(fig).startswith(b"\x89PNG")
