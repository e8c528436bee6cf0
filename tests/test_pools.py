"""helpers.pools, the chunksize chart, the ChunksizeExplorer and the workers of 03_pools."""

import functools

import pytest

from helpers.plots import chunksize_chart, figure_png
from helpers.pools import (
    ChunksizeSweep,
    busiest_share,
    chunksize_sweep,
    default_chunksize,
    long_tail_tasks,
    number_of_chunks,
    results_within,
)
from helpers.system import get_context
from helpers.timing import Timing
from helpers.widgets import ChunksizeExplorer, processes_text
from helpers.workers import cpu_task, io_task, reciprocal, result_or_error, square, which_process

TINY = [50] * 200


@pytest.mark.parametrize(("n", "p", "expected"), [
    (1000, 4, 63), (4, 4, 1), (10, 2, 2), (16, 1, 4), (17, 1, 5), (0, 3, 0), (1, 8, 1),
])
def test_default_chunksize_follows_pool_map(n, p, expected):
    assert default_chunksize(n, p) == expected


def test_default_chunksize_matches_what_pool_map_really_sends():
    # Pool.map's own rule, read from its source: divmod, then round up.
    for n in (1, 7, 63, 1000, 1001):
        for p in (1, 2, 3, 4):
            chunksize, extra = divmod(n, p * 4)
            assert default_chunksize(n, p) == chunksize + bool(extra)


def test_number_of_chunks_rounds_up():
    assert number_of_chunks(1000, 63) == 16
    assert number_of_chunks(10, 5) == 2 and number_of_chunks(0, 5) == 0


@pytest.mark.parametrize("bad", [0, -2, 1.5, None, True])
def test_bad_process_counts_and_chunksizes_are_refused(bad):
    with pytest.raises((TypeError, ValueError)):
        default_chunksize(10, bad)
    with pytest.raises((TypeError, ValueError)):
        number_of_chunks(10, bad)


def test_bad_item_counts_are_refused():
    with pytest.raises(ValueError, match="0 or more"):
        default_chunksize(-1, 2)
    with pytest.raises(ValueError, match="0 or more"):
        number_of_chunks(2.5, 2)


def test_results_within_yields_imap_results_in_order():
    with get_context().Pool(2) as pool:
        assert list(results_within(pool.imap(square, range(6)), timeout=30)) == [
            0, 1, 4, 9, 16, 25]
        got = sorted(results_within(pool.imap_unordered(square, range(6)), timeout=30))
    assert got == [0, 1, 4, 9, 16, 25]


def test_results_within_refuses_chunked_imap_with_a_clear_error():
    # With chunksize > 1, imap returns a plain generator: it cannot wait with a timeout.
    with get_context().Pool(2) as pool:
        chunked = pool.imap(square, range(10), chunksize=3)
        with pytest.raises(TypeError, match="keep chunksize=1") as info:
            list(results_within(chunked, timeout=30))
        assert "map_async" in str(info.value)
        # chunksize=1 said out loud is fine: the pool's own iterator comes back
        got = list(results_within(pool.imap(square, range(4), chunksize=1), timeout=30))
    assert got == [0, 1, 4, 9]


def test_results_within_gives_up_after_the_timeout():
    with get_context().Pool(1) as pool:
        with pytest.raises(TimeoutError, match="within 0.2 s"):
            list(results_within(pool.imap(io_task, [3.0]), timeout=0.2))


def test_results_within_refuses_bad_arguments():
    with pytest.raises(TypeError, match="imap"):
        list(results_within([1, 2, 3]))
    with pytest.raises(TypeError, match="imap"):
        list(results_within(x for x in [1, 2, 3]))
    with get_context().Pool(1) as pool:
        with pytest.raises(ValueError, match="positive"):
            list(results_within(pool.imap(square, [1]), timeout=0))


def test_chunksize_sweep_times_each_chunksize_once_per_repeat():
    sweep = chunksize_sweep(cpu_task, TINY, [1, 10, 100], processes=2, repeats=2)
    assert sweep.chunksizes == (1, 10, 100) and sweep.processes == 2
    assert [len(t.times) for t in sweep.timings] == [2, 2, 2]
    assert sweep.n_items == len(TINY) and sweep.best_chunksize in (1, 10, 100)
    assert sweep.gain_over(1) == pytest.approx(sweep.timing(1).median / sweep.best.median)
    assert sweep.gain_over(1) >= 1.0
    assert "chunksize" in sweep.table() and "loop" in sweep.table()


