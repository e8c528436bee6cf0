"""Notebook 09, beyond one machine: the same workers on joblib, Dask, and from asyncio.

What lives here, and why not in the notebook:

- the small workers the notebook sends to joblib, Dask and a process pool
  (:func:`array_kind`, :func:`cpu_step`, :func:`uses_table`): in a module, so that they
  pickle by name under every start method;
- :func:`compare_engines`, the side-by-side measurement of the same job (07's scan) on
  ``multiprocessing.Pool``, joblib, a Dask ``LocalCluster`` and a Dask cluster of separate
  programs (:class:`helpers.cluster.ProgramCluster`): start-up, per-task overhead, the job,
  the stop, taking turns;
- :func:`loop_latency`, which measures how late an asyncio event loop's ticks come while a
  piece of async code runs: the number that says whether the loop stayed responsive;
- :func:`loky_workers`, the worker processes joblib keeps alive for reuse.

Keep it light: spawned workers import it. joblib, Dask and NumPy are imported inside the
functions that need them.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from helpers.parallel import check_seconds, check_workers
from helpers.workers import check_size, cpu_task, do_nothing


# --- workers ------------------------------------------------------------------------------
def array_kind(a) -> tuple[str, bool, float]:
    """Return ``(type name, writeable?, sum)`` of the array a worker received.

    joblib hands a large NumPy array to its workers as a read-only ``numpy.memmap`` of a
    file it wrote once, instead of pickling it for every task; a small one arrives as a
    plain ``ndarray`` copy. This worker says which one it got.
    """
    return type(a).__name__, bool(a.flags.writeable), float(a.sum())


def cpu_step(size: int) -> tuple[int, int]:
    """Return ``(cpu_task(size), pid)``: a CPU-bound step, and the process that ran it."""
    return cpu_task(size), os.getpid()


def uses_table(table: Sequence, i: int) -> int:
    """Return ``table[i]``: a worker whose argument is large, for what sending it costs."""
    return table[i]


def loky_workers() -> list:
    """Return the worker processes joblib's loky executor keeps alive (psutil Processes).

    joblib starts them on the first ``Parallel(n_jobs=...)`` call and keeps them for the
    next one (starting them again would cost as much as a pool's start-up each time). They
    end after 300 s idle, or when you call
    ``joblib.externals.loky.get_reusable_executor().shutdown(wait=True)``.
    """
    import psutil

    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            line = " ".join(child.cmdline())
        except psutil.Error:
            continue
        if "loky" in line and "resource_tracker" not in line:
            found.append(child)
    return found


def shutdown_loky() -> None:
    """Stop joblib's reusable loky workers now, wait for them, and remove joblib's folders.

    ``get_reusable_executor().shutdown(wait=True)`` stops the workers. joblib also makes a
    folder per ``Parallel`` call for its memory-mapped arrays (``joblib_memmapping_folder_
    <pid>_...`` in ``/dev/shm`` or the temporary folder), and removes some of them only
    when Python exits; once the workers are gone nothing uses them, so they are removed
    here, as joblib's exit handler would, and the notebook leaves nothing behind.
    """
    import glob
    import tempfile

    from joblib.disk import delete_folder
    from joblib.externals.loky import get_reusable_executor

    get_reusable_executor().shutdown(wait=True)
    for root in ("/dev/shm", tempfile.gettempdir()):
        for folder in glob.glob(os.path.join(root, f"joblib_memmapping_folder_{os.getpid()}_*")):
            try:  # joblib's exit handler, which still runs, then finds it gone
                delete_folder(folder, allow_non_empty=True)
            except OSError:  # pragma: no cover - already gone
                pass


# --- the same job on four engines ----------------------------------------------------------
ENGINES = ("multiprocessing.Pool", "joblib", "Dask LocalCluster", "Dask by address")


@dataclass(frozen=True)
class EngineRun:
    """One run of the job on one engine, in seconds."""

    engine: str
    start: float  #: from nothing to every worker ready (one task run on each)
    per_task: float  #: the round trip of one task that does nothing, on a running engine
    job: float  #: the job itself, on a running engine
    stop: float  #: stopping the engine and its processes

    @property
    def total(self) -> float:
        """Start, job and stop: what a one-off run of this job costs on this engine."""
        return self.start + self.job + self.stop


@dataclass(frozen=True)
class EngineComparison:
    """The runs of :func:`compare_engines`, and the serial loop's time for the same job."""

    runs: dict[str, tuple[EngineRun, ...]]
    serial: float
    workers: int
    tasks: int
    notes: dict = field(default_factory=dict)

    def median(self, engine: str, what: str) -> float:
        """The median of ``what`` (``"start"``, ``"per_task"``, ``"job"``, ``"total"``)."""
        return statistics.median(getattr(r, what) for r in self.runs[engine])

    def spread(self, engine: str, what: str) -> tuple[float, float]:
        """(fastest, slowest) of ``what`` over the runs."""
        values = [getattr(r, what) for r in self.runs[engine]]
        return min(values), max(values)

    def resolved(self, a: str, b: str, what: str) -> bool:
        """True if the runs of ``a`` and ``b`` do not overlap on ``what``."""
        (a_lo, a_hi), (b_lo, b_hi) = self.spread(a, what), self.spread(b, what)
        return a_hi < b_lo or b_hi < a_lo

    def table(self) -> str:
        """The medians as a text table."""
        lines = [f"{'engine':<22}{'start-up':>10}{'per task':>11}{'job':>9}{'total':>9}",
                 f"{'serial loop':<22}{'':>10}{'':>11}{self.serial:8.2f}s{self.serial:8.2f}s"]
        for engine in self.runs:
            m = {w: self.median(engine, w) for w in ("start", "per_task", "job", "total")}
            lines.append(f"{engine:<22}{m['start']:9.2f}s{m['per_task'] * 1e3:8.2f} ms"
                         f"{m['job']:8.2f}s{m['total']:8.2f}s")
        return "\n".join(lines)


def _timed(func: Callable, *args) -> tuple[float, object]:
    start = time.perf_counter()
    result = func(*args)
    return time.perf_counter() - start, result


def _run_pool(files, workers, tasks, context) -> tuple[EngineRun, list]:
    from helpers.pipeline import scan_file

    begin = time.perf_counter()
    pool = context.Pool(workers)
    try:
        pool.map(do_nothing, range(workers), chunksize=1)
        start = time.perf_counter() - begin
        overhead, _ = _timed(pool.map, do_nothing, range(tasks), 1)
        job, reports = _timed(pool.map, scan_file, files, 1)
    finally:
        begin = time.perf_counter()
        pool.close()
        pool.join()
    stop = time.perf_counter() - begin
    return EngineRun(ENGINES[0], start, overhead / tasks, job, stop), reports


def _run_joblib(files, workers, tasks) -> tuple[EngineRun, list]:
    from joblib import Parallel, delayed

    from helpers.pipeline import scan_file

    shutdown_loky()  # start from no workers, as a fresh program would
    begin = time.perf_counter()
    Parallel(n_jobs=workers)(delayed(do_nothing)(i) for i in range(workers))
    start = time.perf_counter() - begin
    overhead, _ = _timed(lambda: Parallel(n_jobs=workers)(
        delayed(do_nothing)(i) for i in range(tasks)))
    job, reports = _timed(lambda: Parallel(n_jobs=workers)(delayed(scan_file)(p) for p in files))
    stop, _ = _timed(shutdown_loky)
    return EngineRun(ENGINES[1], start, overhead / tasks, job, stop), reports


def _dask_work(client, files, tasks) -> tuple[float, float, list]:
    from helpers.pipeline import scan_file

    overhead, _ = _timed(lambda: client.gather(client.map(do_nothing, range(tasks), pure=False)))
    job, reports = _timed(lambda: client.gather(client.map(scan_file, files, pure=False)))
    return overhead, job, reports


def _run_local_cluster(files, workers, tasks, memory_limit) -> tuple[EngineRun, list]:
    from distributed import Client, LocalCluster

    begin = time.perf_counter()
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           memory_limit=memory_limit, host="127.0.0.1",
                           dashboard_address="127.0.0.1:0")  # a free port, never 8787 taken
    try:
        client = Client(cluster)
        try:
            client.wait_for_workers(workers)
            start = time.perf_counter() - begin
            overhead, job, reports = _dask_work(client, files, tasks)
        finally:
            begin = time.perf_counter()
            client.close()
    finally:
        cluster.close()
    stop = time.perf_counter() - begin
    return EngineRun(ENGINES[2], start, overhead / tasks, job, stop), reports


