"""Check that this computer (or Colab runtime) has what the course needs, and say what to do when it does not.

::

    from course_utils import envcheck
    envcheck.report()    # versions and details: differ from machine to machine
    envcheck.summary()   # ✓/✗ lines that are the same on every good installation (the notebook tests compare them)

What is checked: the Python version; every package ``course_utils`` declares (in the checkout's pyproject.toml, else
its installed metadata, else the list below) is installed at a version the course supports and, for the ones that load native
code or display widgets, importable; the course's ``data/`` folder is found and every clip matches its sha256; the
widget libraries import and, in a local Jupyter, the JupyterLab/Notebook 7 widget extensions are installed; and
where recordings are kept. A browser's microphone cannot be checked from Python: the recorder in lesson 00 tests it.

Taught in notebooks/00_start_here.ipynb.
"""

from __future__ import annotations

import importlib
import importlib.metadata as metadata
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

OK = "✓"
PROBLEM = "✗"
NOTE = "·"

MINIMUM_PYTHON = (3, 11)
# Used only when course_utils's own metadata cannot be read (e.g. the folder is on sys.path without an install);
# keep in step with pyproject.toml. tests/test_envcheck.py checks that they agree.
FALLBACK_REQUIREMENTS = (
    "anywidget>=0.9",
    "ipykernel>=6.17",
    "ipython>=7.34",
    "ipywidgets>=7.7.1",
    "jupyterlab>=4.0.2",
    "librosa>=0.11",
    "matplotlib>=3.8",
    "numpy>=1.26",
    "scikit-learn>=1.3",
    "scipy>=1.11.1",
    "soundfile>=0.12.1",
)
# Packages whose import is tried as well: they load native libraries (libsndfile) or talk to the front-end.
IMPORT_CHECKED = {"soundfile": "soundfile", "ipywidgets": "ipywidgets", "anywidget": "anywidget", "numpy": "numpy",
                  "scipy": "scipy"}
# Not needed on Colab, which brings its own front-end.
LOCAL_ONLY = {"jupyterlab"}
OPTIONAL = {"tflite-micro": "lesson 08 runs the feature frontend through TensorFlow Lite Micro"}
LAB_EXTENSIONS = {"@jupyter-widgets/jupyterlab-manager": "ipywidgets", "anywidget": "anywidget"}


@dataclass
class PackageStatus:
    """One required package: the requirement, the installed version (None if missing), and whether it is fine."""

    name: str
    requirement: str
    version: str | None
    ok: bool
    problem: str = ""


@dataclass
class Report:
    """Everything :func:`check` found. ``problems`` holds one actionable line per thing to fix."""

    python: str
    python_ok: bool
    platform: str
    packages: list[PackageStatus]
    optional: dict[str, str | None]
    data_folder: str | None  # "data/" or where $AUDIO_COURSE_DATA points, never an absolute path
    n_clips: int
    data_problems: list[str]
    widget_notes: list[str]
    widgets_ok: bool
    recordings: str  # where takes are saved, in words
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def in_colab() -> bool:
    """True inside a Google Colab runtime."""
    return "google.colab" in sys.modules


def _pyproject() -> Path | None:
    """The course's pyproject.toml (beside data/, or above this package), if this is a checkout."""
    from . import data

    candidates = [Path(__file__).resolve().parents[1] / "pyproject.toml"]
    try:
        candidates.insert(0, data.data_dir().parent / "pyproject.toml")
    except data.DataNotFoundError:
        pass
    return next((path for path in candidates if path.is_file()), None)


def requirements() -> list[str]:
    """The requirements of ``course_utils`` (without extras).

    From the checkout's pyproject.toml first (the truth, even when the installed metadata is stale because
    pyproject.toml changed after the last install), then the installed metadata, then a built-in list.
    """
    path = _pyproject()
    if path is not None:
        try:
            import tomllib

            declared = tomllib.loads(path.read_text(encoding="utf-8"))["project"]["dependencies"]
            if declared:
                return list(declared)
        except (ImportError, KeyError, ValueError, OSError):
            pass
    try:
        declared = metadata.requires("course_utils") or []
    except metadata.PackageNotFoundError:
        declared = []
    found = [r for r in declared if "extra ==" not in r and "extra==" not in r]
    return found or list(FALLBACK_REQUIREMENTS)


