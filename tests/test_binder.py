"""Binder builds the course: repo2docker's own planner, run on the repository.

``jupyter-repo2docker --no-build --debug`` prints the Dockerfile that Binder would build,
without Docker. The test checks that it builds from environment.yml with the pinned
Python, installs the course's helpers package (the ``-e .`` pip line can only work if
the repository is copied in before the environment is installed), and starts
JupyterLab through the ``start`` script, which caps the BLAS threads.

repo2docker runs on a clean copy: the files git tracks plus new files it does not
ignore, as a push would publish them (no .venv, no stray local folders).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
REPO2DOCKER = Path(sys.executable).parent / "jupyter-repo2docker"
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                    "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


def published_files(root: Path) -> list[str]:
    """Return the repository's files as a push would publish them."""
    if shutil.which("git") and (root / ".git").exists():
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root, capture_output=True, check=True,
        ).stdout.decode()
        return [f for f in out.split("\0") if f and (root / f).is_file()]
    skip = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache", "test-artifacts"}
    return [str(p.relative_to(root)) for p in root.rglob("*")
            if p.is_file() and not (set(p.relative_to(root).parts) & skip)
            and not p.parts[-2].startswith(".venv")]


@pytest.fixture(scope="module")
def repo_copy(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("binder") / "repo"
    for name in published_files(ROOT):
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, copy / name)
    return copy


@pytest.fixture(scope="module")
def dockerfile(repo_copy) -> str:
    if not REPO2DOCKER.exists():
        message = f"{REPO2DOCKER.name} is not installed: pip install -r requirements-test.txt"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    done = subprocess.run(
        [str(REPO2DOCKER), "--no-build", "--debug", str(repo_copy)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_no_binder_folder_hides_the_root_files(repo_copy):
    # repo2docker reads only binder/ or .binder/ when one exists.
    assert not (repo_copy / "binder").exists() and not (repo_copy / ".binder").exists()


def test_builds_from_environment_yml_with_the_pinned_python(dockerfile):
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pins = [d for d in environment["dependencies"]
            if isinstance(d, str) and re.fullmatch(r"python\s*=\s*[\d.]+", d)]
    assert pins, "environment.yml must pin python=3.X"
    version = pins[0].split("=")[-1].strip()
    assert f"Building conda environment for python={version}" in dockerfile
    assert re.search(r'env update -p \$\{NB_PYTHON_PREFIX\} --file "environment.yml"',
                     dockerfile), "Binder does not install environment.yml"


def test_installs_helpers_after_the_repository_is_copied(dockerfile):
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_lines = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_lines, "environment.yml must install helpers: pip: [-e .]"
    copied = dockerfile.find("COPY --chown=0:0 src/ ${REPO_DIR}/")
    installed = dockerfile.find('--file "environment.yml"')
    assert copied >= 0 and installed >= 0
    assert copied < installed, (
        "the environment is installed before the repository is copied: `-e .` cannot work"
    )
    assert "helpers" in (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def test_jupyterlab_starts_through_the_start_script(dockerfile):
    assert 'ENV R2D_ENTRYPOINT="${REPO_DIR}/start"' in dockerfile, (
        "Binder would not run ./start, so the BLAS threads would not be capped"
    )


@pytest.mark.skipif(sys.platform == "win32", reason="the start script is for Binder (Linux)")
def test_the_start_script_caps_blas_threads_and_keeps_a_choice():
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARIABLES}
    shown = subprocess.run(["bash", str(ROOT / "start"), "env"], env=env,
                           capture_output=True, text=True, check=True).stdout
    for name in THREAD_VARIABLES:
        assert f"{name}=1" in shown.splitlines(), f"start does not set {name}=1"
    env["OMP_NUM_THREADS"] = "4"
    shown = subprocess.run(["bash", str(ROOT / "start"), "env"], env=env,
                           capture_output=True, text=True, check=True).stdout
    assert "OMP_NUM_THREADS=4" in shown.splitlines(), "start overrides a value already set"
