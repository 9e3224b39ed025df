"""The checks framework itself: the one answer converter, the one comparison, and the two ways an exercise is
declared (the contract over every real exercise is in test_checks_contract.py)."""

import fractions
import re

import numpy as np
import pytest

from course_utils.checks import (
    NOT_ATTEMPTED,
    AnswerFormatError,
    Case,
    NotAttempted,
    as_answer,
    correct,
    distinguish,
    exercise,
    function_exercise,
    same,
    wrong,
)
from course_utils.errors import ParameterError

# --- as_answer --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [(3, 3.0), (np.float32(2.5), 2.5), (np.array([4.0]), 4.0),
                                             (np.array([[7]]), 7.0), (fractions.Fraction(1, 4), 0.25),
                                             (2**70, float(2**70))])
def test_a_number_is_any_real_number_or_a_one_element_array(value, expected):
    got = as_answer(value, shape=())
    assert type(got) is float and got == expected


@pytest.mark.parametrize(
    "value, message",
    [("4.34", "your answer should be a number, got str '4.34': write it without quotes"),
     ("forty", "your answer should be a number, got str 'forty'"),
     (True, "your answer should be a number, not True/False"),
     (None, "your answer should be a number, got None"),
     ([1, 2], "your answer should be a number, got list [1, 2]"),
     (float("nan"), "your answer should be a finite number, got nan"),
     (1 + 2j, "your answer is complex: take the magnitude with np.abs(...)"),
     (object(), "your answer should be a number, got object <object object>")],
)
def test_a_number_answer_that_is_not_one_is_told_what_is_expected(value, message):
    with pytest.raises(AnswerFormatError) as caught:
        as_answer(value, shape=())
    assert str(caught.value) == message


def test_arrays_reject_what_numbers_reject_the_same_way():
    for value, message in [([True, False], "f(x) should be a 1-D NumPy array of numbers, not True/False"),
                           ([1.5, True], "f(x) should be a 1-D NumPy array of numbers, not True/False"),
                           ([1, [2, 3]], "f(x) should be a 1-D NumPy array of numbers, got list [1, [2, 3]]"),
                           (np.array(["a"]), "f(x) should be a 1-D NumPy array of numbers, got an array of shape (1,)"),
                           (np.ones(3, complex), "f(x) is complex: take the magnitude with np.abs(...)"),
                           ([1.0, np.inf], "f(x) contains NaN or inf"),
                           (np.zeros((2, 2)), "f(x) should be a 1-D array, got shape (2, 2)")]:
        with pytest.raises(AnswerFormatError, match=r"^" + re.escape(message)):
            as_answer(value, name="f(x)", ndim=1)


def test_arrays_come_back_as_float64_unless_the_dtype_is_kept():
    assert as_answer([1, 2]).dtype == np.float64
    assert as_answer(np.arange(3, dtype=np.int16), dtype=None).dtype == np.int16
    assert as_answer(np.ones(2, complex), complex_ok=True).dtype == complex
    assert np.isnan(as_answer([np.nan], finite=False)[0])


def test_whole_numbers_accept_integral_floats_and_name_the_item_that_is_not():
    assert as_answer((1024.0, 160), shape=(2,), dtype=int).tolist() == [1024, 160]
    with pytest.raises(AnswerFormatError, match=r"^Item 1 of \(n, h\) should be a whole number, got 160.5$"):
        as_answer((1024, 160.5), name="(n, h)", shape=(2,), dtype=int)
    with pytest.raises(AnswerFormatError, match="should be a pair of whole numbers, got tuple"):
        as_answer((1024,), shape=(2,), dtype=int)


def test_booleans_accept_zero_and_one_and_name_the_item_that_is_not():
    assert as_answer([1, 0, np.True_], shape=(3,), dtype=bool).tolist() == [True, False, True]
    with pytest.raises(AnswerFormatError, match=r"^Item 2 of your answer should be True or False, got 'yes'$"):
        as_answer([True, False, "yes"], shape=(3,), dtype=bool)
    with pytest.raises(AnswerFormatError, match="should be a list of 3 True/False values, got 2 values"):
        as_answer([True, False], shape=(3,), dtype=bool)


def test_the_placeholder_is_not_attempted_and_a_half_filled_list_is_told_which_item_is_missing():
    for value in (..., [...], (..., ...)):
        with pytest.raises(NotAttempted):
            as_answer(value, shape=(len(value),) if isinstance(value, (list, tuple)) else None)
    with pytest.raises(AnswerFormatError, match=r"^Fill in every item: item 1 of your answer is still \.\.\.$"):
        as_answer([1, ...], shape=(2,), dtype=int)


# --- same and distinguish ---------------------------------------------------------------------------------------


def test_same_needs_the_shape_finite_values_and_real_numbers_where_real_is_expected():
    expected = np.array([1.0, 2.0])
    assert same([1.0, 2.0 + 1e-9], expected)
    assert not same([1.0, 2.0, 3.0], expected)
    assert not same([1.0, np.nan], np.array([1.0, np.nan]))
    assert not same(expected + 0j, expected)
    assert same(expected + 0j, expected + 0j)


