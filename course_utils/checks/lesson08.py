"""Exercises of notebooks/08_tinyml.ipynb."""

from __future__ import annotations

import numpy as np

from . import Case, close, correct, exercise, function_exercise, same, wrong

INT16_MIN, INT16_MAX = -32768, 32767


def _exactly(values, expected) -> bool:
    return same(values, expected, exact=True)


# --- Exercise 1: a Q15 multiply -------------------------------------------------------------------------------


def _reference_q15_multiply():
    def q15_multiply(a, b):
        product = a.astype(np.int32) * b.astype(np.int32)  # Q15 × Q15 = Q30, needs 32 bits
        rounded = (product + 2**14) >> 15  # drop 15 bits, adding half a step first: round to nearest
        return np.clip(rounded, -32768, 32767).astype(np.int16)  # (-1) × (-1) = +1 saturates to 32767

    return q15_multiply


def _q15_cases() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(8)
    special_a = [-32768, 1, -1, 3, 16384, 32767, -32768, 12345, 0, -20000]
    special_b = [-32768, 16384, 16384, 16384, 16384, 32767, 32767, -54, 777, -20000]
    a = np.concatenate([special_a, rng.integers(INT16_MIN, INT16_MAX + 1, 200)]).astype(np.int16)
    b = np.concatenate([special_b, rng.integers(INT16_MIN, INT16_MAX + 1, 200)]).astype(np.int16)
    return a, b


