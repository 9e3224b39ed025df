"""The contract every exercise checker keeps, checked for every exercise of every lesson at once:
the reference solution passes, the ``...`` placeholder is "not attempted", garbage and broken functions get one
line of feedback and never raise, and the solution and hint print. Each lesson's own test file checks its
targeted hints. Also: every lesson with exercises has its checker module and its test file (both found from
the notebooks present, so a new lesson needs no edit here), every checker a lesson calls exists, and every exercise
is used by its lesson."""

import importlib
import pkgutil
import re
import warnings
from pathlib import Path

import nbformat
import numpy as np
import pytest

import course_utils.checks as checks
from course_utils.checks import NOT_ATTEMPTED, Exercise

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
LESSON_MODULES = sorted(name for _, name, _ in pkgutil.iter_modules(checks.__path__)
                        if re.fullmatch(r"lesson\d\d", name))


def has_exercises(notebook):
    cells = nbformat.read(notebook, as_version=4).cells
    return any(c.cell_type == "markdown" and "✏️ Exercise" in c.source for c in cells)


def exercises_of(module_name):
    module = importlib.import_module(f"course_utils.checks.{module_name}")
    return {name: value for name, value in vars(module).items() if isinstance(value, Exercise)}


ALL = [(module, name, exercise) for module in LESSON_MODULES for name, exercise in exercises_of(module).items()]
IDS = [f"{module}.{name}" for module, name, _ in ALL]
GARBAGE = ["forty", None, [1, 2], float("nan"), True, {"a": 1}, np.arange(12.0).reshape(3, 4)]
RETURNS = ["text", None, np.zeros((3, 3)), [1, [2, 3]], np.full(5, np.nan), True, {"a": 1}, np.ones(4, dtype=complex),
           (np.zeros(3), np.zeros(4)), "1.5"]
RETURNING_GARBAGE = [lambda *a, value=value, **k: value for value in RETURNS] + [lambda *a, **k: np.log(np.zeros(3))]
BROKEN_FUNCTIONS = [lambda *a: 1 / 0, *RETURNING_GARBAGE]


def takes_a_function(exercise):
    return callable(exercise.reference())


def one_line_of_feedback(exercise, answer, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. a ComplexWarning from converting the answer would reach the lesson
        exercise.check(answer)
    out = capsys.readouterr().out
    assert out.startswith("✗ ") and out.count("\n") == 1, out
    return out


def test_every_lesson_with_exercises_has_a_checker_module_and_every_module_a_lesson():
    assert LESSON_MODULES == [f"lesson{notebook.name[:2]}" for notebook in NOTEBOOKS if has_exercises(notebook)]


@pytest.mark.parametrize("module", LESSON_MODULES)
def test_every_exercise_has_unit_tests_in_its_lessons_test_file(module):
    tests = (REPO / "tests" / f"test_checks_{module}.py").read_text(encoding="utf-8")
    untested = [name for name in exercises_of(module) if f"{module}.{name}" not in tests]
    assert not untested, f"tests/test_checks_{module}.py does not test {untested}"


@pytest.mark.parametrize("module, name, exercise", ALL, ids=IDS)
def test_reference_solution_passes(module, name, exercise):
    feedback = exercise.evaluate(exercise.reference())
    assert feedback.passed is True and str(feedback).startswith("✓ ")


@pytest.mark.parametrize("module, name, exercise", ALL, ids=IDS)
def test_checking_prints_the_verdict_and_nothing_else(module, name, exercise, capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning escaping a checker would be printed into the lesson
        exercise.check(exercise.reference())
    assert capsys.readouterr().out.count("\n") == 1


@pytest.mark.parametrize("module, name, exercise", ALL, ids=IDS)
def test_placeholder_is_not_attempted(module, name, exercise):
    assert (exercise.evaluate(...).passed, str(exercise.evaluate(...))) == (None, NOT_ATTEMPTED)
    if takes_a_function(exercise):
        assert str(exercise.evaluate(lambda *args, **kwargs: ...)) == NOT_ATTEMPTED


@pytest.mark.parametrize("module, name, exercise", ALL, ids=IDS)
@pytest.mark.parametrize("garbage", GARBAGE, ids=lambda g: type(g).__name__)
def test_garbage_gets_one_line_and_never_raises(module, name, exercise, garbage, capsys):
    one_line_of_feedback(exercise, garbage, capsys)


@pytest.mark.parametrize("module, name, exercise", [row for row in ALL if takes_a_function(row[2])],
                         ids=[i for i, row in zip(IDS, ALL) if takes_a_function(row[2])])
@pytest.mark.parametrize("broken", BROKEN_FUNCTIONS)
def test_broken_functions_get_one_line_and_never_raise(module, name, exercise, broken, capsys):
    out = one_line_of_feedback(exercise, broken, capsys)
    if broken in RETURNING_GARBAGE:  # told what to return, not that checking it failed (or warned)
        assert "Your answer raised" not in out, out


@pytest.mark.parametrize("module, name, exercise", ALL, ids=IDS)
def test_solution_and_hint_print(module, name, exercise, capsys):
    exercise.solution()
    out = capsys.readouterr().out
    assert "..." not in out and len(out.splitlines()) >= 2
    exercise.hint()
    assert capsys.readouterr().out.startswith("Hint: ")


@pytest.mark.parametrize("module", LESSON_MODULES)
def test_lesson_and_checker_module_agree(module):
    notebook = next((REPO / "notebooks").glob(f"{module[-2:]}_*.ipynb"))
    code = "\n".join(c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code")
    assert f"from course_utils.checks import {module} as exercises" in code
    called = set(re.findall(r"exercises\.(\w+)\.check\(", code))
    assert called == set(exercises_of(module)), f"{notebook.name} checks {sorted(called)}"
