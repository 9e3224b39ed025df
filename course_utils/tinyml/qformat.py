"""Fixed-point (Q-format) arithmetic: the number system a microcontroller audio frontend computes in.

A Qm.n number stores ``round(x * 2**n)`` in an integer; Q15 is a 16-bit integer with 15 fractional bits
(range [-1, 1)), Q12 keeps 12 fractional bits (the Hann window and the filterbank weights of TFLM's micro_speech
frontend). Every function here works element-wise on NumPy arrays and returns integer arrays.

Taught in notebooks/08_tinyml.ipynb.
"""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError
from ..validate import require_choice, require_int

ROUNDING_MODES = ("nearest", "floor", "truncate", "nearest_even")

_INT_TYPES = {8: np.int8, 16: np.int16, 32: np.int32}
_BLOCK = 1 << 16  # values converted at a time by to_fixed


def int_range(bits: int = 16) -> tuple[int, int]:
    """Smallest and largest value of a signed two's-complement integer with ``bits`` bits.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    bits : int
        Word length, 2 to 63.

    Returns
    -------
    tuple of int
        ``(-2**(bits-1), 2**(bits-1) - 1)``, e.g. ``(-32768, 32767)`` for 16 bits.
    """
    bits = require_int("bits", bits, minimum=2, maximum=63)
    return -(1 << (bits - 1)), (1 << (bits - 1)) - 1


def _result_dtype(bits: int):
    # Results stay in int64 when the word is wider than any NumPy type we want to expose.
    return _INT_TYPES.get(bits, np.int64)


def saturate(x, bits: int = 16) -> np.ndarray:
    """Clamp integers into the range of a ``bits``-bit signed word (what a DSP's saturating store does).

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    x : array_like of int
        Values, possibly outside the word's range.
    bits : int
        Word length (default 16).

    Returns
    -------
    numpy.ndarray
        ``x`` clipped to ``int_range(bits)``, as int8/int16/int32 when ``bits`` is 8/16/32, else int64.
    """
    lo, hi = int_range(bits)
    return np.clip(np.asarray(x, dtype=np.int64), lo, hi).astype(_result_dtype(bits))


def wrap(x, bits: int = 16) -> np.ndarray:
    """Keep only the low ``bits`` bits, read as two's complement: what C does when it stores into a narrower type.

    32767 + 1 wraps to -32768 in 16 bits. Contrast with :func:`saturate`, which would give 32767.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    x : array_like of int
        Values.
    bits : int
        Word length (default 16).

    Returns
    -------
    numpy.ndarray
        The wrapped values (int8/int16/int32 for 8/16/32 bits, else int64).
    """
    bits = require_int("bits", bits, minimum=2, maximum=63)
    half = 1 << (bits - 1)
    x = np.asarray(x, dtype=np.int64)
    return (((x + half) & ((1 << bits) - 1)) - half).astype(_result_dtype(bits))


def shift_right(x, shift: int, rounding: str = "floor") -> np.ndarray:
    """Divide integers by ``2**shift`` with a chosen rounding: the heart of every fixed-point rescale.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    x : array_like of int
        Values (int64 range).
    shift : int
        Number of bits to drop, >= 0.
    rounding : {"floor", "nearest", "truncate", "nearest_even"}
        ``"floor"`` is C's ``>>`` on signed values (towards -inf); ``"nearest"`` adds half first
        (``(x + 2**(shift-1)) >> shift``, ties go up, as KISS FFT's ``sround``); ``"truncate"`` rounds towards 0
        (C's ``/``); ``"nearest_even"`` breaks ties to the even neighbour (IEEE style).

    Returns
    -------
    numpy.ndarray of int64
        The rescaled values.
    """
    shift = require_int("shift", shift, minimum=0, maximum=62)
    require_choice("rounding", rounding, ROUNDING_MODES)
    x = np.asarray(x, dtype=np.int64)
    if shift == 0:
        return x.copy()
    if rounding == "floor":
        return x >> shift
    if rounding == "nearest":
        return (x + (1 << (shift - 1))) >> shift
    if rounding == "truncate":
        magnitude = np.abs(x) >> shift
        return np.where(x < 0, -magnitude, magnitude)
    floor = x >> shift
    remainder = x - (floor << shift)
    half = 1 << (shift - 1)
    round_up = (remainder > half) | ((remainder == half) & (floor % 2 == 1))
    return floor + round_up


