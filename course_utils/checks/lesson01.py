"""Exercises of notebooks/01_sampling_quantization.ipynb."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import math

import numpy as np

from . import Case, as_function, close, correct, exercise, function_exercise, wrong

ALIAS_CASES = [(440, 8000), (3000, 8000), (4000, 8000), (7000, 10000), (5000, 8000), (9000, 8000), (12000, 8000),
               (16000, 8000), (17000, 8000), (30000, 44100)]


def _reference_alias_frequency():
    def alias_frequency(f, sr):
        nearest_multiple = round(f / sr) * sr
        return abs(f - nearest_multiple)

    return alias_frequency


@function_exercise(
    reference=_reference_alias_frequency,
    cases=[Case(f"alias_frequency({f}, {sr})", (f, sr)) for f, sr in ALIAS_CASES],
    returns={"shape": ()},
    tolerance={"rtol": 1e-3, "atol": 1e-6},
    success=f"Your function folds all {len(ALIAS_CASES)} test tones correctly, e.g. 7 kHz at 10 kHz → 3 kHz.",
)
def alias_frequency(got, expected, case):
    """A sampled tone at f looks exactly like one at f − k·sr for any whole k; the one you see lies in [0, sr/2].
    Pick k = round(f / sr) and take the absolute value."""
    f, sr = case.args
    call = f"{case.name} returned {got:g} Hz; expected {expected:g} Hz."
    if f == sr / 2:
        return (f"{call} This tone is exactly at the Nyquist frequency sr/2 = {sr / 2:g} Hz, where it maps to sr/2 "
                f"itself: |f − k·sr| = {sr / 2:g} Hz for k = 0 or 1.")
    if f < sr / 2:
        return f"{call} This tone is below the Nyquist frequency sr/2 = {sr / 2:g} Hz: it is not aliased."
    if close(got, f):
        return (f"{call} You returned f itself, but a tone above sr/2 = {sr / 2:g} Hz cannot be represented: it "
                "folds back below sr/2.")
    if got < 0:
        return f"{call} Frequencies in a spectrum are positive: take the absolute value."
    if close(got, abs(f - sr)):
        return (f"{call} Subtracting sr once is not enough when f > 1.5·sr: subtract the multiple of sr nearest to f, "
                "k·sr with k = round(f / sr).")
    if close(got, sr - (f - sr / 2)) or close(got, f - sr / 2):
        return (f"{call} The spectrum folds around sr/2 like a mirror, but the distance is measured from the nearest "
                "multiple of sr: alias = |f − k·sr|.")
    return f"{call} Hint: alias = |f − k·sr| where k·sr is the multiple of sr nearest to f."


def _the_one_value_returned(student, cases):
    """The value the student's function returns for every case, or None if it varies (or fails: the checker says)."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # the checker already showed what it prints
            values = {float(case.call(student)) for case in cases}
    except Exception:
        return None
    return values.pop() if len(values) == 1 else None


def _diagnose_constant_answers(exercise, cases):
    """``exercise``, whose feedback for a function returning one value for all ``cases`` says so: the first wrong
    case alone would be diagnosed as a mistake about that case."""
    def checker(answer):
        feedback = exercise.checker(answer)
        if feedback.passed is False and callable(answer):
            value = _the_one_value_returned(as_function(answer), cases)
            if value is not None:
                return wrong(f"Your function returns {value:g} Hz for every tone: your answer does not change with f. "
                             "A tone below sr/2 stays where it is; one above it folds back: |f − k·sr|.")
        return feedback

    return dataclasses.replace(exercise, checker=checker)


alias_frequency = _diagnose_constant_answers(alias_frequency, [Case("", case) for case in ALIAS_CASES])


PIANO_CLIP = "piano_A4"
PIANO_NATIVE_SAMPLES = 18513
PIANO_NATIVE_SR = 16000
LIBROSA_DEFAULT_SR = 22050


def _reference_sample_count():
    import math

    samples_at_16k = 18513  # len(y) from data.load("piano_A4"), which keeps the file's 16000 Hz
    # librosa.load(path) resamples to 22050 Hz, keeping the duration; the resampler rounds the length up.
    return math.ceil(samples_at_16k * 22050 / 16000)


