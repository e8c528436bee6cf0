"""Process pools, looked at closely: the chunksize rule, results with a timeout, chunksize sweeps.

A pool sends work to its processes in *chunks*: ``chunksize`` items travel in one
message, are run one after another by one worker, and their results come back in one
message. Many small chunks balance the load well but cost one round trip each; a few
big chunks cost little but may leave processes idle at the end. This module holds:

- :func:`default_chunksize`: the chunksize ``Pool.map`` picks when you give none;
- :func:`results_within`: iterate over ``imap``/``imap_unordered`` results, waiting at
  most so long for each one (a plain ``for`` loop over them has no timeout);
- :func:`long_tail_tasks`: a job of uneven tasks, most short and a few long, where the
  choice of chunksize matters both ways;
- :func:`busiest_share`: how much of a job's work the busiest process gets with a given
  chunksize, which bounds the speedup even if messages cost nothing;
- :func:`chunksize_sweep`: time ``Pool.map`` at several chunksizes on one started pool,
  so that only the chunking changes from one point to the next;
- :func:`watch_pools`: see which pools a piece of code starts and what it maps on them,
  so that a checker can tell a learner what their own pool code did.
"""

from __future__ import annotations

import heapq
import inspect
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from multiprocessing import TimeoutError as PoolTimeout

from helpers.parallel import DEFAULT_TIMEOUT, check_seconds, check_sendable, check_workers, run
from helpers.system import get_context, start_method, usable_cpus
from helpers.timing import Timing, measure, measure_in_turns
from helpers.workers import default_cpu_size


def default_chunksize(n_items: int, processes: int) -> int:
    """Return the chunksize ``Pool.map`` uses when you give none.

    ``Pool.map`` cuts the items into about four chunks per process, so that a slow chunk
    near the end can be balanced by the others: ``ceil(n_items / (4 * processes))``
    (and 0 for no items). ``imap`` and ``imap_unordered`` send one item per message
    unless you pass a chunksize; ``apply_async`` has no chunksize: one call, one message.

    >>> default_chunksize(1000, 4)
    63
    """
    if isinstance(n_items, bool) or not isinstance(n_items, int) or n_items < 0:
        raise ValueError(f"n_items must be a whole number, 0 or more, not {n_items!r}")
    check_workers(processes)
    if n_items == 0:
        return 0
    return math.ceil(n_items / (4 * processes))


def number_of_chunks(n_items: int, chunksize: int) -> int:
    """Return how many messages ``n_items`` items make with ``chunksize`` items in each."""
    if isinstance(n_items, bool) or not isinstance(n_items, int) or n_items < 0:
        raise ValueError(f"n_items must be a whole number, 0 or more, not {n_items!r}")
    return math.ceil(n_items / check_workers(chunksize, "chunksize"))


def results_within(results: Iterable, timeout: float = DEFAULT_TIMEOUT) -> Iterator:
    """Yield the results of ``pool.imap(...)`` or ``pool.imap_unordered(...)``, with a timeout.

    ``for r in pool.imap(f, items)`` waits as long as it takes for each result: if a
    worker hangs, so does your notebook. This waits at most ``timeout`` seconds for each
    result, then raises TimeoutError::

        for r in results_within(pool.imap(square, range(10)), timeout=10):
            print(r)

    It needs the pool's own result iterator, which has a ``next(timeout)`` method. With a
    ``chunksize`` above 1, ``imap`` hands back a plain generator that unpacks the chunks
    instead, and a generator cannot wait with a timeout: that is refused with a TypeError.
    Keep ``chunksize=1`` here, or use ``pool.map_async(f, items, chunksize=c).get(timeout)``.
    """
    timeout = check_seconds(timeout, "timeout")
    if inspect.isgenerator(results):
        raise TypeError(
            "results_within got a generator, which cannot wait with a timeout. pool.imap and "
            "pool.imap_unordered return one when chunksize is above 1: keep chunksize=1 "
            "(the default) with results_within, or use pool.map_async(func, items, "
            "chunksize=...).get(timeout) for chunked work."
        )
    if not callable(getattr(results, "next", None)):
        raise TypeError(
            f"results must come from pool.imap or pool.imap_unordered, not {type(results).__name__}"
        )
    while True:
        try:
            got = results.next(timeout)
        except StopIteration:
            return
        except PoolTimeout:
            raise TimeoutError(
                f"No result came within {timeout} s. A worker may be stuck; leaving the "
                "`with` block stops the pool."
            ) from None
        yield got


