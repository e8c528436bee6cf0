"""helpers.workers: the tasks give verifiable answers and reject bad sizes clearly."""

import pytest

from helpers import workers


def test_cpu_task_checksum_matches_the_definition():
    assert workers.cpu_task(10) == sum(i * i % 7 for i in range(10))
    assert workers.cpu_task(1) == 0


@pytest.mark.parametrize("bad", [0, -5])
def test_cpu_task_rejects_sizes_below_one(bad):
    with pytest.raises(ValueError, match="positive integer"):
        workers.cpu_task(bad)


@pytest.mark.parametrize("bad", [1.5, "100", True, None])
def test_cpu_task_rejects_sizes_that_are_not_integers(bad):
    with pytest.raises(TypeError, match="positive integer"):
        workers.cpu_task(bad)


def test_io_task_waits_and_returns_its_argument():
    assert workers.io_task(0.01) == 0.01
    with pytest.raises(ValueError, match="seconds"):
        workers.io_task(-1)


def test_small_workers():
    assert workers.square(3) == 9
    assert workers.double(4) == 8
    value, pid = workers.which_process("x")
    assert value == "x" and isinstance(pid, int)


def test_scale_multiplies_the_default_size(monkeypatch):
    monkeypatch.setenv(workers.ENV_SCALE, "2.5")
    assert workers.default_cpu_size() == int(workers.BASE_CPU_SIZE * 2.5)
    monkeypatch.delenv(workers.ENV_SCALE)
    assert workers.default_cpu_size() == workers.BASE_CPU_SIZE


@pytest.mark.parametrize("bad", ["zero", "0", "-1"])
def test_scale_rejects_nonsense(monkeypatch, bad):
    monkeypatch.setenv(workers.ENV_SCALE, bad)
    with pytest.raises(ValueError, match="COURSE_SCALE"):
        workers.scale()
