"""Communication between processes: the workers and measurements of notebook 06.

Everything a child process runs in 06_communication lives here, so that it can be found
by name under every start method: the source text's :func:`worker`, a worker that sends a
large message (:func:`big_worker`), consumers that stop at a sentinel, the three stages of
a pipeline, and the workers of the exercises.

It also holds the measurements behind the notebook's charts:

- :func:`pipe_capacity`: how many bytes a pipe holds before a writer blocks;
- :func:`measure_throughput`: messages per second and MB per second through ``Queue``,
  ``SimpleQueue``, ``Pipe`` and a Manager's queue, for each message size.

Every wait here has a bound: a child that dies, or a reader that never comes, gives an
error after a timeout instead of a hang.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from helpers.parallel import check_seconds, check_workers
from helpers.system import get_context
from helpers.timing import Timing, measure_in_turns
from helpers.workers import check_size, scale

#: Seconds any wait in this module may last before it gives up with an error.
TIMEOUT = 60.0
#: The channels :func:`measure_throughput` compares, in the order of every chart.
CHANNELS = ("Queue", "SimpleQueue", "Pipe", "Manager queue")
#: Message sizes (bytes) of the throughput chart: 10 bytes to 10 megabytes.
SIZES = (10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000)


# --- the source text's example, and the large message that breaks it ----------------------
def worker(q) -> None:
    """The source text's worker, word for word: put ``"Hello from process"`` in ``q``."""
    q.put("Hello from process")


def big_worker(q, nbytes: int = 1_000_000) -> None:
    """Put one text of ``nbytes`` characters in ``q``: "Hello from process", then dots.

    A message larger than the pipe's buffer (about 64 KB) stays partly in this process
    until someone reads it, and until then this process cannot exit.
    """
    check_size(nbytes, "nbytes")
    q.put("Hello from process".ljust(nbytes, "."))


def size_text(nbytes: int) -> str:
    """Return a size in bytes as ``"10 B"``, ``"1 KB"``, ``"10 MB"`` (powers of 1000)."""
    for unit, factor in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if nbytes >= factor:
            value = nbytes / factor
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.3g} {unit}"
    return f"{nbytes} B"


# --- how much a pipe holds ------------------------------------------------------------------
def pipe_capacity(reader, writer, chunk: int = 4092, settle: float = 0.3) -> int:
    """Return how many bytes ``writer`` can send before it blocks, while nobody reads.

    ``reader`` and ``writer`` are the two ends of a ``Pipe``. A thread sends messages of
    ``chunk`` bytes with ``writer.send_bytes`` and counts them (each costs ``chunk`` plus a
    4-byte header: 4096 bytes, one memory page, by default); once the count has not grown
    for ``settle`` seconds the thread is blocked, waiting for a reader. This function then
    reads everything, which lets the thread finish, and returns the bytes written before
    the block.
    """
    check_size(chunk, "chunk")
    settle = check_seconds(settle, "settle")
    sent = [0]
    stop = threading.Event()

    def fill() -> None:
        payload = b"x" * chunk
        while not stop.is_set():
            writer.send_bytes(payload)
            sent[0] += chunk + 4

    thread = threading.Thread(target=fill, daemon=True)
    thread.start()
    last, deadline = -1, time.monotonic() + TIMEOUT
    while sent[0] != last and time.monotonic() < deadline:
        last = sent[0]
        time.sleep(settle)
    capacity = sent[0]
    stop.set()
    while thread.is_alive() or reader.poll():  # read until the thread has finished
        if reader.poll(0.05):
            reader.recv_bytes()
    thread.join(TIMEOUT)
    return capacity


def send_many(conn, letter: str, nbytes: int, count: int, barrier=None) -> None:
    """Send ``count`` messages of ``nbytes`` copies of ``letter`` with ``conn.send_bytes``.

    With a ``barrier``, wait at it first, so that several writers start together. If the
    reader closes its end, stop quietly.
    """
    payload = letter.encode() * check_size(nbytes, "nbytes")
    if barrier is not None:
        barrier.wait(TIMEOUT)
    try:
        for _ in range(check_size(count, "count")):
            conn.send_bytes(payload)
    except BrokenPipeError:
        pass  # the reader has stopped reading


