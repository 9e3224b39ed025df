"""environment.yml and pyproject.toml must list the same dependencies, with bounds that admit Colab's runtime and
lower bounds that `make test-floor` tests (.ci/floor-constraints.txt)."""

import importlib.util
import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

CONDA_TO_PYPI = {"pysoundfile": "soundfile"}
REPO = Path(__file__).resolve().parents[1]


def _ci_versions():
    spec = importlib.util.spec_from_file_location("versions", REPO / ".ci" / "versions.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pinned = _ci_versions().pins  # the ``name==version`` lines of a pip constraints file, read as CI reads them


COLAB_RUNTIME = pinned(REPO / ".ci" / "colab-constraints.txt")
FLOORS = pinned(REPO / ".ci" / "floor-constraints.txt")


def pyproject_requirements(repo_root):
    project = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]
    names = project["dependencies"] + project["optional-dependencies"]["dev"]
    return {Requirement(r).name: str(Requirement(r).specifier) for r in names}


def environment_requirements(repo_root):
    found = {}
    for line in (repo_root / "environment.yml").read_text().splitlines():
        match = re.match(r"^\s+-\s+([^#]+?)\s*(#.*)?$", line)
        if not match or match.group(1) in ("pip", "pip:", "-e .", "conda-forge") or match.group(1).startswith("python"):
            continue
        requirement = Requirement(match.group(1))
        found[CONDA_TO_PYPI.get(requirement.name, requirement.name)] = str(requirement.specifier)
    return found


def test_environment_yml_matches_pyproject(repo_root):
    assert environment_requirements(repo_root) == pyproject_requirements(repo_root)


def test_python_requirement_matches(repo_root):
    project = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]
    assert f"python{project['requires-python']}" in (repo_root / "environment.yml").read_text()
    assert Version("3.13") in Requirement(f"python{project['requires-python']}").specifier


@pytest.mark.parametrize("package, colab_version", sorted(COLAB_RUNTIME.items()))
def test_bounds_admit_colab(repo_root, package, colab_version):
    declared = pyproject_requirements(repo_root)
    if package not in declared:
        return  # a transport pin (pyzmq, tornado, …) or a dependency of a dependency
    specifier = Requirement(f"{package}{declared[package]}").specifier
    assert Version(colab_version) in specifier, f"{package}{specifier} excludes Colab's {colab_version}"


def test_colab_pins_cover_the_libraries_lessons_print_with():
    assert {"ipywidgets", "ipython", "ipykernel", "matplotlib", "numpy", "scipy", "librosa", "anywidget"} <= set(
        COLAB_RUNTIME)


def lower_bound(specifier: str) -> str | None:
    bounds = [spec.version for spec in Requirement(f"x{specifier}").specifier if spec.operator == ">="]
    return bounds[0] if bounds else None


@pytest.mark.parametrize("package", sorted(pyproject_requirements(REPO)))
def test_every_lower_bound_is_the_tested_floor(repo_root, package):
    floor = lower_bound(pyproject_requirements(repo_root)[package])
    if floor is None:
        assert package not in FLOORS, f"{package} has no lower bound in pyproject.toml but a floor pin"
        return
    assert package in FLOORS, f"{package}>={floor} is declared but .ci/floor-constraints.txt does not pin it"
    assert Version(FLOORS[package]) == Version(floor), (
        f"pyproject.toml says {package}>={floor}, .ci/floor-constraints.txt tests {FLOORS[package]}")


def test_required_dependencies_are_declared(repo_root):
    declared = set(pyproject_requirements(repo_root))
    assert {"jupyterlab", "ipywidgets", "librosa", "matplotlib", "numpy", "scipy", "soundfile", "nbval", "pytest",
            "pytest-xdist"} <= declared
