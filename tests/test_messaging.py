"""helpers.messaging, its chart and its explorer: the workers of 06_communication do what
they say, the deadlock is real and bounded, and the throughput measurement counts every byte."""

import pickle
import time
from multiprocessing.connection import wait

import pytest

from helpers import messaging
from helpers.messaging import (
    CHANNELS,
    ChannelBench,
    Report,
    Throughput,
    collatz_steps,
    measure_throughput,
    size_text,
)
from helpers.plots.messaging import throughput_chart
from helpers.system import get_context
from helpers.timing import Timing

ctx = get_context()


def test_the_source_texts_worker_sends_hello():
    q = ctx.Queue()
    p = ctx.Process(target=messaging.worker, args=(q,))
    p.start()
    assert q.get(timeout=30) == "Hello from process"
    p.join(30)
    assert p.exitcode == 0


def test_a_large_message_keeps_the_child_alive_until_it_is_read():
    q = ctx.Queue()
    p = ctx.Process(target=messaging.big_worker, args=(q, 1_000_000))
    p.start()
    p.join(timeout=2)
    assert p.is_alive() and p.exitcode is None  # it cannot exit: its message is not read
    message = q.get(timeout=30)
    assert len(message) == 1_000_000 and message.startswith("Hello from process")
    p.join(timeout=30)
    assert not p.is_alive() and p.exitcode == 0


def test_pipe_capacity_is_a_plausible_buffer_and_leaves_the_pipe_usable():
    reader, writer = ctx.Pipe(duplex=False)
    capacity = messaging.pipe_capacity(reader, writer, settle=0.2)
    assert 4096 <= capacity <= 4 * 2**20
    writer.send("still works")
    assert reader.recv() == "still works"
    reader.close()
    writer.close()


def test_consumers_stop_at_one_sentinel_each():
    inbox, outbox = ctx.Queue(), ctx.Queue()
    consumers = [ctx.Process(target=messaging.square_consumer, args=(inbox, outbox))
                 for _ in range(2)]
    for c in consumers:
        c.start()
    for n in range(12):
        inbox.put(n)
    for _ in consumers:
        inbox.put(None)
    results = [outbox.get(timeout=30) for _ in range(12)]
    for c in consumers:
        c.join(30)
    assert sorted((n, sq) for n, sq, _ in results) == [(n, n * n) for n in range(12)]
    assert [c.exitcode for c in consumers] == [0, 0]


def test_joinable_queue_join_returns_once_every_item_is_done():
    tasks, done = ctx.JoinableQueue(), ctx.Queue()
    workers = [ctx.Process(target=messaging.joinable_square, args=(tasks, done))
               for _ in range(2)]
    for w in workers:
        w.start()
    for n in range(6):
        tasks.put(n)
    tasks.join()
    assert sorted(done.get(timeout=30) for _ in range(6)) == [(n, n * n) for n in range(6)]
    for _ in workers:
        tasks.put(None)
    for w in workers:
        w.join(30)
    assert [w.exitcode for w in workers] == [0, 0]


def test_collatz_steps():
    assert [collatz_steps(n) for n in (1, 2, 3, 6, 27)] == [0, 1, 7, 8, 111]
    with pytest.raises(ValueError, match="positive"):
        collatz_steps(0)


def test_the_pipeline_agrees_with_a_loop():
    numbers, workers = range(1, 400), 3
    to_workers, to_writer, answer = ctx.Queue(), ctx.Queue(), ctx.Queue()
    stages = [ctx.Process(target=messaging.read_stage, args=(numbers, to_workers, workers))]
    stages += [ctx.Process(target=messaging.work_stage, args=(to_workers, to_writer))
               for _ in range(workers)]
    stages.append(ctx.Process(target=messaging.write_stage, args=(to_writer, workers, answer)))
    for s in stages:
        s.start()
    count, total, (longest, steps) = answer.get(timeout=60)
    for s in stages:
        s.join(30)
    assert count == len(numbers)
    assert total == sum(collatz_steps(n) for n in numbers)
    assert longest == max(numbers, key=collatz_steps) and steps == collatz_steps(longest)
    assert all(s.exitcode == 0 for s in stages)


def test_wait_sees_messages_and_process_ends_in_the_order_they_happen():
    readers, order = {}, []
    for label, seconds in [("slow", 0.8), ("fast", 0.0)]:
        reader, writer = ctx.Pipe(duplex=False)
        p = ctx.Process(target=messaging.report_after, args=(writer, seconds, label))
        p.start()
        writer.close()
        readers[reader] = p
    pending = list(readers)
    while pending:
        ready = wait(pending, timeout=30)
        assert ready, "nothing arrived within 30 s"
        for r in ready:
            order.append(r.recv())
            pending.remove(r)
            r.close()
    for p in readers.values():
        p.join(30)
    assert order == ["fast", "slow"]


def test_a_report_knows_how_long_it_waited():
    report = Report(0.5, 1000)
    assert report.waited is None  # not received yet
    report.sent_at -= 2.0  # as if sent 2 s ago
    received = pickle.loads(pickle.dumps(report))
    assert received.waited == pytest.approx(2.0, abs=0.5)
    assert len(received.data) == 1000 and received.seconds == 0.5


def test_two_writers_on_one_end_leave_nothing_running():
    seen = messaging.two_writers(nbytes=100_000, count=10)
    assert seen["sent"] == 20
    assert seen["intact"] + seen["mixed"] <= 20
    if seen["mixed"] == 0 and seen["error"] is None:
        assert seen["intact"] == 20  # no overlap this time: everything arrived
    import multiprocessing

    assert not [p for p in multiprocessing.active_children() if p.is_alive()]


