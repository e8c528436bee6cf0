"""The instructor's pre-flight check: ``python -m helpers.bench``.

Run it the day before a workshop on the room's machines or on the JupyterHub. In about
half a minute on a 2-core laptop it prints the machine and measures what the course's
demos depend on:

1. the start-up cost of a process, for each start method this platform has;
2. CPU-bound speedup and efficiency for 1 process up to the usable CPUs, and one past;
3. handing a large NumPy array (100 MB) to another process: pickled through a
   ``Queue``, through ``multiprocessing.shared_memory`` (no copy), and an in-process
   copy as the floor;
4. the gain of a good ``chunksize`` over ``chunksize=1`` for tiny tasks.

It writes a PNG chart (``--png``), a machine-readable result (``--json``), and ends
with a one-line verdict such as ``ready: 1.9x on 2 CPUs``. ``--quick`` runs smaller
sizes; ``--help`` lists every option. Each measurement reuses the course's one timing
harness (:func:`helpers.timing.measure`), so the numbers mean what they mean in the
notebooks.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import queue
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from helpers.parallel import run
from helpers.system import get_context, machine_report, start_method, usable_cpus
from helpers.timing import Scaling, Timing, measure, scaling
from helpers.workers import cpu_task, default_cpu_size, receive_arrays, square

#: Seconds any single wait of the bench may take before it gives up.
TIMEOUT = 120.0

#: Efficiency (speedup / CPUs) at the usable CPUs from which the machine counts as ready.
READY_EFFICIENCY = 0.75


# ------------------------------------------------------------------ measurements
def startup_costs(methods: Sequence[str] | None = None, repeats: int = 5) -> dict[str, Timing]:
    """Time starting and joining one process that does nothing, for each start method.

    Uses :func:`helpers.startup.startup_cost` (notebook 02); its warm-up run absorbs the
    one-off start of the ``forkserver`` server, as in a notebook that already used a pool.
    """
    from helpers.startup import available_methods, startup_cost

    methods = list(methods or available_methods())
    return {m: startup_cost(m, processes=1, repeats=repeats, timeout=TIMEOUT) for m in methods}


def process_counts(usable: int, max_processes: int | None = None) -> list[int]:
    """Return the process counts to measure: 1, 2, 4, ... up to ``usable``, then one past.

    ``max_processes`` caps the list (the default goes one step past the usable CPUs, to
    show oversubscription).
    """
    counts, p = [], 1
    while p < usable:
        counts.append(p)
        p *= 2
    counts += [usable, usable + 1]
    if max_processes is not None:
        counts = [c for c in counts if c <= max_processes] or [1]
    return sorted(set(counts))


def cpu_scaling(
    processes: Sequence[int], task_size: int, tasks: int, repeats: int = 3
) -> Scaling:
    """Speedup of ``tasks`` equal ``cpu_task(task_size)`` tasks for each process count.

    The runs take turns (``interleave=True``), so that a burst of load from another
    program spoils no count more than the others. No extra warm-up:
    :func:`helpers.timing.scaling` already runs the loop once to get the expected
    results, and each pool size once to check them.
    """
    return scaling(cpu_task, [task_size] * tasks, processes, repeats=repeats, warmup=0,
                   interleave=True)


@contextmanager
def _shared_block(nbytes: int) -> Iterator:
    """A new ``multiprocessing.shared_memory`` block of ``nbytes``, always removed at the end.

    ``unlink()`` (remove the block) runs even when ``close()`` (unmap it from this process)
    raises. ``close()`` raises ``BufferError`` while a NumPy array made with
    ``np.frombuffer(block.buf)`` is still alive; removing the block is safe then, as the
    memory stays mapped until the array and the block are gone.
    """
    from multiprocessing import shared_memory

    block = shared_memory.SharedMemory(create=True, size=nbytes)
    try:
        yield block
    finally:
        try:
            block.close()
        finally:
            block.unlink()


def _stop_child(child, inbox, outbox) -> None:
    """Ask ``child`` to stop (``None``), stop it if it does not, and close both queues.

    A message the child never read (it died, or it was stopped) may stay in the queue's
    pipe for ever, and ``join_thread()`` would wait for the queue's feeder thread to write
    it; so once the child has ended, ``cancel_join_thread()`` says not to wait. The feeder
    thread is a daemon: at worst it stays blocked until this Python exits.
    """
    if child.is_alive():
        inbox.put(None)
        child.join(TIMEOUT)
    for stop in (child.terminate, child.kill):
        if child.is_alive():
            stop()
            child.join(5)
    inbox.cancel_join_thread()
    for q in (inbox, outbox):
        q.close()
        q.join_thread()


def handoff_costs(megabytes: float = 100, repeats: int = 3, method: str | None = None
                  ) -> dict[str, Timing]:
    """Time handing a NumPy array of ``megabytes`` MB to a running child process.

    The child (:func:`helpers.workers.receive_arrays`) is started first, so its start-up
    is not counted; each hand-off ends when the child answers with the last element.

    - ``queue (pickled)``: the array itself goes through a ``Queue``: pickled, written
      into a pipe, read and unpickled: two copies and a trip through the kernel.
    - ``shared_memory (no copy)``: the data already lives in a shared-memory block;
      only its name, shape and dtype travel, and the child maps the same memory.
    - ``shared_memory + copy in``: the same, counting the copy of the data into a new
      block and removing the block: the cost when the data did not start there.
    - ``in-process copy``: ``array.copy()``, the floor: moving 100 MB cannot be cheaper.

    Every shared-memory block is closed and unlinked, even if something fails. If the
    child dies, a ``RuntimeError`` says so at once; every wait is bounded by
    :data:`TIMEOUT`.
    """
    import numpy as np

    if not megabytes > 0:
        raise ValueError(f"megabytes must be positive, not {megabytes!r}")
    data = np.arange(max(1, int(megabytes * 1e6 // 8)), dtype=np.float64)
    expected = float(data[-1])
    ctx = get_context(method)
    inbox, outbox = ctx.Queue(), ctx.Queue()
    child = ctx.Process(target=receive_arrays, args=(inbox, outbox), daemon=True)
    child.start()

    def answer() -> None:
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                got = outbox.get(timeout=0.1)
                break
            except queue.Empty:
                if not child.is_alive():
                    raise RuntimeError(
                        f"the child process that receives the arrays ended (exit code "
                        f"{child.exitcode}) without answering") from None
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the child did not answer within {TIMEOUT} s") from None
        if got != expected:
            raise AssertionError(f"the child saw {got}, not {expected}: the hand-off failed")

    def copy_into(block) -> None:
        # np.frombuffer, not np.ndarray(buffer=...): while this array lives, block.close()
        # raises BufferError instead of unmapping memory the array still points to.
        np.frombuffer(block.buf, dtype=data.dtype, count=data.size)[:] = data

    def via_queue() -> None:
        inbox.put(data)
        answer()

    def copy_in_and_share() -> None:
        with _shared_block(data.nbytes) as block:
            copy_into(block)
            inbox.put(("shm", block.name, data.shape, data.dtype.str))
            answer()

    results = {}
    try:
        results["queue (pickled)"] = measure(via_queue, repeats=repeats, label="queue (pickled)")
        with _shared_block(data.nbytes) as block:
            copy_into(block)
            message = ("shm", block.name, data.shape, data.dtype.str)

            def via_shared_memory() -> None:
                inbox.put(message)
                answer()

            results["shared_memory (no copy)"] = measure(
                via_shared_memory, repeats=repeats, label="shared_memory (no copy)")
        results["shared_memory + copy in"] = measure(
            copy_in_and_share, repeats=repeats, label="shared_memory + copy in")
        results["in-process copy"] = measure(data.copy, repeats=repeats, label="in-process copy")
    finally:
        _stop_child(child, inbox, outbox)
    return results


def chunksize_gain(tasks: int, processes: int, repeats: int = 3) -> dict[str, object]:
    """Time ``tasks`` tiny tasks (``square``) with ``chunksize=1`` and with a good chunksize.

    The good chunksize is the one ``Pool.map`` picks by itself: about ``tasks / (4 *
    processes)``, so each process gets four batches. Returns both timings and the gain.
    """
    from helpers.pools import default_chunksize

    good = default_chunksize(tasks, processes)
    items = list(range(tasks))
    one = measure(run, square, items, processes, chunksize=1, repeats=repeats, warmup=0,
                  label="chunksize=1")
    best = measure(run, square, items, processes, chunksize=good, repeats=repeats, warmup=0,
                   label=f"chunksize={good}")
    return {"tasks": tasks, "processes": processes, "good_chunksize": good,
            "chunksize_1": one, "chunksize_good": best, "gain": one.median / best.median}


# ---------------------------------------------------------------------- results
def busy_elsewhere() -> dict[str, float | None]:
    """Return how busy the machine is *before* the bench starts: CPU use and load average.

    ``cpu_percent`` is the share of all CPUs in use over half a second (psutil);
    ``load_average`` is the number of processes running or waiting over the last minute
    (None where the platform has none). A load near the number of CPUs means another
    program already uses them all, and every speedup measured now will look worse.
    """
    import os

    import psutil

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {"cpu_percent": psutil.cpu_percent(interval=0.5), "load_average": load}


def verdict(result: Scaling, usable: int, load: float | None = None) -> tuple[bool, str]:
    """Return (ready, one line) from the speedup at the usable CPUs.

    ``load`` (the load average before the run) is named in the line when it suggests that
    another program was competing for the CPUs.
    """
    at = [p for p in result.processes if p <= usable]
    p = max(at) if at else result.processes[0]
    speedup = result.speedups[result.processes.index(p)]
    efficiency = speedup / p
    if not result.results_ok:
        return False, "not ready: the parallel results differ from the serial ones"
    if usable == 1:
        return False, (f"limited: 1 usable CPU ({speedup:.1f}x); the demos run, but no speedup "
                       "is possible; plan to show the charts from a bigger machine")
    if efficiency >= READY_EFFICIENCY:
        return True, f"ready: {speedup:.1f}x on {p} CPUs (efficiency {efficiency:.2f})"
    busy = (f"the load average was {load:.1f} on {usable} CPUs: other programs were "
            "using them" if load is not None and load >= 0.5 else "is another program using "
            "the CPUs?")
    return False, (f"check: only {speedup:.1f}x on {p} CPUs (efficiency {efficiency:.2f}); "
                   f"{busy}; run again when the machine is idle")


def _timing_dict(t: Timing) -> dict[str, object]:
    return {"median": t.median, "best": t.best, "worst": t.worst, "times": list(t.times),
            "cpu_median": t.cpu_median}


def to_json(results: dict) -> dict:
    """Return the results as plain JSON-ready data (Timings become dicts of seconds)."""
    s: Scaling = results["scaling"]
    handoff = results["handoff"]
    chunk = results["chunksize"]
    return {
        "machine": {k: v for k, v in results["machine"].items()},
        "options": results["options"],
        "busy_before": results["busy_before"],
        "startup_seconds": {m: _timing_dict(t) for m, t in results["startup"].items()},
        "scaling": {
            "processes": list(s.processes),
            "serial_seconds": s.serial.median,
            "seconds": [t.median for t in s.timings],
            "cpu_seconds": [t.cpu_median for t in s.timings],
            "speedups": s.speedups,
            "efficiencies": s.efficiencies,
            "results_ok": s.results_ok,
        },
        "handoff": {
            "megabytes": results["options"]["array_mb"],
            "seconds": {k: _timing_dict(t) for k, t in handoff.items()},
            "queue_over_shared_memory": (handoff["queue (pickled)"].median
                                         / handoff["shared_memory (no copy)"].median),
            "shared_memory_over_copy": (handoff["shared_memory (no copy)"].median
                                        / handoff["in-process copy"].median),
            "shared_memory_with_copy_in_over_copy": (
                handoff["shared_memory + copy in"].median / handoff["in-process copy"].median),
        },
        "chunksize": {
            "tasks": chunk["tasks"], "processes": chunk["processes"],
            "good_chunksize": chunk["good_chunksize"],
            "chunksize_1_seconds": chunk["chunksize_1"].median,
            "chunksize_good_seconds": chunk["chunksize_good"].median,
            "gain": chunk["gain"],
        },
        "ready": results["ready"],
        "verdict": results["verdict"],
        "wall_seconds": results["wall_seconds"],
    }


def bench_chart(results: dict):
    """Return one figure with four panels: start-up, speedup, hand-off, chunksize."""
    from helpers.plots import CourseFigure

    fig = CourseFigure(figsize=(11, 7.5))
    (ax_start, ax_speed), (ax_hand, ax_chunk) = fig.subplots(2, 2)

    startup = results["startup"]
    names = list(startup)
    ax_start.bar(names, [startup[m].median * 1e3 for m in names], color="tab:blue")
    ax_start.set_ylabel("start + join one process (ms)")
    ax_start.set_title("Process start-up per start method")

    s: Scaling = results["scaling"]
    usable = results["usable"]
    top = max(max(s.processes), usable)
    ax_speed.plot([1, top], [1, top], color="gray", linestyle="--", label="ideal")
    ax_speed.plot(s.processes, s.speedups, marker="o", label="measured")
    ax_speed.axvline(usable, color="tab:red", linestyle=":", label=f"usable CPUs ({usable})")
    ax_speed.set_xlabel("processes")
    ax_speed.set_ylabel("speedup over the serial loop (x)")
    ax_speed.set_ylim(bottom=0)
    ax_speed.set_xticks(s.processes)
    ax_speed.set_title("CPU-bound speedup")
    ax_speed.legend()

    handoff = results["handoff"]
    labels = list(handoff)
    values = [handoff[k].median * 1e3 for k in labels]
    bars = ax_hand.barh(labels, values, color=["tab:red", "tab:green", "tab:olive", "gray"])
    ax_hand.bar_label(bars, labels=[f"{v:.1f} ms" for v in values], padding=4)
    ax_hand.set_xscale("log")
    ax_hand.set_xlim(min(values) / 2, max(values) * 8)
    ax_hand.invert_yaxis()
    ax_hand.set_xlabel("time to hand the array to another process (ms, log scale)")
    ax_hand.set_title(f"Handing over {results['options']['array_mb']:g} MB of NumPy")

    chunk = results["chunksize"]
    chunk_labels = ["chunksize=1", f"chunksize={chunk['good_chunksize']}"]
    chunk_values = [chunk["chunksize_1"].median, chunk["chunksize_good"].median]
    bars = ax_chunk.bar(chunk_labels, chunk_values, color=["tab:red", "tab:green"])
    ax_chunk.bar_label(bars, labels=[f"{v:.2f} s" for v in chunk_values])
    ax_chunk.set_ylim(0, max(chunk_values) * 1.2)
    ax_chunk.set_ylabel("wall-clock time (s)")
    ax_chunk.set_title(f"{chunk['tasks']} tiny tasks on {chunk['processes']} processes")

    for ax in (ax_start, ax_speed, ax_chunk):
        ax.grid(alpha=0.3)
    fig.suptitle(results["verdict"])
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- command line
def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, not {text!r}") from None
    if not value > 0 or value != value or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number, not {text}")
    return value


def parser() -> argparse.ArgumentParser:
    """Return the command-line parser (``python -m helpers.bench --help``)."""
    p = argparse.ArgumentParser(
        prog="python -m helpers.bench",
        description="Pre-flight check for the course: measures process start-up, CPU-bound "
                    "speedup, handing a large NumPy array to another process, and chunksize; "
                    "ends with a one-line verdict.",
    )
    p.add_argument("--quick", action="store_true",
                   help="smaller sizes and fewer repeats (a few seconds); numbers are rougher")
    p.add_argument("--json", metavar="PATH", type=Path, help="also write the results as JSON")
    p.add_argument("--png", metavar="PATH", type=Path, default=Path("bench.png"),
                   help="where to write the chart (default: bench.png)")
    p.add_argument("--no-png", action="store_true", help="do not draw the chart")
    p.add_argument("--array-mb", metavar="N", type=_positive_float,
                   help="size of the array to hand over, in MB (default 100; 10 with --quick)")
    p.add_argument("--max-processes", metavar="N", type=_positive_int,
                   help="largest process count to measure (default: usable CPUs + 1)")
    p.add_argument("--task-size", metavar="N", type=_positive_int,
                   help="iterations of cpu_task per task (default: COURSE_SCALE x 666,666, "
                        "about 0.08 s; a fifth of that with --quick)")
    p.add_argument("--tasks", metavar="N", type=_positive_int,
                   help="CPU-bound tasks (default: 12, or 4 per process if more)")
    p.add_argument("--chunk-tasks", metavar="N", type=_positive_int,
                   help="tiny tasks for the chunksize test (default 20000; 2000 with --quick)")
    p.add_argument("--repeats", metavar="N", type=_positive_int,
                   help="timed runs per measurement (default 3; 2 with --quick)")
    p.add_argument("--methods", metavar="M", nargs="+",
                   choices=multiprocessing.get_all_start_methods(),
                   help="start methods to time (default: every one this platform has)")
    return p


def bench(args: argparse.Namespace, out=print) -> dict:
    """Run every measurement that ``args`` asks for, printing as it goes; return the results."""
    began = time.perf_counter()
    usable = usable_cpus()
    quick = args.quick
    repeats = args.repeats or (2 if quick else 3)
    array_mb = args.array_mb or (10 if quick else 100)
    task_size = args.task_size or max(1, default_cpu_size() * 2 // (15 if quick else 3))
    counts = process_counts(usable, args.max_processes)
    tasks = args.tasks or max(12, 4 * max(counts))
    chunk_tasks = args.chunk_tasks or (2000 if quick else 20000)
    methods = args.methods or multiprocessing.get_all_start_methods()
    options = {"quick": quick, "repeats": repeats, "array_mb": array_mb, "task_size": task_size,
               "tasks": tasks, "processes": counts, "chunk_tasks": chunk_tasks,
               "methods": list(methods), "start_method": start_method()}

    machine = machine_report()
    before = busy_elsewhere()
    machine["CPU in use before the bench"] = f"{before['cpu_percent']:.0f}%"
    if before["load_average"] is not None:
        machine["load average (1 min) before"] = f"{before['load_average']:.2f}"
    out("Machine")
    width = max(map(len, machine))
    for key, value in machine.items():
        out(f"  {key:<{width}}  {value}")
    if before["cpu_percent"] > 25:
        out("  Warning: other programs are using the CPUs; the speedups will look worse.")

    out("\n1. Process start-up (start and join one process that does nothing)")
    startup = startup_costs(methods, repeats=max(3, repeats))
    for method, t in startup.items():
        out(f"  {method:<11} {t.median * 1e3:7.1f} ms  (range {t.best * 1e3:.1f} to "
            f"{t.worst * 1e3:.1f} ms)")

    out(f"\n2. CPU-bound speedup: {tasks} tasks of cpu_task({task_size:,}), "
        f"start method {start_method()}")
    result = cpu_scaling(counts, task_size, tasks, repeats)
    for line in result.table().splitlines():
        out("  " + line)

    out(f"\n3. Handing a {array_mb:g} MB NumPy array to another process")
    handoff = handoff_costs(array_mb, repeats=repeats)
    copy = handoff["in-process copy"].median
    for name, t in handoff.items():
        out(f"  {name:<24} {t.median * 1e3:9.2f} ms  ({t.median / copy:6.2f} x the copy)")
    queue, shm = handoff["queue (pickled)"].median, handoff["shared_memory (no copy)"].median
    out(f"  shared_memory is {queue / shm:.0f}x faster than the queue")

    processes = min(usable, max(counts))
    out(f"\n4. chunksize: {chunk_tasks} tiny tasks (square) on {processes} processes")
    chunk = chunksize_gain(chunk_tasks, processes, repeats)
    out(f"  chunksize=1: {chunk['chunksize_1'].median:.3f} s, chunksize="
        f"{chunk['good_chunksize']}: {chunk['chunksize_good'].median:.3f} s, "
        f"gain {chunk['gain']:.1f}x")

    ready, line = verdict(result, usable, before["load_average"])
    results = {"machine": machine, "options": options, "usable": usable, "busy_before": before,
               "startup": startup,
               "scaling": result, "handoff": handoff, "chunksize": chunk, "ready": ready,
               "verdict": line, "wall_seconds": time.perf_counter() - began}
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Run the pre-flight check; return 0 when the machine is ready, 1 when not."""
    args = parser().parse_args(argv)
    if "forkserver" in multiprocessing.get_all_start_methods():
        # Under forkserver each child of a script re-runs the script's main module (here,
        # this one), with everything it imports. A notebook has no main module to re-run.
        # Importing those modules once in the server keeps that cost out of every child,
        # so the start-up measured here is close to what a notebook pays.
        imported = sorted(name for name in sys.modules
                          if name.startswith("helpers.") and name != __spec__.name)
        multiprocessing.set_forkserver_preload(imported)
    results = bench(args)
    if not args.no_png:
        from helpers.plots import figure_png

        args.png.write_bytes(figure_png(bench_chart(results)))
        print(f"\nChart written to {args.png}")
    results["wall_seconds"] = wall = results["wall_seconds"]
    if args.json:
        args.json.write_text(json.dumps(to_json(results), indent=2, default=str))
        print(f"Results written to {args.json}")
    print(f"\nFinished in {wall:.1f} s")
    print(results["verdict"])
    return 0 if results["ready"] else 1


if __name__ == "__main__":
    sys.exit(main())
