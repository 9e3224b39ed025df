"""Reading and comparing students' answers: one converter (:func:`as_answer`) and one comparison (:func:`same`).

Whatever a student types, or a student's function returns, goes through :func:`as_answer` before it is compared,
so every exercise treats odd answers alike: ``...`` is "not attempted", and text, ``None``, True/False where numbers
are wanted, ragged lists, complex values, NaN and answers of the wrong shape each get one line saying what is
expected (an :class:`AnswerFormatError`), never a traceback.

Taught in notebooks/00_start_here.ipynb.
"""

from __future__ import annotations

import math
import numbers
import re
from typing import Any, Callable

import numpy as np


class NotAttempted(Exception):
    """The answer (or what the student's function returned) is still the ``...`` placeholder."""


class AnswerFormatError(ValueError):
    """The answer has the wrong form (a string where a number is expected…); the message says what is expected."""


def describe(answer) -> str:
    """A one-line description of an answer for feedback: arrays by shape, long values shortened."""
    if answer is None:
        return "None"
    if isinstance(answer, np.ndarray):
        return f"an array of shape {answer.shape} and dtype {answer.dtype}"
    if callable(answer):
        return f"the function {getattr(answer, '__name__', type(answer).__name__)}"
    text = re.sub(r" at 0x[0-9a-fA-F]+", "", " ".join(repr(answer).split()))  # no memory addresses
    return f"{type(answer).__name__} {text if len(text) <= 60 else text[:57] + '...'}"


def _wanted(shape, ndim, dtype) -> str:
    """What the answer should be, in words, for the messages of :func:`as_answer`."""
    if shape == ():
        return {bool: "True or False", int: "a whole number"}.get(dtype, "a number")
    if dtype is bool:
        return f"a list of {shape[0]} True/False values" if shape else "a list of True/False values"
    if dtype is int and shape == (2,):
        return "a pair of whole numbers"
    if dtype is int:
        return f"{shape[0]} whole numbers" if shape else "whole numbers"
    return f"a {ndim}-D NumPy array of numbers" if ndim else "a NumPy array of numbers"


def _items(value) -> list | None:
    """The items of a list or tuple answer (to look for ``...`` among them), or None for anything else."""
    return list(value) if isinstance(value, (list, tuple)) else None


def as_answer(value, *, name: str = "your answer", shape: tuple | None = None, ndim: int | None = None,
              dtype: type | None = float, finite: bool = True, complex_ok: bool = False):
    """``value`` as the kind of answer an exercise expects, or raise with one line a student understands.

    Parameters
    ----------
    value : any
        What the student answered, or what their function returned.
    name : str
        How the messages name the answer: ``"your answer"``, or the call that returned it.
    shape : tuple or None
        The shape the answer must have; ``()`` is one number (a one-element array counts as one). None: any shape
        (the exercise's diagnosis explains a wrong one).
    ndim : int or None
        The number of dimensions the answer must have, when the exact shape is left to the diagnosis.
    dtype : {float, int, bool, None}
        ``float``: real numbers, as float64. ``int``: whole numbers (``1024.0`` counts), as int64. ``bool``:
        True/False (``0`` and ``1`` count). None: real numbers, keeping their dtype (int or float), for exercises
        whose diagnosis speaks about the type.
    finite : bool
        Reject NaN and infinite values (False: the diagnosis explains them).
    complex_ok : bool
        Let complex values through (for exercises whose diagnosis explains them).

    Returns
    -------
    float, int, bool or np.ndarray
        A Python number for ``shape=()``, else an array.

    Raises
    ------
    NotAttempted
        ``value`` (or every item of a list answer) is still ``...``.
    AnswerFormatError
        Anything that is not the expected kind of answer; the message names ``name`` and what is expected.
    """
    wanted = _wanted(shape, ndim, dtype)
    if value is Ellipsis:
        raise NotAttempted
    items = _items(value)
    if items is not None and shape != () and any(item is Ellipsis for item in items):
        if all(item is Ellipsis for item in items):
            raise NotAttempted
        index = next(i for i, item in enumerate(items) if item is Ellipsis)
        raise AnswerFormatError(f"Fill in every item: item {index} of {name} is still ...")
    if isinstance(value, (str, bytes)):
        hint = ": write it without quotes" if shape == () and _is_number_text(value) else ""
        raise AnswerFormatError(f"{name} should be {wanted}, got {describe(value)}{hint}")
    if dtype is bool:
        return _as_booleans(value, name=name, shape=shape, wanted=wanted)
    if any(isinstance(v, (bool, np.bool_)) for v in (items if items is not None else [value])):
        raise AnswerFormatError(f"{name} should be {wanted}, not True/False")
    array = _as_number_array(value, name=name, wanted=wanted)
    if array.dtype == np.bool_:
        raise AnswerFormatError(f"{name} should be {wanted}, not True/False")
    if np.iscomplexobj(array) and not complex_ok:
        raise AnswerFormatError(f"{name} is complex: take the magnitude with np.abs(...)")
    if shape == () and array.size == 1:
        array = array.reshape(())
    if shape is not None and array.shape != shape:
        raise AnswerFormatError(f"{name} should be {wanted}, got {describe(value)}")
    if ndim is not None and array.ndim != ndim:
        raise AnswerFormatError(f"{name} should be a {ndim}-D array, got shape {array.shape}")
    if finite and not np.all(np.isfinite(array)):
        if shape == ():
            raise AnswerFormatError(f"{name} should be a finite number, got {array.item()}")
        raise AnswerFormatError(f"{name} contains NaN or inf")
    if dtype is int:
        array = _as_whole(array, name=name, wanted=wanted)
    elif dtype is float and not np.iscomplexobj(array):
        array = array.astype(np.float64)
    return array.item() if shape == () else array