def test_chunksize_sweep_interleaved_times_the_loop_in_turns_with_each_chunksize():
    work = [50] * 190 + [2000] * 10
    sweep = chunksize_sweep(cpu_task, work, [1, 100], processes=2, repeats=2,
                            interleave=True, work=work)
    assert len(sweep.serial.times) == 2 and sweep.serial.label == "loop"
    assert [len(t.times) for t in sweep.timings] == [2, 2]
    assert sweep.work == tuple(float(w) for w in work)
    assert sweep.gain_over_loop() == pytest.approx(sweep.serial.median / sweep.best.median)
    # chunksize 100 puts all ten long tasks in the second chunk
    assert sweep.most_possible(100) == pytest.approx(sum(work) / (90 * 50 + 10 * 2000))
    table = sweep.table()
    assert "at most" in table.splitlines()[0]
    assert f"{sweep.most_possible(1):7.2f}" in table.splitlines()[2]


def test_chunksize_sweep_refuses_a_serial_timing_with_interleave_and_bad_work():
    with pytest.raises(ValueError, match="interleave"):
        chunksize_sweep(square, [1, 2], [1], interleave=True, serial=Timing((1.0,)))
    with pytest.raises(ValueError, match="one number per item"):
        chunksize_sweep(square, [1, 2], [1], work=[1])


def test_a_sweep_without_work_has_no_bound():
    t = Timing((0.1,))
    sweep = ChunksizeSweep(2, (1, 10), (t, t), t, 10)
    assert sweep.most_possible(1) is None and "at most" not in sweep.table()
    assert sweep.beyond_possible() == []


def test_beyond_possible_names_the_chunksizes_that_beat_their_chunks():
    loop = Timing((1.0,))
    work = (1.0, 1.0, 1.0, 1.0)  # chunksize 2: at most 2x; chunksize 4: at most 1x
    sweep = ChunksizeSweep(2, (2, 4), (Timing((0.55,)), Timing((0.8,))), loop, 4, work=work)
    assert sweep.beyond_possible() == [4]  # 1.25x with one chunk: the load changed
    assert sweep.beyond_possible(tolerance=0.3) == []


def test_long_tail_tasks_are_mostly_short_with_a_long_end():
    tasks = long_tail_tasks(100, size=10, slow_share=0.1, slow_factor=5)
    assert tasks == [10] * 90 + [50] * 10
    assert long_tail_tasks(100, size=10) == long_tail_tasks(100, size=10)  # always the same
    assert len(long_tail_tasks()) == 1000 and max(long_tail_tasks()) == 40 * min(long_tail_tasks())
    assert long_tail_tasks(5, size=3, slow_share=0) == [3] * 5


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"n_tasks": 0}, "n_tasks"), ({"size": -1}, "size"), ({"slow_factor": 0}, "slow_factor"),
    ({"slow_share": 1.5}, "between 0 and 1"), ({"slow_share": "half"}, "between 0 and 1"),
])
def test_long_tail_tasks_refuse_bad_arguments(kwargs, words):
    with pytest.raises((TypeError, ValueError), match=words):
        long_tail_tasks(**kwargs)


def test_busiest_share_plays_out_how_processes_take_chunks():
    assert busiest_share([1, 1, 1, 1], 2, 2) == 0.5  # balanced
    assert busiest_share([1, 1, 1, 5], 2, 2) == 0.75  # the long task's chunk decides
    assert busiest_share([1, 1, 1, 5], 1, 2) == 0.75  # the long task comes last: 1 + 5
    assert busiest_share([1] * 10, 10, 4) == 1.0  # one chunk: one process does everything
    assert busiest_share([1] * 8, 1, 1) == 1.0
    # a process that is free takes the next chunk: 3 short chunks go to the other process
    assert busiest_share([4, 1, 1, 1], 1, 2) == pytest.approx(4 / 7)
    tasks = long_tail_tasks(1000, size=1)
    assert busiest_share(tasks, 1000, 2) == 1.0
    assert busiest_share(tasks, 10, 2) < busiest_share(tasks, 125, 2)


