"""The pipeline of 07: scan the standard library's own source code, one file per task.

The data is real and already on every learner's machine: the ``.py`` files of the
standard library (found with ``sysconfig.get_paths()["stdlib"]``), without its tests.
For each file, :func:`scan_file` reads it, parses it with :mod:`ast` and measures every
function in it: how many lines, its cyclomatic complexity (how many paths run through
it), and whether it has a docstring. That is the *map*: one file in, one small
:class:`FileReport` out. :func:`summarise` is the *reduce*: it adds reports up into one
:class:`Summary`, in any order.

The same module holds the other workers of the notebook: :func:`scan_file_timed` (which
process ran a file, and when, for the timeline chart), :func:`imports_of` (the capstone's
question), the bootstrap (:func:`bootstrap_share`, :func:`load_table`,
:func:`bootstrap_package`) and the trap of NumPy's legacy global generator
(:func:`legacy_draw`).

Keep this module light: every spawned worker imports it. It imports only small parts
of the standard library at the top; NumPy is imported inside the functions that use it.
"""

from __future__ import annotations

import ast
import functools
import os
import statistics
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from helpers.workers import check_size, scale

#: Files scanned at ``COURSE_SCALE=1``: about 2 s of work for one laptop core, a sixth of
#: the standard library's files or so (``COURSE_SCALE=7`` scans all of them).
FILES_AT_SCALE_1 = 120
#: Folders left out of the scan: the tests, installed packages, and byte code.
SKIPPED_FOLDERS = frozenset(
    {"test", "tests", "idle_test", "site-packages", "dist-packages", "__pycache__"})
#: How many of the most complex functions a :class:`Summary` keeps.
TOP = 10


# --- the data: the standard library's own files ------------------------------------------
@functools.cache
def stdlib_root() -> Path:
    """Return the folder of the standard library's ``.py`` files for this Python."""
    import sysconfig  # here, not at the top: a spawned worker that never asks does not pay

    return Path(sysconfig.get_paths()["stdlib"])


def all_stdlib_files(root: str | os.PathLike | None = None) -> list[Path]:
    """Return every ``.py`` file of the standard library, without tests, sorted by path.

    Folders named in :data:`SKIPPED_FOLDERS` and files named ``test_*.py`` are left out.
    ``root`` defaults to :func:`stdlib_root`; pass another folder to scan your own code.
    """
    root = Path(root) if root is not None else stdlib_root()
    if not root.is_dir():
        raise FileNotFoundError(f"{root} is not a folder of Python files")
    found = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if d not in SKIPPED_FOLDERS)
        found += [Path(folder, name) for name in names
                  if name.endswith(".py") and not name.startswith("test_")]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def stdlib_files(n: int | None = None, root: str | os.PathLike | None = None) -> list[Path]:
    """Return ``n`` of the standard library's files, spread evenly over the sorted list.

    The default ``n`` is :data:`FILES_AT_SCALE_1` times ``COURSE_SCALE`` (12 files at the
    tests' 0.1). The same Python always gives the same files, so every run measures the
    same job; an ``n`` larger than the library gives every file.
    """
    if n is None:
        n = max(4, round(FILES_AT_SCALE_1 * scale()))
    check_size(n, "n")
    everything = all_stdlib_files(root)
    if n >= len(everything):
        return everything
    step = len(everything) / n
    return [everything[int(i * step)] for i in range(n)]


def short_name(path: str | os.PathLike) -> str:
    """Return ``path`` relative to the standard library's folder (``"json/decoder.py"``)."""
    path = Path(path)
    try:
        return path.relative_to(stdlib_root()).as_posix()
    except ValueError:
        return path.name


# --- the map: one file in, one report out --------------------------------------------------
class FunctionInfo(NamedTuple):
    """One function (or method) of a file, measured."""

    name: str  #: qualified name, such as ``"JSONDecoder.decode"``
    line: int  #: the line of its ``def``
    lines: int  #: lines from its ``def`` to its end
    complexity: int  #: cyclomatic complexity: 1 + the decisions in its body
    has_docstring: bool