def test_same_exact_and_dtype():
    expected = np.array([3, -4], dtype=np.int16)
    assert same(np.array([3.0, -4.0]), expected, exact=True)
    assert not same(np.array([3.0, -4.0]), expected, exact=True, dtype=np.integer)
    assert same(np.array([3, -4], dtype=np.int64), expected, exact=True, dtype=np.integer)
    assert not same(np.array([3, -4], dtype=np.int64), expected, exact=True, dtype=np.int8)
    assert not same(np.array([3.0, -4.000001]), expected, exact=True)


def test_same_numbers_use_a_relative_tolerance_and_arrays_may_scale_atol_with_the_peak():
    assert same(1000.0005, 1000.0) and not same(1000.01, 1000.0)
    expected = np.array([1e6, 0.0])
    assert not same([1e6, 0.5], expected)
    assert same([1e6, 0.5], expected, peak_atol=1e-6)


@pytest.mark.parametrize("got, expected, shown", [(173.8501, 173.851, ("173.85", "173.851")),
                                                  (1.9996, 2, ("1.9996", "2")), (3.0, 3.0, ("3", "3")),
                                                  (0.25, 0.5, ("0.25", "0.5"))])
def test_distinguish_prints_two_different_numbers_differently(got, expected, shown):
    assert distinguish(got, expected, digits=3) == shown


# --- declaring exercises ----------------------------------------------------------------------------------------


def _reference_double():
    def double(x):
        return 2 * x

    return double


def _reference_answer():
    return 6 * 7


@exercise(reference=_reference_answer)
def answer_42(got, expected):
    """Multiply six by
    seven."""
    return correct("Right.") if got == expected else wrong(f"{got:g} is not {expected}.")


def test_a_value_exercise_reads_the_answer_and_gets_the_reference_value(capsys):
    assert answer_42.name == "answer_42" and answer_42.evaluate(42.0).passed is True
    assert str(answer_42.evaluate("41")) == "✗ your answer should be a number, got str '41': write it without quotes"
    assert str(answer_42.evaluate(...)) == NOT_ATTEMPTED
    answer_42.solution()
    assert capsys.readouterr().out == "answer = 6 * 7\n# answer → 42\n"
    answer_42.hint()
    assert capsys.readouterr().out == "Hint: Multiply six by seven.\n"


def test_an_exercise_without_a_hint_is_refused_when_it_is_declared():
    with pytest.raises(ParameterError, match="exercise silent needs a docstring: it is the hint students get"):
        @exercise(reference=_reference_answer)
        def silent(got, expected):
            return correct()


DOUBLE_CASES = [Case("double(x)", (np.array([1.0, 2.0]),), about="two numbers"),
                Case("double(x)", (np.array([0.5]),), about="one number")]


def _double_raised(error, case):
    return f"{case.name} raised {type(error).__name__} on {case.about}." if isinstance(error, KeyError) else None


@function_exercise(reference=_reference_double, cases=DOUBLE_CASES, success="Doubled.", raised=_double_raised,
                   keeps_inputs="Leave x alone.")
def double(got, expected, case):
    """Multiply by 2."""
    return f"{case.name} on {case.about} gave {got}; expected {expected}."


def test_a_function_exercise_runs_every_case_and_diagnoses_the_first_wrong_one():
    assert str(double.evaluate(lambda x: x + x)) == "✓ Doubled."
    assert str(double.evaluate(lambda x: x * 2 if len(x) > 1 else x)) == \
        "✗ double(x) on one number gave [0.5]; expected [1.]."


def test_a_function_exercise_calls_the_student_on_copies_and_can_require_them_unchanged():
    def in_place(x):
        x *= 2
        return x

    assert str(double.evaluate(in_place)) == "✗ Leave x alone."
    assert DOUBLE_CASES[0].args[0].tolist() == [1.0, 2.0]  # the case itself is untouched


def test_a_function_exercise_explains_none_and_the_exceptions_it_knows():
    def raises_key_error(x):
        raise KeyError("x")

    def forgets_return(x):
        x *= 2

    assert str(double.evaluate(lambda x: None)) == "✗ double(x) returned None: did you forget the return statement?"
    assert str(double.evaluate(forgets_return)).startswith("✗ double(x) returned None and changed its input instead")
    assert str(double.evaluate(raises_key_error)) == "✗ double(x) raised KeyError on two numbers."
    assert str(double.evaluate(lambda x: 1 / 0)).startswith("✗ Your answer raised ZeroDivisionError")
    assert str(double.evaluate(lambda x: ...)) == NOT_ATTEMPTED


def test_a_function_exercise_keeps_numpy_warnings_out_of_the_lesson():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        feedback = double.evaluate(lambda x: np.log(x - x))
    assert str(feedback) == "✗ double(x) contains NaN or inf"
