"""Every printed solution runs when pasted into its lesson: `exercise.solution()` prints code, and a student pastes
it into the exercise cell. The code is written to a module file that starts with the imports the lesson has made by
then (the top-level `import` lines of the code cells before the cell that checks the exercise), imported, and its
function (or its `answer`) must pass the checker. A solution using a name the lesson never imported (say
`math.ceil` without `import math`) fails here."""

import contextlib
import importlib.util
import io
import re

import nbformat
import pytest

from test_checks_contract import ALL, IDS, REPO, takes_a_function


def lesson_imports_before(module, name):
    """The top-level import lines of the lesson's code cells before the one calling `exercises.<name>.check(`."""
    notebook = next((REPO / "notebooks").glob(f"{module[-2:]}_*.ipynb"))
    lines = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        if f"exercises.{name}.check(" in cell.source:
            return "\n".join(lines) + "\n\n"
        lines += [line for line in cell.source.splitlines() if re.match(r"(import|from) \w", line)]
    raise AssertionError(f"{notebook.name} never checks exercises.{name}")


def pasted_solution(module, name, exercise, folder):
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exercise.solution()
    path = folder / "pasted_solution.py"
    path.write_text(lesson_imports_before(module, name) + printed.getvalue(), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("pasted_solution", path)
    pasted = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pasted)
    return pasted


@pytest.mark.parametrize("module, name, exercise", ALL, ids=IDS)
def test_the_printed_solution_runs_and_passes_when_pasted(module, name, exercise, tmp_path):
    pasted = pasted_solution(module, name, exercise, tmp_path)
    answer = getattr(pasted, exercise.reference().__name__) if takes_a_function(exercise) else pasted.answer
    feedback = exercise.evaluate(answer)
    assert feedback.passed is True, f"{module}.{name}: {feedback}"
