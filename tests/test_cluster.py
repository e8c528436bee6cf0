"""helpers.cluster: the Dask programs start on 127.0.0.1, answer, and are always stopped."""

from __future__ import annotations

import socket

import psutil
import pytest

from helpers.cluster import ProgramCluster, check_port


def gone(pids: list[int]) -> bool:
    return not any(psutil.pid_exists(pid) and psutil.Process(pid).status() != "zombie"
                   for pid in pids)


def listening(pid: int) -> list[tuple[str, int]]:
    proc = psutil.Process(pid)
    return [(c.laddr.ip, c.laddr.port) for c in proc.net_connections("tcp")
            if c.status == psutil.CONN_LISTEN]


def test_a_cluster_of_programs_runs_tasks_on_loopback_only_and_stops():
    from distributed import Client

    with ProgramCluster(workers=2, timeout=90) as programs:
        assert programs.running and len(programs.pids) == 3
        assert programs.address.startswith("tcp://127.0.0.1:")
        lines = programs.command_lines().splitlines()
        port = programs.address.rsplit(":", 1)[1]
        assert lines[0].startswith(f"dask scheduler --host 127.0.0.1 --port {port} ")
        assert all(line.startswith(f"dask worker {programs.address} --nworkers 1 "
                                   "--nthreads 1") for line in lines[1:])
        with Client(programs.address) as client:
            assert client.gather(client.map(abs, [-1, -2, -3])) == [1, 2, 3]
            workers = client.scheduler_info()["workers"]
        assert len(workers) == 2 and all(w.startswith("tcp://127.0.0.1:") for w in workers)
        for pid in programs.pids:  # every port of every program: this machine only
            assert listening(pid) and all(host == "127.0.0.1" for host, _ in listening(pid))
        pids, folder = programs.pids, programs.folder
    assert gone(pids) and not folder.exists()
    assert "stopped" in repr(programs)


def test_the_programs_are_stopped_when_the_block_raises():
    with pytest.raises(KeyboardInterrupt):  # what an interrupted cell raises
        with ProgramCluster(workers=1, timeout=90) as programs:
            pids = programs.pids
            raise KeyboardInterrupt
    assert gone(pids)


def test_a_port_in_use_gives_a_clear_error_and_leaves_nothing():
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        programs = ProgramCluster(workers=1, port=port, timeout=60)
        with pytest.raises(RuntimeError, match=f"did not start.*port {port} already in use"):
            programs.start()
    assert gone(programs.pids)


@pytest.mark.parametrize("kwargs, error, words", [
    ({"workers": 0}, ValueError, "workers must be 1 or more"),
    ({"workers": 1.5}, TypeError, "workers must be a whole number"),
    ({"port": 70000}, ValueError, "between 0 and 65535"),
    ({"port": "8786"}, TypeError, "port must be a whole number"),
    ({"timeout": 0}, ValueError, "timeout must be a positive number"),
    ({"memory_limit": 300}, TypeError, "memory_limit must be Dask's text"),
])
def test_bad_arguments_get_a_clear_error_before_anything_starts(kwargs, error, words):
    with pytest.raises(error, match=words):
        ProgramCluster(**kwargs)


def test_check_port_accepts_zero_for_any_free_port():
    assert check_port(0) == 0 and check_port(8786) == 8786
    with pytest.raises(TypeError):
        check_port(True)
