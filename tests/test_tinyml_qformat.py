"""Q-format helpers of course_utils.tinyml: conversions, saturation, wrapping and rounding shifts."""

from fractions import Fraction
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.errors import ParameterError
from course_utils.tinyml import qformat as q

INT16 = st.integers(-32768, 32767)


def test_int_range():
    assert q.int_range(16) == (-32768, 32767)
    assert q.int_range(8) == (-128, 127)


@given(st.floats(-1.0, 1.0 - 2**-15, allow_nan=False))
def test_q15_round_trip_error_is_at_most_half_a_step(x):
    assert abs(q.from_q15(q.to_q15(x)) - x) <= 2**-16


@given(st.floats(-8.0, 8.0 - 2**-12, allow_nan=False))
def test_q12_round_trip_error_is_at_most_half_a_step(x):
    assert abs(q.from_q12(q.to_q12(x)) - x) <= 2**-13


def test_q15_saturates_at_plus_one_and_below_minus_one():
    assert q.to_q15(1.0) == 32767
    assert q.to_q15(-1.0) == -32768
    assert q.to_q15(-3.0) == -32768
    assert q.to_q15(np.array([0.5])).dtype == np.int16
    assert q.to_q12(1.0) == 4096


@pytest.mark.parametrize("rounding", q.ROUNDING_MODES)
def test_to_fixed_in_blocks_equals_value_by_value(monkeypatch, rounding):
    # to_fixed converts large arrays block by block; blocks of 5 values cut this (3, 7) array mid-row.
    monkeypatch.setattr(q, "_BLOCK", 5)
    x = np.random.default_rng(2).uniform(-1.2, 1.2, (3, 7)).astype(np.float32)
    x[1, 3], x[2, 0] = 2.5 / 32768, -2.5 / 32768
    got = q.to_fixed(x, 15, rounding=rounding)
    assert got.shape == x.shape and got.dtype == np.int16
    assert got.tolist() == [[int(q.to_fixed(float(v), 15, rounding=rounding)) for v in row] for row in x]
    x[2, 6] = np.nan  # in the last block
    with pytest.raises(ParameterError, match="finite"):
        q.to_fixed(x, 15)


@pytest.mark.parametrize(
    ("rounding", "expected"),
    [("nearest", [3, -3]), ("nearest_even", [2, -2]), ("floor", [2, -3]), ("truncate", [2, -2])],
)
def test_to_fixed_rounding_modes_on_ties(rounding, expected):
    ties = np.array([2.5, -2.5]) / 4096
    assert q.to_fixed(ties, 12, rounding=rounding).tolist() == expected


@given(INT16, INT16)
def test_saturating_add_matches_clamped_integer_sum(a, b):
    assert int(q.saturating_add(a, b)) == min(max(a + b, -32768), 32767)


@given(INT16, INT16)
def test_saturating_multiply_q15_is_rounded_exact_product(a, b):
    exact = Fraction(a * b, 2**15)
    expected = math.floor(exact + Fraction(1, 2))
    assert int(q.saturating_multiply(a, b)) == min(max(expected, -32768), 32767)


def test_q15_minus_one_squared_saturates():
    assert q.saturating_multiply(-32768, -32768) == 32767


@given(st.integers(-(2**40), 2**40), st.integers(0, 20))
@settings(max_examples=300)
def test_shift_right_rounding_modes_match_exact_division(x, shift):
    exact = Fraction(x, 2**shift)
    assert int(q.shift_right(x, shift, "floor")) == math.floor(exact)
    assert int(q.shift_right(x, shift, "nearest")) == math.floor(exact + Fraction(1, 2))
    assert int(q.shift_right(x, shift, "truncate")) == math.trunc(exact)
    assert int(q.shift_right(x, shift, "nearest_even")) == round(exact)


@given(st.integers(-(2**40), 2**40))
def test_wrap_keeps_the_value_modulo_two_to_the_16(x):
    wrapped = int(q.wrap(x, 16))
    assert -32768 <= wrapped <= 32767
    assert (wrapped - x) % 2**16 == 0


def test_wrap_versus_saturate_on_overflow():
    assert q.wrap(32767 + 1) == -32768
    assert q.saturate(32767 + 1) == 32767


@given(st.integers(0, 2**53 - 1))
def test_most_significant_bit_is_the_bit_length(x):
    assert int(q.most_significant_bit(x)) == x.bit_length()


def test_bad_arguments_name_the_parameter():
    with pytest.raises(ParameterError, match="rounding"):
        q.shift_right(5, 1, rounding="up")
    with pytest.raises(ParameterError, match="shift"):
        q.shift_right(5, -1)
    with pytest.raises(ParameterError, match="x"):
        q.to_q15(np.nan)
    with pytest.raises(ParameterError, match="bits"):
        q.saturate(1, bits=1)
    with pytest.raises(ParameterError, match="x"):
        q.most_significant_bit(-1)
