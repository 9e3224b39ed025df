"""The environment check: finds what is missing, says how to fix it, and prints machine-independent summaries."""

import importlib.metadata as metadata
import re
import tomllib

import pytest

from course_utils import envcheck


@pytest.fixture
def report():
    return envcheck.check()


def test_this_environment_passes(report, capsys):
    assert report.ok, report.problems
    envcheck.summary(report)
    out = capsys.readouterr().out
    assert "✗" not in out and out.rstrip().endswith("Everything the course needs is here.")
    assert "✓ all required packages present at the versions the course needs" in out


def test_summary_has_no_versions_or_paths_so_nbval_can_compare_it(report, capsys, monkeypatch):
    envcheck.summary(report)
    first = capsys.readouterr().out
    assert not re.search(r"\d+\.\d+\.\d+|/(root|work|home|tmp)/", first)
    # Another machine: other (still good) versions give the same text.
    monkeypatch.setattr(envcheck, "_installed_version", lambda name: "99.0.0")
    envcheck.summary(envcheck.check())
    assert capsys.readouterr().out == first


def test_report_prints_versions_but_no_absolute_paths(report, capsys):
    envcheck.report(report)
    out = capsys.readouterr().out
    assert f"numpy        {metadata.version('numpy')}" in out
    assert "data: " in out and "recordings: " in out
    assert not re.search(r"/(root|work|home|tmp)/|site-packages", out)


def test_requirements_match_pyproject(repo_root):
    project = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]
    assert sorted(envcheck.FALLBACK_REQUIREMENTS) == sorted(project["dependencies"])
    assert sorted(envcheck.requirements()) == sorted(project["dependencies"])


def test_without_pyproject_the_installed_metadata_then_the_fallback_list_are_used(monkeypatch):
    monkeypatch.setattr(envcheck, "_pyproject", lambda: None)
    monkeypatch.setattr(envcheck.metadata, "requires", lambda name: ["numpy>=1.26", 'pytest>=8; extra == "dev"'])
    assert envcheck.requirements() == ["numpy>=1.26"]

    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(envcheck.metadata, "requires", missing)
    assert envcheck.requirements() == list(envcheck.FALLBACK_REQUIREMENTS)


def test_pyproject_wins_over_stale_installed_metadata(monkeypatch, repo_root):
    monkeypatch.setattr(envcheck.metadata, "requires", lambda name: ["numpy>=1.26"])  # installed before a change
    monkeypatch.chdir(repo_root / "notebooks")
    assert "anywidget>=0.9" in envcheck.requirements()


def test_a_missing_and_an_old_package_are_named_with_the_fix(monkeypatch, capsys):
    real = envcheck._installed_version
    fake = {"librosa": None, "numpy": "1.20.0"}
    monkeypatch.setattr(envcheck, "_installed_version", lambda name: fake[name] if name in fake else real(name))
    result = envcheck.check()
    assert not result.ok
    assert "librosa: not installed (the course needs librosa>=0.11)" in result.problems
    assert "numpy: version 1.20.0 is too old (the course needs numpy>=1.26)" in result.problems
    envcheck.summary(result)
    out = capsys.readouterr().out
    assert "✗ 2 of 11 required packages need attention: librosa, numpy" in out
    assert "make setup" in out and "restart the kernel" in out


def test_a_package_that_does_not_import_is_reported(monkeypatch):
    monkeypatch.setattr(envcheck, "_import_problem",
                        lambda module: "OSError: sndfile library not found" if module == "soundfile" else "")
    result = envcheck.check()
    assert any(line.startswith("soundfile: installed but does not import (OSError: sndfile library not found)")
               for line in result.problems)


def test_missing_data_is_reported_with_what_to_do(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(envcheck, "_installed_version", lambda name: "99.0.0")
    from course_utils import data

    def nowhere():
        raise data.DataNotFoundError("no data/MANIFEST.tsv above the working directory")

    monkeypatch.setattr(data, "data_dir", nowhere)
    result = envcheck.check()
    assert result.n_clips == 0 and result.problems == ["course data: 1 problem(s), e.g. no data/MANIFEST.tsv above "
                                                       "the working directory"]
    envcheck.summary(result)
    assert "✗ course data: 1 problem(s)" in capsys.readouterr().out


def test_missing_widget_extensions_are_reported(monkeypatch, tmp_path):
    monkeypatch.setattr(envcheck, "_lab_extension_folders", lambda: [tmp_path])
    ok, notes = envcheck.check_widgets(colab=False)
    assert not ok and any("@jupyter-widgets/jupyterlab-manager is missing" in n for n in notes)
    assert any("anywidget is missing" in n for n in notes)


def test_on_colab_jupyterlab_and_lab_extensions_are_not_required(monkeypatch, tmp_path):
    monkeypatch.setattr(envcheck, "_lab_extension_folders", lambda: [tmp_path])
    ok, notes = envcheck.check_widgets(colab=True)
    assert ok and "Colab" in notes[0]
    monkeypatch.setattr(envcheck, "_installed_version", lambda name: None if name == "jupyterlab" else "99.0.0")
    assert all(p.ok for p in envcheck.check_packages(colab=True))
    assert not all(p.ok for p in envcheck.check_packages(colab=False))


def test_colab_advice_differs(report):
    report.platform = "Google Colab"
    assert "Disconnect and delete runtime" in envcheck._how_to_fix(report)


def test_recordings_switched_off_are_reported(monkeypatch):
    monkeypatch.setenv("AUDIO_COURSE_RECORDINGS", "off")
    assert envcheck.check().recordings == "ignored ($AUDIO_COURSE_RECORDINGS=off)"
