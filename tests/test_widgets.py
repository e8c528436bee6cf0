"""helpers.widgets: the explorer measures on creation and on every click."""

import pytest

from helpers.system import usable_cpus
from helpers.widgets import ProcessExplorer
from helpers.workers import cpu_task

SMALL = [20_000] * 4


def test_explorer_draws_its_first_chart_when_created():
    explorer = ProcessExplorer(cpu_task, SMALL, max_processes=3, repeats=1)
    assert bytes(explorer.image.value).startswith(b"\x89PNG")
    assert set(explorer.timings) == {1, 3, min(usable_cpus(), 3)}
    assert explorer.slider.value == min(usable_cpus(), 3)  # left on the usable CPUs
    assert "speedup" in explorer.status.value


def test_explorer_measures_the_initial_counts_asked_for():
    explorer = ProcessExplorer(cpu_task, SMALL, max_processes=2, repeats=1, initial=[2])
    assert list(explorer.timings) == [2]
    with pytest.raises(ValueError, match="1 or more"):
        ProcessExplorer(cpu_task, SMALL, max_processes=2, repeats=1, initial=[0])


def test_explorer_leaves_the_slider_on_the_last_count_asked_for():
    """With 1 usable CPU the first runs are 1, 2 x 1 and 1: the slider must end on 1."""
    explorer = ProcessExplorer(cpu_task, SMALL, max_processes=3, repeats=1, initial=[1, 3, 1])
    assert list(explorer.timings) == [3, 1]  # each count measured once
    assert explorer.slider.value == 1
    assert "<b>1 process</b>" in explorer.status.value


def test_clicking_run_measures_the_slider_value_and_redraws():
    explorer = ProcessExplorer(cpu_task, SMALL, max_processes=2, repeats=1, initial=[1])
    first_image, first_status = bytes(explorer.image.value), explorer.status.value
    other = 2
    explorer.slider.value = other
    explorer.button.click()
    assert other in explorer.timings and len(explorer.timings) == 2
    assert explorer.result.processes == (1, 2)
    assert bytes(explorer.image.value) != first_image
    assert explorer.status.value != first_status
    assert f"<b>{other} processes</b>" in explorer.status.value


def test_slider_goes_to_twice_the_usable_cpus_by_default():
    explorer = ProcessExplorer(cpu_task, [1000], repeats=1, initial=[1])
    assert explorer.slider.max == 2 * usable_cpus() and explorer.slider.min == 1


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="1 or more"):
        ProcessExplorer(cpu_task, SMALL, max_processes=-1)
    with pytest.raises(ValueError, match="at least one"):
        ProcessExplorer(cpu_task, [])