@function_exercise(
    reference=_reference_q15_multiply,
    cases=lambda: [Case("q15_multiply(a, b)", _q15_cases())],
    returns={"dtype": None, "finite": False},  # the diagnosis explains float results
    tolerance={"exact": True, "dtype": np.integer},
    success="Rounded to nearest and saturated: (-1) × (-1) gives 32767, 1 × 0.5 rounds up to 1 step.",
)
def q15_multiply(got, expected, case):
    """Widen to int32 so the Q30 product fits, add 2**14 (half a Q15 step), shift right by 15, then np.clip to
    [-32768, 32767] and .astype(np.int16)."""
    a, b = case.args
    if got.shape != a.shape:
        return (f"{case.name} should return one value per input element, shape {a.shape}; got shape {got.shape}")
    if _exactly(got, expected):
        return (f"The values are right but their type is {got.dtype}: fixed-point results are integers. Finish with "
                ".astype(np.int16).")
    exact = a.astype(np.int64) * b.astype(np.int64)
    values = got.astype(np.float64)
    wrong_at = np.flatnonzero(values != expected)
    first = int(wrong_at[0]) if wrong_at.size else 0
    example = (f"q15_multiply({int(a[first])}, {int(b[first])}) returned {values[first]:g}; "
               f"expected {int(expected[first])}.")
    if _exactly(values, exact):
        return f"{example} That is the Q30 product: shift right by 15 to get back to Q15."
    fraction = exact / 2.0**30  # the product as a real number in [-1, 1]
    if np.allclose(values, fraction, rtol=1e-6, atol=1e-9):
        return (f"{example} That is the product as a real number (0.5 × 0.5 = 0.25). Q15 stores numbers as integer "
                "counts of 2**-15 steps (0.25 is 8192): multiply the int16 values themselves, widened to int32, and "
                "shift right by 15.")
    if any(_exactly(values, to_integer(fraction)) for to_integer in (np.trunc, np.round, np.floor)):
        return (f"{example} You turned the product of the fractions (in [-1, 1]) into integers, which leaves only "
                "-1, 0 and 1. Q15 results are counts of 2**-15 steps: multiply the int16 values themselves, widened "
                "to int32, and shift right by 15.")
    if not np.all(values == np.round(values)):
        return (f"{example} Fixed-point results are whole numbers (integer counts of 2**-15), and yours are not. "
                "Round as the device does, in integers: (product + 2**14) >> 15, then clip and .astype(np.int16).")
    with np.errstate(over="ignore"):
        int16_product = a * b  # NumPy keeps int16 and wraps, like C
    wrapped_variants = [(int16_product + np.int16(2**14)) >> 15, int16_product >> 15, int16_product]
    if any(_exactly(values, variant.astype(np.int64)) for variant in wrapped_variants):
        return (f"{example} The product overflowed: int16 × int16 stays int16 in NumPy and wraps. Widen first: "
                "a.astype(np.int32) * b.astype(np.int32).")
    if not np.any(values):
        return (f"{example} Every value you returned is 0. A Q15 product is not small: 16384 × 16384 (0.5 × 0.5) "
                "is 8192 (0.25). Multiply the int16 values widened to int32, add 2**14 and shift right by 15 (not "
                "more).")
    if set(np.unique(values)) <= {-1.0, 0.0} and not set(np.unique(expected)) <= {-1, 0}:
        return (f"{example} The product overflowed: int16 × int16 stays int16 in NumPy and wraps. Widen first: "
                "a.astype(np.int32) * b.astype(np.int32).")
    if _exactly(values, np.clip(exact >> 15, INT16_MIN, INT16_MAX)):
        return f"{example} `>> 15` alone floors (rounds towards −∞). Add half a step, 2**14, before shifting."
    for offset in (0, 2**14):  # dividing, then .astype(int), np.trunc or int(): C's `/`, which cuts towards zero
        truncated = np.trunc((exact + offset) / 2**15)
        if _exactly(values, np.clip(truncated, INT16_MIN, INT16_MAX)) or _exactly(values, truncated):
            return (f"{example} Dividing and then converting to an integer (.astype, np.trunc, int(), C's `/`) cuts "
                    "towards zero, so negative products come out one step too high. Use `>> 15`, which floors: "
                    "(product + 2**14) >> 15 rounds to nearest for both signs.")
    for shifted in (exact >> 16, (exact + 2**15) >> 16):
        if _exactly(values, np.clip(shifted, INT16_MIN, INT16_MAX)) or _exactly(values, shifted):
            return f"{example} Q15 has 15 fractional bits: shift by 15, not 16."
    unsaturated = (exact + 2**14) >> 15
    if _exactly(values, unsaturated) or _exactly(values, unsaturated.astype(np.int16).astype(np.int64)):
        return (f"{example} (-1) × (-1) = +1 does not fit in Q15: clip to [-32768, 32767] before converting to int16 "
                "(saturate).")
    ties = (exact % 2**15) == 2**14
    if wrong_at.size and np.all(ties[wrong_at]):
        return (f"{example} Only exact ties (half a step) differ: np.round and round() send ties to the even "
                "neighbour. Fixed-point code adds 2**14 and shifts, which rounds ties up.")
    return f"{example} Hint: widen to int32, multiply, add 2**14, shift right by 15, clip to int16."


# --- Exercise 2: the auto-scale shift ---------------------------------------------------------------------------


def _reference_auto_scale_shift():
    def auto_scale_shift(frame):
        # TFLM's MaxAbs16, as the device runs it: a running maximum kept in int16.
        peak = 0
        for value in frame.tolist():  # Python ints: C compares in int too (its int16 operands are promoted)
            if value > peak:
                peak = value
            elif -value > peak:
                # -(-32768) = 32768 does not fit in int16: C stores -32768, and the maximum found so far is lost.
                peak = -value if value != -32768 else -32768
        if peak <= 0:
            return 0  # a silent frame, or a running maximum left at or below 0 after a -32768: no shift
        return max(15 - peak.bit_length(), 0)  # peak < 2**bit_length, and 2**15 must not be reached

    return auto_scale_shift


def _frame_with(values, *, at_end: bool = False) -> np.ndarray:
    frame = np.zeros(480, dtype=np.int16)
    start = len(frame) - len(values) if at_end else 100
    frame[start : start + len(values)] = values
    return frame


