"""A pytest plugin for nbval: after each notebook, check that it left nothing behind.

Load it with ``-p tests.nb_leak_check`` (``make notebooks`` does). After the last cell
of every notebook it adds one more test, ``<notebook>::leak check``, which fails if

* a process started by the notebook is still alive: any descendant of the kernel,
  except multiprocessing's own helpers that live as long as the kernel (the resource
  tracker and the forkserver; their own children, such as forkserver workers, count);
* a shared-memory segment or named semaphore created during the notebook still exists
  in ``/dev/shm`` (Linux) once the notebook's names are dropped;
* a leaked-resource warning was printed: a ``ResourceWarning`` (for example "unclosed
  running multiprocessing pool") in any cell, or the resource tracker's "leaked ...
  objects to clean up" warning when it is stopped at the end of the notebook;
* a TCP port is still listening, owned by the kernel or one of its descendants, that was
  not listening when the kernel started (its own ZeroMQ ports): a Dask scheduler, a
  dashboard, a server thread left running;
* at any moment during the notebook, the kernel or a descendant listened on an address
  other than the loopback (127.0.0.1, ::1): everything the course starts must be reachable
  from this machine only. A watcher thread looks at the kernel's process tree a few times
  a second while the notebook runs (psutil).

How: the kernel starts with ``PYTHONWARNINGS=default::ResourceWarning`` (its children
inherit it) and with its stderr in a file, not in /dev/null as nbval has it. (Under
pytest, ipykernel does not forward what child processes write to stderr, so that file is
where their warnings land.) After the last cell a hidden cell does what the end of a
session does (``%reset -f``, ``gc.collect()``); the plugin then looks at the kernel's
process tree and ``/dev/shm``; a last hidden cell stops multiprocessing's resource
tracker, which warns about every segment or semaphore it still tracks. Every cell's
stderr, the hidden cells' output and the kernel's stderr file are searched for warnings.

A cell that shows a leak warning on purpose (a pitfall demonstrated live) can carry the
cell tag ``leak-warning-expected``; its warnings are then not counted.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import pytest

SHM = Path("/dev/shm")
EXPECTED_TAG = "leak-warning-expected"
#: Processes multiprocessing keeps for the kernel's whole life, by design.
KERNEL_LIFETIME_HELPERS = (
    "multiprocessing.resource_tracker",
    "multiprocessing.forkserver",
    "loky.backend.resource_tracker",
)
WARNING_PATTERNS = (
    re.compile(r"ResourceWarning"),
    re.compile(r"resource_tracker.*leaked", re.IGNORECASE),
    re.compile(r"leaked \w+ objects? to clean up", re.IGNORECASE),
    re.compile(r"leak check: the resource tracker did not stop"),
)
#: Lines that match a pattern but only explain another line.
IGNORED = re.compile(r"Enable tracemalloc to get the object allocation traceback")
#: Seconds a process or a segment may take to go away after the notebook's end. Only a
#: leak waits this long; LEAK_CHECK_GRACE_S changes it (the plugin's own test uses less).
GRACE_S = float(os.environ.get("LEAK_CHECK_GRACE_S", "5"))

# What the end of a session does: drop the notebook's names, so that objects it still
# holds are finalized (a Lock's semaphore is unlinked; an unclosed Pool warns).
CLEANUP_CODE = """\
get_ipython().run_line_magic("reset", "-f")
import gc as _gc
_gc.collect()
del _gc
"""

# Stop the forkserver, then the resource tracker: the tracker warns about every segment
# or semaphore still registered (and removes them). Both start again if needed later.
# Bounded: if something still holds the tracker, say so instead of hanging.
STOP_TRACKER_CODE = """\
import sys as _sys, threading as _threading, time as _time
from multiprocessing import forkserver as _fs, resource_tracker as _rt

def _leak_check_stop():
    if getattr(_fs._forkserver, "_forkserver_pid", None) is not None:
        _fs._forkserver._stop()
    if getattr(_rt._resource_tracker, "_pid", None) is not None:
        _rt._resource_tracker._stop()

