"""Exercises of notebooks/00_start_here.ipynb: NumPy warm-ups on recordings (duration, peak level, trimming)."""

from __future__ import annotations

import numpy as np

from . import Case, close, distinguish, function_exercise

# ---------------------------------------------------------------------------------------------- duration

# (samples, sr). The second clip's n // sr (0) differs from the first clip's duration (1 s), so a function that
# returns a typed-in 1.0 is not mistaken for whole-number division.
DURATION_CASES = [(16000, 16000), (22050, 44100), (24000, 16000), (1000, 8000), (12345, 16000)]
FIRST_DURATION = DURATION_CASES[0][0] / DURATION_CASES[0][1]


def _reference_duration_seconds():
    def duration_seconds(y, sr):
        return len(y) / sr

    return duration_seconds


@function_exercise(
    reference=_reference_duration_seconds,
    cases=[Case(f"duration_seconds(y, {sr})", (np.zeros(n, dtype=np.float32), sr)) for n, sr in DURATION_CASES],
    returns={"shape": ()},
    tolerance={"rtol": 1e-6},  # float32 arithmetic (np.float32(sr), a sum of float32 ones) is right too
    success="duration = len(y) / sr — e.g. 24000 samples at 16 kHz last 1.5 s.",
)
def duration_seconds(got, expected, case):
    """sr is the number of samples per second, so a clip of len(y) samples lasts len(y) / sr seconds."""
    y, sr = case.args
    n = len(y)
    shown, wanted = distinguish(got, expected)
    call = f"For {n} samples at {sr} Hz you returned {shown}; expected {wanted} s."
    if close(got, n):
        return f"{call} That is the number of samples, len(y). Divide by the sample rate: samples per second."
    if close(got, (n - 1) / sr, rel=1e-6):
        return (f"{call} (len(y) - 1) / sr is the time at which the last sample starts; the clip lasts one sample "
                "period (1 / sr) longer: len(y) / sr.")
    if n != sr and close(got, sr / n):
        return f"{call} Upside down: sr / len(y) is how many clips fit in one second. Use len(y) / sr."
    if close(got, n * sr):
        return f"{call} Multiplying gives samples × samples-per-second; divide instead: len(y) / sr."
    if close(got, 1000 * expected):
        return f"{call} That is in milliseconds; the question asks for seconds."
    if close(got, n // sr):
        return f"{call} // is whole-number division (as are int() and round() here) and drops the fraction of a second; use /."
    if sr != 16000 and close(got, n / 16000):
        return f"{call} You divided by 16000, the rate of most course clips; divide by the sr you were given."
    if close(got, FIRST_DURATION):
        return (f"{call} That is the first clip's duration ({FIRST_DURATION:g} s) again: compute the duration from "
                "len(y) and sr instead of typing a number in.")
    return f"{call} Hint: sr samples make one second."


# --------------------------------------------------------------------------------------------- normalize


def _reference_normalize():
    def normalize(y, peak=0.9):
        loudest = np.max(np.abs(y))
        if loudest == 0:
            return y.copy()  # silence stays silence (and no division by zero)
        return y * (peak / loudest)

    return normalize


def _normalize_cases():
    t = np.arange(1600) / 16000
    quiet = (0.1 * np.sin(2 * np.pi * 200 * t)).astype(np.float32)
    negative_peak = quiet.copy()
    negative_peak[400] = -0.4  # the loudest sample is negative
    loud = (1.6 * np.sin(2 * np.pi * 300 * t)).astype(np.float32)  # too loud: must come down
    silence = np.zeros(100, dtype=np.float32)
    return [Case("normalize(y, 0.9)", (quiet, 0.9), about="a quiet tone"),
            Case("normalize(y, 0.9)", (negative_peak, 0.9), about="a signal whose loudest sample is negative"),
            Case("normalize(y, 0.9)", (loud, 0.9), about="a signal above full scale"),
            Case("normalize(y, 0.5)", (quiet, 0.5), about="a quiet tone, peak=0.5"),
            Case("normalize(silence, 0.9)", (silence, 0.9), about="silence")]


@function_exercise(
    reference=_reference_normalize,
    cases=_normalize_cases,
    returns={"finite": False},
    tolerance={"rtol": 1e-5, "atol": 1e-6},
    keeps_inputs="Your function changed the caller's array (y /= … or y *= … works in place). Return a new array: "
    "y * factor.",
    success="Your normalize scales the loudest sample — positive or negative — to the target, leaves the input "
    "untouched and keeps silence silent.",
)
def normalize(got, expected, case):
    """Find the loudest sample with np.max(np.abs(y)), then return y * (peak / loudest). Silence has no loudest
    sample: return it unchanged."""
    y, peak = case.args
    if got.shape != y.shape:
        return (f"For {case.about} you returned shape {got.shape}; expected {y.shape}: scale every sample, keep them "
                "all.")
    if case.about == "silence" and not np.all(np.isfinite(got)):
        return "Silence (all zeros) gives NaN: 0 / 0. Return the silence unchanged when max(|y|) is 0."
    if case.about == "silence":
        return (f"For silence (all zeros) your result has a loudest sample of {np.max(np.abs(got)):.3g}: there is no "
                "peak to scale, so return the zeros unchanged (y.copy()).")
    said = f"For {case.about} (target peak {peak}) the loudest sample of your result is {np.max(np.abs(got)):.3f}."
    if np.allclose(got, -expected, rtol=1e-5, atol=1e-6):
        return (f"{said} Your result is upside down (every sample has the wrong sign): you divided by a negative "
                "sample. Divide by the size of the loudest sample, np.max(np.abs(y)).")
    if np.allclose(got, y / np.max(y) * peak, rtol=1e-5, atol=1e-6):
        return (f"{said} You divided by y.max(), the largest *positive* sample; the loudest sample may be negative. "
                "Use np.max(np.abs(y)).")
    if np.allclose(got, y / np.max(np.abs(y)), rtol=1e-5, atol=1e-6):
        return f"{said} The peak is 1.0: multiply by the target peak as well."
    if np.allclose(got, np.clip(y, -peak, peak), rtol=1e-5, atol=1e-6):
        return f"{said} Clipping cuts the loud samples off (distortion); scale the whole signal instead."
    return f"{said} Hint: multiply every sample by peak / max(|y|)."


# -------------------------------------------------------------------------------------------------- trim


def _reference_trim():
    def trim(y, threshold):
        loud = np.flatnonzero(np.abs(y) >= threshold)
        if len(loud) == 0:
            return y[:0]  # nothing reaches the threshold: an empty array
        return y[loud[0] : loud[-1] + 1]

    return trim


def _trim_cases():
    rng = np.random.default_rng(0)
    speech = np.zeros(800, dtype=np.float32)
    speech[300:500] = 0.5 * rng.standard_normal(200).astype(np.float32)
    speech[300], speech[499] = -0.6, -0.7  # the first and last loud samples are negative
    speech[400] = 0.0  # a quiet sample inside the word must stay
    # Samples equal to the threshold count as loud (values exact in float32, so >= and > really differ).
    exact = np.array([0.0, 0.125, 0.25, 0.0625, 0.5, 0.25, 0.0], dtype=np.float32)
    return [Case("trim(y, 0.1)", (speech, 0.1), about="a word between silences"),
            Case("trim(y, 0.25)", (exact, 0.25), about="samples exactly at the threshold"),
            Case("trim(y, 0.1)", (np.full(50, 0.5, np.float32), 0.1),
                 about="a clip that is loud from the first sample to the last"),
            Case("trim(y, 0.5)", (np.zeros(10, dtype=np.float32), 0.5), about="no loud sample")]


def _trim_raised(error, case):
    if isinstance(error, IndexError) and case.about == "no loud sample":
        return ("A clip with no loud sample raised IndexError (loud[0] of an empty array). Return an empty array in "
                "that case: y[:0].")
    return None


@function_exercise(
    reference=_reference_trim,
    cases=_trim_cases,
    tolerance={"rtol": 1e-5, "atol": 1e-8},
    raised=_trim_raised,
    success="Your trim keeps the word from its first to its last loud sample, negative ones included, and returns "
    "nothing for silence.",
)
def trim(got, expected, case):
    """np.flatnonzero(np.abs(y) >= threshold) gives the positions of the loud samples; keep the slice from the first
    to the last of them (the end of a slice is exclusive)."""
    y, threshold = case.args
    if case.about == "no loud sample":
        return "A clip with no sample reaching the threshold should give an empty array (y[:0])."
    said = f"For {case.about} (threshold {threshold}) you kept {got.size} samples; expected {expected.size}."
    loud = np.flatnonzero(np.abs(y) >= threshold)
    if got.size == loud.size and got.size != expected.size:
        return (f"{said} You kept only the loud samples; the quiet ones *inside* the word belong to it. Keep "
                "everything from the first loud sample to the last.")
    if got.size == expected.size - 1 and np.array_equal(got, expected[:-1]):
        return f"{said} One short: a slice y[a:b] stops before b, so the last loud sample needs y[first:last + 1]."
    if got.size == expected.size - 1 and np.array_equal(got, expected[1:]):
        return f"{said} Your slice starts one sample late: the first loud sample belongs to the word, y[first:last + 1]."
    positive = np.flatnonzero(y >= threshold)
    if positive.size and got.size == positive[-1] - positive[0] + 1:
        return f"{said} Loud samples can be negative: compare np.abs(y) with the threshold."
    strict = np.flatnonzero(np.abs(y) > threshold)
    if strict.size and got.size == strict[-1] - strict[0] + 1:
        return f"{said} A sample exactly at the threshold counts as loud: use >=, not >."
    return f"{said} Hint: loud = np.flatnonzero(np.abs(y) >= threshold), then y[loud[0] : loud[-1] + 1]."
