"""One environment: requirements.txt (pip) and environment.yml (conda, Binder) agree.

Both files must name the same packages with the same version ranges, so that a learner
who uses pip, one who uses conda and a Binder launch all get the course's environment.
Conda names that differ from pip's are translated (``matplotlib-base`` on conda-forge is
pip's ``matplotlib``). environment.yml also pins Python, and installs the course's
``helpers`` package with pip (``-e .``). requirements-test.txt holds test-only tools,
which learners and Binder do not need, so environment.yml must not list them.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
#: conda-forge name -> pip name, where they differ.
CONDA_TO_PIP = {"matplotlib-base": "matplotlib"}
#: What environment.yml lists that is not a package of requirements.txt.
CONDA_ONLY = {"python", "pip"}


def read_requirements(path: Path) -> dict[str, SpecifierSet]:
    """Return {canonical name: version range} from a pip requirements file."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        name = canonicalize_name(req.name)
        assert name not in found, f"{path.name} lists {name} twice"
        found[name] = req.specifier
    return found


def conda_spec(text: str) -> tuple[str, SpecifierSet]:
    """Split a conda dependency (``numpy>=1.26,<3``, ``python=3.12``) into name and range.

    Conda's ``=3.12`` means any 3.12.x, which pip writes ``==3.12.*``.
    """
    match = re.fullmatch(r"\s*([A-Za-z0-9_.-]+)\s*(.*?)\s*", text)
    assert match, f"cannot read the conda dependency {text!r}"
    name, spec = match.groups()
    spec = re.sub(r"(?<![<>=!~])=(?!=)\s*([0-9][0-9A-Za-z.]*)", r"==\1.*", spec)
    return canonicalize_name(CONDA_TO_PIP.get(name, name)), SpecifierSet(spec.replace(" ", ""))


@pytest.fixture(scope="module")
def environment() -> dict:
    return yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def conda(environment) -> dict[str, SpecifierSet]:
    found = {}
    for dep in environment["dependencies"]:
        if isinstance(dep, str):
            name, spec = conda_spec(dep)
            assert name not in found, f"environment.yml lists {name} twice"
            found[name] = spec
    return found


@pytest.fixture(scope="module")
def conda_pip(environment) -> list[str]:
    for dep in environment["dependencies"]:
        if isinstance(dep, dict) and "pip" in dep:
            return [str(line).strip() for line in dep["pip"]]
    return []


@pytest.fixture(scope="module")
def pip() -> dict[str, SpecifierSet]:
    return read_requirements(ROOT / "requirements.txt")


def test_both_files_name_the_same_packages(pip, conda, conda_pip):
    pip_from_conda = [canonicalize_name(Requirement(line).name) for line in conda_pip
                      if not line.startswith("-")]
    in_conda = (set(conda) - CONDA_ONLY) | set(pip_from_conda)
    assert not set(pip) - in_conda, f"only in requirements.txt: {sorted(set(pip) - in_conda)}"
    assert not in_conda - set(pip), f"only in environment.yml: {sorted(in_conda - set(pip))}"


def test_both_files_give_every_package_the_same_version_range(pip, conda):
    for name, spec in pip.items():
        assert str(spec), f"requirements.txt: give {name} a version range"
        if name in conda:
            assert conda[name] == spec, (
                f"{name}: requirements.txt says {spec or 'any'}, "
                f"environment.yml says {conda[name] or 'any'}"
            )


def test_environment_pins_a_supported_python(conda):
    assert "python" in conda and str(conda["python"]).startswith("==3."), (
        "environment.yml must pin Python (python=3.X): Binder otherwise picks its own"
    )
    pinned = Version(str(conda["python"]).removeprefix("==").removesuffix(".*"))
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    requires = re.search(r'requires-python\s*=\s*"([^"]+)"', text).group(1)
    assert pinned in SpecifierSet(requires), f"Python {pinned} is outside {requires}"
    assert "pip" in conda, "environment.yml needs pip to install the helpers package"


def test_environment_installs_the_helpers_package(conda_pip):
    assert "-e ." in conda_pip, "environment.yml must install helpers with pip: - -e ."


def test_test_only_tools_stay_out_of_the_learners_environment(pip, conda):
    test_only = read_requirements(ROOT / "requirements-test.txt")
    both = set(test_only) & ((set(conda) - CONDA_ONLY) | set(pip))
    assert not both, f"listed in requirements-test.txt and in the course's environment: {both}"


def test_this_environment_satisfies_requirements_txt(pip):
    # The environment running the tests is the course's environment, not something close.
    for name, spec in pip.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            pytest.fail(f"{name} is in requirements.txt but not installed: run `make setup`")
        assert spec.contains(installed, prereleases=True), (
            f"{name} {installed} is installed, requirements.txt wants {spec}: run `make setup`"
        )


@pytest.mark.parametrize("text, name, spec", [
    ("numpy>=1.26,<3", "numpy", ">=1.26,<3"),
    ("matplotlib-base>=3.8,<4", "matplotlib", ">=3.8,<4"),
    ("python=3.12", "python", "==3.12.*"),
    ("pip", "pip", ""),
])
def test_conda_dependencies_are_read_like_conda_reads_them(text, name, spec):
    assert conda_spec(text) == (name, SpecifierSet(spec))