_thread = _threading.Thread(target=_leak_check_stop, daemon=True)
_thread.start()
_thread.join(20)
if _thread.is_alive():
    print("leak check: the resource tracker did not stop in 20 s: "
          "a process still holds it", file=_sys.stderr)
_time.sleep(0.3)  # let what the tracker printed reach the kernel's stderr file
_sys.stderr.flush()
del _sys, _threading, _time, _fs, _rt, _leak_check_stop, _thread
"""


def pytest_addoption(parser):
    group = parser.getgroup("nb_leak_check", "notebook leak checks")
    group.addoption(
        "--no-leak-check", action="store_true",
        help="do not add a leak check after each notebook",
    )


def _is_nbval_file(node) -> bool:
    return type(node).__name__ == "IPyNbFile" and type(node).__module__.startswith("nbval")


def _is_nbval_cell(item) -> bool:
    return type(item).__name__ == "IPyNbCell" and _is_nbval_file(item.parent)


def pytest_collection_modifyitems(session, config, items):
    if config.getoption("no_leak_check"):
        return
    result, last_parent = [], None
    for item in items:
        if last_parent is not None and item.parent is not last_parent:
            result.append(LeakCheck.from_parent(last_parent, name="leak check"))
            last_parent = None
        result.append(item)
        if _is_nbval_cell(item):
            last_parent = item.parent
    if last_parent is not None:
        result.append(LeakCheck.from_parent(last_parent, name="leak check"))
    items[:] = result


#: The stderr file for the kernel that nbval is about to start (set around its setup).
_next_kernel_stderr = None


def pytest_configure(config):
    """Start nbval's kernels with their stderr in a file and ResourceWarning turned on."""
    if config.getoption("no_leak_check", False):
        return
    try:
        import nbval.kernel
    except ImportError:  # pragma: no cover - nbval is in requirements.txt
        return
    original = nbval.kernel.start_new_kernel
    if getattr(original, "_leak_check", False):
        return

    def start_new_kernel(*args, **kwargs):
        if _next_kernel_stderr is not None:
            kwargs["stderr"] = _next_kernel_stderr
            env = dict(kwargs.get("env") or os.environ)
            warnings = [w for w in env.get("PYTHONWARNINGS", "").split(",") if w]
            env["PYTHONWARNINGS"] = ",".join([*warnings, "default::ResourceWarning"])
            kwargs["env"] = env
        return original(*args, **kwargs)

    start_new_kernel._leak_check = True
    nbval.kernel.start_new_kernel = start_new_kernel


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    global _next_kernel_stderr
    nbfile = item.parent if _is_nbval_cell(item) or isinstance(item, LeakCheck) else None
    first = nbfile is not None and not hasattr(nbfile, "_leak_check")
    if not first:
        return (yield)
    # Before the kernel starts: what /dev/shm holds, and a file for the kernel's stderr.
    stderr = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed by the leak check
        mode="w+b", prefix=f"{Path(str(nbfile.path)).stem}-kernel-", suffix=".stderr",
        delete=False)
    nbfile._leak_check = {"shm": shm_entries(), "stderr": stderr}
    _next_kernel_stderr = stderr
    try:
        result = yield
    finally:
        _next_kernel_stderr = None
    # The kernel runs now: its own ports are the baseline; watch for exposed ones.
    kernel = getattr(nbfile, "kernel", None)
    kernel_pid = kernel_process_id(kernel) if kernel is not None else None
    if kernel_pid is not None:
        nbfile._leak_check["ports"] = listening_sockets(kernel_pid)
        nbfile._leak_check["watcher"] = ExposureWatcher(kernel_pid).start()
    return result


def pytest_runtest_teardown(item, nextitem):
    """Once a notebook is done, delete its kernel's stderr file unless a check kept it."""
    if nextitem is not None and nextitem.parent is item.parent:
        return
    state = getattr(item.parent, "_leak_check", None)
    if state and state.get("watcher") is not None:
        state["watcher"].stop()
    if state and not state.get("keep"):
        state["stderr"].close()
        try:
            os.unlink(state["stderr"].name)
        except OSError:
            pass