def _shift_cases() -> list[tuple[str, np.ndarray]]:
    rng = np.random.default_rng(80)
    noise = np.round(rng.normal(0, 300, 480)).astype(np.int16)
    # The -32768 frames come in the order that lets each typical mistake fail first where it can be recognised.
    return [
        ("peak 900", _frame_with([900, -50, 20])),
        ("peak 1", _frame_with([1, 0, -1])),
        ("peak 16383", _frame_with([16383, 2000])),
        ("peak 16384", _frame_with([-7, 16384, 3])),
        ("peak 32767", _frame_with([32767])),
        ("negative peak -900 (the largest positive sample is 500)", _frame_with([500, -900, 10])),
        ("sample -32768 next to small ones", _frame_with([-32768, 100, -100])),
        ("3000, then -32768 next to small ones", _frame_with([3000, 0, -32768, 100, -100])),
        # After -32768 the running maximum is negative, so the negative sample that follows takes over.
        ("2000, -32768, then -900 and 50", _frame_with([2000, -32768, -900, 50])),
        ("5000, -32768, 3000, then -32768 and 50", _frame_with([5000, -32768, 3000, -32768, 50])),
        # A rising run of negative samples after -32768 leaves the running maximum negative: no shift.
        ("-32768, -300 and -200 ending the frame", _frame_with([-32768, -300, -200], at_end=True)),
        ("noise, standard deviation 300", noise),
    ]


SILENT = "silent frame"


def _auto_scale_cases():
    silent = Case(f"auto_scale_shift({SILENT})", (np.zeros(480, dtype=np.int16),), about=SILENT)
    return [silent] + [Case(f"auto_scale_shift(frame with {label})", (frame,), about=label)
                       for label, frame in _shift_cases()]


def _auto_scale_raised(error, case):
    if case.about == SILENT:
        return (f"A silent frame (all zeros) made your function raise {type(error).__name__}. Return 0 for it: there "
                "is no peak to fit (and log2(0) is −∞).")
    if isinstance(error, OverflowError) and "int16" in str(error):
        return (f"For a frame with {case.about}, your function raised OverflowError: {' '.join(str(error).split())}. "
                "NumPy refuses to make an int16 of 32768, where C's conversion to int16_t wraps it to -32768. Store "
                "the wrapped value yourself (-32768 when -value is 32768), or let NumPy wrap: "
                "int(np.array(-value).astype(np.int16)).")
    return None


def _shift_for(peak: int) -> int:
    return 0 if peak <= 0 else max(15 - peak.bit_length(), 0)


def _true_peak(values: list[int]) -> int:
    return max((abs(v) for v in values), default=0)


def _running_maximum(values: list[int]) -> int:
    # TFLM's MaxAbs16 in Python ints: compared in int, stored in int16 (so -(-32768) is stored as -32768).
    peak = 0
    for value in values:
        if value > peak:
            peak = value
        elif -value > peak:
            peak = -value if value != INT16_MIN else INT16_MIN
    return peak