def long_tail_tasks(
    n_tasks: int = 1000, size: int | None = None, slow_share: float = 0.05, slow_factor: int = 40
) -> list[int]:
    """Return the sizes of a job of uneven :func:`~helpers.workers.cpu_task` tasks.

    Most tasks take ``size`` steps (default: a thousandth of the course's task, about
    0.1 ms); the last ``slow_share`` of them take ``slow_factor`` times as long, like a
    folder of files listed by size, the big ones last. Always the same list, so every
    run measures the same job. With big chunks, the long tasks end up in one chunk and
    one process works while the others wait; with tiny chunks, the messages cost more
    than the short tasks.
    """
    from helpers.workers import check_size

    check_size(n_tasks, "n_tasks")
    size = check_size(size if size is not None else max(1, default_cpu_size() // 1000))
    check_size(slow_factor, "slow_factor")
    if isinstance(slow_share, bool) or not isinstance(slow_share, int | float) or not (
            0 <= slow_share <= 1):
        raise ValueError(f"slow_share must be a fraction between 0 and 1, not {slow_share!r}")
    slow = round(n_tasks * slow_share)
    return [size] * (n_tasks - slow) + [size * slow_factor] * slow


def busiest_share(work: Sequence[float], chunksize: int, processes: int) -> float:
    """Return the share of all the work that the busiest process gets (0 to 1).

    ``work`` holds how long each task takes, in any unit (for ``cpu_task``, its size).
    The pool cuts the tasks into chunks of ``chunksize`` in order, and each process
    takes the next chunk as soon as it is free; this plays that out, with messages
    costing nothing. The pool cannot finish before its busiest process, so even with free
    messages its speedup over a loop is at most ``1 / busiest_share(...)``. Ideal:
    ``1 / processes``.

    >>> busiest_share([1, 1, 1, 1], 2, 2), busiest_share([1, 1, 1, 5], 2, 2)
    (0.5, 0.75)
    """
    work = [float(w) for w in work]
    if not work or any(w < 0 for w in work) or sum(work) <= 0:
        raise ValueError("work must hold at least one task, none negative, some above 0")
    check_workers(chunksize, "chunksize")
    loads = [0.0] * check_workers(processes)  # a heap: the process that is free first on top
    for start in range(0, len(work), chunksize):
        heapq.heapreplace(loads, loads[0] + sum(work[start:start + chunksize]))
    return max(loads) / sum(work)


@dataclass(frozen=True)
class ChunksizeSweep:
    """Times of ``Pool.map`` over the same items at several chunksizes, with one pool."""

    processes: int
    chunksizes: tuple[int, ...]
    timings: tuple[Timing, ...]
    serial: Timing
    n_items: int
    label: str = ""
    #: How long each task takes, in any unit (for cpu_task: its size); empty if unknown.
    #: With it, the table and the chart show what the chunking alone allows.
    work: tuple[float, ...] = ()

    @property
    def medians(self) -> list[float]:
        """The median time at each chunksize, in seconds."""
        return [t.median for t in self.timings]

    @property
    def best_chunksize(self) -> int:
        """The chunksize with the shortest median time."""
        return self.chunksizes[self.medians.index(min(self.medians))]

    @property
    def best(self) -> Timing:
        """The timing at :attr:`best_chunksize`."""
        return self.timings[self.chunksizes.index(self.best_chunksize)]

    def timing(self, chunksize: int) -> Timing:
        """The timing measured at ``chunksize`` (KeyError if it was not measured)."""
        if chunksize not in self.chunksizes:
            raise KeyError(f"chunksize {chunksize} was not measured; measured: {self.chunksizes}")
        return self.timings[self.chunksizes.index(chunksize)]

    def gain_over(self, chunksize: int = 1) -> float:
        """How many times faster the best chunksize is than ``chunksize`` (medians)."""
        return self.timing(chunksize).median / self.best.median

    def gain_over_loop(self) -> float:
        """How many times faster the best chunksize is than the plain loop (medians)."""
        return self.serial.median / self.best.median

    def most_possible(self, chunksize: int) -> float | None:
        """The speedup over the loop that ``chunksize`` allows if messages cost nothing.

        ``1 / busiest_share(work, chunksize, processes)``; None without :attr:`work`.
        """
        if not self.work:
            return None
        return 1 / busiest_share(self.work, chunksize, self.processes)

    def close_to_best(self) -> list[int]:
        """Return the other chunksizes whose fastest-to-slowest range overlaps the best's.

        Between those and the best, this sweep cannot tell which is faster: the difference
        is smaller than the noise. An empty list says the best is resolved.
        """
        best = self.best
        return [c for c, t in zip(self.chunksizes, self.timings, strict=True)
                if c != self.best_chunksize and t.best <= best.worst and best.best <= t.worst]

    def beyond_possible(self, tolerance: float = 0.1) -> list[int]:
        """Return the chunksizes measured faster than their chunks allow (by ``tolerance``).

        No chunksize can beat :meth:`most_possible`; one that seems to was measured while
        the machine was busier during the loop's runs than during the pool's (or the other
        way round). A non-empty list says: measure again. Empty without :attr:`work`.
        """
        if not self.work:
            return []
        return [c for c, t in zip(self.chunksizes, self.timings, strict=True)
                if self.serial.median / t.median > (1 + tolerance) * self.most_possible(c)]

    def table(self) -> str:
        """Return the measurements as a small text table.

        ``vs loop`` is the measured speed relative to the loop (above 1: the pool wins).
        With :attr:`work` known, ``at most`` is what the chunking alone allows.
        """
        extra = f"  {'at most':>7}" if self.work else ""
        lines = [f"{'chunksize':>9}  {'messages':>8}  {'time (s)':>9}  {'vs loop':>7}{extra}"]
        lines.append(f"{'loop':>9}  {'':>8}  {self.serial.median:9.4f}  {1:7.2f}")
        for c, t in zip(self.chunksizes, self.timings, strict=True):
            speed = self.serial.median / t.median
            most = f"  {self.most_possible(c):7.2f}" if self.work else ""
            lines.append(f"{c:9d}  {number_of_chunks(self.n_items, c):8d}  "
                         f"{t.median:9.4f}  {speed:7.2f}{most}")
        return "\n".join(lines)


def chunksize_sweep(
    func: Callable,
    items: Sequence,
    chunksizes: Iterable[int],
    processes: int | None = None,
    repeats: int = 3,
    serial: Timing | None = None,
    method: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    interleave: bool = False,
    work: Sequence[float] | None = None,
) -> ChunksizeSweep:
    """Time ``pool.map(func, items, chunksize=c)`` for each ``c`` in ``chunksizes``.

    One pool of ``processes`` (default: the CPUs you can use) is started first and
    serves every chunksize, so its start-up cost is left out and only the chunking
    changes between points. Its first map (at the first chunksize) warms it up and is not
    counted; then ``repeats`` runs are timed at each chunksize, and every run's results are
    checked against a plain loop's. Pass a ``serial`` Timing you already have to skip
    timing the loop again.

    With ``interleave=True`` the runs take turns: the loop once, then each chunksize once,
    ``repeats`` times over. A burst of load from another program then falls on the loop
    and on every chunksize alike, instead of spoiling one of them: fairer on a shared
    machine. The loop is then always timed, so ``serial`` cannot be given too.

    ``work`` (how long each item takes, in any unit) is kept in the result, so that its
    table and chart can show what each chunksize allows (:func:`busiest_share`).
    """
    items = list(items)
    if not items:
        raise ValueError("items must hold at least one task")
    sizes = tuple(check_workers(c, "chunksize") for c in chunksizes)
    if not sizes:
        raise ValueError("chunksizes must name at least one chunksize, such as [1, 10, 100]")
    processes = check_workers(processes if processes is not None else usable_cpus())
    check_workers(repeats, "repeats")
    if interleave and serial is not None:
        raise ValueError("with interleave=True the loop is timed in turns with the pool: "
                         "do not pass a serial Timing too")
    work = tuple(float(w) for w in work) if work is not None else ()
    if work and len(work) != len(items):
        raise ValueError(f"work must give one number per item: {len(work)} for {len(items)} items")
    method = method or start_method()
    check_sendable(func, method, items[0])
    expected = run(func, items, kind="serial")  # also the loop's warm-up
    if serial is None and not interleave:
        serial = measure(run, func, items, kind="serial", repeats=repeats, warmup=0,
                         label="loop")

    def timed_map(chunksize: int) -> list:
        try:
            results = pool.map_async(func, items, chunksize=chunksize).get(timeout)
        except PoolTimeout:
            raise TimeoutError(
                f"Pool.map did not finish within {timeout} s at chunksize {chunksize}."
            ) from None
        if results != expected:  # the pool must compute what the loop does
            raise AssertionError(f"at chunksize {chunksize} the pool's results differ from "
                                 "the loop's")
        return results

    with get_context(method).Pool(processes) as pool:
        timed_map(sizes[0])  # warm-up: the workers start and import the function
        if interleave:
            serial, *timings = measure_in_turns(
                [partial(run, func, items, kind="serial")] + [partial(timed_map, c) for c in sizes],
                repeats, ["loop", *(f"chunksize {c}" for c in sizes)])
        else:
            timings = [measure(timed_map, c, repeats=repeats, warmup=0, label=f"chunksize {c}")
                       for c in sizes]
    name = getattr(func, "__name__", "task")
    return ChunksizeSweep(processes, sizes, tuple(timings), serial, len(items),
                          label=f"{len(items)} tasks of {name}", work=work)



# --- watching a learner's pool: what was started, what was mapped ---------------------------
@dataclass(frozen=True)
class MapCall:
    """One ``pool.map(func, items, chunksize)`` call seen by :func:`watch_pools`."""

    func: Callable
    n_items: int
    chunksize: int | None
    #: True if some result was None: a worker that prints its answer instead of returning it.
    returned_none: bool


@dataclass
class PoolWatch:
    """What the code inside :func:`watch_pools` did with ``multiprocessing`` pools."""

    #: Each pool started, with the ``processes`` it was asked for (None: one per CPU).
    pools: list = field(default_factory=list)
    #: Each ``map`` call, in order.
    maps: list[MapCall] = field(default_factory=list)

    def still_running(self) -> list:
        """Return the pools that were neither closed nor terminated (a leak)."""
        running = []
        for pool, _ in self.pools:
            try:
                pool.apply_async(int)  # refused with ValueError once a pool is closed
            except ValueError:
                continue
            running.append(pool)
        return running


@contextmanager
def watch_pools(timeout: float = DEFAULT_TIMEOUT) -> Iterator[PoolWatch]:
    """Record the pools started and the ``map`` calls made inside the ``with`` block.

    For checkers: the learner's own ``with ctx.Pool(2) as pool: pool.map(...)`` runs as
    written, and the watch tells what it did. While watching, ``Pool.map`` also refuses a
    function that a worker could not import (a notebook function under ``spawn``, which
    would make ``map`` wait forever) and a chunksize that is not a whole number with a
    clear error, and waits at most ``timeout`` seconds for the results. Everything is put
    back when the block ends.
    """
    from multiprocessing.pool import Pool

    timeout = check_seconds(timeout, "timeout")
    watch = PoolWatch()
    original_init, original_map = Pool.__init__, Pool.map

    def init(self, processes=None, *args, **kwargs):
        original_init(self, processes, *args, **kwargs)
        watch.pools.append((self, processes))

    def watched_map(self, func, iterable, chunksize=None):
        items = iterable if hasattr(iterable, "__len__") else list(iterable)
        if chunksize is not None:  # Pool.map would fail in a thread of its own, and wait
            check_workers(chunksize, "chunksize")
        check_sendable(func, start_method(), items[0] if len(items) else None)
        try:
            results = Pool.map_async(self, func, items, chunksize).get(timeout)
        except PoolTimeout:
            raise TimeoutError(f"pool.map did not finish within {timeout} s") from None
        watch.maps.append(MapCall(func, len(items), chunksize,
                                  any(r is None for r in results)))
        return results

    Pool.__init__, Pool.map = init, watched_map
    try:
        yield watch
    finally:
        Pool.__init__, Pool.map = original_init, original_map


def pool_inside_worker(processes: int) -> list:
    """Try to start a pool of ``processes`` inside a worker, and map ``abs`` over it.

    A ``Pool``'s workers are daemonic processes, and a daemonic process may not have
    children: run in a pool's worker, this raises ``AssertionError: daemonic processes are
    not allowed to have children`` (an ``assert`` in ``Process.start``). The half-built
    pool's queues are collected before the error leaves the worker: under spawn and
    forkserver their semaphores have names, and a worker stopped before collecting them
    would leave them behind.
    """
    import gc

    try:
        with get_context().Pool(check_workers(processes)) as pool:
            return pool.map(abs, [-1, -2])
    except AssertionError as err:
        message = str(err)
    gc.collect()  # the error's traceback held the half-built pool; it is gone now
    raise AssertionError(message)
