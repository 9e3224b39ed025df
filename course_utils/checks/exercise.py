"""Declaring an exercise, and the loop that runs a student's function over an exercise's cases.

Taught in notebooks/00_start_here.ipynb.
"""

from __future__ import annotations

import inspect
import textwrap
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ..errors import ParameterError
from .answers import AnswerFormatError, NotAttempted, as_answer, as_function, same

PASS_MARK = "✓"
FAIL_MARK = "✗"
NOT_ATTEMPTED = "… not attempted yet: replace the ... with your answer and run the cell again."


@dataclass(frozen=True)
class Feedback:
    """The outcome of checking one answer."""

    passed: bool | None  # None: not attempted yet
    message: str

    def __str__(self) -> str:
        if self.passed is None:
            return NOT_ATTEMPTED
        return f"{PASS_MARK if self.passed else FAIL_MARK} {self.message}"


def correct(message: str = "Correct!") -> Feedback:
    return Feedback(True, message)


def wrong(message: str) -> Feedback:
    return Feedback(False, message)


@dataclass(frozen=True)
class Exercise:
    """One exercise: ``checker(answer) -> Feedback``, a general ``hint`` and a ``reference`` solution function.

    Lessons declare exercises with :func:`exercise` or :func:`function_exercise`, which build this.
    """

    name: str
    checker: Callable[[Any], Feedback]
    hint_text: str
    reference: Callable[[], Any]

    def evaluate(self, answer) -> Feedback:
        """Check ``answer`` and return the feedback (the tests use this; lessons use :meth:`check`)."""
        if answer is Ellipsis:
            return Feedback(None, NOT_ATTEMPTED)
        try:
            return self.checker(answer)
        except NotAttempted:
            return Feedback(None, NOT_ATTEMPTED)
        except AnswerFormatError as error:
            return wrong(str(error))
        except Exception as error:  # a student's broken function must not stop the lesson
            message = " ".join(str(error).split())
            return wrong(f"Your answer raised {type(error).__name__}: {message}. Hint: {self.hint_text}")

    def check(self, answer) -> None:
        """Print ✓ or ✗ with a targeted hint, or "not attempted yet" for the ``...`` placeholder. Never raises."""
        print(self.evaluate(answer))

    def hint(self) -> None:
        """Print a hint."""
        print(f"Hint: {self.hint_text}")

    def solution(self) -> None:
        """Print the reference solution's code and its answer."""
        answer = self.reference()
        if callable(answer):
            print(textwrap.dedent(inspect.getsource(answer)).rstrip())
            return
        body = textwrap.dedent("".join(inspect.getsourcelines(self.reference)[0][1:])).rstrip().splitlines()
        if body and body[-1].startswith("return "):
            body[-1] = "answer = " + body[-1].removeprefix("return ")
        print("\n".join(body))
        print(f"# answer → {_shown(answer)}")


def _shown(value) -> str:
    """``repr`` of an answer, with a set's items in order: its own order changes from run to run."""
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(map(repr, value))) + "}"
    return repr(value)


def _hint(function: Callable) -> str:
    """The general hint of an exercise: the docstring of the function that checks it, as one line."""
    if not function.__doc__:
        raise ParameterError(f"exercise {function.__name__} needs a docstring: it is the hint students get")
    return " ".join(function.__doc__.split())


def exercise(*, reference: Callable[[], Any],
             answer: Mapping[str, Any] | Callable[[Any], Any] | None = None) -> Callable[..., Exercise]:
    """Declare an exercise whose answer is a value, or one checked by hand: ``@exercise(...)`` over its checker.

    The decorated function, named like the exercise and with the general hint as its docstring, is
    ``check(got, expected) -> Feedback``. ``got`` is the student's answer read by
    :func:`~course_utils.checks.as_answer` with the options in ``answer`` (default: a number), or converted by
    ``answer`` itself when it is a function (e.g. :func:`~course_utils.checks.as_function`, for a function checked
    by hand); ``expected`` is what ``reference()`` returns. It returns :func:`correct` or, for each typical
    mistake, :func:`wrong` with its hint.
    """

    def declare(check: Callable[[Any, Any], Feedback]) -> Exercise:
        def checker(value) -> Feedback:
            got = answer(value) if callable(answer) else as_answer(value, **(answer or {"shape": ()}))
            return check(got, reference())

        return Exercise(name=check.__name__, checker=checker, hint_text=_hint(check), reference=reference)

    return declare