def _diagnose_minus_32768(got, frame: np.ndarray, said: str) -> str:
    values = frame.tolist()
    first, last = values.index(INT16_MIN), len(values) - 1 - values[::-1].index(INT16_MIN)
    after_first, after_last = values[first + 1 :], values[last + 1 :]
    skipped = _true_peak([v for v in values if v != INT16_MIN])
    device_peak = _running_maximum(values)
    if first != last and got == _shift_for(_true_peak(after_first)):
        return (f"{said} Your answer restarts at the first -32768. Every -32768 restarts TFLM's loop (its running "
                "maximum becomes -32768 again), so only the samples after the last one count.")
    if got == 0:
        return (f"{said} 0 is what the true peak (32768) allows, and what a correct peak finder gives (as does a "
                "maximum saturated to 32767). The device computes more: TFLM's MaxAbs16 keeps its running maximum in "
                "int16, -(-32768) = 32768 does not fit and is stored as -32768, so the next sample takes over. "
                "Replay its loop.")
    if got == _shift_for(skipped):
        return (f"{said} You skipped the -32768 and kept the largest other |sample|, {skipped}. That is what int16 "
                "arithmetic gives: -value (or np.abs) of an int16 -32768 wraps back to -32768, so -value > max is "
                "false. C promotes both sides to int before comparing: there -value is 32768, the comparison is "
                "true, and only the store into the int16_t max wraps, to -32768, losing the maximum found so far. "
                "Compare in Python ints (frame.tolist()) and wrap only the value you store.")
    if got == _shift_for(_true_peak(after_last)) and after_last:
        return (f"{said} After -32768 the running maximum is -32768, a negative number, so the next sample "
                f"({after_last[0]}) replaces it whatever its sign; from then on the loop compares as usual. Replay "
                "it sample by sample, with Python ints (frame.tolist()), rather than slicing or resetting to 0.")
    if device_peak < 0 and got == max(15 - device_peak.bit_length(), 0):
        return (f"{said} The running maximum ends at {device_peak} here, since a rising run of negative samples "
                "after -32768 is taken as it is. A negative max means no shift: the device's MostSignificantBit32 "
                "reads it as an unsigned 32-bit number with its top bit set (32 bits), so the shift is 0. Return 0 "
                "whenever max ≤ 0, not only when it is 0.")
    return (f"{said} Replay the device's loop sample by sample: after -32768 the running maximum is -32768, and "
            "any larger sample replaces it.")


@function_exercise(
    reference=_reference_auto_scale_shift,
    cases=_auto_scale_cases,
    returns={"shape": ()},
    tolerance={"exact": True},
    raised=_auto_scale_raised,
    success="The device's shift: the largest that keeps the peak in int16 (for a frame without -32768), and TFLM's "
    "quirk after -32768.",
)
def auto_scale_shift(got, expected, case):
    """Replay the device's loop in Python ints (frame.tolist()): start at 0; a sample above the maximum replaces
    it; otherwise a sample whose negation is above it replaces it with the negation. C compares in int, so for
    -32768 that test is true, but the store into the int16_t max wraps 32768 to -32768. Then 0 if max <= 0, else
    max(15 - max.bit_length(), 0)."""
    (frame,) = case.args
    if case.about == SILENT:
        return f"A silent frame (all zeros) gave {got:g}; return 0 when the peak is 0."
    reference = _reference_auto_scale_shift()
    peak = int(np.max(np.abs(frame.astype(np.int32))))
    said = f"For a frame with {case.about}, you returned {got:g}; expected {expected}."
    if not float(got).is_integer():
        return f"{said} A shift is a whole number of bits."
    if got < 0:
        return f"{said} A shift is never negative: a frame already at full scale gets 0."
    if int(frame.min()) == INT16_MIN:
        return _diagnose_minus_32768(got, frame, said)
    if peak * 2.0**got > INT16_MAX:
        if peak & (peak - 1) == 0:
            return (f"{said} {peak} × 2**{got:g} = {peak * 2**int(got)} overflows int16 (max 32767). A peak that is a "
                    "power of two needs one bit more than log2 suggests: use 15 − bit_length.")
        if int(frame.max()) < peak and got == reference(np.clip(frame, 0, None)):
            return (f"{said} The peak magnitude includes negative samples: use the largest |sample|, not the largest "
                    "sample.")
        if got == expected + 1:
            return (f"{said} One bit too many: {peak} × 2**{got:g} = {peak * 2**int(got)} overflows int16. The shifted "
                    "peak must stay ≤ 32767: shift = 15 − (number of bits of the peak).")
        return f"{said} The shifted peak {peak} × 2**{got:g} no longer fits in int16."
    return (f"{said} The frame could be shifted further: {peak} × 2**{expected} = {peak * 2**expected} still fits in "
            "int16. Each unused bit is lost precision.")


# --- Exercise 3: log values to int8 -----------------------------------------------------------------------------


def _reference_log_to_int8():
    def log_to_int8(v):
        v = np.asarray(v).astype(np.int32)  # v * 256 does not fit in int16
        quotient = (v * 256 + 333) // 666  # v >= 0, so floor division equals C's truncation
        return np.clip(quotient - 128, -128, 127).astype(np.int8)

    return log_to_int8