class LeakCheck(pytest.Item):
    """The check that runs after a notebook's last cell, in the same kernel."""

    def runtest(self):
        nbfile = self.parent
        state = getattr(nbfile, "_leak_check", None)
        kernel = nbfile.kernel
        if state is None or kernel is None or not kernel.is_alive():
            pytest.skip("the kernel is not running (an earlier cell failed)")
        if getattr(nbfile, "timed_out", False):
            pytest.skip("a cell timed out: the kernel state is unknown")
        problems = []

        timeout = max(30, self.config.getoption("nbval_cell_timeout", 60) or 60)
        cleanup_out = run_hidden(kernel, CLEANUP_CODE, timeout=timeout)

        kernel_pid = kernel_process_id(kernel)
        alive = leftover_processes(kernel_pid) if kernel_pid else []
        if kernel_pid is None:
            problems.append("could not find the kernel's process id to check its children")
        for proc in alive:
            what = describe(proc, kernel_pid)
            problems.append(f"a process is still alive: pid {proc.pid}: {what}")

        new = new_shm_entries(state["shm"], kernel_pid)
        for name in new:
            problems.append(f"a shared-memory segment or semaphore was left in {SHM}: {name}")

        if kernel_pid:
            for (host, port), (pid, what) in sorted(
                    new_listening_sockets(state.get("ports", {}), kernel_pid).items()):
                problems.append(f"a TCP port is still listening: {host}:{port}, "
                                f"pid {pid}: {what}")
        watcher = state.get("watcher")
        if watcher is not None:
            watcher.stop()
            for (host, port), (pid, what) in sorted(watcher.exposed.items()):
                problems.append(f"listened on {host}:{port}, reachable from the network (bind "
                                f"127.0.0.1 only): pid {pid}: {what}")

        if alive:  # they hold the resource tracker open: it could not stop
            tracker_out = ""
        else:
            tracker_out = run_hidden(kernel, STOP_TRACKER_CODE, timeout=60)
        for name in new:  # what the tracker did not remove, remove now: leave no trace
            try:
                if (SHM / name).is_dir():  # joblib's memory-mapping folders
                    shutil.rmtree(SHM / name)
                else:
                    (SHM / name).unlink()
            except OSError:
                pass

        stderr = state["stderr"]
        stderr.flush()
        stderr.seek(0)
        kernel_stderr = stderr.read().decode(errors="replace")
        for where, text in [*cell_stderr(nbfile), ("the end of the notebook", cleanup_out),
                            ("the stopped resource tracker", tracker_out),
                            ("the kernel's stderr (child processes)", kernel_stderr)]:
            for line in text.splitlines():
                if any(p.search(line) for p in WARNING_PATTERNS) and not IGNORED.search(line):
                    problems.append(f"a leaked-resource warning in {where}: {line.strip()}")
        if problems:
            state["keep"] = True
            problems.append(f"the kernel's stderr is kept in {stderr.name}")
            pytest.fail(
                f"{nbfile.name} left something behind:\n  - " + "\n  - ".join(problems)
                + "\nClose pools with `with`, join every process, close() and unlink() "
                "shared memory.",
                pytrace=False,
            )

    def reportinfo(self):
        return self.path, None, f"{self.parent.name}::leak check"


def run_hidden(kernel, code: str, timeout: float) -> str:
    """Run ``code`` in the nbval kernel; return what it printed (stdout, stderr, errors)."""
    texts: list[str] = []

    def hook(msg):
        content, kind = msg["content"], msg["msg_type"]
        if kind == "stream":
            texts.append(content["text"])
        elif kind == "error":
            texts.append("\n".join(content.get("traceback", [])) or content.get("evalue", ""))

    reply = kernel.kc.execute_interactive(
        code, silent=False, store_history=False, allow_stdin=False,
        timeout=timeout, output_hook=hook,
    )
    if reply["content"].get("status") != "ok":
        raise RuntimeError(f"hidden leak-check cell failed: {''.join(texts)}")
    return "".join(texts)


def kernel_process_id(kernel) -> int | None:
    """Return the pid of the kernel process that nbval started, or None."""
    provisioner = getattr(kernel.km, "provisioner", None)
    process = getattr(provisioner, "process", None) or getattr(kernel.km, "kernel", None)
    return getattr(process, "pid", None)


