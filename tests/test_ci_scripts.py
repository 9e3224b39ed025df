"""The CI scripts' own checks: what makes a pinned leg fail."""

import importlib.util

import nbformat
import pytest
from conftest import REPO_ROOT


def load(name):
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / ".ci" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def notebook_printing(text, name="stdout"):
    cell = nbformat.v4.new_code_cell("print(...)")
    cell.outputs = [nbformat.v4.new_output("stream", name=name, text=text)]
    return nbformat.v4.new_notebook(cells=[cell])


@pytest.mark.parametrize("line", ["⚠ FutureWarning: griffinlim() keyword argument 'random_state' has been renamed",
                                  "⚠ DeprecationWarning: old idiom"])
def test_an_outdated_api_warning_fails_a_pinned_leg(line):
    problems = load("execute_notebooks").problems_in(notebook_printing(f"result 0.42\n{line}\n"))
    assert len(problems) == 1 and line in problems[0]


def test_other_output_and_user_warnings_pass():
    execute = load("execute_notebooks")
    assert execute.problems_in(notebook_printing("⚠ UserWarning: n_mels is high\nFutureWarning is a word\n")) == []
    assert len(execute.problems_in(notebook_printing("anything", name="stderr"))) == 1


def test_versions_reads_the_pins_of_a_constraints_file(tmp_path):
    constraints = tmp_path / "pins.txt"
    constraints.write_text("# comment\nnumpy==2.1.3  # why\nIPython==7.34.0\nscipy>=1.11\n")
    assert load("versions").pins(constraints) == {"numpy": "2.1.3", "ipython": "7.34.0"}


def test_versions_fails_when_a_pin_does_not_hold(tmp_path, capsys):
    constraints = tmp_path / "pins.txt"
    constraints.write_text("numpy==0.0.1\n")
    assert load("versions").main(["--expect", str(constraints)]) == 1
    assert "numpy" in capsys.readouterr().out


def test_a_notebook_name_that_matches_no_lesson_is_refused_before_anything_runs(capsys):
    execute_notebooks = load("execute_notebooks")
    with pytest.raises(SystemExit) as stop:
        execute_notebooks.main(["notebooks/07_inversion.ipynb"])
    assert stop.value.code == 2
    assert "no lesson named notebooks/07_inversion.ipynb" in capsys.readouterr().err