class FileReport(NamedTuple):
    """What :func:`scan_file` found in one file."""

    path: str  #: relative to the standard library's folder
    size: int  #: bytes
    lines: int
    functions: tuple[FunctionInfo, ...]
    error: str = ""  #: why the file could not be parsed ("" if it could)


#: Nodes that add one path through a function: each ``if``/``elif``, loop, ``except``,
#: conditional expression and ``case``.
_DECISIONS = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.IfExp, ast.ExceptHandler,
              ast.match_case)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def complexity(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Return the cyclomatic complexity of one parsed function (McCabe's count).

    1, plus one for each ``if``/``elif``, ``for``, ``while``, ``except``, conditional
    expression and ``case``, one for each ``for`` and ``if`` of a comprehension, and one
    for each extra operand of ``and``/``or``. Functions and classes nested inside are
    left out: they are measured on their own.
    """
    if not isinstance(function, _FUNCTIONS):
        raise TypeError(f"complexity needs a parsed function (ast.FunctionDef), not "
                        f"{type(function).__name__}")
    count = 1
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
            continue
        if isinstance(node, _DECISIONS):
            count += 1
        elif isinstance(node, ast.BoolOp):
            count += len(node.values) - 1
        elif isinstance(node, ast.comprehension):
            count += 1 + len(node.ifs)
        stack.extend(ast.iter_child_nodes(node))
    return count


def functions_of(tree: ast.AST) -> tuple[FunctionInfo, ...]:
    """Return every function and method defined in a parsed module, by line."""
    found = []
    stack = [(tree, "")]
    while stack:
        node, prefix = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, _FUNCTIONS):
                name = prefix + child.name
                found.append(FunctionInfo(
                    name, child.lineno, child.end_lineno - child.lineno + 1,
                    complexity(child), ast.get_docstring(child, clean=False) is not None))
                stack.append((child, name + ".<locals>."))
            elif isinstance(child, ast.ClassDef):
                stack.append((child, prefix + child.name + "."))
            else:
                stack.append((child, prefix))
    return tuple(sorted(found, key=lambda f: (f.line, f.name)))


#: Held around ``ast.parse``. On Python 3.11 (seen on 3.11.7) two threads parsing at once
#: can fail with ``SystemError: AST constructor recursion depth mismatch``: the counter that
#: guards the AST's depth belongs to the interpreter, not to the thread (CPython gh-106905).
#: Threads parse one at a time here, which costs nothing, as the GIL lets only one of them
#: run Python's parser at a time anyway; each process has its own lock and parses freely.
_PARSE_LOCK = threading.Lock()


def parse(source: bytes | str, filename: str = "<source>") -> ast.Module:
    """``ast.parse(source)``, safe to call from several threads at once (see _PARSE_LOCK)."""
    with _PARSE_LOCK:
        return ast.parse(source, filename=filename)


def scan_source(source: bytes | str, path: str = "<source>") -> FileReport:
    """Return the :class:`FileReport` of Python source code you already hold.

    A file that cannot be parsed gets a report with no functions and the reason in
    ``error``, so one odd file does not stop a scan of thousands.
    """
    if not isinstance(source, bytes | str):
        raise TypeError(f"source must be bytes or str, not {type(source).__name__}")
    size = len(source.encode() if isinstance(source, str) else source)
    lines = source.count(b"\n" if isinstance(source, bytes) else "\n")
    try:
        tree = parse(source, filename=path)
    except (SyntaxError, ValueError) as err:  # ValueError: null bytes in the source
        return FileReport(path, size, lines, (), f"{type(err).__name__}: {err}")
    return FileReport(path, size, lines, functions_of(tree))


def scan_file(path: str | os.PathLike) -> FileReport:
    """Read one ``.py`` file, parse it and measure each of its functions.

    The worker of the pipeline: it takes a path (a few bytes to send to a worker) and
    returns a small :class:`FileReport`.
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"scan_file takes the path of a .py file, not {type(path).__name__}; "
                        "send paths to the workers, and let each one read its file")
    return scan_source(Path(path).read_bytes(), short_name(path))


def scan_named_source(item: tuple[str, bytes]) -> FileReport:
    """Return :func:`scan_source` of a ``(path, source)`` pair: a worker sent contents."""
    path, source = item
    return scan_source(source, path)


# --- when and where each task ran -----------------------------------------------------------
class Timed(NamedTuple):
    """A task's result, with the worker that ran it and when (``time.perf_counter``)."""

    result: object
    pid: int  #: the process that ran the task
    thread: int  #: the thread that ran it (its native id): tells apart a thread pool's workers
    start: float
    end: float


def scan_file_timed(path: str | os.PathLike) -> Timed:
    """Return :func:`scan_file` of ``path``, with which process ran it, and when.

    ``time.perf_counter`` is one clock for every process of the machine (Linux, macOS
    and Windows), so the starts and ends of tasks in different workers can be compared.
    """
    start = time.perf_counter()
    report = scan_file(path)
    return Timed(report, os.getpid(), threading.get_native_id(), start, time.perf_counter())


@dataclass(frozen=True)
class Timeline:
    """The tasks of one run, each with its worker, start and end: what a timeline draws.

    ``started`` is when the run was asked for (before the pool started) and ``ended``
    when its last result was in hand, both by ``time.perf_counter()``.
    """

    spans: tuple[Timed, ...]
    started: float
    ended: float
    label: str = ""

    def __post_init__(self) -> None:
        if not self.spans:
            raise ValueError("a Timeline needs at least one task")
        if self.ended < self.started:
            raise ValueError("a Timeline cannot end before it starts")

    @property
    def workers(self) -> list[tuple[int, int]]:
        """The workers (process id, thread id), in the order they started their first task."""
        first: dict[tuple[int, int], float] = {}
        for s in self.spans:
            key = (s.pid, s.thread)
            first[key] = min(first.get(key, s.start), s.start)
        return sorted(first, key=first.get)

    @property
    def wall(self) -> float:
        """Seconds from asking for the run to holding every result."""
        return self.ended - self.started

    @property
    def busy(self) -> float:
        """Seconds the workers spent in tasks, all added up."""
        return sum(s.end - s.start for s in self.spans)

    @property
    def first_start(self) -> float:
        """Seconds before the first task started: starting the pool, sending the first task."""
        return min(s.start for s in self.spans) - self.started

    @property
    def long_pole(self) -> Timed:
        """The task that ended last: the run could not end before it."""
        return max(self.spans, key=lambda s: s.end)

    def worker_ends(self) -> dict[tuple[int, int], float]:
        """When each worker ended its last task (seconds after ``started``)."""
        ends: dict[tuple[int, int], float] = {}
        for s in self.spans:
            key = (s.pid, s.thread)
            ends[key] = max(ends.get(key, 0.0), s.end - self.started)
        return ends

    @property
    def idle_at_end(self) -> float:
        """Worker-seconds spent waiting at the end, for the last task of the run.

        For each worker, the time from its own last task's end to the end of the last
        task of all: zero for the worker that ran the long pole.
        """
        ends = self.worker_ends()
        last = max(ends.values())
        return sum(last - e for e in ends.values())

    @property
    def tail(self) -> float:
        """Seconds during which at least one worker had nothing left to do.

        From the moment the first worker ran out of tasks to the end of the last task.
        """
        ends = self.worker_ends().values()
        return max(ends) - min(ends)


# --- the reduce: add reports up -------------------------------------------------------------
class Ranked(NamedTuple):
    """One of the most complex functions, with the file it is in."""

    complexity: int
    path: str
    name: str
    line: int
    lines: int


def _rank_key(r: Ranked) -> tuple:
    return (-r.complexity, r.path, r.line, r.name)


@dataclass(frozen=True)
class Summary:
    """What a scan found, added up over files: counts, complexities, the most complex.

    Two summaries add up (``a + b``) into the summary of both sets of files, whatever the
    order, so partial results from different workers combine into the same answer.
    """

    files: int = 0
    lines: int = 0
    functions: int = 0
    documented: int = 0
    #: (complexity, how many functions have it), by complexity
    complexities: tuple[tuple[int, int], ...] = ()
    #: the :data:`TOP` most complex functions, most complex first
    most_complex: tuple[Ranked, ...] = ()
    #: the files that could not be parsed
    unreadable: tuple[str, ...] = ()

    def __add__(self, other: Summary) -> Summary:
        if not isinstance(other, Summary):
            return NotImplemented
        counts = Counter(dict(self.complexities))
        counts.update(dict(other.complexities))
        top = sorted(self.most_complex + other.most_complex, key=_rank_key)[:TOP]
        return Summary(self.files + other.files, self.lines + other.lines,
                       self.functions + other.functions, self.documented + other.documented,
                       tuple(sorted(counts.items())), tuple(top),
                       tuple(sorted(self.unreadable + other.unreadable)))

    @classmethod
    def of(cls, report: FileReport) -> Summary:
        """Return the summary of one file's report."""
        if not isinstance(report, FileReport):
            raise TypeError(f"Summary.of takes a FileReport (what scan_file returns), not "
                            f"{type(report).__name__}")
        counts = Counter(f.complexity for f in report.functions)
        ranked = sorted((Ranked(f.complexity, report.path, f.name, f.line, f.lines)
                         for f in report.functions), key=_rank_key)[:TOP]
        return cls(1, report.lines, len(report.functions),
                   sum(f.has_docstring for f in report.functions),
                   tuple(sorted(counts.items())), tuple(ranked),
                   (report.path,) if report.error else ())

    @property
    def documented_share(self) -> float:
        """The share of functions that have a docstring (0 to 1)."""
        return self.documented / self.functions if self.functions else 0.0

    @property
    def median_complexity(self) -> float:
        """The complexity of the middle function."""
        if not self.functions:
            return 0.0
        return statistics.median(c for c, n in self.complexities for _ in range(n))

    def table(self) -> str:
        """Return the summary as a few lines of text, with the most complex functions."""
        lines = [
            f"{self.files} files, {self.lines:,} lines, {self.functions:,} functions",
            f"with a docstring: {self.documented:,} ({self.documented_share:.0%}); "
            f"median complexity {self.median_complexity:g}",
        ]
        if self.unreadable:
            lines.append(f"could not parse: {', '.join(self.unreadable)}")
        lines.append(f"the {len(self.most_complex)} most complex functions:")
        lines += [f"  {r.complexity:4d}  {r.path}:{r.line} {r.name} ({r.lines} lines)"
                  for r in self.most_complex]
        return "\n".join(lines)


def summarise(reports: Iterable[FileReport]) -> Summary:
    """Add up file reports, in any order, into one :class:`Summary` (the reduce step)."""
    total = Summary()
    for report in reports:
        total += Summary.of(report)
    return total


# --- the capstone's question: which modules are imported most ------------------------------
def imports_of(path: str | os.PathLike) -> Counter:
    """Return the top-level modules one file imports, each counted once for the file.

    ``import os.path`` and ``from os import sep`` both count as ``os``. Imports relative
    to the file's own package (``from . import x``) are left out.
    """
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"imports_of takes the path of a .py file, not {type(path).__name__}")
    try:
        tree = parse(Path(path).read_bytes(), filename=str(path))
    except (SyntaxError, ValueError):
        return Counter()
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return Counter(names)