def _parse(requirement: str) -> tuple[str, str]:
    """(name, specifier) of a requirement string such as ``numpy>=1.26``."""
    try:
        from packaging.requirements import Requirement

        parsed = Requirement(requirement)
        return parsed.name, str(parsed.specifier)
    except ImportError:  # packaging is nearly always there; this keeps the check working without it
        for operator in (">=", "==", "<=", "~=", ">", "<"):
            if operator in requirement:
                name, version = requirement.split(operator, 1)
                return name.strip(), operator + version.strip()
        return requirement.strip(), ""


def _satisfies(version: str, specifier: str) -> bool:
    if not specifier:
        return True
    try:
        from packaging.specifiers import SpecifierSet

        return SpecifierSet(specifier).contains(version, prereleases=True)
    except ImportError:
        def numbers(text):
            return tuple(int(part) for part in text.split(".")[:3] if part.isdigit())

        return numbers(version) >= numbers(specifier.lstrip(">=~"))


def _installed_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _import_problem(module: str) -> str:
    try:
        importlib.import_module(module)
    except Exception as error:  # noqa: BLE001 — any failure to import is what we report
        return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
    return ""


def check_packages(colab: bool | None = None) -> list[PackageStatus]:
    """The status of every required package."""
    colab = in_colab() if colab is None else colab
    statuses = []
    for requirement in requirements():
        name, specifier = _parse(requirement)
        if colab and name in LOCAL_ONLY:
            continue
        version = _installed_version(name)
        if version is None:
            statuses.append(PackageStatus(name, specifier, None, False, "not installed"))
            continue
        if not _satisfies(version, specifier):
            statuses.append(PackageStatus(name, specifier, version, False, f"version {version} is too old"))
            continue
        module = IMPORT_CHECKED.get(name)
        failure = _import_problem(module) if module else ""
        statuses.append(PackageStatus(name, specifier, version, not failure,
                                      f"installed but does not import ({failure})" if failure else ""))
    return statuses


def _lab_extension_folders() -> list[Path]:
    try:
        from jupyter_core.paths import jupyter_path

        return [Path(folder) for folder in jupyter_path("labextensions")]
    except ImportError:
        return [Path(sys.prefix) / "share" / "jupyter" / "labextensions"]


def check_widgets(colab: bool | None = None) -> tuple[bool, list[str]]:
    """Whether notebook widgets can work here, with one note per finding."""
    colab = in_colab() if colab is None else colab
    notes = []
    ok = True
    for module in ("ipywidgets", "anywidget"):
        failure = _import_problem(module)
        if failure:
            ok = False
            notes.append(f"{module} does not import ({failure})")
    if colab:
        notes.append("Colab displays the widgets itself (anywidget turns on Colab's custom widget manager)")
        return ok, notes
    folders = _lab_extension_folders()
    for extension, package in LAB_EXTENSIONS.items():
        if not any((folder / extension / "package.json").is_file() for folder in folders):
            ok = False
            notes.append(f"the JupyterLab extension {extension} is missing: reinstall {package} in the environment "
                         "that runs Jupyter")
    if ok:
        notes.append("the JupyterLab / Notebook 7 widget extensions are installed")
    return ok, notes