def _run_programs(files, workers, tasks, memory_limit) -> tuple[EngineRun, list]:
    from distributed import Client

    from helpers.cluster import ProgramCluster

    begin = time.perf_counter()
    with ProgramCluster(workers=workers, memory_limit=memory_limit) as programs:
        with Client(programs.address) as client:
            start = time.perf_counter() - begin
            overhead, job, reports = _dask_work(client, files, tasks)
        begin = time.perf_counter()
    stop = time.perf_counter() - begin
    return EngineRun(ENGINES[3], start, overhead / tasks, job, stop), reports


def compare_engines(files: Sequence, workers: int, rounds: int = 1, tasks: int = 200,
                    memory_limit: str = "300MB", context=None) -> EngineComparison:
    """Run 07's scan of ``files`` on each engine of :data:`ENGINES`, taking turns.

    Each engine is started from nothing, with ``workers`` worker processes of one thread,
    runs ``tasks`` tasks that do nothing (the per-task overhead: the round trip of a task
    through the engine), then the scan, and is stopped; every engine once per round, for
    ``rounds`` rounds, so a burst of load falls on all of them alike. Every engine's
    reports are checked against the serial loop's (in order): a wrong answer raises.
    ``context`` is the multiprocessing context of the Pool (default: the course's).
    """
    from helpers.pipeline import scan_file
    from helpers.system import get_context

    workers = check_workers(workers, "workers")
    rounds = check_workers(rounds, "rounds")
    tasks = check_size(tasks, "tasks")
    files = list(files)
    if not files:
        raise ValueError("compare_engines needs at least one file to scan")
    context = context or get_context()
    serial, expected = _timed(lambda: [scan_file(p) for p in files])
    runs: dict[str, list[EngineRun]] = {engine: [] for engine in ENGINES}
    for _ in range(rounds):
        for engine, run in zip(ENGINES, (
                lambda: _run_pool(files, workers, tasks, context),
                lambda: _run_joblib(files, workers, tasks),
                lambda: _run_local_cluster(files, workers, tasks, memory_limit),
                lambda: _run_programs(files, workers, tasks, memory_limit)), strict=True):
            result, reports = run()
            if list(reports) != expected:
                raise AssertionError(f"{engine} gave other reports than the serial loop")
            runs[engine].append(result)
    return EngineComparison({e: tuple(r) for e, r in runs.items()}, serial, workers, tasks)