def two_writers(ctx=None, nbytes: int = 100_000, count: int = 20) -> dict[str, object]:
    """Let two processes send on the *same* end of one pipe at once; say what arrived.

    Each writer sends ``count`` messages of ``nbytes`` bytes, all ``a`` or all ``b``. A
    message larger than the pipe's buffer goes in several pieces, and nothing stops the
    other writer's pieces from landing in between. This process reads with a size limit
    (``maxlength``), so a garbled length raises an error instead of waiting for bytes that
    never come, and it stops at the end of the data (both writers gone) or at the first
    error. Returns ``intact`` (messages of one letter and the right length), ``mixed``
    (messages that hold both letters or the wrong length) and ``error`` (the text of the
    error that stopped the reading, or None). After an error the writers are killed (a
    forked writer holds a copy of the reading end, so it would wait for a reader forever);
    no writer is left running.
    """
    ctx = ctx or get_context()
    reader, writer = ctx.Pipe(duplex=False)
    start_together = ctx.Barrier(2)
    procs = [ctx.Process(target=send_many, args=(writer, letter, nbytes, count, start_together))
             for letter in "ab"]
    for p in procs:
        p.start()
    writer.close()  # the writers have their own copies: the pipe ends when both are gone
    intact = mixed = 0
    error = None
    try:
        while intact + mixed < 2 * count and reader.poll(TIMEOUT):
            message = reader.recv_bytes(maxlength=2 * nbytes)
            one_letter = message in (b"a" * nbytes, b"b" * nbytes)
            intact, mixed = intact + one_letter, mixed + (not one_letter)
    except EOFError:
        pass  # both writers ended; whatever was left was read
    except OSError as err:  # "bad message length": the reader lost track of the messages
        error = f"{type(err).__name__}: {err}"
    finally:
        reader.close()
        for p in procs:
            if error is not None:
                p.kill()  # it may wait forever on a pipe that nobody reads any more
            p.join(10)
            if p.is_alive():
                p.kill()
                p.join(10)
    return {"intact": intact, "mixed": mixed, "error": error, "sent": 2 * count}


def put_then_cancel(q, nbytes: int = 1_000_000) -> None:
    """Put a message of ``nbytes`` bytes in ``q``, then ``q.cancel_join_thread()`` and end.

    The process ends at once, without waiting for the message to be written into the pipe:
    whatever was not written yet is lost, and the queue may hold half a message.
    """
    q.put(b"c" * check_size(nbytes, "nbytes"))
    q.cancel_join_thread()


# --- producer and consumers ---------------------------------------------------------------
def square_consumer(inbox, outbox) -> None:
    """Take numbers from ``inbox`` until ``None``; put ``(n, n * n, pid)`` in ``outbox``.

    ``None`` is the sentinel: the producer puts one per consumer after the last number.
    """
    for n in iter(inbox.get, None):
        outbox.put((n, n * n, os.getpid()))


def joinable_square(tasks, results) -> None:
    """Take numbers from the JoinableQueue ``tasks`` until ``None``; put ``(n, n * n)``.

    Every ``get()`` is matched by a ``task_done()``, the sentinel's too: ``tasks.join()``
    in the parent returns once every item put has been marked done.
    """
    while True:
        n = tasks.get()
        try:
            if n is None:
                return
            results.put((n, n * n))
        finally:
            tasks.task_done()


def collatz_steps(n: int) -> int:
    """Return how many steps of the Collatz rule (n/2 or 3n+1) take ``n`` down to 1."""
    check_size(n, "n")
    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps


def read_stage(numbers: Sequence[int], out, workers: int) -> None:
    """Stage 1, the reader: put each number in ``out``, then one ``None`` per worker."""
    for n in numbers:
        out.put(n)
    for _ in range(check_workers(workers, "workers")):
        out.put(None)


def work_stage(inbox, out) -> None:
    """Stage 2, a worker: put ``(n, collatz_steps(n))`` for each number; ``None`` at the end.

    The ``None`` it puts last tells the writer that this worker has finished.
    """
    for n in iter(inbox.get, None):
        out.put((n, collatz_steps(n)))
    out.put(None)


def write_stage(inbox, workers: int, result) -> None:
    """Stage 3, the writer: add up the steps until every worker has sent its ``None``.

    Puts ``(count, total_steps, longest)`` in ``result``: how many numbers arrived, the sum
    of their steps, and ``(n, steps)`` for the number with the most steps.
    """
    finished, count, total, longest = 0, 0, 0, (0, -1)
    while finished < check_workers(workers, "workers"):
        item = inbox.get()
        if item is None:
            finished += 1
            continue
        count, total = count + 1, total + item[1]
        longest = max(longest, item, key=lambda pair: pair[1])
    result.put((count, total, longest))


def report_after(conn, seconds: float, label: str) -> None:
    """Wait ``seconds``, send ``label`` through the connection ``conn``, then end."""
    time.sleep(seconds)
    conn.send(label)
    conn.close()


