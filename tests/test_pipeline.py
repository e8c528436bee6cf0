"""helpers.pipeline, its charts and its explorer: the scan of the standard library in 07."""

import ast
import os
import random
import textwrap
from collections import Counter

import numpy as np
import pytest

from helpers import pipeline
from helpers.pipeline import (
    FileReport,
    Summary,
    Timed,
    Timeline,
    all_stdlib_files,
    bootstrap_package,
    bootstrap_share,
    complexity,
    count_imports_serial,
    docstring_flags,
    imports_of,
    legacy_draw,
    load_table,
    package_of,
    scan_file,
    scan_file_timed,
    scan_source,
    seeded_draw,
    stdlib_files,
    stdlib_root,
    summarise,
)
from helpers.system import get_context

SOURCE = textwrap.dedent('''
    """A module."""
    import os.path
    from collections import Counter
    from . import sibling


    def plain():
        """Documented."""
        return 1


    def branchy(x, items):
        if x and items or not x:
            pass
        elif x:
            pass
        for i in items:
            while i:
                i -= 1
        try:
            pass
        except ValueError:
            pass
        y = 1 if x else 2
        return [i for i in items if i if i > 1]


    class Box:
        def method(self):
            def inner():
                if self:
                    return 1
            return inner
''')


@pytest.fixture
def source_file(tmp_path):
    path = tmp_path / "sample.py"
    path.write_text(SOURCE)
    return path


# --- the data ---------------------------------------------------------------------------
def test_all_stdlib_files_leaves_out_tests_and_installed_packages():
    files = all_stdlib_files()
    names = [p.relative_to(stdlib_root()).as_posix() for p in files]
    assert len(files) > 300
    assert names == sorted(names)
    assert "json/decoder.py" in names
    for name in names:
        parts = name.split("/")
        assert not set(parts[:-1]) & pipeline.SKIPPED_FOLDERS, name
        assert not parts[-1].startswith("test_"), name


def test_all_stdlib_files_rejects_a_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a folder"):
        all_stdlib_files(tmp_path / "nowhere")


def test_stdlib_files_is_an_even_reproducible_spread(monkeypatch):
    everything = all_stdlib_files()
    some = stdlib_files(10)
    assert len(some) == 10 and some == stdlib_files(10)
    positions = [everything.index(p) for p in some]
    assert positions == sorted(positions)
    assert positions[-1] > len(everything) * 0.8  # spread to the end, not the first ten
    assert stdlib_files(10**6) == everything
    monkeypatch.setenv("COURSE_SCALE", "0.1")
    assert len(stdlib_files()) == round(pipeline.FILES_AT_SCALE_1 * 0.1)


@pytest.mark.parametrize("bad", [0, -3])
def test_stdlib_files_rejects_a_bad_count(bad):
    with pytest.raises(ValueError, match="positive"):
        stdlib_files(bad)


# --- the map ----------------------------------------------------------------------------
def test_scan_source_measures_each_function(source_file):
    report = scan_file(source_file)
    assert report.path == "sample.py" and report.error == ""
    assert report.size == len(SOURCE.encode()) and report.lines == SOURCE.count("\n")
    found = {f.name: f for f in report.functions}
    assert list(found) == ["plain", "branchy", "Box.method", "Box.method.<locals>.inner"]
    assert found["plain"].has_docstring and not found["branchy"].has_docstring
    assert found["plain"].lines == 3 and found["plain"].complexity == 1
    # 1 + if + (and, or: 2 extra operands) + elif + for + while + except + if-expression
    # + comprehension (1 for its for, 2 for its ifs)
    assert found["branchy"].complexity == 1 + 1 + 2 + 1 + 1 + 1 + 1 + 1 + 3
    assert found["Box.method"].complexity == 1  # the nested function's if is its own
    assert found["Box.method.<locals>.inner"].complexity == 2


