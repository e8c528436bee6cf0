"""helpers.checks.nb05: right answers pass, each typical mistake gets its hint.

The learner's modules are written to a temporary folder put on sys.path (spawned
children get the parent's sys.path), so the tests leave nothing in the repository.
"""

import importlib
import textwrap

import pytest

from helpers.checks.nb05 import (
    check_index,
    check_shared_sum,
    check_squares,
    shm_segments,
    unlocked_updates,
)
from helpers.system import get_context

N = 4_000
WORDS = ["apple", "banana", "cherry", "avocado", "blueberry", "cranberry", "apricot"]


@pytest.fixture
def module(tmp_path, monkeypatch):
    """Write a learner's module (as %%writefile would) and import it."""
    monkeypatch.syspath_prepend(str(tmp_path))
    counter = iter(range(1000))

    def write(text):
        name = f"learner_{next(counter)}_{tmp_path.name}"
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(text))
        importlib.invalidate_caches()
        return importlib.import_module(name)

    return write


LOCKED = """
def add_squares(total, numbers):
    for x in numbers:
        with total.get_lock():
            total.value += x * x
"""
LOCAL = """
def add_squares(total, numbers):
    mine = sum(x * x for x in numbers)
    with total.get_lock():
        total.value += mine
"""
UNLOCKED = """
def add_squares(total, numbers):
    for x in numbers:
        total.value += x * x
"""
LOCAL_UNLOCKED = """
def add_squares(total, numbers):
    total.value += sum(x * x for x in numbers)
"""


def run_squares(add_squares, join=True):
    ctx = get_context()
    total = ctx.Value("q", 0)
    procs = [ctx.Process(target=add_squares, args=(total, range(i, N, 4))) for i in range(4)]
    for p in procs:
        p.start()
    if join:
        for p in procs:
            p.join(60)
    return procs, total


@pytest.mark.parametrize("text", [LOCKED, LOCAL])
def test_squares_right_answers_pass(module, text, capsys):
    mod = module(text)
    procs, total = run_squares(mod.add_squares)
    assert check_squares(mod.add_squares, procs, total.value, N)
    assert "Well done" in capsys.readouterr().out


@pytest.mark.parametrize("text", [UNLOCKED, LOCAL_UNLOCKED])
def test_squares_without_the_lock_fail_even_when_the_total_is_right(module, text, capsys):
    mod = module(text)
    procs, total = run_squares(mod.add_squares)
    assert not check_squares(mod.add_squares, procs, total.value, N)
    out = capsys.readouterr().out
    assert ("runs without the lock" in out) or ("updates were lost" in out)


def test_squares_no_processes_started(module, capsys):
    mod = module(LOCKED)
    assert not check_squares(mod.add_squares, [], 0, N)
    assert "start one process per part" in capsys.readouterr().out


def test_squares_not_joined(module, capsys):
    mod = module(LOCKED)
    procs, total = run_squares(mod.add_squares, join=False)
    try:
        if all(p.exitcode is not None for p in procs):
            pytest.skip("the processes ended before the check: nothing to catch")
        assert not check_squares(mod.add_squares, procs, total.value, N)
        assert "join every process" in capsys.readouterr().out
    finally:
        for p in procs:
            p.join(60)


def test_squares_defined_in_the_notebook_under_spawn(monkeypatch, capsys):
    import __main__

    namespace = {"__name__": "__main__"}
    exec(LOCKED, namespace)  # as a notebook cell would define it
    add_squares = namespace["add_squares"]
    monkeypatch.setattr(__main__, "add_squares", add_squares, raising=False)
    monkeypatch.setenv("COURSE_START_METHOD", "spawn")
    assert not check_squares(add_squares, [], 0, N)
    assert "defined in this notebook" in capsys.readouterr().out


def test_unlocked_updates_reads_the_code(module):
    assert unlocked_updates(module(LOCKED).add_squares) == []
    assert unlocked_updates(module(UNLOCKED).add_squares) == ["total.value += x * x"]