def count_imports_serial(files: Iterable[str | os.PathLike]) -> Counter:
    """The capstone's serial starter: add up :func:`imports_of` over ``files``."""
    total = Counter()
    for path in files:
        total.update(imports_of(path))
    return total


# --- randomness: a bootstrap seeded per task ------------------------------------------------
def package_of(path: str) -> str:
    """Return the package a file belongs to: ``"email"`` for ``"email/utils.py"``.

    A module at the top of the library (``"os.py"``) is its own package (``"os"``).
    """
    first = Path(path).parts[0]
    return first.removesuffix(".py")


def docstring_flags(reports: Iterable[FileReport], least: int = 1) -> dict[str, list[bool]]:
    """Return, for each package with at least ``least`` functions, whether each has a docstring."""
    check_size(least, "least")
    flags: dict[str, list[bool]] = {}
    for report in reports:
        flags.setdefault(package_of(report.path), []).extend(
            f.has_docstring for f in report.functions)
    return {name: f for name, f in sorted(flags.items()) if len(f) >= least}


#: How many bootstrap resamples at ``COURSE_SCALE=1``.
RESAMPLES_AT_SCALE_1 = 8000


def default_resamples() -> int:
    """Return the bootstrap's resamples: :data:`RESAMPLES_AT_SCALE_1` times ``COURSE_SCALE``."""
    return max(200, round(RESAMPLES_AT_SCALE_1 * scale()))