@dataclass(frozen=True)
class Case:
    """One call of the student's function: how the feedback names it, its arguments, and (optionally) in words
    what it tests, for the hints."""

    name: str
    args: tuple = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    about: str = ""

    def call(self, function: Callable) -> Any:
        """``function(*args, **kwargs)``, with NumPy's floating-point warnings silenced: a student's 0 / 0 gets
        feedback, not a RuntimeWarning printed into the lesson. Raises NotAttempted if it returns ``...``."""
        with np.errstate(all="ignore"):
            result = function(*self.args, **self.kwargs)
        if result is Ellipsis:
            raise NotAttempted
        return result

    def copy(self) -> Case:
        """The same case with fresh copies of its array arguments, for a function that may change them."""
        return Case(self.name, tuple(_copy(a) for a in self.args), {k: _copy(v) for k, v in self.kwargs.items()},
                    self.about)

    def changed(self, original: Case) -> bool:
        """Whether a call changed any of this case's arguments, which were copied from ``original``."""
        pairs = list(zip(self.args, original.args)) + [(self.kwargs[k], original.kwargs[k]) for k in self.kwargs]
        return any(isinstance(a, np.ndarray) and not np.array_equal(a, b, equal_nan=True) for a, b in pairs)


def _copy(value):
    return value.copy() if isinstance(value, np.ndarray) else value


def function_exercise(*, reference: Callable[[], Callable],
                      cases: Sequence[Case] | Callable[[], Sequence[Case]], success: str | Callable[[Any], str],
                      returns: Mapping[str, Any] | Callable[..., Any] | None = None,
                      tolerance: Mapping[str, Any] | None = None,
                      raised: Callable[[Exception, Case], str | None] | None = None,
                      keeps_inputs: str | None = None) -> Callable[..., Exercise]:
    """Declare an exercise whose answer is a function, called on ``cases`` and compared with ``reference()``'s.

    The decorated function, named like the exercise and with the general hint as its docstring, is
    ``diagnose(got, expected, case) -> str``: the message for the first case the student's function gets wrong,
    naming the typical mistake it recognises and its hint.

    Parameters
    ----------
    reference : callable
        Returns the reference function (its source is the printed solution).
    cases : list of Case, or a function returning one
        The calls to try, in order; a function is called at each check (for cases built from data or an RNG).
    success : str or callable
        The message when every case passes; a callable gets the last case's expected value.
    returns : dict or callable
        How to read what the student's function returns: options of
        :func:`~course_utils.checks.as_answer` (``{"shape": ()}`` for a number), or a function
        ``(result, *, name)`` that calls it after checks of its own.
    tolerance : dict
        Options of :func:`~course_utils.checks.same`.
    raised : callable, optional
        ``raised(error, case)``: the message for an exception the student's function raised on ``case``
        (a typical mistake, e.g. an IndexError on an empty array), or None to report it as it is.
    keeps_inputs : str, optional
        The message when the student's function changes its array arguments in place.

    Each call gets copies of the case's arrays and runs without NumPy warnings; a function returning ``...`` is
    "not attempted", and one returning None is asked about its return statement.
    """

    def declare(diagnose: Callable[[Any, Any, Case], str]) -> Exercise:
        def checker(answer) -> Feedback:
            return _run_cases(as_function(answer), reference(), cases() if callable(cases) else cases,
                              diagnose=diagnose, success=success, returns=returns or {},
                              tolerance=tolerance or {}, raised=raised, keeps_inputs=keeps_inputs)

        return Exercise(name=diagnose.__name__, checker=checker, hint_text=_hint(diagnose), reference=reference)

    return declare


def _run_cases(student: Callable, reference: Callable, cases: Sequence[Case], *,
               diagnose: Callable[[Any, Any, Case], str], success: str | Callable[[Any], str],
               returns: Mapping[str, Any] | Callable[..., Any], tolerance: Mapping[str, Any],
               raised: Callable[[Exception, Case], str | None] | None, keeps_inputs: str | None) -> Feedback:
    """The checking loop of every :func:`function_exercise` (whose parameters these are)."""
    expected = None
    for case in cases:
        given = case.copy()
        try:
            result = given.call(student)
        except NotAttempted:
            raise
        except Exception as error:
            message = raised(error, case) if raised else None
            if message is None:
                raise
            return wrong(message)
        if result is None:
            if given.changed(case):
                return wrong(f"{case.name} returned None and changed its input instead: return a new array "
                             "(and leave the caller's as it was).")
            return wrong(f"{case.name} returned None: did you forget the return statement?")
        got = returns(result, name=case.name) if callable(returns) else as_answer(result, name=case.name, **returns)
        if keeps_inputs and given.changed(case):
            return wrong(keeps_inputs)
        expected = case.call(reference)
        if not same(got, expected, **tolerance):
            with np.errstate(all="ignore"):  # the diagnosis computes with the student's numbers, NaN included
                return wrong(diagnose(got, expected, case))
    return correct(success(expected) if callable(success) else success)
