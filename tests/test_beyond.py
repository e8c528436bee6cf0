"""helpers.beyond and its charts: the engines agree with the loop, the loop's latency is read."""

from __future__ import annotations

import asyncio
import os
import subprocess
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from helpers.beyond import (
    ENGINES,
    EngineComparison,
    EngineRun,
    array_kind,
    break_even_tasks,
    compare_engines,
    cpu_step,
    loky_workers,
    loop_latency,
    shutdown_loky,
)
from helpers.pipeline import stdlib_files
from helpers.plots.beyond import engines_chart, latency_chart
from helpers.system import get_context
from helpers.workers import cpu_task

ROOT = Path(__file__).resolve().parent.parent


def test_compare_engines_runs_every_engine_and_checks_their_answers():
    comparison = compare_engines(stdlib_files(4), workers=1, tasks=5)
    assert list(comparison.runs) == list(ENGINES)
    for engine in ENGINES:
        (run,) = comparison.runs[engine]
        assert run.start > 0 and run.per_task > 0 and run.job > 0 and run.stop >= 0
        assert run.total == pytest.approx(run.start + run.job + run.stop)
    assert "Dask by address" in comparison.table()
    fig = engines_chart(comparison)
    assert len(fig.axes) == 3 and fig.axes[0].get_xscale() == "log"
    assert not loky_workers(), "compare_engines leaves joblib's workers stopped"


@pytest.mark.parametrize("kwargs, error", [
    ({"workers": 0}, ValueError), ({"rounds": 0}, ValueError), ({"tasks": -1}, ValueError)])
def test_compare_engines_refuses_bad_sizes(kwargs, error):
    with pytest.raises(error):
        compare_engines(stdlib_files(4), **{"workers": 1, **kwargs})


def comparison_of(start, per_task, workers=2):
    run = EngineRun("e", start, per_task, 1.0, 0.1)
    return EngineComparison({"e": (run,)}, serial=2.0, workers=workers, tasks=10)


def test_break_even_is_start_up_over_what_each_task_saves():
    # 2 workers save half of each 10 ms task, less 1 ms of overhead: 4 ms a task
    assert break_even_tasks(comparison_of(2.0, 0.001), "e", 0.01) == pytest.approx(500)
    assert break_even_tasks(comparison_of(2.0, 0.01), "e", 0.01) == float("inf")
    assert break_even_tasks(comparison_of(2.0, 0.0, workers=1), "e", 0.01) == float("inf")


def test_joblib_memory_maps_a_large_array_and_shutdown_leaves_nothing():
    from joblib import Parallel, delayed

    small, large = np.ones(10), np.ones(300_000)
    got = Parallel(n_jobs=2, max_nbytes="1M")(delayed(array_kind)(a) for a in (small, large))
    assert got[0] == ("ndarray", True, 10.0)
    assert got[1] == ("memmap", False, 300_000.0)
    assert loky_workers()
    shutdown_loky()
    assert not loky_workers()
    assert not [n for n in os.listdir("/dev/shm")
                if n.startswith(f"joblib_memmapping_folder_{os.getpid()}_")]


def test_loop_latency_sees_a_blocked_loop_and_a_free_one():
    size = 1_500_000

    async def inline():
        return cpu_step(size)

    async def in_pool(executor):
        return await asyncio.get_running_loop().run_in_executor(executor, cpu_step, size)

    async def both():
        with ProcessPoolExecutor(1, mp_context=get_context()) as executor:
            executor.submit(abs, -1).result()
            return (await loop_latency(inline(), label="inline"),
                    await loop_latency(in_pool(executor), label="pool"))

    blocked, free = asyncio.run(both())
    assert blocked.result == (cpu_task(size), os.getpid())
    assert free.result[0] == cpu_task(size) and free.result[1] != os.getpid()
    assert len(blocked.late) <= 2 < len(free.late)  # no tick could run while it blocked
    assert blocked.worst >= 0.5 * blocked.seconds
    fig = latency_chart(blocked, free)
    assert len(fig.axes[0].lines) == 2


def test_loop_latency_needs_something_to_await():
    with pytest.raises(TypeError, match="needs something to await"):
        asyncio.run(loop_latency(cpu_task))


def test_binder_start_points_the_dashboard_link_through_the_proxy():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DASK_")}
    shown = subprocess.run(["bash", str(ROOT / "start"), "env"], env=env, capture_output=True,
                           text=True, check=True).stdout.splitlines()
    assert not [line for line in shown if line.startswith("DASK_")], "only on a JupyterHub"
    env["JUPYTERHUB_SERVICE_PREFIX"] = "/user/someone/"
    shown = subprocess.run(["bash", str(ROOT / "start"), "env"], env=env, capture_output=True,
                           text=True, check=True).stdout.splitlines()
    link = "DASK_DISTRIBUTED__DASHBOARD__LINK={JUPYTERHUB_SERVICE_PREFIX}proxy/{port}/status"
    assert link in shown