def test_cancel_join_thread_lets_a_child_exit_without_its_message_being_read():
    q = ctx.Queue()
    p = ctx.Process(target=messaging.put_then_cancel, args=(q, 1_000_000))
    p.start()
    p.join(30)
    assert p.exitcode == 0
    q.close()


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_channel_bench_delivers_every_byte_to_every_consumer(channel):
    with ChannelBench(channel, consumers=2) as bench:
        bench.send_round(1000, 7)  # 7 messages over 2 consumers: uneven on purpose
        bench.send_round(10, 3)
        processes = list(bench.processes)
    assert all(not p.is_alive() for p in processes)


def test_channel_bench_rejects_bad_settings():
    with pytest.raises(ValueError, match="channel must be one of"):
        ChannelBench("Carrier pigeon")
    with pytest.raises(ValueError, match="1 or more"):
        ChannelBench("Queue", consumers=0)


def test_measure_throughput_times_every_channel_and_size():
    result = measure_throughput([10, 10_000], repeats=1, messages=lambda size: 5)
    assert set(result.timings) == {(c, s) for c in CHANNELS for s in (10, 10_000)}
    assert result.channels == list(CHANNELS) and result.sizes == [10, 10_000]
    assert all(result.per_second(c, 10) > 0 for c in CHANNELS)
    assert result.mb_per_second("Queue", 10_000) == pytest.approx(
        result.per_second("Queue", 10_000) * 0.01)
    assert result.fastest(10) in CHANNELS
    assert "Manager queue" in result.table() and "10 KB" in result.table()


def test_measure_throughput_rejects_bad_input():
    with pytest.raises(ValueError, match="positive"):
        measure_throughput([-1])
    with pytest.raises(ValueError, match="channel must be one of"):
        measure_throughput([10], channels=["Queue", "Telegraph"])
    with pytest.raises(ValueError, match="at least one"):
        measure_throughput([])


def fake_throughput():
    """Pipe: 1000 messages in 0.01 s; Manager queue: in 1 s; Queue overlaps Pipe."""
    times = {"Queue": (0.012, 0.011, 0.009), "SimpleQueue": (0.05, 0.05, 0.05),
             "Pipe": (0.010, 0.010, 0.010), "Manager queue": (1.0, 1.0, 1.0)}
    timings = {(c, s): Timing(t) for c, t in times.items() for s in (100, 10_000_000)}
    return Throughput(1, timings, {100: 1000, 10_000_000: 1000}, "fork")


def test_throughput_reads_rates_and_resolves_differences():
    result = fake_throughput()
    assert result.per_second("Pipe", 100) == pytest.approx(100_000)
    assert result.fastest(100) == "Pipe"
    assert not result.resolved("Queue", "Pipe", 100)  # their ranges overlap
    assert result.resolved("Manager queue", "Pipe", 100)
    assert result.nearest_size(200) == 100 and result.nearest_size(5_000_000) == 10_000_000


def test_size_text():
    assert [size_text(n) for n in (10, 1000, 1500, 10_000_000)] == [
        "10 B", "1 KB", "1.5 KB", "10 MB"]


def test_throughput_chart_draws_one_line_per_channel_on_log_axes():
    fig = throughput_chart(fake_throughput())
    ax_msgs, ax_mb = fig.axes
    assert ax_msgs.get_xscale() == "log" and ax_mb.get_yscale() == "log"
    labels = [t.get_text() for t in ax_msgs.get_legend().get_texts()]
    assert labels == list(CHANNELS)
    assert "per second" in ax_msgs.get_ylabel() and "megabytes" in ax_mb.get_ylabel()
    with pytest.raises(ValueError, match="at least one"):
        throughput_chart(Throughput(1, {}, {}))


def test_explorer_measures_on_creation_and_on_click():
    from helpers.widgets.messaging import MessageExplorer

    explorer = MessageExplorer(sizes=[10, 1000], size=10, max_consumers=2, repeats=1,
                               channels=["Queue", "Pipe"])
    first = bytes(explorer.image.value)
    assert first.startswith(b"\x89PNG") and "msg/s" in explorer.status.value
    assert set(explorer.results[1].timings) == {("Queue", 10), ("Pipe", 10)}
    explorer.size.value, explorer.consumers.value = 1000, 2
    explorer.button.click()
    assert set(explorer.results[2].timings) == {("Queue", 1000), ("Pipe", 1000)}
    assert bytes(explorer.image.value) != first
    assert "<b>1 KB, 2 consumers</b>" in explorer.status.value
    assert not explorer.button.disabled


def test_explorer_rejects_bad_settings():
    from helpers.widgets.messaging import MessageExplorer

    with pytest.raises(ValueError, match="not one of the choices"):
        MessageExplorer(sizes=[10, 1000], size=50)
    with pytest.raises(ValueError, match="at most"):
        MessageExplorer(consumers=5, max_consumers=2)
    with pytest.raises(ValueError, match="1 or more"):
        MessageExplorer(consumers=0)


def test_the_deadlock_demo_is_bounded_even_when_nobody_reads():
    """join(timeout) returns in time; the child is then released by reading."""
    q = ctx.Queue()
    p = ctx.Process(target=messaging.big_worker, args=(q, 200_000))
    p.start()
    start = time.perf_counter()
    p.join(timeout=1)
    assert time.perf_counter() - start < 10
    assert len(q.get(timeout=30)) == 200_000
    p.join(30)
    assert p.exitcode == 0