SOLVED_SUM = """
from multiprocessing import shared_memory
import numpy as np

def part_sum(name, length, start, stop):
    shm = shared_memory.SharedMemory(name=name)
    try:
        values = np.frombuffer(shm.buf, dtype=np.float64, count=length)
        total = float(values[start:stop].sum())
        del values
    finally:
        shm.close()
    return total

MADE = []  # the names of the segments made here (for the tests, not a learner's)

def shared_sum(values, pool, parts=4, unlink=True, offset=0):
    shm = shared_memory.SharedMemory(create=True, size=values.nbytes)
    MADE.append(shm.name)
    try:
        shared = np.frombuffer(shm.buf, dtype=np.float64, count=len(values))
        shared[:] = values
        del shared
        b = np.linspace(0, len(values), parts + 1).astype(int).tolist()
        tasks = [(shm.name, len(values), b[i] + offset, b[i + 1]) for i in range(parts)]
        return sum(pool.starmap(part_sum, tasks))
    finally:
        shm.close()
        if unlink:
            shm.unlink()
"""
STARTER_SUM = """
import numpy as np

def shared_sum(values, pool, parts=4):
    bounds = np.linspace(0, len(values), parts + 1).astype(int)
    return sum(pool.map(np.sum, [values[a:b] for a, b in zip(bounds, bounds[1:])]))
"""


def test_shared_sum_solution_passes(module, capsys):
    assert check_shared_sum(module(SOLVED_SUM).shared_sum, length=20_000)
    assert "no shared-memory segment is left" in capsys.readouterr().out


def test_shared_sum_that_copies_gets_the_hint(module, capsys):
    assert not check_shared_sum(module(STARTER_SUM).shared_sum, length=20_000)
    assert "pickled to a worker" in capsys.readouterr().out


def test_shared_sum_that_forgets_unlink_is_caught_and_cleaned(module, capsys):
    from functools import partial

    learner = module(SOLVED_SUM)
    leaky = partial(learner.shared_sum, unlink=False)
    assert not check_shared_sum(leaky, length=20_000)
    assert "left in /dev/shm" in capsys.readouterr().out
    # the checker removed it (only this segment is looked at: other programs on the
    # machine make and remove their own while the test runs)
    assert learner.MADE and not set(learner.MADE) & shm_segments()


def test_shared_sum_with_a_wrong_part_gets_the_hint(module, capsys):
    from functools import partial

    wrong = partial(module(SOLVED_SUM).shared_sum, offset=1)
    assert not check_shared_sum(wrong, length=20_000)
    assert "each worker sums" in capsys.readouterr().out


BROKEN_INDEX = """
def index_words(index, letter, words):
    for word in words:
        if word.startswith(letter):
            index[letter].append(word)
"""
FIXED_INDEX = """
def index_words(index, letter, words):
    index[letter] = [w for w in words if w.startswith(letter)]
"""


def run_index(index_words):
    ctx = get_context()
    with ctx.Manager() as manager:
        index = manager.dict({c: [] for c in "abc"})
        procs = [ctx.Process(target=index_words, args=(index, c, WORDS)) for c in "abc"]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        return dict(index)


def test_index_fixed_passes(module, capsys):
    mod = module(FIXED_INDEX)
    assert check_index(mod.index_words, run_index(mod.index_words), WORDS)
    assert "Well done" in capsys.readouterr().out


def test_index_broken_gets_the_copy_hint(module, capsys):
    mod = module(BROKEN_INDEX)
    result = run_index(mod.index_words)
    assert result == {"a": [], "b": [], "c": []}
    assert not check_index(mod.index_words, result, WORDS)
    assert "gives your process a copy" in capsys.readouterr().out


def test_index_not_a_dict(module, capsys):
    assert not check_index(module(FIXED_INDEX).index_words, None, WORDS)
    assert "dict(index)" in capsys.readouterr().out