# --- exercise 2: several workers, each sending a large report -------------------------------
class Report:
    """A large result that remembers when it was sent and when it was received.

    ``sent_at`` is set by the worker that makes it; ``received_at`` is set when the report
    is unpickled, that is when the receiving process takes it out of the queue. The
    difference is how long the report waited for a reader.
    """

    def __init__(self, seconds: float, nbytes: int) -> None:
        self.seconds = seconds
        self.data = b"r" * nbytes
        self.sent_at = time.time()
        self.received_at: float | None = None

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.received_at = time.time()

    @property
    def waited(self) -> float | None:
        """Seconds between sending and receiving (None if it never travelled)."""
        return None if self.received_at is None else self.received_at - self.sent_at

    def __repr__(self) -> str:
        return f"Report(after {self.seconds} s, {size_text(len(self.data))})"


def slow_report(seconds: float, q, nbytes: int = 1_000_000) -> None:
    """Work for ``seconds``, then put a :class:`Report` of ``nbytes`` bytes in ``q``."""
    time.sleep(seconds)
    q.put(Report(seconds, check_size(nbytes, "nbytes")))


# --- throughput -----------------------------------------------------------------------------
def count_messages(inbox, results, barrier=None) -> None:
    """Consume messages from ``inbox`` (a queue or a Connection) in rounds; report each round.

    Puts ``"ready"`` in ``results`` first. A round ends with ``None``: the consumer then
    waits at ``barrier`` (if given) until every consumer has had its ``None``, so that none
    of them takes a second one, and puts ``(messages, bytes)`` it received in that round.
    The string ``"exit"`` ends it.
    """
    receive = inbox.recv if hasattr(inbox, "recv") else inbox.get
    results.put("ready")
    count = nbytes = 0
    while True:
        message = receive()
        if message is None:
            if barrier is not None:
                barrier.wait(TIMEOUT)
            results.put((count, nbytes))
            count = nbytes = 0
        elif isinstance(message, str):
            return
        else:
            count, nbytes = count + 1, nbytes + len(message)