def _log_cases() -> np.ndarray:
    return np.concatenate([np.arange(0, 1500), [2000, 4000, 32767]]).astype(np.int16)


# The int8 step, in log units, of three formulas a student may write. The frontend's fixed formula divides v·256 by
# the integer 666; 666 is 25.6 × 26 = 665.6 rounded. The model's input tensor has its own scale (see the notebook).
FLOAT_STEP = 25.6 * 26 / 256  # v / 25.6 / (26/256): the fixed formula's idea in floats, 665.6 not 666
MODEL_INPUT_SCALE = 0.10171568393707275  # micro_speech_quantized.tflite's input tensor (a float32); zero point -128
MODEL_STEP = 25.6 * MODEL_INPUT_SCALE


def _float_codes(v: np.ndarray, step: float, to_integer) -> np.ndarray:
    return np.clip(to_integer(v.astype(np.float64) / step) - 128, -128, 127)


def _rounded_by(values: np.ndarray, v: np.ndarray, step: float) -> str | None:
    # Which float conversion of v / step reproduces the answer: "rounded" (np.round; + 0.5 then floor gives the same
    # here), "cut" (np.trunc, .astype(int); v ≥ 0), or None.
    if _exactly(values, _float_codes(v, step, np.round)):
        return "rounded"
    if _exactly(values, _float_codes(v, step, np.trunc)):
        return "cut"
    return None