def test_complexity_counts_match_cases():
    import ast

    tree = ast.parse("def f(x):\n    match x:\n        case 1: pass\n        case _: pass\n")
    assert complexity(tree.body[0]) == 3
    with pytest.raises(TypeError, match="parsed function"):
        complexity(tree)


def test_a_file_that_does_not_parse_gets_a_report_with_the_reason():
    report = scan_source(b"def broken(:\n", "broken.py")
    assert report.functions == () and report.error.startswith("SyntaxError")
    assert summarise([report]).unreadable == ("broken.py",)
    with pytest.raises(TypeError, match="bytes or str"):
        scan_source(123)


def test_scan_file_wants_a_path_not_contents():
    with pytest.raises(TypeError, match="send paths"):
        scan_file(b"import os")


def test_a_pool_scans_like_the_loop():
    files = stdlib_files(6)
    with get_context().Pool(2) as pool:
        assert pool.map(scan_file, files) == [scan_file(p) for p in files]
        spans = pool.map(scan_file_timed, files)
    assert [s.result for s in spans] == [scan_file(p) for p in files]
    assert all(s.start <= s.end and s.pid != os.getpid() for s in spans)


# --- the reduce -------------------------------------------------------------------------
def test_summaries_add_up_in_any_order():
    reports = [scan_file(p) for p in stdlib_files(12)]
    whole = summarise(reports)
    shuffled = reports[:]
    random.Random(1).shuffle(shuffled)
    assert summarise(shuffled) == whole
    assert summarise(reports[:5]) + summarise(reports[5:]) == whole
    assert whole.files == 12
    assert whole.functions == sum(len(r.functions) for r in reports)
    assert sum(n for _, n in whole.complexities) == whole.functions
    ranks = [r.complexity for r in whole.most_complex]
    assert ranks == sorted(ranks, reverse=True) and len(ranks) == min(10, whole.functions)
    assert "most complex" in whole.table()
    assert Summary() + Summary() == Summary()
    with pytest.raises(TypeError, match="FileReport"):
        Summary.of("json/decoder.py")


# --- the timeline -----------------------------------------------------------------------
def _timeline():
    spans = (Timed("a", 1, 1, 10.1, 10.5), Timed("b", 2, 2, 10.2, 10.3),
             Timed("c", 2, 2, 10.3, 11.0), Timed("d", 1, 1, 10.5, 10.6))
    return Timeline(spans, started=10.0, ended=11.1, label="test")


def test_timeline_finds_the_long_pole_and_the_idle_time():
    timeline = _timeline()
    assert timeline.workers == [(1, 1), (2, 2)]
    assert timeline.wall == pytest.approx(1.1)
    assert timeline.first_start == pytest.approx(0.1)
    assert timeline.long_pole.result == "c"
    assert timeline.idle_at_end == pytest.approx(0.4)  # worker 1 ended at 0.6, the pole at 1.0
    assert timeline.tail == pytest.approx(0.4)
    assert timeline.busy == pytest.approx(0.4 + 0.1 + 0.7 + 0.1)
    with pytest.raises(ValueError, match="at least one task"):
        Timeline((), 0.0, 1.0)
    with pytest.raises(ValueError, match="end before"):
        Timeline(timeline.spans, 5.0, 1.0)


# --- the capstone's question --------------------------------------------------------------
def test_imports_of_counts_each_module_once_per_file(source_file):
    assert imports_of(source_file) == Counter({"os": 1, "collections": 1})
    files = stdlib_files(8)
    total = count_imports_serial(files)
    assert total == sum((imports_of(p) for p in files), Counter())
    assert max(total.values()) <= len(files)
    with pytest.raises(TypeError, match="path"):
        imports_of(3)


# --- the bootstrap ------------------------------------------------------------------------
def test_package_of_and_docstring_flags():
    assert package_of("email/utils.py") == "email" and package_of("os.py") == "os"
    reports = [FileReport("email/a.py", 1, 1, (pipeline.FunctionInfo("f", 1, 1, 1, True),)),
               FileReport("email/b.py", 1, 1, (pipeline.FunctionInfo("g", 1, 1, 1, False),)),
               FileReport("os.py", 1, 1, (pipeline.FunctionInfo("h", 1, 1, 1, True),))]
    assert docstring_flags(reports) == {"email": [True, False], "os": [True]}
    assert docstring_flags(reports, least=2) == {"email": [True, False]}


