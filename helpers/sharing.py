"""Sharing state between processes: the workers and the measurements of notebook 05.

Processes share nothing by default. When they must, multiprocessing offers shared
ctypes objects (``Value``, ``Array`` and their ``Raw`` forms), managers (a server
process that holds a dict or a list for everyone) and ``multiprocessing.shared_memory``
(a named block of memory that NumPy can read without copying). This module holds:

- the functions the child processes run (:func:`add_one`, the counter workers
  :func:`add_unlocked`, :func:`add_locked`, :func:`add_locally`, :func:`add_managed`,
  :func:`notebook_global`, :func:`fill_slice`, :func:`record_square`,
  :func:`sum_shared`, :func:`sum_sent`);
- :func:`race`, which runs one counting strategy with several processes and says how
  many updates were lost and how long each took; :func:`compare_strategies` runs them
  all on one pool, taking turns;
- :func:`manager_cost`, the price of one operation on a managed dict;
- :func:`shm_free_bytes` and :func:`handoff_sizes`, to size a shared-memory demo to fit
  ``/dev/shm``; :func:`compare_handoff`, shared memory against pickling over sizes;
- :func:`private_growth_after_reading`, how much memory a forked child stops sharing
  when it only reads its parent's objects (copy-on-write decay).

Workers must live in a module (here) so that ``spawn`` and ``forkserver`` children can
import them. Keep the imports light: every spawned child imports this module.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from functools import partial

from helpers.parallel import check_seconds, check_workers
from helpers.system import get_context
from helpers.workers import check_size

#: Seconds a child may take before a demo gives up on it (and stops it).
TIMEOUT = 60.0
#: The counting strategies of the race, in the order the charts show them.
STRATEGIES = ("unlocked", "lock per update", "local sum, one add", "Manager")
#: Updates each process makes in the race (the source text's race: 4 x 20,000).
UPDATES = 20_000
#: A Manager round trip costs about 100 times a lock: it makes this many times fewer
#: updates, so that its run takes about as long as the others.
MANAGER_SHARE = 100

#: A module-level setting: section 1 changes it in the notebook and in a child.
SETTINGS = {"mode": "as the module defines it"}


# --- the source text's example and what a child sees ---------------------------------------
def add_one(num) -> None:
    """Add 1 to a shared ``Value``: the source text's worker, word for word."""
    num.value += 1


def notebook_global(name: str) -> tuple[str, str]:
    """Return what this process sees of the notebook's global ``name`` and of ``SETTINGS``.

    Then change both here, in the child, to show that the change never reaches the
    parent. A notebook's globals live in the module ``__main__``: a forked child has a
    copy of it; a spawned child has a ``__main__`` of its own that never ran the notebook.
    """
    import __main__

    seen = repr(getattr(__main__, name, "<no such name>"))
    setting = SETTINGS["mode"]
    setattr(__main__, name, "changed by the child")
    SETTINGS["mode"] = "changed by the child"
    return seen, setting


# --- the race and its fixes -----------------------------------------------------------------
def _timed(target, args: tuple, go, clock, index: int) -> None:
    """Run ``target(*args)`` once every process is at the start line; note start and end.

    ``go`` is a Barrier shared with the parent; ``clock[2 * index]`` and
    ``clock[2 * index + 1]`` get the time (``time.perf_counter``, one clock for every
    process of the machine) when this process started counting and when it was done, so
    that the time measured leaves out starting and ending the process.
    """
    go.wait(TIMEOUT)
    clock[2 * index] = time.perf_counter()
    target(*args)
    clock[2 * index + 1] = time.perf_counter()


def add_unlocked(counter, n: int) -> None:
    """Add 1 to ``counter.value``, ``n`` times, without holding the lock: it loses updates.

    ``counter.value += 1`` reads the value (taking and releasing the lock), adds 1 and
    writes it back (taking and releasing the lock again). Between the read and the
    write another process may write: then one of the two additions is lost.
    """
    for _ in range(n):
        counter.value += 1


def add_locked(counter, n: int) -> None:
    """Add 1 to ``counter.value``, ``n`` times, each read and write under the lock: exact."""
    for _ in range(n):
        with counter.get_lock():
            counter.value += 1


def add_locally(counter, n: int) -> None:
    """Count ``n`` in a local variable, then add it to ``counter`` once, under the lock.

    Exact, and the lock is taken once per process instead of once per update.
    """
    mine = 0
    for _ in range(n):
        mine += 1
    with counter.get_lock():
        counter.value += mine


def add_managed(counter, lock, n: int) -> None:
    """Add 1 to a managed Value ``n`` times under a managed lock: exact, but each step is
    a message to the manager's process and back (acquire, read, write, release)."""
    for _ in range(n):
        with lock:
            counter.value += 1


