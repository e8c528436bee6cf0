"""helpers.plots: the charts hold the measured data and the ideal line."""

import pytest

from helpers.plots import amdahl_chart, bar_chart, figure_png, scaling_chart, weak_scaling_chart
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


def test_bar_chart_on_a_log_axis_draws_points_not_bars():
    fig = bar_chart([Timing((2e-6, 3e-6), "loop"), Timing((0.3, 0.4), "pool")], log=True)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and not ax.patches  # no bars
    assert [t.get_text() for t in ax.get_yticklabels()] == ["loop", "pool"]
    points = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert list(points[0].get_xdata()) == pytest.approx([2.5e-6, 0.35])


def test_amdahl_chart_covers_the_measured_counts_and_marks_the_extrapolation():
    fig = amdahl_chart([1, 2], [1.0, 1.8], 0.1, usable=2, tasks=6)
    ax = fig.axes[0]
    assert ax.get_xlim() == pytest.approx((0.5, 2.5))  # not on to 16 processes
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("extrapolated" in label for label in labels)
    ideal = next(line for line in ax.get_lines() if line.get_label().startswith("ideal"))
    assert list(ideal.get_ydata()) == [1, 2]


def test_amdahl_chart_ideal_line_stops_at_the_cpus():
    ax = amdahl_chart([1, 2, 3, 4], [1.0, 1.8, 1.9, 1.9], 0.05, usable=2).axes[0]
    ideal = next(line for line in ax.get_lines() if line.get_label().startswith("ideal"))
    assert list(ideal.get_ydata()) == [1, 2, 2, 2]


def test_weak_scaling_chart_shows_gustafsons_scaled_speedup():
    fig = weak_scaling_chart([1, 2, 4], [4.0, 4.0, 4.0], usable=4,
                             serial_times=[4.0, 6.0, 10.0])
    measured = next(line for line in fig.axes[1].get_lines() if line.get_label() == "measured")
    assert list(measured.get_ydata()) == pytest.approx([1.0, 1.5, 2.5])