def test_bootstrap_share_is_reproducible_per_seed():
    flags = [True] * 30 + [False] * 70
    first = bootstrap_share(flags, 7, resamples=500)
    assert first == bootstrap_share(flags, 7, resamples=500)
    assert first != bootstrap_share(flags, 8, resamples=500)
    share, low, high = first
    assert share == pytest.approx(0.3) and low < share < high
    assert 0.15 < low and high < 0.45
    seed = np.random.SeedSequence(1).spawn(1)[0]
    assert bootstrap_share(flags, seed, 300) == bootstrap_share(flags, seed, 300)
    with pytest.raises(ValueError, match="non-empty"):
        bootstrap_share([], 1)
    with pytest.raises(ValueError, match="positive"):
        bootstrap_share(flags, 1, resamples=0)


def test_bootstrap_in_a_pool_with_an_initializer_equals_the_loop(tmp_path):
    table = {"a": np.array([True, False, True] * 10), "b": np.array([False] * 5 + [True])}
    path = tmp_path / "table.npz"
    np.savez(path, **table)
    seeds = np.random.SeedSequence(3).spawn(2)
    expected = [bootstrap_share(table[name], seed, 200) for name, seed in zip(table, seeds,
                                                                              strict=True)]
    with get_context().Pool(2, initializer=load_table, initargs=(path,)) as pool:
        rows = pool.starmap(bootstrap_package, [(n, s, 200) for n, s in zip(table, seeds,
                                                                            strict=True)])
    assert [row[1:4] for row in rows] == expected
    assert [row[0] for row in rows] == ["a", "b"]


def test_bootstrap_package_needs_a_loaded_table(monkeypatch, tmp_path):
    monkeypatch.setattr(pipeline, "_TABLE", {})
    with pytest.raises(RuntimeError, match="initializer=load_table"):
        bootstrap_package("a", 1)
    np.savez(tmp_path / "t.npz", a=np.array([True, False]))
    load_table(tmp_path / "t.npz")
    with pytest.raises(KeyError, match="no package 'b'"):
        bootstrap_package("b", 1)
    assert bootstrap_package("a", 1, 100)[0] == "a"


@pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(),
                    reason="the trap needs fork, which this platform does not have")
def test_forked_workers_share_the_legacy_global_generator():
    np.random.seed(5)
    with get_context("fork").Pool(2) as pool:
        draws = pool.map(legacy_draw, range(6), chunksize=1)
    by_process: dict[int, list[int]] = {}
    for _, pid, number in draws:
        by_process.setdefault(pid, []).append(number)
    sequences = sorted(by_process.values(), key=len)
    assert len(sequences) == 2  # both workers took tasks (each task waits 0.1 s)
    shorter, longer = sequences
    assert shorter == longer[:len(shorter)]  # the same draws, in the same order


def test_seeded_draws_are_the_same_in_any_process():
    seeds = np.random.SeedSequence(9).spawn(3)
    expected = [seeded_draw(i, s, wait=0)[2] for i, s in enumerate(seeds)]
    with get_context().Pool(2) as pool:
        got = pool.starmap(seeded_draw, [(i, s, 0) for i, s in enumerate(seeds)])
    assert [n for _, _, n in got] == expected
    assert len(set(expected)) == 3


def test_parse_from_many_threads_gives_the_trees_of_a_loop():
    from concurrent.futures import ThreadPoolExecutor

    from helpers.pipeline import parse

    sources = [f"def f{i}(x):\n    return [x * {i} for _ in range({i})]\n" * 40
               for i in range(16)]
    expected = [ast.dump(parse(s)) for s in sources]
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda s: ast.dump(parse(s)), sources * 4))
    assert got == expected * 4