class ChannelBench:
    """One channel with ``consumers`` processes reading from it, ready to time rounds.

    The consumers start once (not timed). Each :meth:`send_round` sends ``n`` messages of
    ``size`` bytes from this process, then one ``None`` per consumer, and waits until every
    consumer has reported what it received: the time of the whole round. ``Pipe`` gets one
    pipe per consumer (a pipe end must have one reader), sent to in turn; the queues are
    shared by all consumers. Use it in a ``with`` block: the consumers and any manager are
    stopped at its end.
    """

    def __init__(self, channel: str, consumers: int = 1, ctx=None) -> None:
        if channel not in CHANNELS:
            raise ValueError(f"channel must be one of {', '.join(CHANNELS)}, not {channel!r}")
        self.channel, self.consumers = channel, check_workers(consumers, "consumers")
        self.ctx = ctx or get_context()
        self.manager = None
        self.results = self.ctx.Queue()
        self.processes = []
        if channel == "Pipe":
            ends = [self.ctx.Pipe(duplex=False) for _ in range(self.consumers)]
            inboxes = [reader for reader, _ in ends]
            self.senders = [writer.send for _, writer in ends]
        else:
            if channel == "Manager queue":
                self.manager = self.ctx.Manager()
                shared = self.manager.Queue()
            else:
                shared = getattr(self.ctx, channel)()
            inboxes = [shared] * self.consumers
            self.senders = [shared.put] * self.consumers
        barrier = self.ctx.Barrier(self.consumers) if self.consumers > 1 else None
        try:
            for inbox in inboxes:
                p = self.ctx.Process(target=count_messages, args=(inbox, self.results, barrier))
                p.start()
                self.processes.append(p)
            for _ in self.processes:
                if self.results.get(timeout=TIMEOUT) != "ready":
                    raise RuntimeError("a consumer did not start as expected")
        except BaseException:
            self.close()
            raise

    def send_round(self, size: int, n: int) -> None:
        """Send ``n`` messages of ``size`` bytes and wait until the consumers have them all."""
        payload = b"x" * check_size(size, "size")
        senders = self.senders
        for i in range(check_size(n, "messages")):
            senders[i % len(senders)](payload)
        for send in senders if self.channel == "Pipe" else senders[:1] * self.consumers:
            send(None)
        got = [self.results.get(timeout=TIMEOUT) for _ in self.processes]
        if sum(c for c, _ in got) != n or sum(b for _, b in got) != n * size:
            raise RuntimeError(f"{self.channel}: the consumers received {got}, "
                               f"not {n} messages of {size} bytes")

    def close(self) -> None:
        """Stop the consumers (asking, then insisting) and the manager, if any."""
        for send in (self.senders if self.channel == "Pipe" else
                     self.senders[:1] * len(self.processes)):
            try:
                send("exit")
            except (OSError, EOFError, ValueError):
                pass  # the consumer or the manager is gone already
        for p in self.processes:
            p.join(10)
            if p.is_alive():
                p.kill()
                p.join(10)
        if self.manager is not None:
            self.manager.shutdown()
        self.results.close()
        self.results.join_thread()

    def __enter__(self) -> ChannelBench:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def messages_for(size: int) -> int:
    """Return how many messages of ``size`` bytes a throughput round sends.

    About 3 MB per round, at least 2 and at most 300 messages, times ``COURSE_SCALE``
    (at least 2 either way), so that every round lasts a few tens of milliseconds.
    """
    check_size(size, "size")
    return max(2, int(min(300, 3_000_000 // size) * scale()))


@dataclass(frozen=True)
class Throughput:
    """Measured rounds of messages: one :class:`Timing` per (channel, size)."""

    consumers: int
    timings: dict[tuple[str, int], Timing]
    messages: dict[int, int]
    method: str = ""
    notes: dict = field(default_factory=dict)

    @property
    def channels(self) -> list[str]:
        """The channels measured, in the order of :data:`CHANNELS`."""
        found = {c for c, _ in self.timings}
        return [c for c in CHANNELS if c in found]

    @property
    def sizes(self) -> list[int]:
        """The message sizes measured, smallest first."""
        return sorted({s for _, s in self.timings})

    def rates(self, channel: str, size: int) -> tuple[float, float, float]:
        """Messages per second for ``channel`` at ``size``: (median, slowest run, fastest run)."""
        t, n = self.timings[(channel, size)], self.messages[size]
        return n / t.median, n / t.worst, n / t.best

    def per_second(self, channel: str, size: int) -> float:
        """Messages per second (median run)."""
        return self.rates(channel, size)[0]

    def mb_per_second(self, channel: str, size: int) -> float:
        """Megabytes (10**6 bytes) of messages per second (median run)."""
        return self.per_second(channel, size) * size / 1e6

    def fastest(self, size: int) -> str:
        """The channel with the most messages per second at ``size`` (median run)."""
        return max(self.channels, key=lambda c: self.per_second(c, size))

    def resolved(self, channel: str, other: str, size: int) -> bool:
        """True if the two channels' ranges of runs at ``size`` do not overlap."""
        _, lo_a, hi_a = self.rates(channel, size)
        _, lo_b, hi_b = self.rates(other, size)
        return hi_a < lo_b or hi_b < lo_a

    def nearest_size(self, size: int) -> int:
        """The measured size closest to ``size`` on a log scale."""
        import math

        return min(self.sizes, key=lambda s: abs(math.log(s) - math.log(size)))

    def table(self) -> str:
        """Messages per second and MB per second, one row per size, one column per channel."""
        head = f"{'size':>7}" + "".join(f"{c:>24}" for c in self.channels)
        lines = [head, f"{'':>7}" + f"{'msg/s      MB/s':>24}" * len(self.channels)]
        for s in self.sizes:
            cells = "".join(f"{self.per_second(c, s):>14,.0f}{self.mb_per_second(c, s):>10,.1f}"
                            for c in self.channels)
            lines.append(f"{size_text(s):>7}{cells}")
        return "\n".join(lines)


def measure_throughput(
    sizes: Sequence[int] = SIZES,
    channels: Sequence[str] = CHANNELS,
    consumers: int = 1,
    repeats: int = 3,
    ctx=None,
    messages: Callable[[int], int] = messages_for,
) -> Throughput:
    """Time rounds of messages through each channel, for each size; return a Throughput.

    Each channel gets its consumers once (:class:`ChannelBench`); then, size by size, the
    channels take turns (:func:`helpers.timing.measure_in_turns`), ``repeats`` rounds each;
    each channel has one warm-up round first. A round sends ``messages(size)`` messages of
    ``size`` bytes (``bytes`` objects, pickled on the way) from this process to the
    consumers and waits until they have received every byte.
    """
    sizes = [check_size(s, "size") for s in sizes]
    if not sizes or not channels:
        raise ValueError("give at least one size and one channel to measure")
    for c in channels:
        if c not in CHANNELS:
            raise ValueError(f"channel must be one of {', '.join(CHANNELS)}, not {c!r}")
    check_workers(repeats, "repeats")
    ctx = ctx or get_context()
    benches: list[ChannelBench] = []
    try:
        for c in channels:
            benches.append(ChannelBench(c, consumers, ctx))
        timings, counts = {}, {}
        for size in sizes:
            n = counts[size] = messages(size)
            calls = [partial(b.send_round, size, n) for b in benches]
            if size == sizes[0]:
                for call in calls:
                    call()  # warm-up, once per channel
            for c, t in zip(channels, measure_in_turns(calls, repeats, list(channels)),
                            strict=True):
                timings[(c, size)] = t
    finally:
        for b in benches:
            b.close()
    return Throughput(consumers, timings, counts, ctx.get_start_method())

