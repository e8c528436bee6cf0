"""Process pools, looked at closely: the chunksize rule, results with a timeout, chunksize sweeps.

A pool sends work to its processes in *chunks*: ``chunksize`` items travel in one
message, are run one after another by one worker, and their results come back in one
message. Many small chunks balance the load well but cost one round trip each; a few
big chunks cost little but may leave processes idle at the end. This module holds:

- :func:`default_chunksize`: the chunksize ``Pool.map`` picks when you give none;
- :func:`results_within`: iterate over ``imap``/``imap_unordered`` results, waiting at
  most so long for each one (a plain ``for`` loop over them has no timeout);
- :func:`chunksize_sweep`: time ``Pool.map`` at several chunksizes on one started pool,
  so that only the cost of the messages changes from one point to the next.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing import TimeoutError as PoolTimeout

from helpers.parallel import DEFAULT_TIMEOUT, check_sendable, check_workers, run
from helpers.system import get_context, start_method, usable_cpus
from helpers.timing import Timing, measure


def default_chunksize(n_items: int, processes: int) -> int:
    """Return the chunksize ``Pool.map`` uses when you give none.

    ``Pool.map`` cuts the items into about four chunks per process, so that a slow chunk
    near the end can be balanced by the others: ``ceil(n_items / (4 * processes))``
    (and 0 for no items). ``imap``, ``imap_unordered`` and ``apply_async`` send one item
    per message unless told otherwise.

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
    result (for each chunk, when you passed a chunksize), then raises TimeoutError::

        for r in results_within(pool.imap(square, range(10)), timeout=10):
            print(r)
    """
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
    source, chunked = results, False
    if not hasattr(source, "next") and inspect.isgenerator(source):
        # With chunksize > 1, imap returns a generator that unpacks each chunk: it has no
        # timeout, but the iterator of chunks it reads from (its argument ".0") has one.
        source, chunked = inspect.getgeneratorlocals(source).get(".0"), True
    if not hasattr(source, "next"):
        raise TypeError(
            f"results must come from pool.imap or pool.imap_unordered, not {type(results).__name__}"
        )
    while True:
        try:
            got = source.next(timeout)
        except StopIteration:
            return
        except PoolTimeout:
            raise TimeoutError(
                f"No result came within {timeout} s. A worker may be stuck; leaving the "
                "`with` block stops the pool."
            ) from None
        if chunked:
            yield from got
        else:
            yield got


@dataclass(frozen=True)
class ChunksizeSweep:
    """Times of ``Pool.map`` over the same items at several chunksizes, with one pool."""

    processes: int
    chunksizes: tuple[int, ...]
    timings: tuple[Timing, ...]
    serial: Timing
    n_items: int
    label: str = ""

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

    def table(self) -> str:
        """Return the measurements as a small text table."""
        lines = [f"{'chunksize':>9}  {'messages':>8}  {'time (s)':>9}  {'vs loop':>7}"]
        lines.append(f"{'loop':>9}  {'':>8}  {self.serial.median:9.4f}  {1:7.2f}")
        for c, t in zip(self.chunksizes, self.timings, strict=True):
            speed = self.serial.median / t.median
            lines.append(f"{c:9d}  {number_of_chunks(self.n_items, c):8d}  "
                         f"{t.median:9.4f}  {speed:7.2f}")
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
) -> ChunksizeSweep:
    """Time ``pool.map(func, items, chunksize=c)`` for each ``c`` in ``chunksizes``.

    One pool of ``processes`` (default: the CPUs you can use) is started first and
    serves every chunksize, so its start-up cost is left out and only the cost of the
    messages changes between points. At each chunksize the first run is checked against
    a plain loop and not counted (a warm-up), then ``repeats`` runs are timed. Pass a
    ``serial`` Timing you already have to skip timing the loop again.
    """
    items = list(items)
    if not items:
        raise ValueError("items must hold at least one task")
    sizes = tuple(check_workers(c, "chunksize") for c in chunksizes)
    if not sizes:
        raise ValueError("chunksizes must name at least one chunksize, such as [1, 10, 100]")
    processes = check_workers(processes if processes is not None else usable_cpus())
    check_workers(repeats, "repeats")
    method = method or start_method()
    check_sendable(func, method, items[0])
    expected = run(func, items, kind="serial")
    if serial is None:
        serial = measure(run, func, items, kind="serial", repeats=repeats, label="loop")

    def timed_map(chunksize: int) -> list:
        try:
            return pool.map_async(func, items, chunksize=chunksize).get(timeout)
        except PoolTimeout:
            raise TimeoutError(
                f"Pool.map did not finish within {timeout} s at chunksize {chunksize}."
            ) from None

    timings = []
    with get_context(method).Pool(processes) as pool:
        for c in sizes:
            if timed_map(c) != expected:
                raise AssertionError(f"at chunksize {c} the pool's results differ from the loop's")
            timings.append(measure(timed_map, c, repeats=repeats, warmup=0,
                                   label=f"chunksize {c}"))
    name = getattr(func, "__name__", "task")
    return ChunksizeSweep(processes, sizes, tuple(timings), serial, len(items),
                          label=f"{len(items)} tasks of {name}")