def to_fixed(x, frac_bits: int, *, bits: int = 16, rounding: str = "nearest") -> np.ndarray:
    """Quantize real numbers to a fixed-point format with ``frac_bits`` fractional bits, saturating.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    x : array_like of float
        Real values.
    frac_bits : int
        Fractional bits n of the Qm.n format (15 for Q15, 12 for Q12).
    bits : int
        Word length (default 16).
    rounding : {"nearest", "floor", "truncate", "nearest_even"}
        How the scaled value ``x * 2**frac_bits`` becomes an integer. ``"nearest"`` rounds ties away from
        zero (C's ``round``).

    Returns
    -------
    numpy.ndarray
        Integers ``saturate(round(x * 2**frac_bits))``.
    """
    frac_bits = require_int("frac_bits", frac_bits, minimum=0, maximum=62)
    require_choice("rounding", rounding, ROUNDING_MODES)
    lo, hi = int_range(bits)
    x = np.asarray(x)
    flat = x.reshape(-1)
    out = np.empty(flat.size, dtype=_result_dtype(bits))
    # Block by block: each block's float64 temporaries stay in the CPU cache, which makes a matrix of clips
    # (lesson 09: 47 million samples) about three times faster than whole-array passes, with the same result.
    for start in range(0, flat.size, _BLOCK):
        scaled = flat[start:start + _BLOCK].astype(np.float64) * float(1 << frac_bits)
        if not np.all(np.isfinite(scaled)):
            raise ParameterError("x must be finite to convert to fixed point")
        if rounding == "nearest":
            q = np.sign(scaled) * np.floor(np.abs(scaled) + 0.5)
        elif rounding == "floor":
            q = np.floor(scaled)
        elif rounding == "truncate":
            q = np.trunc(scaled)
        else:
            q = np.rint(scaled)
        out[start:start + _BLOCK] = np.clip(q, lo, hi).astype(np.int64)
    return out.reshape(x.shape)[()]  # [()]: a scalar in gives a NumPy scalar back, as before


def from_fixed(q, frac_bits: int) -> np.ndarray:
    """Real value of fixed-point integers: ``q / 2**frac_bits``.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    q : array_like of int
        Fixed-point integers.
    frac_bits : int
        Fractional bits of their format.

    Returns
    -------
    numpy.ndarray of float64
    """
    frac_bits = require_int("frac_bits", frac_bits, minimum=0, maximum=62)
    return np.asarray(q, dtype=np.float64) / float(1 << frac_bits)


def to_q15(x, rounding: str = "nearest") -> np.ndarray:
    """Real values in [-1, 1) to Q15 int16 (saturating: 1.0 becomes 32767).

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    x : array_like of float
    rounding : str
        See :func:`to_fixed`.

    Returns
    -------
    numpy.ndarray of int16
    """
    return to_fixed(x, 15, bits=16, rounding=rounding)


def from_q15(q) -> np.ndarray:
    """Q15 integers to real values (``q / 32768``).

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    q : array_like of int

    Returns
    -------
    numpy.ndarray of float64
    """
    return from_fixed(q, 15)


def to_q12(x, rounding: str = "nearest") -> np.ndarray:
    """Real values to Q12 int16 (4096 means 1.0; range [-8, 8)).

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    x : array_like of float
    rounding : str
        See :func:`to_fixed`.

    Returns
    -------
    numpy.ndarray of int16
    """
    return to_fixed(x, 12, bits=16, rounding=rounding)


def from_q12(q) -> np.ndarray:
    """Q12 integers to real values (``q / 4096``).

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    q : array_like of int

    Returns
    -------
    numpy.ndarray of float64
    """
    return from_fixed(q, 12)


def saturating_add(a, b, bits: int = 16) -> np.ndarray:
    """Add two fixed-point arrays and clamp to the word instead of wrapping around.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    a, b : array_like of int
        Operands in the same Q format.
    bits : int
        Word length (default 16).

    Returns
    -------
    numpy.ndarray
        ``saturate(a + b, bits)``.
    """
    return saturate(np.asarray(a, dtype=np.int64) + np.asarray(b, dtype=np.int64), bits)


def saturating_multiply(a, b, frac_bits: int = 15, *, bits: int = 16, rounding: str = "nearest") -> np.ndarray:
    """Multiply two Qm.n numbers: widen, multiply, drop ``frac_bits`` with rounding, saturate.

    For Q15 the only overflow is -1 * -1 = +1, which saturates to 32767.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    a, b : array_like of int
        Operands with ``frac_bits`` fractional bits.
    frac_bits : int
        Fractional bits (15 for Q15).
    bits : int
        Word length of the result (default 16).
    rounding : str
        See :func:`shift_right`.

    Returns
    -------
    numpy.ndarray
    """
    product = np.asarray(a, dtype=np.int64) * np.asarray(b, dtype=np.int64)
    return saturate(shift_right(product, frac_bits, rounding), bits)


def most_significant_bit(x) -> np.ndarray:
    """Number of bits needed to write each non-negative integer (0 for 0, 1 for 1, 3 for 5, 32 for 2**31).

    TFLM's ``MostSignificantBit32`` computes this with a count-leading-zeros instruction; it sizes the FFT
    auto-scale shift, picks the PCAN table segment and gives the integer part of log2.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    x : array_like of int
        Non-negative integers below 2**53.

    Returns
    -------
    numpy.ndarray of int64
    """
    x = np.asarray(x)
    if np.any(x < 0):
        raise ParameterError("x must be non-negative for most_significant_bit")
    # frexp's exponent is the bit length, exactly, for integers a float64 holds exactly.
    _, exponent = np.frexp(x.astype(np.float64))
    return exponent.astype(np.int64)
