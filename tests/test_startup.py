"""helpers.startup: start-up cost per start method, its chart and explorer, the fork hazard."""

import multiprocessing

import pytest

from helpers import startup
from helpers.system import START_METHODS
from helpers.timing import Timing

HAS_FORK = "fork" in multiprocessing.get_all_start_methods()


def test_available_methods_are_the_platforms_in_course_order():
    methods = startup.available_methods()
    assert "spawn" in methods
    assert set(methods) == set(multiprocessing.get_all_start_methods()) & set(START_METHODS)
    assert list(methods) == [m for m in START_METHODS if m in methods]


@pytest.mark.parametrize("method", startup.available_methods())
def test_start_and_join_returns_seconds_and_leaves_no_child(method):
    seconds = startup.start_and_join(method, 2)
    assert seconds > 0
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("bad", [0, -1])
def test_start_and_join_rejects_no_processes(bad):
    with pytest.raises(ValueError, match="1 or more"):
        startup.start_and_join("spawn", bad)


def test_start_and_join_rejects_bad_timeout_and_method():
    with pytest.raises(ValueError, match="timeout"):
        startup.start_and_join("spawn", 1, timeout=0)
    with pytest.raises(ValueError, match="Unknown start method"):
        startup.start_and_join("clone", 1)


def test_startup_cost_is_per_process_and_labelled():
    cost = startup.startup_cost("spawn", processes=2, repeats=2, warmup=0)
    assert isinstance(cost, Timing) and cost.label == "spawn" and len(cost.times) == 2
    assert all(t > 0 for t in cost.times)


def test_startup_cost_starts_one_process_at_a_time_by_default(monkeypatch):
    started = []

    def fake_start_and_join(method, processes, timeout):
        started.append((method, processes))
        return 0.01 * processes

    monkeypatch.setattr(startup, "start_and_join", fake_start_and_join)
    cost = startup.startup_cost("spawn", repeats=2, warmup=1)
    assert started == [("spawn", 1)] * 3  # one warm-up, two timed runs
    assert len(cost.times) == 2 and cost.label == "spawn"
    started.clear()
    costs = startup.compare_methods(["spawn", "fork"], repeats=1)
    assert list(costs) == ["spawn", "fork"]
    assert {n for _, n in started} == {1}


def test_compare_methods_measures_each_method_asked():
    costs = startup.compare_methods(["spawn"], processes=1, repeats=1)
    assert list(costs) == ["spawn"]
    with pytest.raises(ValueError, match="at least one"):
        startup.compare_methods([], processes=1, repeats=1)


def test_startup_chart_draws_bars_and_only_the_guesses_given():
    costs = {"fork": Timing((0.004, 0.005, 0.006), "fork"),
             "spawn": Timing((0.04, 0.05, 0.06), "spawn")}
    fig = startup.startup_chart(costs, {"fork": 10, "spawn": None})
    ax = fig.axes[0]
    assert [p.get_width() for p in ax.patches] == pytest.approx([5.0, 50.0])
    assert len(ax.collections) == 2  # the error lines and one set of guess markers
    assert "milliseconds" in ax.get_xlabel()
    assert fig._repr_png_().startswith(b"\x89PNG")


def test_startup_chart_rejects_empty_costs_and_bad_guesses():
    with pytest.raises(ValueError, match="at least one"):
        startup.startup_chart({})
    with pytest.raises(ValueError, match="milliseconds"):
        startup.startup_chart({"spawn": Timing((0.05,))}, {"spawn": "fast"})


def test_explorer_draws_on_creation_and_a_click_adds_a_point():
    explorer = startup.StartupExplorer(methods=["spawn"], max_processes=3, repeats=1,
                                       processes=1)
    assert bytes(explorer.image.value).startswith(b"\x89PNG")
    assert sorted(explorer.timings["spawn"]) == [1, 2]  # 1, 2 and processes, which is 1
    assert explorer.slider.value == 1
    first = bytes(explorer.image.value)
    explorer.slider.value = 3
    explorer.button.click()
    assert sorted(explorer.timings["spawn"]) == [1, 2, 3]
    assert bytes(explorer.image.value) != first
    assert "3 processes" in explorer.status.value
    line = explorer.chart().axes[0].lines[0]
    assert list(line.get_xdata()) == [1, 2, 3]


def test_explorer_picks_the_method_with_buttons_and_draws_a_line_each():
    methods = startup.available_methods()
    explorer = startup.StartupExplorer(methods=methods, max_processes=2, repeats=1,
                                       processes=2)
    assert list(explorer.method.options) == list(methods)
    other = next((m for m in methods if m != explorer.method.value), None)
    if other is None:
        pytest.skip("one start method only on this platform")
    explorer.method.value = other
    explorer.button.click()
    assert f"<b>{other}</b>" in explorer.status.value
    assert [line.get_label() for line in explorer.chart().axes[0].lines] == [
        m for m in methods if m in explorer.timings]


def test_explorer_warms_each_method_up_once_with_one_process(monkeypatch):
    import helpers.widgets.startup as explorer_module

    started = []

    def fake_start_and_join(method, processes):
        started.append((method, processes))
        return 0.01 * processes

    monkeypatch.setattr(explorer_module, "start_and_join", fake_start_and_join)
    methods = startup.available_methods()
    explorer = startup.StartupExplorer(methods=methods, max_processes=3, repeats=2,
                                       processes=3)
    first = explorer.method.value
    # A warm-up of one process, then each count twice (the timed runs).
    assert started == [(first, 1)] + [(first, n) for n in (1, 1, 2, 2, 3, 3)]
    other = next((m for m in methods if m != first), first)
    started.clear()
    explorer.run(other, 3)
    assert started == ([] if other == first else [(other, 1)]) + [(other, 3)] * 2


def test_explorer_rejects_bad_arguments():
    with pytest.raises(ValueError, match="1 or more"):
        startup.StartupExplorer(methods=["spawn"], max_processes=0)
    with pytest.raises(ValueError, match="at least one"):
        startup.StartupExplorer(methods=[])
    with pytest.raises(ValueError, match="not available"):
        startup.StartupExplorer(methods=["clone"])


@pytest.mark.skipif(not HAS_FORK, reason="no fork on this platform")
def test_a_forked_child_cannot_take_a_lock_another_thread_held():
    result = startup.fork_while_locked(hold=1.0, wait=0.3)
    assert result.child_got_lock is False
    assert result.parent_got_lock is True
    assert multiprocessing.active_children() == []


@pytest.mark.skipif(not HAS_FORK, reason="no fork on this platform")
def test_fork_while_locked_rejects_a_wait_longer_than_the_hold():
    with pytest.raises(ValueError, match="shorter"):
        startup.fork_while_locked(hold=0.5, wait=1.0)


@pytest.mark.skipif(not HAS_FORK, reason="no fork on this platform")
def test_fork_warnings_is_a_list_of_texts():
    caught = startup.fork_warnings()
    assert isinstance(caught, list) and all(isinstance(w, str) for w in caught)
