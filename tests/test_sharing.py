"""helpers.sharing, its chart and its explorer: the race loses updates, the fixes are exact,
shared memory is summed without a copy and left clean."""

import numpy as np
import pytest

from helpers.plots.sharing import handoff_chart, strategies_chart
from helpers.sharing import (
    MANAGER_SHARE,
    STRATEGIES,
    Handoff,
    RaceResult,
    compare_handoff,
    compare_strategies,
    fill_slice,
    handoff_sizes,
    manager_cost,
    median_run,
    notebook_global,
    private_growth_after_reading,
    race,
    record_square,
    segment_exists,
    sum_shared,
    updates_for,
)
from helpers.startup import available_methods
from helpers.system import get_context
from helpers.widgets.sharing import SharingExplorer


def test_unlocked_counter_loses_updates():
    lost = [race("unlocked", 4, 20_000).lost for _ in range(3)]
    assert max(lost) > 0, f"no update lost in three runs: {lost}"
    assert all(0 <= x < 80_000 for x in lost)


@pytest.mark.parametrize("strategy", ["lock per update", "local sum, one add", "Manager"])
def test_every_fix_is_exact(strategy):
    result = race(strategy, 3, 2_000)
    assert result.total == result.expected == 3 * updates_for(strategy, 2_000)
    assert result.lost == 0 and result.seconds > 0


def test_manager_makes_fewer_updates():
    assert updates_for("Manager", 20_000) == 20_000 // MANAGER_SHARE
    assert updates_for("unlocked", 20_000) == 20_000


@pytest.mark.parametrize("args, error", [
    (("locked",), ValueError), (("unlocked", 0), ValueError), (("unlocked", 2, -5), ValueError),
    (("unlocked", 2, 10, None, None, 0), ValueError),
])
def test_race_rejects_bad_input(args, error):
    with pytest.raises(error):
        race(*args)


def test_race_result_reads_its_numbers():
    r = RaceResult("unlocked", 4, 100, 300, 0.04)
    assert (r.expected, r.lost, r.lost_fraction) == (400, 100, 0.25)
    assert r.per_update == pytest.approx(1e-4)


def test_compare_strategies_takes_turns_on_one_pool():
    runs = compare_strategies(processes=2, updates=3_000, repeats=2)
    assert list(runs) == list(STRATEGIES)
    assert all(len(results) == 2 for results in runs.values())
    for name in STRATEGIES[1:]:
        assert all(r.lost == 0 for r in runs[name]), name
    assert median_run(runs["unlocked"]) in runs["unlocked"]
    with pytest.raises(ValueError):
        median_run([])


def test_strategies_chart_has_both_panels():
    runs = {"unlocked": [RaceResult("unlocked", 4, 10, 6, 1e-4)],
            "Manager": [RaceResult("Manager", 4, 1, 4, 1e-3)]}
    fig = strategies_chart(runs)
    time_ax, lost_ax = fig.axes
    assert "µs" in time_ax.get_xlabel() and "%" in lost_ax.get_xlabel()
    with pytest.raises(ValueError):
        strategies_chart({})


def test_a_child_sees_a_copy_or_a_fresh_module():
    import __main__

    __main__.course_test_greeting = "set here"
    try:
        for method in available_methods():
            with get_context(method).Pool(1) as pool:
                seen, _ = pool.apply(notebook_global, ("course_test_greeting",))
            assert seen == ("'set here'" if method == "fork" else "'<no such name>'"), method
        assert __main__.course_test_greeting == "set here"  # the child's change stayed there
    finally:
        del __main__.course_test_greeting


def test_fill_slice_writes_through_to_the_parent():
    ctx = get_context()
    arr = ctx.Array("d", 6)
    p = ctx.Process(target=fill_slice, args=(arr, 2, 5, 7.0))
    p.start()
    p.join(60)
    assert list(arr) == [0, 0, 7, 7, 7, 0]


def test_managed_dict_and_list_and_their_cost():
    ctx = get_context()
    with ctx.Manager() as manager:
        squares, finished = manager.dict(), manager.list()
        p = ctx.Process(target=record_square, args=(squares, finished, 3))
        p.start()
        p.join(60)
        assert dict(squares) == {3: 9} and list(finished) == [3]
    managed, plain = manager_cost(200)
    assert managed > plain > 0
    with pytest.raises(ValueError):
        manager_cost(0)


def test_sum_shared_reads_a_block_by_name_and_leaves_it():
    from multiprocessing import shared_memory

    values = np.arange(1000, dtype=np.float64)
    shm = shared_memory.SharedMemory(create=True, size=values.nbytes)
    try:
        np.frombuffer(shm.buf, dtype=np.float64)[:] = values
        with get_context().Pool(1) as pool:
            assert pool.apply(sum_shared, (shm.name, 1000, 10, 20)) == sum(range(10, 20))
        assert segment_exists(shm.name)  # the worker closed, it did not unlink
    finally:
        shm.close()
        shm.unlink()
    assert not segment_exists(shm.name)


def test_handoff_sizes_fit_the_free_space():
    assert handoff_sizes(32) == [2**19, 2**21, 2**23, 2**25]
    small = handoff_sizes(32, free=8 * 2**20)
    assert max(small) <= 2 * 2**20 and all(s % 8 == 0 for s in small)
    for bad in (0, -1, "big"):
        with pytest.raises(ValueError):
            handoff_sizes(bad)


def test_compare_handoff_times_both_ways_and_cleans_up():
    result = compare_handoff([8192, 65536], repeats=1)
    assert result.sizes == (8192, 65536)
    assert all(t > 0 for t in result.pickled + result.shared)
    assert len(result.ratios) == 2
    assert handoff_chart(result).axes[0].get_xscale() == "log"
    with pytest.raises(ValueError):
        compare_handoff([])
    assert Handoff((8,), (2.0,), (1.0,)).ratios == [2.0]


def test_reading_after_fork_copies_pages():
    if "fork" not in available_methods():
        pytest.skip("no fork on this platform")
    grown = private_growth_after_reading([str(i) for i in range(100_000)])
    assert grown > 1_000_000  # refcounts written: megabytes of pages copied


def test_explorer_draws_when_created_and_a_click_adds_a_run():
    explorer = SharingExplorer(updates=2_000, processes=2)
    assert bytes(explorer.image.value).startswith(b"\x89PNG")
    assert list(explorer.runs) == ["unlocked"]
    first = bytes(explorer.image.value)
    explorer.strategy.value = "local sum, one add"
    explorer.button.click()
    assert explorer.runs["local sum, one add"][0].lost == 0
    assert bytes(explorer.image.value) != first
    assert "0 lost" in explorer.status.value and not explorer.button.disabled
    with pytest.raises(ValueError):
        SharingExplorer(strategy="none")
