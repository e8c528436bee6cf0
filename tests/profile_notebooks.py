"""What a learner waits for: run every notebook as Run All would, and measure it.

``make profile`` (or ``python tests/profile_notebooks.py [NOTEBOOK ...]``) runs each
notebook of ``notebooks/`` (every ``NN_name.ipynb``, so notebooks added later are
included) top to bottom in a fresh kernel, started in the notebook's folder as JupyterLab
starts it, at the size a learner sees (``COURSE_SCALE=1`` unless set). For each notebook
it prints:

- the seconds from the first cell to the end of the last one (the kernel's start-up is
  not counted: in JupyterLab the kernel is already running when you press Run All);
- the slowest cell (its number, counting every cell from 0 as nbval and JupyterLab do,
  and its first line) and its seconds;
- the peak memory of the kernel and all its children (pool workers, the forkserver, the
  resource tracker...), as PSS (proportional set size: each page shared by n processes
  counts 1/n in each, so the sum over processes is the memory really used), sampled every
  ``--interval`` seconds with psutil's ``memory_full_info().pss``. Where PSS does not
  exist (macOS, Windows) it falls back to USS, then RSS, and says which.

A cell that raises stops the run there, as Run All does (a cell tagged
``raises-exception`` may raise). Files the notebooks write next to themselves (a
learner's ``%%writefile my_workers.py``) are removed afterwards, unless ``--keep-files``.

It lives in ``tests/`` with the leak check, not in ``helpers/``: it is a tool for the
course's authors, and ``helpers`` is what every learner's notebook imports. It is not part
of ``make test``: it asserts nothing, and at the learner's size it takes minutes. The
machine's load average is printed before and after: on a busy machine every second is an
upper bound.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
import psutil
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
MB = 1024 * 1024


def course_notebooks(folder: Path = NOTEBOOKS) -> list[Path]:
    """Every notebook of the course, in teaching order: ``NN_name.ipynb``."""
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb") if p.is_file())


def process_memory(proc: psutil.Process) -> tuple[int, str]:
    """Return (bytes, kind) for one process: PSS where the platform has it, else USS or RSS."""
    try:
        full = proc.memory_full_info()
    except psutil.AccessDenied:
        return proc.memory_info().rss, "RSS"
    for kind in ("pss", "uss"):
        if hasattr(full, kind):
            return getattr(full, kind), kind.upper()
    return full.rss, "RSS"


class PeakMemory:
    """Sample the memory of a process and all its descendants in a thread; keep the peak."""

    def __init__(self, pid: int, interval: float = 0.1):
        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self.peak_processes = 0
        self.kind = "PSS"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="peak-memory", daemon=True)

    def sample(self) -> int:
        """The memory of the tree now (bytes); processes that end meanwhile are skipped."""
        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0
        total = 0
        for proc in procs:
            try:
                used, self.kind = process_memory(proc)
            except (psutil.NoSuchProcess, psutil.ZombieProcess, psutil.AccessDenied):
                continue
            total += used
        if total > self.peak:
            self.peak, self.peak_processes = total, len(procs)
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)
        self.sample()


@dataclass
class Profile:
    """The measurements of one notebook."""

    notebook: str
    seconds: float = 0.0
    cells: int = 0
    slowest_cell: int | None = None
    slowest_first_line: str = ""
    slowest_seconds: float = 0.0
    peak_mb: float = 0.0
    memory_kind: str = "PSS"
    peak_processes: int = 0
    error: str = ""
    cell_seconds: dict[int, float] = field(default_factory=dict)


def _kernel_pid(client: NotebookClient) -> int:
    provisioner = getattr(client.km, "provisioner", None)
    pid = getattr(provisioner, "pid", None) or getattr(getattr(provisioner, "process", None),
                                                      "pid", None)
    if pid is None:  # jupyter_client before 7
        pid = client.km.kernel.pid
    return pid


def _first_line(source: str) -> str:
    lines = [line for line in source.splitlines() if line.strip()]
    return (lines[0][:60] + ("..." if len(lines[0]) > 60 else "")) if lines else ""


def profile_notebook(path: Path, cell_timeout: float = 600, interval: float = 0.1,
                     kernel_log=None) -> Profile:
    """Run ``path`` top to bottom in a fresh kernel and measure it (see the module docstring).

    ``kernel_log``, an open file, receives what the kernel and its children print to their
    own stdout and stderr (not the cells' outputs), so that it does not cut the table.
    """
    nb = nbformat.read(path, as_version=4)
    result = Profile(path.name)
    client = NotebookClient(nb, timeout=cell_timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.reset_execution_trackers()
    streams = {"stdout": kernel_log, "stderr": kernel_log} if kernel_log else {}
    with client.setup_kernel(**streams):
        client.wait_for_reply(client.kc.kernel_info())
        with PeakMemory(_kernel_pid(client), interval) as memory:
            started = time.perf_counter()
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code" or not cell.source.strip():
                    continue
                began = time.perf_counter()
                try:
                    client.execute_cell(cell, index)
                except CellExecutionError as err:
                    last = re.sub(r"\x1b\[[0-9;]*m", "", str(err)).strip().splitlines()[-1]
                    result.error = f"cell {index} raised: {last}"
                    break
                finally:
                    result.cell_seconds[index] = time.perf_counter() - began
            result.seconds = time.perf_counter() - started
    result.cells = len(result.cell_seconds)
    if result.cell_seconds:
        slowest = max(result.cell_seconds, key=result.cell_seconds.get)
        result.slowest_cell, result.slowest_seconds = slowest, result.cell_seconds[slowest]
        result.slowest_first_line = _first_line(nb.cells[slowest].source)
    result.peak_mb = memory.peak / MB
    result.memory_kind, result.peak_processes = memory.kind, memory.peak_processes
    return result


def machine_line() -> str:
    """The CPUs and the load average now: every timing must be read against it."""
    from helpers.system import usable_cpus

    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    loads = f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1/5/15 min)" \
        if load else "load average not available"
    return (f"{usable_cpus()} usable CPUs (os.cpu_count() {os.cpu_count()}), {loads}, "
            f"memory available {psutil.virtual_memory().available / 2**30:.1f} GiB")


def _remove_new_files(folder: Path, before: set[str]) -> list[str]:
    removed = []
    for name in sorted(set(os.listdir(folder)) - before):
        target = folder / name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target, ignore_errors=True)
        else:
            target.unlink(missing_ok=True)
        removed.append(name)
    return removed


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                epilog="Default: every notebooks/NN_*.ipynb, in order.")
    p.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: all)")
    p.add_argument("--cell-timeout", type=float, default=600,
                   help="seconds a cell may run before the notebook counts as hung (600)")
    p.add_argument("--interval", type=float, default=0.1,
                   help="seconds between two memory samples (0.1)")
    p.add_argument("--json", type=Path, help="also write the measurements to this file")
    p.add_argument("--keep-files", action="store_true",
                   help="keep the files the notebooks write next to themselves")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    for name in ("cell_timeout", "interval"):
        if not getattr(args, name) > 0:
            parser().error(f"--{name.replace('_', '-')} must be a positive number of seconds")
    os.environ.setdefault("COURSE_SCALE", "1")
    notebooks = [p.resolve() for p in args.notebooks] or course_notebooks()
    missing = [str(p) for p in notebooks if not p.is_file()]
    if missing:
        parser().error(f"no such notebook: {', '.join(missing)}")
    print(f"COURSE_SCALE={os.environ['COURSE_SCALE']}, "
          f"start method {os.environ.get('COURSE_START_METHOD') or 'the platform default'}, "
          f"Python {sys.version.split()[0]}")
    print(f"before: {machine_line()}")
    width = max(len(p.name) for p in notebooks)
    print(f"{'notebook':<{width}}  {'seconds':>7}  {'slowest cell':<70} {'peak memory':>12}")
    profiles, began = [], time.perf_counter()
    for path in notebooks:
        before = set(os.listdir(path.parent))
        try:
            with tempfile.TemporaryFile("w+") as log:
                prof = profile_notebook(path, args.cell_timeout, args.interval, log)
                if prof.error:
                    log.seek(0)
                    tail = "".join(log.readlines()[-20:]).rstrip()
                    if tail:
                        prof.error += f"\nwhat the kernel printed last:\n{tail}"
        finally:
            removed = [] if args.keep_files else _remove_new_files(path.parent, before)
        profiles.append(prof)
        slowest = (f"[{prof.slowest_cell}] {prof.slowest_seconds:5.1f} s  "
                   f"{prof.slowest_first_line}" if prof.slowest_cell is not None else "-")
        print(f"{prof.notebook:<{width}}  {prof.seconds:7.1f}  {slowest:<70} "
              f"{prof.peak_mb:7.0f} MB {prof.memory_kind}"
              f" ({prof.peak_processes} process{'' if prof.peak_processes == 1 else 'es'})",
              flush=True)
        if prof.error:
            print(f"{'':<{width}}  stopped: {prof.error}")
        if removed:
            print(f"{'':<{width}}  removed what it wrote: {', '.join(removed)}")
    print(f"after: {machine_line()}")
    print(f"{len(profiles)} notebooks in {time.perf_counter() - began:.0f} s")
    if args.json:
        args.json.write_text(json.dumps({"course_scale": os.environ["COURSE_SCALE"],
                                         "notebooks": [asdict(p) for p in profiles]}, indent=2))
    return 1 if any(p.error for p in profiles) else 0


if __name__ == "__main__":
    sys.exit(main())
