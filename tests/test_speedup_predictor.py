"""SpeedupPredictor (notebook 04): predicts, measures on a click, redraws; plus its charts."""

import ipywidgets as widgets
import pytest

from helpers.model import OverheadModel
from helpers.plots import amdahl_chart, figure_png, prediction_chart, weak_scaling_chart
from helpers.widgets import SpeedupPredictor, speedup_text

MODEL = OverheadModel(startup=0.01, per_process=0.005, per_task=2e-5, work_factor=1.0,
                      seconds_per_unit=1e-7, cpus=2)


def small_predictor(**kwargs):
    return SpeedupPredictor(model=MODEL, sizes=[200, 2000], tasks=4, repeats=1, **kwargs)


def test_draws_on_creation_and_a_click_adds_a_point_and_changes_the_chart():
    w = small_predictor()
    assert w.image.value[:4] == b"\x89PNG" and len(w.points) == 2  # both sizes offered
    assert w.size.value == 2000  # the middle size, measured last
    first = w.image.value
    n = 1 if w.slider.value != 1 else 2  # a count not measured on creation (the usable CPUs)
    w.size.value, w.slider.value = 200, n
    w.button.click()
    assert (200, n) in w.points and len(w.points) == 3
    assert w.image.value != first
    predicted, measured = w.points[(200, n)]
    assert predicted == pytest.approx(MODEL.predict_speedup(200, n, 4)) and measured > 0
    assert "predicted" in w.status.value and "measured" in w.status.value
    assert f"measured <b>{speedup_text(measured)}</b>" in w.status.value


def test_changing_the_choice_shows_the_prediction_before_measuring():
    w = small_predictor()
    w.slider.value = 2
    w.size.value = 200
    assert "predicted speedup" in w.status.value
    assert f"{speedup_text(MODEL.predict_speedup(200, 2, 4))}" in w.status.value


def test_sizes_are_a_slider_labelled_with_the_iterations():
    w = small_predictor()
    assert isinstance(w.size, widgets.SelectionSlider)
    assert list(w.size.options) == [("200", 200), ("2,000", 2000)]


def test_the_status_keeps_three_significant_digits_where_the_pool_is_far_slower():
    slow = OverheadModel(startup=1.0, per_process=0.5, per_task=0.1, work_factor=1.0,
                         seconds_per_unit=1e-9, cpus=2)
    w = SpeedupPredictor(model=slow, sizes=[10], tasks=2, repeats=1)
    predicted, _ = w.points[(10, w.slider.value)]
    assert predicted < 0.001
    assert f"predicted {speedup_text(predicted)}" in w.status.value
    assert "0.00x" not in w.status.value


def test_the_chart_labels_plain_numbers_and_keeps_every_point_in_view():
    measured = [(100, 1, 0.05), (100, 2, 0.05), (100, 4, 0.05)]
    fig = prediction_chart(MODEL, [100, 10_000], 2, 8, measured)
    ax = fig.axes[0]
    figure_png(fig)  # tick labels are made when the chart is drawn
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert "1" in labels and "0.1" in labels and not any("$" in t for t in labels)
    assert "1,000" in [t.get_text() for t in ax.get_xticklabels()]
    points = [line for line in ax.get_lines() if line.get_linestyle() == "None"]
    xs = [line.get_xdata()[0] for line in points]
    assert len(set(xs)) == 3  # same size, moved a little apart
    assert len({line.get_marker() for line in points}) == 3  # and told apart by shape


def test_sweep_measures_every_size():
    w = small_predictor()
    rows = w.sweep(processes=2)
    assert [r[0] for r in rows] == [200, 2000]
    assert all(p > 0 and m > 0 for _, p, m in rows)


@pytest.mark.parametrize("kwargs, error", [
    ({"sizes": [0]}, ValueError), ({"tasks": 0}, ValueError), ({"repeats": 0}, ValueError),
    ({"max_processes": -1}, ValueError),
])
def test_bad_arguments_are_refused(kwargs, error):
    args = {"model": MODEL, "sizes": [200], "tasks": 2, "repeats": 1, **kwargs}
    with pytest.raises(error):
        SpeedupPredictor(**args)


def test_run_refuses_a_size_it_does_not_offer():
    with pytest.raises(ValueError, match="one of"):
        small_predictor().run(size=12345)
    with pytest.raises(ValueError, match="from 1 to"):
        small_predictor(max_processes=2).run(processes=3)


def test_charts_draw():
    assert amdahl_chart([1, 2], [1.0, 1.8], 0.1, usable=2).axes
    assert weak_scaling_chart([1, 2, 3], [1.0, 1.05, 1.6], usable=2).axes
    assert prediction_chart(MODEL, [100, 10_000], 2, 8, [(100, 2, 0.1)]).axes
