"""SpeedupPredictor (notebook 04): predicts, measures on a click, redraws; plus its charts."""

import pytest

from helpers.model import OverheadModel
from helpers.plots import amdahl_chart, prediction_chart, weak_scaling_chart
from helpers.widgets import SpeedupPredictor

MODEL = OverheadModel(startup=0.01, per_process=0.005, per_task=2e-5, work_factor=1.0,
                      seconds_per_unit=1e-7, cpus=2)


def small_predictor(**kwargs):
    return SpeedupPredictor(model=MODEL, sizes=[200, 2000], tasks=4, repeats=1, **kwargs)


def test_draws_on_creation_and_a_click_adds_a_point_and_changes_the_chart():
    w = small_predictor()
    assert w.image.value[:4] == b"\x89PNG" and len(w.points) == 1
    first = w.image.value
    w.size.value, w.slider.value = 200, 1
    w.button.click()
    assert (200, 1) in w.points and len(w.points) == 2
    assert w.image.value != first
    predicted, measured = w.points[(200, 1)]
    assert predicted == pytest.approx(MODEL.predict_speedup(200, 1, 4)) and measured > 0
    assert "predicted" in w.status.value and "measured" in w.status.value


def test_changing_the_choice_shows_the_prediction_before_measuring():
    w = small_predictor()
    w.slider.value = 2
    w.size.value = 200
    assert "predicted speedup" in w.status.value
    assert f"{MODEL.predict_speedup(200, 2, 4):.2f}x" in w.status.value


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


def test_charts_draw():
    assert amdahl_chart([1, 2], [1.0, 1.8], 0.1, usable=2).axes
    assert weak_scaling_chart([1, 2, 3], [1.0, 1.05, 1.6], usable=2).axes
    assert prediction_chart(MODEL, [100, 10_000], 2, 8, [(100, 2, 0.1)]).axes