def break_even_tasks(comparison: EngineComparison, engine: str, task_seconds: float) -> float:
    """How many tasks of ``task_seconds`` make the engine's start-up worth paying.

    With ``w`` workers, ``n`` tasks take about ``n * task_seconds`` in a loop and about
    ``start + n * (task_seconds / w + per_task)`` on the engine; they break even at
    ``n = start / (task_seconds * (1 - 1/w) - per_task)``. Infinite where the per-task
    overhead eats what the workers save (or on one worker).
    """
    check_seconds(task_seconds, "task_seconds")
    w = comparison.workers
    saved = task_seconds * (1 - 1 / w) - comparison.median(engine, "per_task")
    return comparison.median(engine, "start") / saved if saved > 0 else float("inf")


# --- asyncio: is the loop still responsive? ------------------------------------------------
@dataclass(frozen=True)
class LoopLatency:
    """How late an event loop's ticks came while some async code ran."""

    label: str
    times: tuple[float, ...]  #: when each tick was due, seconds after the start
    late: tuple[float, ...]  #: how late each tick ran, seconds
    seconds: float  #: how long the async code took
    result: object = None

    @property
    def worst(self) -> float:
        """The longest the loop made a tick wait: what a user of a server would feel."""
        return max(self.late, default=0.0)

    @property
    def typical(self) -> float:
        """The median lateness."""
        return statistics.median(self.late) if self.late else 0.0


async def loop_latency(work: Awaitable, interval: float = 0.01, label: str = "") -> LoopLatency:
    """Await ``work`` while a ticker coroutine asks the loop to wake it every ``interval`` s.

    Each tick notes how late the loop woke it. While the loop runs other coroutines that
    await, ticks come on time (lateness of a millisecond or so). While something blocks
    the loop (a CPU-bound call made directly in a coroutine), no tick can run: the first
    tick after it is late by the whole blocked time. Returns a :class:`LoopLatency`.
    """
    interval = check_seconds(interval, "interval")
    if not hasattr(work, "__await__"):
        raise TypeError(f"loop_latency needs something to await (a coroutine such as "
                        f"analyse(...) called without await), not {type(work).__name__}")
    times: list[float] = []
    late: list[float] = []
    begin = time.perf_counter()
    done = asyncio.Event()

    async def ticker() -> None:
        due = time.perf_counter() + interval
        while not done.is_set():
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            now = time.perf_counter()
            times.append(due - begin)
            late.append(max(0.0, now - due))
            due = max(due + interval, now)  # a late tick does not make the next ones late

    task = asyncio.ensure_future(ticker())
    await asyncio.sleep(0)  # let the ticker start before the work does
    try:
        result = await work
    finally:
        seconds = time.perf_counter() - begin
        done.set()
        await task
    return LoopLatency(label, tuple(times), tuple(late), seconds, result)
