"""Exercise checkers: every exercise box in a lesson is followed by a cell that calls one of these.

An exercise has a *checker* that compares the student's answer with the reference and returns feedback with a
targeted hint, a *hint*, and a *reference solution*: a real function whose source :meth:`Exercise.solution`
prints, so the solution shown is the one the tests prove correct.

In a lesson::

    from course_utils.checks import lesson01 as exercises
    alias_hz = ...                      # the student replaces ... with an answer
    exercises.alias_frequency.check(alias_hz)

``check`` prints one line — ✓, ✗ with a hint, or "not attempted yet" while the answer is still ``...`` — and never
raises, so a wrong or broken answer cannot stop the notebook.

Writing the exercises of lesson NN (``notebooks/NN_topic.ipynb``) means writing ``checks/lessonNN.py`` with, for
each exercise, only what is particular to it:

- ``_reference_<name>()``: the solution. For a value answer its body computes the value (the solution prints the
  body, ending ``answer = …``); for a function answer it defines and returns the function (the solution prints
  that function). **The printed code must run on its own in the notebook**, so it imports what it needs inside
  the body (``import librosa``, ``from course_utils import data``) rather than using this module's names.
- the exercise itself: a function named as the notebook calls it, whose docstring is the general hint
  (``.hint()`` prints it), declared with one decorator:

  - :func:`exercise` over ``check(got, expected) -> Feedback`` for a value answer: the answer is read with
    :func:`as_answer` (numbers by default), and ``check`` returns :func:`correct` or :func:`wrong` with the
    targeted hint of each typical mistake;
  - :func:`function_exercise` over ``diagnose(got, expected, case) -> str`` for a function answer: the student's
    function is run on each :class:`Case` and compared with the reference by :func:`same`; ``diagnose`` words
    the first wrong result, recognising the typical mistakes.

Every answer goes through the one converter, :func:`as_answer`, so ``...``, text, ``None``, True/False, ragged
lists, complex values and NaN get the same kind of one-line feedback in every lesson.

Taught in notebooks/00_start_here.ipynb.
"""

from .answers import (
    AnswerFormatError,
    NotAttempted,
    as_answer,
    as_function,
    close,
    describe,
    distinguish,
    same,
)
from .exercise import (
    FAIL_MARK,
    NOT_ATTEMPTED,
    PASS_MARK,
    Case,
    Exercise,
    Feedback,
    correct,
    exercise,
    function_exercise,
    wrong,
)

__all__ = [
    "AnswerFormatError", "Case", "Exercise", "FAIL_MARK", "Feedback", "NOT_ATTEMPTED", "NotAttempted", "PASS_MARK",
    "as_answer", "as_function", "close", "correct", "describe", "distinguish", "exercise", "function_exercise",
    "same", "wrong",
]