def _is_number_text(text) -> bool:
    try:
        float(text)
    except (TypeError, ValueError):
        return False
    return True


def _as_number_array(value, *, name: str, wanted: str) -> np.ndarray:
    """``value`` as an array of numbers (ints, floats or complex); Python numbers too large for int64 become floats."""
    try:
        array = np.asarray(value)
    except Exception:  # noqa: BLE001 - ragged lists and objects NumPy cannot convert
        raise AnswerFormatError(f"{name} should be {wanted}, got {describe(value)}") from None
    if array.dtype == object and array.size and all(
        isinstance(v, numbers.Real) and not isinstance(v, bool) for v in array.flat
    ):
        array = array.astype(np.float64)  # e.g. 2**70, or fractions.Fraction
    if array.dtype != np.bool_ and not np.issubdtype(array.dtype, np.number):
        raise AnswerFormatError(f"{name} should be {wanted}, got {describe(value)}")
    return array


def _as_whole(array: np.ndarray, *, name: str, wanted: str) -> np.ndarray:
    fractional = np.flatnonzero(array != np.round(array))
    if fractional.size:
        item = array.flat[fractional[0]]
        where = name if array.ndim == 0 else f"Item {fractional[0]} of {name}"
        raise AnswerFormatError(f"{where} should be a whole number, got {item:g}")
    too_large = np.flatnonzero(np.abs(array) >= 2.0**63)  # would wrap around when cast to int64
    if too_large.size:
        item = array.flat[too_large[0]]
        where = name if array.ndim == 0 else f"Item {too_large[0]} of {name}"
        raise AnswerFormatError(f"{where} is far too large to be a count, got {item:g}")
    return array.astype(np.int64)


def _as_booleans(value, *, name: str, shape, wanted: str):
    """True/False answers: bools, NumPy bools, or the integers 0 and 1."""
    items = _items(value)
    if items is None and isinstance(value, np.ndarray) and value.ndim == 1:
        items = list(value)
    if items is None:
        if shape == () and isinstance(value, (bool, np.bool_, int, np.integer)) and value in (0, 1):
            return bool(value)
        raise AnswerFormatError(f"{name} should be {wanted}, got {describe(value)}")
    if shape is not None and (len(items),) != shape:
        raise AnswerFormatError(f"{name} should be {wanted}, got {len(items)} values")
    for index, item in enumerate(items):
        if not (isinstance(item, (bool, np.bool_)) or (isinstance(item, (int, np.integer)) and item in (0, 1))):
            raise AnswerFormatError(f"Item {index} of {name} should be True or False, got {item!r}")
    return np.array([bool(item) for item in items])


def as_function(answer, *, name: str = "your answer") -> Callable:
    """The answer as a callable, or raise AnswerFormatError."""
    if not callable(answer):
        raise AnswerFormatError(f"{name} should be a function (def ...), got {type(answer).__name__}")
    return answer


def close(answer: float, expected: float, *, rel: float = 1e-3, abs_tol: float = 1e-9) -> bool:
    """Numerical equality with a tolerance suited to hand-computed answers (for the hints' comparisons)."""
    return math.isclose(answer, expected, rel_tol=rel, abs_tol=abs_tol)


def same(got, expected, *, rtol: float = 1e-6, atol: float = 1e-9, peak_atol: float = 0.0, exact: bool = False,
         dtype: Any = None) -> bool:
    """Whether an answer equals the expected one: the one comparison every checker uses.

    ``got`` must have ``expected``'s shape, be finite, and be real where ``expected`` is. Then numbers compare with
    :func:`math.isclose` and arrays with :func:`numpy.allclose` (``rtol``, and ``atol`` plus ``peak_atol`` times
    the largest ``|expected|``, for values whose scale depends on the data), or to the last bit with ``exact``.
    ``dtype`` (e.g. ``np.integer``) also requires the answer's dtype to be of that kind.
    """
    got, expected = np.asarray(got), np.asarray(expected)
    if got.shape != expected.shape or got.dtype == object or got.dtype == np.bool_:
        return False
    if dtype is not None and not np.issubdtype(got.dtype, dtype):
        return False
    if np.iscomplexobj(got) and not np.iscomplexobj(expected):
        return False
    if not np.all(np.isfinite(got)):
        return False
    if exact:
        return bool(np.array_equal(got.astype(np.float64), expected.astype(np.float64)))
    if got.ndim == 0:
        return close(float(got), float(expected), rel=rtol, abs_tol=atol)
    atol = atol + peak_atol * float(np.max(np.abs(expected), initial=0.0))
    return bool(np.allclose(got, expected, rtol=rtol, atol=atol))


def distinguish(got: float, expected: float, *, digits: int = 4) -> tuple[str, str]:
    """``got`` and ``expected`` printed with at least ``digits`` significant digits, and as many more as it takes
    for two different numbers not to look the same ("173.85 Hz; expected 173.851 Hz" can't happen)."""
    for precision in range(digits, 18):
        shown = f"{got:.{precision}g}", f"{expected:.{precision}g}"
        if shown[0] != shown[1] or got == expected:
            return shown
    return shown