def check() -> Report:
    """Look at everything and return a :class:`Report` (prints nothing)."""
    from . import data

    colab = in_colab()
    problems = []

    python = ".".join(str(part) for part in sys.version_info[:3])
    python_ok = sys.version_info[:2] >= MINIMUM_PYTHON
    minimum = ".".join(map(str, MINIMUM_PYTHON))
    if not python_ok:
        problems.append(f"Python {python} is too old: the course needs Python ≥ {minimum}")

    packages = check_packages(colab)
    for status in packages:
        if not status.ok:
            need = f" (the course needs {status.name}{status.requirement})" if status.requirement else ""
            problems.append(f"{status.name}: {status.problem}{need}")

    optional = {name: _installed_version(name) for name in OPTIONAL}

    data_folder, n_clips, data_problems = None, 0, []
    try:
        data.data_dir()
        data_folder = "the folder $AUDIO_COURSE_DATA names" if os.environ.get(data.DATA_ENV_VAR) else "data/"
        n_clips = len(data.manifest())
        data_problems = data.verify()
    except data.DataNotFoundError as error:
        data_problems = [str(error)]
    if data_problems:
        problems.append(f"course data: {len(data_problems)} problem(s), e.g. {data_problems[0]}")

    widgets_ok, widget_notes = check_widgets(colab)
    if not widgets_ok:
        problems.extend(f"widgets: {note}" for note in widget_notes if "missing" in note or "does not import" in note)

    folder = data.recordings_dir()
    if folder is None:
        recordings = "ignored ($AUDIO_COURSE_RECORDINGS=off)"
    elif os.environ.get("AUDIO_COURSE_RECORDINGS", "").strip():
        recordings = "in the folder $AUDIO_COURSE_RECORDINGS names"
    else:
        recordings = "in recordings/ beside data/ (git ignores it)"

    where = "Google Colab" if colab else ("Jupyter kernel" if "ipykernel" in sys.modules else "plain Python")
    return Report(python=python, python_ok=python_ok, platform=where, packages=packages, optional=optional,
                  data_folder=data_folder, n_clips=n_clips, data_problems=data_problems, widget_notes=widget_notes,
                  widgets_ok=widgets_ok, recordings=recordings, problems=problems)


def summary(report: Report | None = None) -> None:
    """Print ✓/✗ lines without versions or paths, so they read the same on every good installation."""
    report = check() if report is None else report
    minimum = ".".join(map(str, MINIMUM_PYTHON))
    print(f"{OK if report.python_ok else PROBLEM} Python ≥ {minimum}")
    bad = [p for p in report.packages if not p.ok]
    if bad:
        print(f"{PROBLEM} {len(bad)} of {len(report.packages)} required packages need attention: "
              + ", ".join(p.name for p in bad))
    else:
        print(f"{OK} all required packages present at the versions the course needs")
    if report.data_problems:
        print(f"{PROBLEM} course data: {len(report.data_problems)} problem(s)")
    else:
        print(f"{OK} course data: {report.n_clips} clips found, all intact (sha256 checked)")
    if report.widgets_ok:
        print(f"{OK} widgets: ipywidgets and anywidget ready (the slider and the recorder below show that your "
              "browser displays them)")
    else:
        print(f"{PROBLEM} widgets: not ready — sliders and the recorder will not appear")
    if report.ok:
        print("Everything the course needs is here.")
        return
    print("To fix:")
    for line in report.problems:
        print(f"  {PROBLEM} {line}")
    print(_how_to_fix(report))


def _how_to_fix(report: Report) -> str:
    if report.platform == "Google Colab":
        return ("On Colab: Runtime ▸ Disconnect and delete runtime, then run the notebook again from the top "
                "(the set-up cell reinstalls the course).")
    return ("Locally: in the course folder run `make setup` (or `pip install -e \".[dev]\"` in your virtual "
            "environment), restart the kernel, and run this cell again. Missing data: `git checkout -- data`.")


def report(report: Report | None = None) -> None:
    """Print versions and details, which differ between machines (no paths: outputs get shared)."""
    report = check() if report is None else report
    from . import __version__

    print(f"course_utils {__version__} on Python {report.python} ({report.platform})")
    width = max(len(name) for name in [*(p.name for p in report.packages), *report.optional])
    for status in report.packages:
        mark = OK if status.ok else PROBLEM
        shown = status.version or "missing"
        extra = f"  ← {status.problem}" if status.problem else ""
        print(f"  {mark} {status.name:<{width}} {shown:<12} needs {status.requirement or 'any'}{extra}")
    for name, version in report.optional.items():
        print(f"  {NOTE} {name:<{width}} {version or 'not installed':<12} optional: {OPTIONAL[name]}")
    if report.data_folder:
        print(f"data: {report.n_clips} clips in {report.data_folder}")
    for note in report.widget_notes:
        print(f"widgets: {note}")
    print(f"recordings: {report.recordings}")
    print("microphone: checked by the recorder in 00_start_here.ipynb (it needs https:// or localhost)")
