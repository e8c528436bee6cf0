"""A real Dask cluster on this machine: a scheduler and workers started as separate programs.

On a cluster of machines you start one ``dask scheduler`` program somewhere, one
``dask worker ADDRESS`` program on each machine, and your code connects to the
scheduler by its address: ``Client("tcp://HOST:PORT")``. :class:`ProgramCluster` does
exactly that on this machine, on ``127.0.0.1`` only (nothing is reachable from outside),
so that notebook 09 can show it live::

    with ProgramCluster(workers=2) as programs:
        print(programs.command_lines())   # what it ran, as you would type it
        with Client(programs.address) as client:
            ...

It starts each program in a process group of its own (a new session on POSIX), writes
what each prints into a log file in a temporary folder, waits a bounded time for the
scheduler's address (read from its ``--scheduler-file``) and for every worker to join,
and **always** stops them when the block ends: also when the block raised, or when you
interrupted the cell (``KeyboardInterrupt`` ends the ``with`` block like any error).
Stopping sends SIGTERM to each program's group, waits, then SIGKILL for what is left.
An exit of the Python process (or the kernel) stops them too (``weakref.finalize``); if
this process is killed outright, the scheduler ends itself after 10 idle minutes
(``--idle-timeout``) and the workers follow once it is gone (``--death-timeout``).

The commands are ``python -m dask scheduler ...`` and ``python -m dask worker ...``, with
this process's Python, so the programs run the same Dask as your notebook; in a terminal
you would type ``dask scheduler ...`` and ``dask worker ...``, which are the same commands.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import weakref
from pathlib import Path

from helpers.parallel import check_seconds, check_workers

#: The only address the course's programs listen on: this machine, never the network.
HOST = "127.0.0.1"
#: Seconds a program gets to stop after SIGTERM before it is killed.
STOP_GRACE_S = 5.0


def check_port(port: object) -> int:
    """Return ``port`` if it is a TCP port number (0 to 65535; 0 means "any free port")."""
    if isinstance(port, bool) or not isinstance(port, int):
        raise TypeError(f"port must be a whole number such as 8786, or 0 for any free port, "
                        f"not {port!r} ({type(port).__name__})")
    if not 0 <= port <= 65535:
        raise ValueError(f"port must be between 0 and 65535 (0: any free port), not {port}")
    return port


def free_port(host: str = HOST) -> int:
    """Return a TCP port that is free on ``host`` now (the system picks it, as port 0 does)."""
    import socket

    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def _start(command: list[str], log: Path) -> subprocess.Popen:
    """Start ``command`` in a process group of its own, its output into ``log``."""
    group = ({"start_new_session": True} if os.name == "posix"
             else {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP})
    with open(log, "wb") as out:
        return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, **group)


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    try:
        if os.name == "posix":
            os.killpg(proc.pid, sig)  # the program and everything it started
        elif sig == getattr(signal, "SIGKILL", None):
            proc.kill()
        else:
            proc.terminate()
    except (ProcessLookupError, PermissionError, OSError):
        pass


def stop_programs(procs: list[subprocess.Popen], grace: float = STOP_GRACE_S) -> None:
    """Stop each program and its process group: SIGTERM, wait ``grace`` s, then SIGKILL.

    Safe to call twice, and on programs that already ended.
    """
    for proc in procs:
        if proc.poll() is None:
            _signal_group(proc, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for proc in procs:
        try:
            proc.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    for proc in procs:
        # Kill the group even if its leader ended: a child it started may still run.
        _signal_group(proc, getattr(signal, "SIGKILL", signal.SIGTERM))
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL cannot be refused
            pass


class ProgramCluster:
    """A ``dask scheduler`` and ``workers`` × ``dask worker`` programs on 127.0.0.1.

    ``workers``: how many worker programs (1 or more), each with one process and one
    thread (``--nworkers 1 --nthreads 1``) and no nanny (``--no-nanny``: the worker is the
    program itself; on a real cluster keep the nanny, which restarts a worker that dies).
    ``port``: the scheduler's port, 0 for any free one. ``memory_limit``: each worker's
    (Dask's text, such as ``"300MB"``). ``timeout``: seconds to wait for the scheduler and
    for every worker to join, after which the programs are stopped and an error says why.
    """

    def __init__(self, workers: int = 2, port: int = 0, memory_limit: str = "300MB",
                 timeout: float = 60.0, dashboard: bool = False) -> None:
        self.workers = check_workers(workers, "workers")
        self.port = check_port(port)
        if not isinstance(memory_limit, str) or not memory_limit.strip():
            raise TypeError(f"memory_limit must be Dask's text for a size, such as '300MB', "
                            f"not {memory_limit!r}")
        self.memory_limit = memory_limit
        self.timeout = check_seconds(timeout, "timeout")
        self.dashboard = bool(dashboard)
        self.address: str | None = None
        self.folder: Path | None = None
        self.procs: list[subprocess.Popen] = []
        self.commands: list[list[str]] = []
        self.started_in: float | None = None
        self._tmp: tempfile.TemporaryDirectory | None = None
        self._finalizer = None

    # --- the commands ----------------------------------------------------------------------
    def scheduler_command(self, port: int | None = None) -> list[str]:
        """``python -m dask scheduler`` on 127.0.0.1, writing its address to a file."""
        # The scheduler serves HTTP (health, metrics) even without a dashboard, on
        # --dashboard-address (":8787", every network, by default): keep it on 127.0.0.1.
        dashboard = [] if self.dashboard else ["--no-dashboard"]
        # --idle-timeout: if this Python dies without stopping it (a killed kernel), the
        # scheduler ends itself after 10 idle minutes, and its workers follow it
        # (--death-timeout).
        return [sys.executable, "-m", "dask", "scheduler", "--host", HOST,
                "--port", str(self.port if port is None else port), *dashboard,
                "--dashboard-address", f"{HOST}:0",
                "--idle-timeout", "600s",
                "--scheduler-file", str(self.folder / "scheduler.json")]

    def worker_command(self, n: int) -> list[str]:
        """``python -m dask worker ADDRESS`` with one process, one thread, on 127.0.0.1."""
        return [sys.executable, "-m", "dask", "worker", str(self.address),
                "--nworkers", "1", "--nthreads", "1", "--no-nanny", "--host", HOST,
                "--no-dashboard", "--dashboard-address", f"{HOST}:0",  # its HTTP server too
                "--memory-limit", self.memory_limit, "--name", f"worker-{n}",
                "--local-directory", str(self.folder / f"worker-{n}"),
                "--death-timeout", str(round(self.timeout))]

    def command_lines(self) -> str:
        """The commands it ran, one per line, as you would type them (``dask ...``)."""
        lines = []
        for command in self.commands:
            words = ["dask", *command[3:]]  # "python -m dask" is the `dask` command
            lines.append(shlex.join(words))
        return "\n".join(lines)

    # --- start and stop --------------------------------------------------------------------
    def start(self) -> ProgramCluster:
        """Start the scheduler, read its address, start the workers, wait until all joined."""
        if self.procs:
            raise RuntimeError("this ProgramCluster is already running")
        begin = time.perf_counter()
        self._tmp = tempfile.TemporaryDirectory(prefix="course-dask-")
        self.folder = Path(self._tmp.name)
        self._finalizer = weakref.finalize(self, _cleanup, self.procs, self._tmp)
        try:
            # With a port known in advance, the workers start at the same time as the
            # scheduler (they retry until it answers): a start-up of one program, not two.
            port = self.port or free_port()
            self.address = f"tcp://{HOST}:{port}"
            self._launch("scheduler", self.scheduler_command(port))
            for n in range(1, self.workers + 1):
                self._launch(f"worker-{n}", self.worker_command(n))
            self._wait_for_address()
            self._wait_for_workers()
        except BaseException:
            self.stop()
            raise
        self.started_in = time.perf_counter() - begin
        return self

    def _launch(self, name: str, command: list[str]) -> None:
        self.commands.append(command)
        self.procs.append(_start(command, self.folder / f"{name}.log"))

    def log(self, name: str = "scheduler", last: int = 15) -> str:
        """The last ``last`` lines a program printed (``"scheduler"``, ``"worker-1"``...)."""
        path = self.folder / f"{name}.log" if self.folder else None
        if path is None or not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-last:])

    def _ended(self) -> str | None:
        """Which program ended already, with what it printed last, or None."""
        names = ["scheduler", *(f"worker-{n}" for n in range(1, len(self.procs)))]
        for name, proc in zip(names, self.procs, strict=False):
            if proc.poll() is not None:
                return (f"the {name} program ended with exit code {proc.returncode}; it "
                        f"printed:\n{self.log(name)}")
        return None

    def _wait_for_address(self) -> str:
        """Wait until the scheduler wrote its address (it listens then), and check it."""
        path = self.folder / "scheduler.json"
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            ended = self._ended()
            if ended:
                hint = (f" Is port {self.port} already in use? Give port=0 for any free port."
                        if self.port else "")
                raise RuntimeError(f"the Dask scheduler did not start.{hint} In detail: {ended}")
            try:
                address = json.loads(path.read_text())["address"]
            except (OSError, ValueError, KeyError):  # not written yet, or half written
                time.sleep(0.05)
                continue
            if address != self.address:  # pragma: no cover - Dask changed how it says it
                raise RuntimeError(f"the scheduler listens on {address}, not {self.address}")
            return address
        raise TimeoutError(f"the Dask scheduler gave no address within {self.timeout:.0f} s; "
                           f"it printed:\n{self.log('scheduler')}")

    def _wait_for_workers(self) -> None:
        from distributed import Client

        deadline = time.monotonic() + self.timeout
        with Client(self.address, timeout=f"{self.timeout}s") as client:
            while len(client.scheduler_info(n_workers=-1)["workers"]) < self.workers:
                ended = self._ended()
                if ended:
                    raise RuntimeError(f"a Dask worker did not start: {ended}")
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"only {len(client.scheduler_info(n_workers=-1)['workers'])} of "
                        f"{self.workers} workers joined within {self.timeout:.0f} s")
                time.sleep(0.05)

    def stop(self) -> None:
        """Stop every program (SIGTERM, then SIGKILL) and remove the temporary folder."""
        if self._finalizer is not None:
            self._finalizer()  # runs _cleanup once; later calls do nothing

    @property
    def running(self) -> bool:
        """True while every program is alive."""
        return bool(self.procs) and all(p.poll() is None for p in self.procs)

    @property
    def pids(self) -> list[int]:
        """The process ids of the programs: the scheduler first."""
        return [p.pid for p in self.procs]

    def __enter__(self) -> ProgramCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"ProgramCluster({self.address or 'not started'}, {self.workers} workers, {state})"


def _cleanup(procs: list[subprocess.Popen], tmp: tempfile.TemporaryDirectory) -> None:
    stop_programs(procs)
    try:
        tmp.cleanup()
    except OSError:  # pragma: no cover - a file still open on Windows
        pass