def bootstrap_share(
    flags: Sequence[bool], seed: object, resamples: int | None = None
) -> tuple[float, float, float]:
    """Return the share of true flags and a 95 % bootstrap interval: ``(share, low, high)``.

    The bootstrap asks "how much could this share change with other functions of the
    same kind?": it draws ``resamples`` new samples of the same size from the flags,
    with replacement, and keeps the middle 95 % of their shares. The draws come from
    ``numpy.random.default_rng(seed)``: the same seed gives the same interval, in any
    process, so give every task a seed of its own (``SeedSequence(...).spawn(n)``).
    The heavy lifting is NumPy's (drawing, indexing, averaging), which lets go of the
    GIL while it works, so threads can share it.
    """
    import numpy as np

    resamples = check_size(resamples if resamples is not None else default_resamples(),
                           "resamples")
    values = np.asarray(flags, dtype=np.float64)
    if values.ndim != 1 or len(values) == 0:
        raise ValueError("flags must be a non-empty list of True/False values")
    rng = np.random.default_rng(seed)
    shares = np.empty(resamples)
    block = max(1, 2_000_000 // len(values))  # at most 2 million draws (16 MB) at a time
    for start in range(0, resamples, block):
        stop = min(start + block, resamples)
        picks = rng.integers(0, len(values), size=(stop - start, len(values)))
        shares[start:stop] = values[picks].mean(axis=1)
    low, high = np.percentile(shares, [2.5, 97.5])
    return float(values.mean()), float(low), float(high)


#: The table each worker loads once, in :func:`load_table` (package -> docstring flags).
_TABLE: dict[str, object] = {}


def load_table(path: str | os.PathLike) -> None:
    """A pool's ``initializer``: load the docstring table from ``path`` (``.npz``) once.

    Every task of this worker then reads it from memory: the tasks carry only a package
    name and a seed, not the data. The new table replaces the old one in one step, so the
    threads of a thread pool (which share this module) never see it half loaded.
    """
    import numpy as np

    global _TABLE
    with np.load(path) as data:
        _TABLE = {name: data[name] for name in data.files}


def bootstrap_package(name: str, seed: object, resamples: int | None = None) -> tuple:
    """Return ``(name, share, low, high, pid)`` for one package of the loaded table.

    Needs :func:`load_table` to have run in this worker (the pool's ``initializer``).
    """
    if not _TABLE:
        raise RuntimeError("no table loaded in this worker: start the pool with "
                           "initializer=load_table, initargs=(path_of_the_table,)")
    if name not in _TABLE:
        raise KeyError(f"no package {name!r} in the loaded table")
    share, low, high = bootstrap_share(_TABLE[name], seed, resamples)
    return name, share, low, high, os.getpid()


def legacy_draw(task: int, wait: float = 0.1) -> tuple[int, int, int]:
    """Return ``(task, pid, a number from NumPy's legacy global generator)``.

    ``numpy.random.randint`` draws from one generator per process, made when
    ``numpy.random`` is first imported. Under ``fork`` every worker starts with a copy
    of the parent's, so they all draw the same numbers. The short wait lets every
    worker of a small pool take a task.
    """
    import numpy as np

    time.sleep(wait)
    return task, os.getpid(), int(np.random.randint(1_000_000))


def seeded_draw(task: int, seed: object, wait: float = 0.1) -> tuple[int, int, int]:
    """Return ``(task, pid, a number from a generator seeded for this task)``."""
    import numpy as np

    time.sleep(wait)
    return task, os.getpid(), int(np.random.default_rng(seed).integers(1_000_000))