def test_busiest_share_refuses_bad_arguments():
    with pytest.raises(ValueError, match="at least one task"):
        busiest_share([], 1, 2)
    with pytest.raises(ValueError, match="none negative"):
        busiest_share([1, -1], 1, 2)
    with pytest.raises(ValueError, match="1 or more"):
        busiest_share([1, 2], 0, 2)
    with pytest.raises(ValueError, match="1 or more"):
        busiest_share([1, 2], 1, 0)


def test_chunksize_sweep_reuses_a_given_serial_timing():
    serial = Timing((1.0, 1.0), "loop")
    sweep = chunksize_sweep(cpu_task, TINY, [5], processes=1, repeats=1, serial=serial)
    assert sweep.serial is serial


def test_chunksize_sweep_refuses_bad_arguments():
    with pytest.raises(ValueError, match="at least one task"):
        chunksize_sweep(square, [], [1])
    with pytest.raises(ValueError, match="at least one chunksize"):
        chunksize_sweep(square, [1, 2], [])
    with pytest.raises(ValueError, match="1 or more"):
        chunksize_sweep(square, [1, 2], [0])
    with pytest.raises(ValueError, match="1 or more"):
        chunksize_sweep(square, [1, 2], [1], processes=0)
    with pytest.raises(TypeError, match="cannot be sent"):
        chunksize_sweep(lambda x: x, [1, 2], [1])


def test_sweep_timing_of_an_unmeasured_chunksize_is_a_clear_error():
    t = Timing((0.1,))
    sweep = ChunksizeSweep(2, (1, 10), (t, t), t, 10)
    with pytest.raises(KeyError, match="not measured"):
        sweep.timing(5)