@function_exercise(
    reference=_reference_log_to_int8,
    cases=lambda: [Case("log_to_int8(v)", (_log_cases(),))],
    returns={"dtype": None, "finite": False},  # the diagnosis explains float results
    tolerance={"exact": True, "dtype": np.int8},
    success="Your int8 features match the frontend's quantize_features on 1 503 log values.",
)
def log_to_int8(got, expected, case):
    """Widen v to int32, compute (v * 256 + 333) // 666 (floor equals truncation for v ≥ 0), subtract 128, np.clip
    to [-128, 127], then .astype(np.int8)."""
    (v,) = case.args
    if got.shape != v.shape:
        return (f"{case.name} should return one value per input element, shape {v.shape}; got shape {got.shape}")
    if _exactly(got, expected):
        return (f"The values are right; make them the model's input type: .astype(np.int8) (you returned "
                f"{got.dtype}).")
    values = got.astype(np.float64)
    first = int(np.flatnonzero(values != expected)[0])
    said = f"For v = {int(v[first])} you returned {values[first]:g}; expected {int(expected[first])}."
    not_a_number = np.isnan(values)
    if not_a_number.any():
        return (f"{said} {np.count_nonzero(not_a_number)} of the {v.size} values you returned are NaN (not a "
                "number). The formula has only integer steps (multiply, add, integer division, clip), and none of "
                "them can give NaN: it comes from float operations such as 0/0 or np.log of a negative number, or "
                "from an array made with np.empty or np.full(..., np.nan) and not filled everywhere. Compute on v "
                "itself: (v.astype(np.int32) * 256 + 333) // 666 − 128, clipped.")
    if not np.any(values):
        ceiling = int(v[expected == 127].min())
        return (f"{said} Every value you returned is 0. In int8, 0 is the middle of the range, not its floor: v = 0 "
                f"gives -128 and log values from {ceiling} up give 127. Return the computed codes, "
                "(v.astype(np.int32) * 256 + 333) // 666 − 128 clipped, not an array of zeros.")
    v64 = v.astype(np.int64)
    quotient = (v64 * 256 + 333) // 666
    if _exactly(values, np.clip(quotient, -128, 127)) or _exactly(values, quotient):
        return f"{said} Subtract 128 to centre the range on zero: int8 runs from -128 to 127."
    if _exactly(values, quotient - 128) or _exactly(values, (quotient - 128).astype(np.int8).astype(np.int64)):
        return (f"{said} Large log values give more than 127: np.clip to [-128, 127] before .astype(np.int8) (casting "
                "alone wraps 130 round to -126).")
    with np.errstate(over="ignore"):
        wrapped = (v * np.int16(256) + np.int16(333)).astype(np.int64)
    if _exactly(values, np.clip(wrapped // 666 - 128, -128, 127)) or _exactly(
        values, np.clip(np.trunc(wrapped / 666) - 128, -128, 127)
    ):
        return f"{said} v * 256 overflowed int16 and wrapped. Widen first: v.astype(np.int32) * 256."
    if _exactly(values, np.clip(v64 * 256 // 666 - 128, -128, 127)):
        return f"{said} The + 333 is missing: it is half of 666, so the division rounds to nearest."
    steps_apart = np.count_nonzero(values != expected)
    rounding = _rounded_by(values, v, MODEL_STEP)
    if rounding:
        return (f"{said} That is the model's own input quantization, round(v / 25.6 / scale) − 128 with its scale "
                f"{MODEL_INPUT_SCALE:.8f} and zero point −128{_cut_note(rounding)}. The frontend does not read the "
                "model: it uses TFLM's fixed formula, trunc((v * 256 + 333) / 666) − 128, whose step (666/256 = "
                f"{666 / 256:.4f} log units) is a little smaller than the model's ({MODEL_STEP:.4f}). The two "
                f"differ on {steps_apart} of these {v.size} values. Write the fixed formula, in integers.")
    rounding = _rounded_by(values, v, FLOAT_STEP)
    if rounding:
        return (f"{said} That is v / 25.6 / (26/256) in floats, v · 256 / 665.6{_cut_note(rounding)}. The frontend "
                "divides by the integer 666 (25.6 × 26 = 665.6, rounded) and computes in integers: "
                f"trunc((v * 256 + 333) / 666) − 128. The two differ on {steps_apart} of these {v.size} values.")
    if np.all(np.abs(values - expected) <= 1):
        return (f"{said} Off by one step somewhere: compute trunc((v * 256 + 333) / 666) in integers (// for v ≥ 0), "
                "then subtract 128 and clamp.")
    return f"{said} Hint: (v.astype(np.int32) * 256 + 333) // 666 − 128, clamped to [-128, 127]."


def _cut_note(rounding: str) -> str:
    return "" if rounding == "rounded" else ", and with the fraction cut off rather than rounded (the + 333 rounds)"


# --- Exercise 4: the slowest clock that keeps up ----------------------------------------------------------------

MODEL_MACS = 336_000  # micro_speech: depthwise conv 25·20·8 outputs × 10·8 taps + fully connected 4 × 4000
CYCLES_PER_MAC = 2
HOP_SECONDS = 0.020
BOARD_CLOCK_MHZ = 64  # the nRF52840 of section 1
FRONTEND_MULTIPLIES = 8_170  # per frame, the notebook's count in section 9


def _spaced(count: int) -> str:
    return f"{count:,}".replace(",", " ")  # 672 000, as the lesson writes numbers


def _reference_clock_mhz():
    cycles_per_hop = 336_000 * 2  # multiply-accumulates × cycles each, once per hop
    return cycles_per_hop / 0.020 / 1e6  # cycles per second, in MHz


@exercise(
    reference=_reference_clock_mhz,
)
def clock_mhz(got, expected):
    """Cycles needed per hop = multiply-accumulates × cycles per MAC. The clock must deliver them within one 20 ms
    hop: frequency = cycles / 0.020 s. Convert Hz to MHz."""
    if close(got, expected, rel=1e-6):
        return correct(f"{expected:.1f} MHz: 672 000 cycles every 20 ms. The nRF52840's 64 MHz leaves about half "
                       "for the frontend and everything else.")
    if expected < got <= np.ceil(expected):  # rounded up: fast enough, and a clock is often set in whole MHz
        return correct(f"{got:g} MHz keeps up; the exact need is {expected:.1f} MHz: 672 000 cycles every 20 ms. "
                       "The nRF52840's 64 MHz leaves about half for the frontend and everything else.")
    if close(got, expected, rel=1e-2) and got < expected:
        return wrong(f"{got:g} MHz is just too slow: it delivers {_spaced(round(got * 1e6 * HOP_SECONDS))} cycles "
                     "per hop, fewer than the 672 000 needed. Round up, never down.")
    if close(got, expected * 1e6, rel=1e-2):
        return wrong(f"{got:g} is in Hz; the question asks for MHz (divide by 1 000 000).")
    if close(got, expected * 1e3, rel=1e-2):
        return wrong(f"{got:g} looks like kHz, or a hop of 20 taken in ms: use 0.020 s and give MHz.")
    if close(got, expected / 2, rel=1e-2):
        return wrong(f"{got:g} MHz counts one cycle per multiply-accumulate; each costs 2.")
    if close(got, expected * 0.020 / 0.030, rel=1e-2):
        return wrong(f"{got:g} MHz uses the 30 ms frame length; the model must finish before the next *hop*, "
                     "every 20 ms.")
    if close(got, MODEL_MACS * CYCLES_PER_MAC * 49 / 1e6, rel=1e-3):
        return wrong(f"{got:g} MHz assumes 49 runs per second; there are 50 hops per second (1000 ms / 20 ms). "
                     "49 is the number of frames in the model's 1 s window.")
    if close(got, expected * HOP_SECONDS, rel=1e-2):
        return wrong(f"{got:g} MHz would do the work once per second; it must be done every 20 ms.")
    if got < 0:
        sign = " the right size, but" if close(-got, expected, rel=1e-2) else ""
        return wrong(f"{got:g} MHz is{sign} negative, and a clock frequency never is: cycles per hop and the hop "
                     "are both positive numbers.")
    if close(got, MODEL_MACS * CYCLES_PER_MAC, rel=1e-3):
        return wrong(f"{got:g} is the number of clock cycles one hop needs, not a frequency. They must all be done "
                     "within the 0.020 s hop: divide by 0.020 s to get cycles per second (Hz), then by 1 000 000 "
                     "for MHz.")
    if close(got, BOARD_CLOCK_MHZ, rel=1e-3):
        return wrong(f"{got:g} MHz is the nRF52840's clock from section 1, the board's speed, not the model's need. "
                     "Work out the lowest clock that still keeps up: 336 000 × 2 cycles within each 20 ms hop.")
    frontend = _spaced(FRONTEND_MULTIPLIES)
    with_frontend = {cycles: (MODEL_MACS * CYCLES_PER_MAC + FRONTEND_MULTIPLIES * cycles) / HOP_SECONDS / 1e6
                     for cycles in (1, 2)}  # the frontend's multiplications per frame at 1 or 2 cycles each
    for cycles, mhz in with_frontend.items():
        if close(got, mhz, rel=1e-3):
            return wrong(f"{got:g} MHz adds the frontend's {frontend} multiplications per frame, at {cycles} "
                         f"cycle{'s' if cycles > 1 else ''} each, to the model's 672 000 cycles. The question counts "
                         "only the model's multiply-accumulates (ignore the frontend).")
    if got == np.floor(expected):
        return wrong(f"{got:g} MHz is the answer rounded down, and then the clock is too slow: {got:g} MHz "
                     f"delivers {_spaced(round(got * 1e6 * HOP_SECONDS))} cycles per hop, fewer than the 672 000 "
                     "needed. Round up, never down.")
    if got > expected:  # often a usual clock frequency (40, 48 MHz): fast enough, but not what was asked
        return wrong(f"{got:g} MHz keeps up, but it is not the lowest clock that does; the question asks for the "
                     "exact need (or that rounded up to the next whole MHz). Cycles per hop = 336 000 × 2; the "
                     "lowest clock delivers just those in 0.020 s.")
    return wrong(f"{got:g} MHz is not it. Cycles per hop = 336 000 × 2; they must fit in 0.020 s.")