def is_lifetime_helper(proc: psutil.Process) -> bool:
    try:
        cmdline = " ".join(proc.cmdline())
    except psutil.Error:
        return False
    return any(name in cmdline for name in KERNEL_LIFETIME_HELPERS)


def leftover_processes(kernel_pid: int, grace_s: float = GRACE_S) -> list[psutil.Process]:
    """Return the kernel's descendants still alive after ``grace_s`` seconds.

    multiprocessing's resource tracker and forkserver are allowed (they live as long as
    the kernel); their children are not. Zombies (exited, not yet reaped) are not alive.
    """
    deadline = time.monotonic() + grace_s
    while True:
        try:
            kernel = psutil.Process(kernel_pid)
            helpers = [p for p in kernel.children() if is_lifetime_helper(p)]
            helper_pids = {p.pid for p in helpers}
            alive = []
            for proc in kernel.children(recursive=True):
                try:
                    if proc.pid not in helper_pids and proc.status() != psutil.STATUS_ZOMBIE:
                        alive.append(proc)
                except psutil.NoSuchProcess:
                    pass
        except psutil.NoSuchProcess:
            return []
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.2)


def describe(proc: psutil.Process, kernel_pid: int | None = None) -> str:
    """Say what ``proc`` is: its command line, and whether it is a forked kernel."""
    try:
        cmdline = " ".join(proc.cmdline())
        if kernel_pid and cmdline == " ".join(psutil.Process(kernel_pid).cmdline()):
            return "a copy of the kernel made by fork (a Process or a Pool worker)"
        if "multiprocessing.forkserver" in cmdline and proc.ppid() != kernel_pid:
            return "a process started by the forkserver (a Process or a Pool worker)"
        return cmdline[:200] or proc.name()
    except psutil.Error:
        return "?"