def test_chunksize_chart_has_a_log_axis_a_line_per_sweep_and_the_loop():
    fast, slow = Timing((0.1, 0.2)), Timing((0.5, 0.6))
    sweeps = [ChunksizeSweep(1, (1, 10), (slow, fast), slow, 100),
              ChunksizeSweep(2, (1, 10, 100), (slow, fast, slow), slow, 100)]
    fig = chunksize_chart(sweeps, mark=(2, 10))
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert "chunksize" in ax.get_xlabel()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["plain loop", "1 process", "2 processes"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "10", "100"]
    assert figure_png(fig).startswith(b"\x89PNG")
    assert not [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    with pytest.raises(ValueError, match="at least one"):
        chunksize_chart([])


def test_chunksize_chart_draws_what_the_chunks_allow_when_the_work_is_known():
    loop = Timing((1.0,))
    work = (1.0, 1.0, 1.0, 5.0)
    sweep = ChunksizeSweep(2, (1, 2, 4), (Timing((0.7,)),) * 3, loop, 4, work=work)
    ax = chunksize_chart(sweep).axes[0]
    dotted = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert len(dotted) == 1
    assert list(dotted[0].get_ydata()) == pytest.approx([6 / 8, 6 / 8, 1.0])
    assert any("least time" in t.get_text() for t in ax.get_legend().get_texts())


def test_chunksize_explorer_draws_on_creation_and_a_click_changes_the_chart():
    explorer = ChunksizeExplorer(cpu_task, TINY, max_processes=2, repeats=1,
                                 chunksizes=[1, 10, 100])
    first_image = bytes(explorer.image.value)
    assert first_image.startswith(b"\x89PNG")
    n = explorer.slider.value
    assert [s.chunksizes for s in explorer.sweeps] == [(1,)]
    assert f"<b>{processes_text(n)}, chunksize 1</b>" in explorer.status.value
    loops_before = len(explorer.serial.times)
    explorer.chunk_slider.value = 100
    explorer.button.click()
    # the loop is timed again on every run, in turns with the pool
    assert len(explorer.serial.times) == loops_before + 1
    assert explorer.serial.times == explorer.loop_runs
    assert "timed in turns" in explorer.status.value
    assert [s.chunksizes for s in explorer.sweeps] == [(1, 100)]
    assert bytes(explorer.image.value) != first_image
    assert "chunksize 100</b>" in explorer.status.value and "2 messages" in explorer.status.value
    explorer.run(processes=1, chunksize=10)
    assert [s.processes for s in explorer.sweeps] == sorted({1, n})
    assert explorer.last == (1, 10)
    assert explorer.chunk_slider in explorer.widget.children[0].children


def test_chunksize_explorer_refuses_bad_chunksizes():
    with pytest.raises(ValueError, match="1 or more"):
        ChunksizeExplorer(cpu_task, TINY, chunksizes=[0, 1], repeats=1)
    with pytest.raises(ValueError, match="not one of the choices"):
        ChunksizeExplorer(cpu_task, TINY, chunksizes=[1, 10], chunksize=5, repeats=1)
    explorer = ChunksizeExplorer(cpu_task, TINY, max_processes=1, repeats=1, chunksizes=[1, 10])
    with pytest.raises(ValueError, match="not one of the choices"):
        explorer.run(chunksize=7)


def test_reciprocal_raises_for_zero():
    assert reciprocal(4) == 0.25
    with pytest.raises(ZeroDivisionError):
        reciprocal(0)


def test_result_or_error_hands_back_the_exception():
    assert result_or_error(reciprocal, 2) == 0.5
    err = result_or_error(reciprocal, 0)
    assert isinstance(err, ZeroDivisionError)


def test_result_or_error_keeps_every_result_of_a_pool_map():
    with get_context().Pool(2) as pool:
        got = pool.map_async(functools.partial(result_or_error, reciprocal),
                             [1, 0, 4]).get(timeout=60)
    assert got[0] == 1.0 and got[2] == 0.25 and isinstance(got[1], ZeroDivisionError)


def test_a_worker_error_reaches_the_caller_with_the_remote_traceback():
    with get_context().Pool(1) as pool:
        with pytest.raises(ZeroDivisionError) as info:
            pool.map_async(reciprocal, [1, 0]).get(timeout=60)
    assert "reciprocal" in str(info.value.__cause__)


def test_bar_chart_log_scale_shows_microseconds_and_seconds():
    from helpers.plots import bar_chart, seconds_text

    fig = bar_chart([Timing((2e-6,), "loop"), Timing((0.3,), "pool")], log=True)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and "log scale" in ax.get_xlabel()
    assert [t.get_text() for t in ax.texts] == ["2.0 µs", "0.30 s"]
    assert bar_chart([Timing((1.0,))]).axes[0].get_xscale() == "linear"
    assert [seconds_text(s) for s in (1.5, 0.0371, 0.0037, 2e-6)] == [
        "1.50 s", "0.04 s", "3.7 ms", "2.0 µs"]


def test_close_to_best_names_the_chunksizes_whose_runs_overlap_the_best():
    loop = Timing((1.0,))
    sweep = ChunksizeSweep(2, (1, 10, 100), (Timing((0.9, 1.0)), Timing((0.50, 0.60)),
                                             Timing((0.55, 0.70))), loop, 1000)
    assert sweep.best_chunksize == 10 and sweep.close_to_best() == [100]
    apart = ChunksizeSweep(2, (1, 10), (Timing((0.9, 1.0)), Timing((0.5, 0.6))), loop, 1000)
    assert apart.close_to_best() == []


def test_watch_pools_sees_the_pool_and_the_map_and_bounds_it():
    from helpers.pools import watch_pools

    with watch_pools(timeout=30) as watch:
        with get_context().Pool(2) as pool:
            assert pool.map(square, range(10), chunksize=5) == [x * x for x in range(10)]
    assert [p for _, p in watch.pools] == [2]
    assert [(c.func, c.n_items, c.chunksize) for c in watch.maps] == [(square, 10, 5)]
    assert watch.still_running() == []
    with watch_pools() as watch:
        with get_context().Pool(1) as pool:
            with pytest.raises(TypeError, match="chunksize"):
                pool.map(square, [1, 2], chunksize="2")
    from multiprocessing.pool import Pool
    assert Pool.map.__name__ == "map"  # put back


def test_a_pool_worker_cannot_start_a_pool_of_its_own():
    from helpers.pools import pool_inside_worker

    with get_context().Pool(1) as pool:
        with pytest.raises(AssertionError, match="daemonic"):
            pool.apply(pool_inside_worker, (2,))


def test_slow_which_process_names_the_process():
    import os

    from helpers.workers import slow_which_process

    assert slow_which_process("a", 0) == ("a", os.getpid())


def test_a_sweep_refuses_a_pool_whose_results_differ_from_the_loop():
    # which_process returns the pid of the process that ran it: the loop's differs from
    # a worker's, in the warm-up and in every timed run
    with pytest.raises(AssertionError, match="results differ"):
        chunksize_sweep(which_process, range(4), [1, 2], processes=1, repeats=1)
