"""helpers.checks.nb09: the solutions pass, and each typical wrong answer gets its own hint."""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor

import pytest
from joblib import Parallel, delayed

from helpers.beyond import cpu_step, shutdown_loky
from helpers.checks.nb09 import check_dask_port, check_joblib_port, check_responsive
from helpers.pipeline import count_imports_serial, imports_of, stdlib_files
from helpers.solutions.nb09_engines import count_imports_dask, count_imports_joblib
from helpers.solutions.nb09_responsive import run_step
from helpers.system import get_context

FILES = stdlib_files(6)
EXPECTED = count_imports_serial(FILES)


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    with (LocalCluster(n_workers=1, threads_per_worker=1, memory_limit="300MB",
                       host="127.0.0.1", dashboard_address="127.0.0.1:0") as cluster,
          Client(cluster) as client):
        yield client
    shutdown_loky()


# --- joblib: the starter and typical wrong answers ------------------------------------------
def joblib_serial(files, n_jobs=2):  # the starter as given
    return count_imports_serial(files)


def joblib_unreduced(files, n_jobs=2):
    return Parallel(n_jobs=n_jobs)(delayed(imports_of)(p) for p in files)


def joblib_generator(files, n_jobs=2):
    return Parallel(n_jobs=n_jobs, return_as="generator")(delayed(imports_of)(p) for p in files)


def joblib_printed(files, n_jobs=2):
    print(sum(Parallel(n_jobs=n_jobs)(delayed(imports_of)(p) for p in files), Counter()))


def joblib_one_job(files, n_jobs=2):
    return sum(Parallel(n_jobs=1)(delayed(imports_of)(p) for p in files), Counter())


@pytest.mark.same_under_every_method  # Dask's or loky's workers: their own start method
@pytest.mark.parametrize("func, hint", [
    (joblib_serial, "no joblib worker process started"),
    (joblib_unreduced, "returned a list of 6 items"),
    (joblib_generator, "returned a generator"),
    (joblib_printed, "returned None"),
    (joblib_one_job, "n_jobs=1 runs in this process"),
    ("count_imports_joblib", "pass your function itself"),
])
def test_joblib_port_hints(func, hint, capsys):
    assert not check_joblib_port(func, FILES, EXPECTED)
    out = capsys.readouterr().out
    assert hint in out and "Well done" not in out
    shutdown_loky()


@pytest.mark.same_under_every_method  # Dask's or loky's workers: their own start method
def test_joblib_port_passes_the_solution(capsys):
    assert check_joblib_port(count_imports_joblib, FILES, EXPECTED)
    assert "Well done" in capsys.readouterr().out
    shutdown_loky()


# --- Dask -----------------------------------------------------------------------------------
def dask_serial(files, client):
    return count_imports_serial(files)


def dask_futures(files, client):
    return client.map(imports_of, files)


def dask_unreduced(files, client):
    return client.gather(client.map(imports_of, files))


def dask_half(files, client):
    return sum(client.gather(client.map(imports_of, files[:3])), Counter())


@pytest.mark.same_under_every_method  # Dask's or loky's workers: their own start method
@pytest.mark.parametrize("func, hint", [
    (dask_serial, "the work ran in this process"),
    (dask_futures, "returned Dask futures"),
    (dask_unreduced, "returned a list of 6 items"),
    (dask_half, "have other counts than the serial loop's"),
])
def test_dask_port_hints(client, func, hint, capsys):
    assert not check_dask_port(func, client, FILES, EXPECTED)
    out = capsys.readouterr().out
    assert hint in out and "Well done" not in out


@pytest.mark.same_under_every_method  # Dask's or loky's workers: their own start method
def test_dask_port_passes_the_solution_and_refuses_a_missing_client(client, capsys):
    assert check_dask_port(count_imports_dask, client, FILES, EXPECTED)
    assert "Well done" in capsys.readouterr().out
    assert not check_dask_port(count_imports_dask, None, FILES, EXPECTED)
    assert "your Dask Client" in capsys.readouterr().out


# --- a responsive loop ----------------------------------------------------------------------
async def inline(executor, size):  # the starter as given
    return cpu_step(size)


async def not_awaited(executor, size):
    return asyncio.get_running_loop().run_in_executor(executor, cpu_step, size)


async def in_a_thread(executor, size):
    return await asyncio.to_thread(cpu_step, size)


async def printed(executor, size):
    print(await asyncio.get_running_loop().run_in_executor(executor, cpu_step, size))


def not_a_coroutine(executor, size):
    return executor.submit(cpu_step, size).result()


def check(step):
    async def run():
        with ProcessPoolExecutor(1, mp_context=get_context()) as executor:
            executor.submit(abs, -1).result()
            return await check_responsive(step, executor)
    return asyncio.run(run())


@pytest.mark.parametrize("step, hint", [
    (inline, "the loop stood still"),
    (not_awaited, "put `await` in front of the call"),
    (in_a_thread, "it ran in this process"),
    (printed, "your step returned None"),
    (not_a_coroutine, "must be a coroutine function"),
])
def test_responsive_hints(step, hint, capsys):
    assert not check(step)
    out = capsys.readouterr().out
    assert hint in out and "Well done" not in out


def test_responsive_passes_the_solution(capsys):
    assert check(run_step)
    out = capsys.readouterr().out
    assert "Well done" in out and f"pid {os.getpid()})" not in out