def kernel_tree(kernel_pid: int) -> list[psutil.Process]:
    """Return the kernel's process and all its descendants (those still there)."""
    try:
        kernel = psutil.Process(kernel_pid)
        return [kernel, *kernel.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def listening_sockets(kernel_pid: int) -> dict[tuple[str, int], tuple[int, str]]:
    """Return {(address, port): (pid, what)} for each TCP socket the kernel's tree listens on."""
    found = {}
    for proc in kernel_tree(kernel_pid):
        try:
            # psutil 6 renamed connections() to net_connections()
            connections = getattr(proc, "net_connections", proc.connections)(kind="tcp")
        except (psutil.Error, OSError):
            continue
        for conn in connections:
            if conn.status == psutil.CONN_LISTEN and conn.laddr:
                found[(conn.laddr.ip, conn.laddr.port)] = (proc.pid, describe(proc, kernel_pid))
    return found


def new_listening_sockets(before: dict, kernel_pid: int,
                          grace_s: float = GRACE_S) -> dict[tuple[str, int], tuple[int, str]]:
    """Return the listening sockets of the kernel's tree that were not there ``before``.

    Waits up to ``grace_s`` for them to close: a program that is stopping closes its ports.
    """
    deadline = time.monotonic() + grace_s
    while True:
        new = {k: v for k, v in listening_sockets(kernel_pid).items() if k not in before}
        if not new or time.monotonic() > deadline:
            return new
        time.sleep(0.2)


def is_loopback(host: str) -> bool:
    """True for an address only this machine can reach (127.0.0.0/8, ::1)."""
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


class ExposureWatcher:
    """Notes every socket the kernel's tree listens on outside the loopback, while it runs."""

    def __init__(self, kernel_pid: int, interval: float = 0.25) -> None:
        self.kernel_pid = kernel_pid
        self.interval = interval
        self.exposed: dict[tuple[str, int], tuple[int, str]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="leak-check-ports",
                                        daemon=True)

    def start(self) -> ExposureWatcher:
        self._thread.start()
        return self

    def _watch(self) -> None:
        while not self._stop.is_set():
            for key, value in listening_sockets(self.kernel_pid).items():
                if not is_loopback(key[0]):
                    self.exposed.setdefault(key, value)
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(5)


def shm_entries() -> set[str]:
    """Return the names in /dev/shm (empty where there is no /dev/shm)."""
    try:
        return {p.name for p in SHM.iterdir()}
    except OSError:
        return set()


def shm_mapped_by() -> dict[tuple[int, int], set[int]]:
    """Return, for each /dev/shm file (device, inode) that some process maps, its pids.

    By inode, not by name: glibc's sem_open maps a temporary file that it then renames,
    so /proc/PID/maps names a semaphore by a name that no longer exists. With the device:
    a process in another mount namespace may have another /dev/shm, with the same inodes.
    """
    mapped: dict[tuple[int, int], set[int]] = {}
    prefix = str(SHM) + "/"
    for pid in psutil.pids():
        try:
            with open(f"/proc/{pid}/maps", encoding="utf-8", errors="replace") as f:
                for line in f:
                    fields = line.split(maxsplit=5)
                    if len(fields) == 6 and fields[5].startswith(prefix):
                        major, minor = (int(x, 16) for x in fields[3].split(":"))
                        key = (os.makedev(major, minor), int(fields[4]))
                        mapped.setdefault(key, set()).add(pid)
        except (OSError, ValueError):
            continue
    return mapped


def inode(name: str) -> tuple[int, int] | None:
    """Return the (device, inode) of /dev/shm/``name``, or None if it is gone."""
    try:
        stat = (SHM / name).stat()
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def new_shm_entries(before: set[str], kernel_pid: int | None,
                    grace_s: float = GRACE_S) -> list[str]:
    """Return the /dev/shm entries that appeared since ``before`` and belong to the kernel.

    Other programs on the machine (another test run, say) may create segments at the
    same time; an entry mapped by a process outside the kernel's tree is theirs, and so is
    one whose name gives the pid of its maker (joblib's and loky's) when that process is
    alive and outside the tree. (An entry whose maker is gone is counted: it may have been
    the kernel's child.)
    """
    if not sys.platform.startswith("linux"):
        return []
    deadline = time.monotonic() + grace_s
    while True:
        new = shm_entries() - before
        if new:
            tree = set()
            if kernel_pid:
                try:
                    kernel = psutil.Process(kernel_pid)
                    tree = {kernel_pid, *(p.pid for p in kernel.children(recursive=True))}
                except psutil.NoSuchProcess:
                    pass
            mapped = shm_mapped_by()
            inodes = {n: inode(n) for n in new}
            new = {n for n, ino in inodes.items()
                   if ino is not None and not (mapped.get(ino, set()) - tree)
                   and not _made_by_another_program(n, tree)}
        if not new or time.monotonic() > deadline:
            return sorted(new)
        time.sleep(0.2)


#: /dev/shm names that carry the pid of the process that made them: joblib's memory-mapping
#: folders (joblib_memmapping_folder_<pid>_...) and loky's semaphores (sem.loky-<pid>-...).
_MAKER_PID = re.compile(r"^(?:joblib_memmapping_folder_|sem\.loky-)(\d+)[_-]")


def _made_by_another_program(name: str, tree: set[int]) -> bool:
    """True if ``name`` says which process made it, and that one is alive outside ``tree``."""
    found = _MAKER_PID.match(name)
    if not found or not tree:
        return False
    pid = int(found[1])
    return pid not in tree and psutil.pid_exists(pid)


def cell_stderr(nbfile) -> list[tuple[str, str]]:
    """Return (cell name, stderr text) for each cell of ``nbfile`` that has run."""
    found = []
    for item in nbfile.session.items:
        if item.parent is not nbfile or not _is_nbval_cell(item):
            continue
        tags = item.cell.get("metadata", {}).get("tags", [])
        if EXPECTED_TAG in tags:
            continue
        text = "".join(
            out.get("text", "") for out in getattr(item, "test_outputs", None) or []
            if out.get("output_type") == "stream" and out.get("name") == "stderr"
        )
        if text:
            found.append((item.name, text))
    return found


if os.name == "nt":  # pragma: no cover - the course's tests run on Linux and macOS
    SHM = Path("/nonexistent")