@dataclass(frozen=True)
class RaceResult:
    """One run of a counting strategy: how much was counted, and how fast."""

    strategy: str
    processes: int
    updates_each: int
    total: int
    seconds: float

    @property
    def expected(self) -> int:
        """The total if no update were lost."""
        return self.processes * self.updates_each

    @property
    def lost(self) -> int:
        """Updates that never reached the counter."""
        return self.expected - self.total

    @property
    def lost_fraction(self) -> float:
        """The share of updates lost (0 for an exact strategy)."""
        return self.lost / self.expected

    @property
    def per_update(self) -> float:
        """Seconds per update: from the start line until the last process was done, over all."""
        return self.seconds / self.expected


def _check_strategy(strategy: str) -> str:
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {', '.join(map(repr, STRATEGIES))}, "
                         f"not {strategy!r}")
    return strategy


def updates_for(strategy: str, updates: int = UPDATES) -> int:
    """Return how many updates each process makes with ``strategy`` (the Manager fewer)."""
    check_size(updates, "updates")
    if _check_strategy(strategy) == "Manager":
        return max(1, updates // MANAGER_SHARE)
    return updates


def _join_all(procs: list, timeout: float) -> None:
    """Join every process within ``timeout`` s; stop and report any that did not end well."""
    deadline = time.monotonic() + timeout
    for p in procs:
        p.join(max(0.0, deadline - time.monotonic()))
    stuck = [p for p in procs if p.is_alive()]
    for p in stuck:
        p.kill()
        p.join(5)
    if stuck:
        raise TimeoutError(f"{len(stuck)} process(es) did not end within {timeout} s; stopped")
    failed = [p.exitcode for p in procs if p.exitcode != 0]
    if failed:
        raise RuntimeError(f"a counting process failed (exit codes {failed})")


def race(
    strategy: str = "unlocked", processes: int = 4, updates: int = UPDATES,
    method: str | None = None, manager=None, timeout: float = TIMEOUT,
) -> RaceResult:
    """Run ``processes`` processes that each add 1 to one shared counter ``updates`` times.

    ``strategy`` is one of :data:`STRATEGIES`. The processes are started first and meet
    the parent at a start line (a ``Barrier``), so that they count at the same time
    (starting a process takes longer than the counting); the time runs from the start
    line until the last process has done its updates, so starting and ending the
    processes is not counted. The Manager
    strategy makes :data:`MANAGER_SHARE` times fewer updates (see :func:`updates_for`);
    pass a started ``manager`` to reuse one, else one is started and shut down here.
    """
    _check_strategy(strategy)
    check_workers(processes)
    timeout = check_seconds(timeout)
    n = updates_for(strategy, updates)
    ctx = get_context(method)
    if strategy == "Manager" and manager is None:
        with ctx.Manager() as own:
            return race(strategy, processes, updates, method, own, timeout)
    go = ctx.Barrier(processes + 1)  # every child and the parent
    clock = ctx.Array("d", 2 * processes, lock=False)  # each child writes its own slots
    if strategy == "Manager":
        counter = manager.Value("i", 0)
        target, args = add_managed, (counter, manager.Lock(), n)
    else:
        counter = ctx.Value("i", 0)
        worker = {"unlocked": add_unlocked, "lock per update": add_locked,
                  "local sum, one add": add_locally}[strategy]
        target, args = worker, (counter, n)
    procs = [ctx.Process(target=_timed, args=(target, args, go, clock, i))
             for i in range(processes)]
    for p in procs:
        p.start()
    try:
        go.wait(timeout)  # every child is ready: the counting starts now
        _join_all(procs, timeout)
        seconds = max(clock[1::2]) - min(clock[0::2])
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
                p.join(5)
    return RaceResult(strategy, processes, n, counter.value, seconds)


#: What a pool worker of :func:`compare_strategies` inherits when it starts.
_INHERITED: dict[str, object] = {}


def _keep(counter, managed, lock, go) -> None:
    """Pool initializer: keep the shared objects, which travel only at a process's start."""
    _INHERITED.update(counter=counter, managed=managed, lock=lock, go=go)


def _count(strategy: str, n: int) -> tuple[float, float]:
    """Pool task: wait at the start line, count with ``strategy``, return (start, end)."""
    shared = _INHERITED
    shared["go"].wait(TIMEOUT)
    start = time.perf_counter()
    if strategy == "Manager":
        add_managed(shared["managed"], shared["lock"], n)
    else:
        worker = {"unlocked": add_unlocked, "lock per update": add_locked,
                  "local sum, one add": add_locally}[strategy]
        worker(shared["counter"], n)
    return start, time.perf_counter()


def compare_strategies(
    processes: int = 4, updates: int = UPDATES, repeats: int = 3,
    strategies: tuple[str, ...] = STRATEGIES, method: str | None = None,
) -> dict[str, list[RaceResult]]:
    """Run each strategy ``repeats`` times, taking turns; return every run, by strategy.

    The same ``processes`` pool workers count in every run (starting processes for each
    run would take longer than the counting, under spawn by far): they receive the
    counter, a manager's Value and Lock and the start line when they start (shared
    objects travel only then), and each run sends them one task each. A task waits at
    the start line, so no worker can take two tasks of one run.
    """
    from helpers.timing import measure_in_turns

    check_workers(processes)
    check_workers(repeats, "repeats")
    for s in strategies:
        updates_for(s, updates)
    ctx = get_context(method)
    runs: dict[str, list[RaceResult]] = {s: [] for s in strategies}
    counter, go = ctx.Value("i", 0), ctx.Barrier(processes + 1)
    with ctx.Manager() as manager:
        managed, lock = manager.Value("i", 0), manager.Lock()
        with ctx.Pool(processes, initializer=_keep,
                      initargs=(counter, managed, lock, go)) as pool:

            def one_run(strategy: str) -> None:
                shared = managed if strategy == "Manager" else counter
                shared.value = 0
                n = updates_for(strategy, updates)
                tasks = [pool.apply_async(_count, (strategy, n)) for _ in range(processes)]
                go.wait(TIMEOUT)  # every worker holds a task: the counting starts now
                clock = [task.get(TIMEOUT) for task in tasks]
                seconds = max(end for _, end in clock) - min(start for start, _ in clock)
                runs[strategy].append(RaceResult(strategy, processes, n, shared.value, seconds))

            for s in strategies:  # a first round, not kept: the workers warm up
                one_run(s)
                runs[s].clear()
            measure_in_turns([partial(one_run, s) for s in strategies], repeats, strategies)
    return runs


def median_run(runs: list[RaceResult]) -> RaceResult:
    """Return the run with the median time (for an even count, the faster middle one)."""
    if not runs:
        raise ValueError("median_run needs at least one RaceResult")
    ordered = sorted(runs, key=lambda r: r.seconds)
    return ordered[(len(ordered) - 1) // 2]


# --- Value, Array and managers --------------------------------------------------------------
def fill_slice(arr, start: int, stop: int, value: float) -> None:
    """Write ``value`` into ``arr[start:stop]`` of a shared Array, as a NumPy view."""
    import numpy as np

    view = np.frombuffer(arr.get_obj())  # no copy: NumPy looks at the shared memory
    view[start:stop] = value


def record_square(squares: dict, finished: list, key: int) -> None:
    """Store ``key * key`` in a managed dict, then append ``key`` to a managed list.

    Each is one message to the manager's process, which applies it to the real dict and
    list that it holds for everyone.
    """
    squares[key] = key * key
    finished.append(key)


def manager_cost(operations: int = 2_000, method: str | None = None) -> tuple[float, float]:
    """Return the seconds per ``d[k] = v`` on a managed dict and on a plain dict.

    Every operation on a manager's proxy is a round trip to the manager's process: the
    key and value are pickled, sent, applied there, and an answer comes back.
    """
    check_size(operations, "operations")
    plain: dict[int, int] = {}
    with get_context(method).Manager() as manager:
        managed = manager.dict()
        results = []
        for d in (managed, plain):
            start = time.perf_counter()
            for i in range(operations):
                d[i % 100] = i
            results.append((time.perf_counter() - start) / operations)
    return results[0], results[1]


# --- shared_memory and NumPy ----------------------------------------------------------------
def sum_shared(name: str, length: int, start: int = 0, stop: int | None = None) -> float:
    """Attach to the shared block ``name`` (``length`` float64 values) and sum a slice of it.

    The worker receives only the block's name: no data is copied. It views the block
    with ``np.frombuffer`` (the view holds the buffer, so ``close()`` cannot pull the
    memory from under it), drops the view, and closes its own mapping. It never unlinks:
    that is the creator's job, done once.
    """
    from multiprocessing import shared_memory

    import numpy as np

    shm = shared_memory.SharedMemory(name=name)
    try:
        values = np.frombuffer(shm.buf, dtype=np.float64, count=length)
        total = float(values[start:stop].sum())
        del values  # release the view before closing the mapping
    finally:
        shm.close()
    return total


def sum_sent(values) -> float:
    """Sum an array that arrived by pickling (the data was copied into this process)."""
    return float(values.sum())


def segment_exists(name: str) -> bool:
    """Return True if the shared-memory block ``name`` still exists (attaching untracked)."""
    from helpers.workers import attach_shared_memory

    try:
        attach_shared_memory(name).close()
    except FileNotFoundError:
        return False
    return True


def shm_free_bytes(path: str = "/dev/shm") -> int | None:
    """Return the free bytes of ``path`` (where Linux keeps shared memory), or None.

    Containers often give ``/dev/shm`` only 64 MB; writing past it kills the process
    with SIGBUS. macOS and Windows have no ``/dev/shm``: then None.
    """
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return None


def handoff_sizes(largest_mb: float = 32.0, free: int | None = None,
                  count: int = 4) -> list[int]:
    """Return ``count`` array sizes in bytes, growing 4x, the largest ``largest_mb`` MB.

    The largest is cut to a quarter of ``free`` (the free bytes of ``/dev/shm``, when
    known), so that the demo fits with room to spare. Each size is a multiple of 8 bytes
    (float64 values) and at least 8 KB.
    """
    if isinstance(largest_mb, bool) or not isinstance(largest_mb, int | float) or largest_mb <= 0:
        raise ValueError(f"largest_mb must be a positive number of megabytes, not {largest_mb!r}")
    check_workers(count, "count")
    largest = int(largest_mb * 2**20)
    if free is not None:
        largest = min(largest, free // 4)
    sizes = [max(8192, largest // 4**i) // 8 * 8 for i in range(count)]
    return sorted(set(sizes))


@dataclass(frozen=True)
class Handoff:
    """Seconds to hand one array to a pool worker and get its sum back, by size."""

    sizes: tuple[int, ...]
    pickled: tuple[float, ...]
    shared: tuple[float, ...]

    @property
    def ratios(self) -> list[float]:
        """Pickling time over shared-memory time, for each size."""
        return [p / s for p, s in zip(self.pickled, self.shared, strict=True)]


def compare_handoff(sizes: list[int], repeats: int = 3, method: str | None = None) -> Handoff:
    """Time a running pool's worker summing an array, sent by pickling or by name.

    For each size (bytes) an array lives in a shared-memory block; the two ways take
    turns on the same one-worker pool: ``pool.apply(sum_sent, (array,))`` pickles the
    whole array to the worker, ``pool.apply(sum_shared, (name, length))`` sends the
    block's name. Each block is closed and unlinked before the next size.
    """
    from multiprocessing import resource_tracker, shared_memory

    import numpy as np

    from helpers.timing import measure_in_turns

    check_workers(repeats, "repeats")
    if not sizes:
        raise ValueError("sizes must list at least one size in bytes")
    pickled, shared = [], []
    # The resource tracker must run before the pool forks its worker: a worker forked
    # without one starts its own, which deletes every segment it saw when it exits.
    resource_tracker.ensure_running()
    with get_context(method).Pool(1) as pool:
        pool.apply(sum_sent, (np.zeros(1),))  # the worker is up before the clock starts
        for size in sizes:
            length = check_size(size // 8, "size // 8")
            shm = shared_memory.SharedMemory(create=True, size=length * 8)
            try:
                values = np.frombuffer(shm.buf, dtype=np.float64, count=length)
                values[:] = 1.0
                sent, by_name = measure_in_turns(
                    [partial(pool.apply, sum_sent, (values,)),
                     partial(pool.apply, sum_shared, (shm.name, length))], repeats)
                pickled.append(sent.median)
                shared.append(by_name.median)
                del values, sent, by_name  # the partials held the view
            finally:
                shm.close()
                shm.unlink()
    return Handoff(tuple(sizes), tuple(pickled), tuple(shared))


# --- copy-on-write decay after fork ---------------------------------------------------------
def _read_all(objects: list, out) -> None:
    """In a forked child: read every object, report how much private memory grew."""
    import psutil

    me = psutil.Process()
    before = me.memory_full_info().uss
    total = 0
    for item in objects:  # only reads: but each read writes the item's reference count
        total += len(item)
    out.send(me.memory_full_info().uss - before)
    out.close()


def private_growth_after_reading(objects: list, freeze: bool = False) -> int:
    """Fork a child that only reads ``objects``; return how many bytes it stopped sharing.

    After ``fork`` parent and child share every memory page until one of them writes
    to it (copy-on-write). Reading a Python object writes to it: its reference count
    changes, so the page is copied. With ``freeze=True``, ``gc.freeze()`` runs before the
    fork: the cyclic garbage collector then leaves those objects alone, so a collection
    in the child does not copy their pages too; the reference counts still do. Needs
    the ``fork`` start method (not on Windows).
    """
    import gc
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        raise RuntimeError("this measurement needs the fork start method, which this "
                           "platform does not have (Windows)")
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    if freeze:
        gc.freeze()
    try:
        p = ctx.Process(target=_read_all, args=(objects, send))
        p.start()
        send.close()
        try:
            if not receive.poll(TIMEOUT):
                raise TimeoutError(f"the child did not answer within {TIMEOUT} s")
            grown = receive.recv()
        finally:
            p.join(TIMEOUT)
            if p.is_alive():
                p.kill()
                p.join(5)
            receive.close()
    finally:
        if freeze:
            gc.unfreeze()
    return grown

