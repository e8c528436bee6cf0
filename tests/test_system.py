"""helpers.system: usable CPUs, the start method and its override, the machine report."""

import multiprocessing
import os

import pytest

from helpers import system


def test_usable_cpus_is_a_positive_count_no_larger_than_the_machine():
    n = system.usable_cpus()
    assert isinstance(n, int) and 1 <= n <= os.cpu_count()


def test_usable_cpus_follows_affinity_when_there_is_one():
    if system.affinity_cpus() is None:
        pytest.skip("this platform cannot report affinity")
    assert system.usable_cpus() <= system.affinity_cpus()


def test_loky_variable_caps_usable_cpus(monkeypatch):
    monkeypatch.setenv("LOKY_MAX_CPU_COUNT", "1")
    assert system.usable_cpus() == 1


def test_start_method_defaults_to_the_platform(monkeypatch):
    monkeypatch.delenv(system.ENV_START_METHOD, raising=False)
    assert system.start_method() == system.default_start_method()
    assert system.default_start_method() in multiprocessing.get_all_start_methods()


@pytest.mark.parametrize("method", multiprocessing.get_all_start_methods())
def test_environment_variable_overrides_the_start_method(monkeypatch, method):
    monkeypatch.setenv(system.ENV_START_METHOD, f" {method.upper()} ")
    assert system.start_method() == method
    assert system.get_context().get_start_method() == method


def test_unknown_start_method_is_refused_with_the_choices(monkeypatch):
    monkeypatch.setenv(system.ENV_START_METHOD, "thread")
    with pytest.raises(ValueError, match="fork, spawn, forkserver"):
        system.start_method()


def test_get_context_does_not_change_the_global_default():
    before = multiprocessing.get_start_method(allow_none=True)
    system.get_context("spawn")
    assert multiprocessing.get_start_method(allow_none=True) == before


def test_machine_report_has_the_numbers_side_by_side():
    report = system.machine_report()
    for key in ("os.cpu_count()", "usable CPUs (joblib)", "start method (course)",
                "CPUs this process may run on (affinity)", "container CPU quota"):
        assert key in report
    assert report["os.cpu_count()"] == os.cpu_count()
    assert report["usable CPUs (joblib)"] == system.usable_cpus()


def test_print_machine_report_prints_every_line(capsys):
    system.print_machine_report()
    out = capsys.readouterr().out
    assert len(out.strip().splitlines()) == len(system.machine_report())