@exercise(
    reference=_reference_sample_count,
)
def sample_count(got, expected):
    """Duration stays the same when you resample: n_new / sr_new = n_old / sr_old. And librosa.load's default sr is
    22050."""
    exact = PIANO_NATIVE_SAMPLES * LIBROSA_DEFAULT_SR / PIANO_NATIVE_SR
    if got == expected:
        return correct(f"{expected} samples: {PIANO_NATIVE_SAMPLES} at 16 kHz become {expected} at 22.05 kHz.")
    if got == math.floor(exact):  # the lesson does not teach which way librosa rounds
        return correct(f"{got:g} samples: {PIANO_NATIVE_SAMPLES} at 16 kHz last as long as {exact:.1f} at 22.05 kHz; "
                       f"librosa rounds the length up, to {expected}.")
    if got == PIANO_NATIVE_SAMPLES:
        return wrong(f"{PIANO_NATIVE_SAMPLES} is the count at the file's own 16000 Hz. librosa.load without sr= "
                     "resamples to 22050 Hz first.")
    if abs(got - exact) < 1:
        return wrong(f"{got:g} is not a whole number: a clip has a whole number of samples. Round {exact:.2f}.")
    if abs(got - exact) < 2:
        return wrong(f"Off by one: the resampled length is n · 22050 / 16000 = {exact:.1f}, rounded to a whole "
                     "number.")
    if close(got, 1.16 * LIBROSA_DEFAULT_SR, rel=1e-2):
        return wrong("The duration in the manifest (1.16 s) is rounded; start from the exact sample count at 16 kHz "
                     f"({PIANO_NATIVE_SAMPLES}).")
    return wrong(f"{got:g} is not it. The clip has {PIANO_NATIVE_SAMPLES} samples at 16000 Hz; what does librosa.load "
                 "do to the sample rate by default?")


def _reference_snr_db():
    def snr_db(clean, noisy):
        noise = noisy - clean
        return 10 * np.log10(np.sum(clean**2) / np.sum(noise**2))

    return snr_db


def _snr_cases():
    rng = np.random.default_rng(1)
    clean = np.sin(2 * np.pi * 5 * np.arange(1000) / 1000)
    return [Case("snr_db(clean, noisy)", (clean, clean + level * rng.standard_normal(clean.size)),
                 about=f"noise of standard deviation {level}") for level in (0.1, 0.01, 0.3)]


@function_exercise(
    reference=_reference_snr_db,
    cases=_snr_cases,
    returns={"shape": ()},
    tolerance={"rtol": 1e-6, "atol": 1e-6},
    success="Your snr_db agrees with 10·log10(P_signal / P_noise) on three test signals.",
)
def snr_db(got, expected, case):
    """The noise is noisy − clean. Compare powers (sums of squares) and convert the ratio with 10·log10."""
    clean, noisy = case.args
    said = f"For {case.about}, you got {got:.2f} dB; expected {expected:.2f} dB."
    if close(got, 2 * expected, rel=1e-6):
        return f"{said} Twice too large: with powers (squared samples) use 10·log10, not 20·log10."
    if close(got, expected / 2, rel=1e-6):
        return f"{said} Half the expected value: square the samples (power) or use 20·log10 on amplitudes."
    if close(got, -expected, rel=1e-6):
        return f"{said} The sign is flipped: SNR is signal power divided by noise power."
    if close(got, 10 * np.log10(np.sum(clean**2) / np.sum(noisy**2)), rel=1e-6):
        return f"{said} The noise is what was added: noisy − clean, not the noisy signal itself."
    if close(got, 10 * np.log10(np.var(clean) / np.var(noisy - clean)), rel=1e-6):
        return (f"{said} np.var/np.std remove the mean first; the SNR here uses the mean power np.mean(x**2), mean "
                "included.")
    if close(got, expected * np.log(10), rel=1e-6) or close(got, 2 * expected * np.log(10), rel=1e-6):
        return f"{said} np.log is the natural logarithm; decibels use the base-10 logarithm: use np.log10."
    return f"{said} Hint: 10·log10(Σ clean² / Σ (noisy − clean)²)."


def _reference_bits_needed():
    import math

    target_snr_db = 90
    return math.ceil((target_snr_db - 1.76) / 6.02)


@exercise(
    reference=_reference_bits_needed,
)
def bits_needed(got, expected):
    """Each bit adds 6.02 dB; a full-scale sine gets 6.02·N + 1.76 dB. Solve for N and round up."""
    if got == expected:
        return correct(f"{expected} bits give 6.02·{expected} + 1.76 = {6.02 * expected + 1.76:.1f} dB ≥ 90 dB.")
    if not float(got).is_integer():
        return wrong(f"{got:g} is not a whole number of bits: round up — a fraction of a bit doesn't exist.")
    if got == expected - 1:
        return wrong(f"{got:g} bits give only {6.02 * got + 1.76:.1f} dB. Round up, not down.")
    return wrong(f"{got:g} bits give {6.02 * got + 1.76:.1f} dB. Solve 6.02·N + 1.76 ≥ 90 for the smallest whole N.")
