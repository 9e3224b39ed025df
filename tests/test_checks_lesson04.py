"""The exercise checkers of notebooks/04_mel_scale.ipynb: reference passes, typical mistakes get their hint."""

import warnings

import librosa
import numpy as np
import pytest

from course_utils.checks import lesson04


def feedback(exercise, answer):
    result = exercise.evaluate(answer)
    return result.passed, str(result)


# --- mel_to_hz_htk -----------------------------------------------------------------------------------------------


def test_mel_to_hz_reference_is_librosas_htk_inverse():
    mels = np.array(lesson04.MEL_TEST_POINTS)
    ours = np.array([lesson04.mel_to_hz_htk.reference()(m) for m in mels])
    np.testing.assert_allclose(ours, librosa.mel_to_hz(mels, htk=True), rtol=1e-10)


def test_mel_to_hz_accepts_numpy_and_math_solutions():
    import math

    assert feedback(lesson04.mel_to_hz_htk, lambda m: 700 * (math.pow(10, m / 2595) - 1))[0] is True
    assert feedback(lesson04.mel_to_hz_htk, lambda m: librosa.mel_to_hz(m, htk=True))[0] is True
    assert feedback(lesson04.mel_to_hz_htk, lambda m: 700 * np.expm1(m * np.log(10) / 2595))[0] is True


@pytest.mark.parametrize(
    "student, hint",
    [
        (lambda m: 700 * 10 ** (m / 2595), "subtract 1"),
        (lambda m: 700 * (np.exp(m / 2595) - 1), "not np.exp"),
        (lambda m: 10 ** (m / 2595) - 1, "factor 700"),
        (lambda m: 2595 * np.log10(1 + m / 700), "forward formula"),
        (lambda m: librosa.mel_to_hz(m), "Slaney"),
        (lambda m: m, "Solve m = 2595"),
    ],
)
def test_mel_to_hz_typical_mistakes(student, hint):
    passed, text = feedback(lesson04.mel_to_hz_htk, student)
    assert passed is False and hint in text


# --- triangle ----------------------------------------------------------------------------------------------------


def test_triangle_reference_is_a_row_of_librosas_filterbank():
    sr, n_fft, n_mels = 16000, 512, 20
    weights = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, norm=None, dtype=np.float64)
    edges = librosa.mel_frequencies(n_mels + 2, fmax=sr / 2)
    freqs = librosa.fft_frequencies(sr=sr, n_fft=n_fft)
    triangle = lesson04.triangle.reference()
    for band in range(n_mels):
        np.testing.assert_allclose(triangle(freqs, *edges[band : band + 3]), weights[band], atol=1e-12)


def _no_clip(freqs, low, centre, high):
    return np.minimum((freqs - low) / (centre - low), (high - freqs) / (high - centre))


def _rising_only(freqs, low, centre, high):
    return np.maximum(0, (freqs - low) / (centre - low))


def _area_normalised(freqs, low, centre, high):
    return lesson04.triangle.reference()(freqs, low, centre, high) * 2 / (high - low)


def _symmetric(freqs, low, centre, high):
    return np.maximum(0, 1 - np.abs(freqs - (low + high) / 2) / ((high - low) / 2))


def _python_list(freqs, low, centre, high):
    return list(lesson04.triangle.reference()(freqs, low, centre, high))


@pytest.mark.parametrize(
    "student, hint",
    [
        (_no_clip, "negative weights"),
        (_rising_only, "only one side"),
        (_area_normalised, "peaks at"),
        (_symmetric, "symmetric"),
        (lambda f, lo, c, hi: np.ones_like(f), "Rising side"),
        (lambda f, lo, c, hi: np.ones(3), "one weight per frequency"),
    ],
)
def test_triangle_typical_mistakes(student, hint):
    passed, text = feedback(lesson04.triangle, student)
    assert passed is False and hint in text


def test_triangle_accepts_a_list():
    assert feedback(lesson04.triangle, _python_list)[0] is True


# --- smallest_n_fft ----------------------------------------------------------------------------------------------


def test_smallest_n_fft_agrees_with_librosas_warning():
    def warns(n_fft):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            librosa.filters.mel(sr=lesson04.EMPTY_SR, n_fft=n_fft, n_mels=lesson04.EMPTY_N_MELS, htk=True)
        return bool(caught)

    answer = lesson04.smallest_n_fft.reference()
    assert not warns(answer) and warns(answer // 2)
    assert lesson04.empty_filter_count(lesson04.EMPTY_SR, answer, lesson04.EMPTY_N_MELS, htk=True) == 0
    assert lesson04.empty_filter_count(lesson04.EMPTY_SR, answer // 2, lesson04.EMPTY_N_MELS, htk=True) > 0


def test_smallest_n_fft_solution_counts_all_zero_rows_as_the_hint_says(capsys):
    # The question asks for no empty filter, band 0 included; librosa's warning skips band 0, so it is not the rule.
    smallest = next(2**k for k in range(6, 17)
                    if lesson04.empty_filter_count(lesson04.EMPTY_SR, 2**k, lesson04.EMPTY_N_MELS, htk=True) == 0)
    assert lesson04.smallest_n_fft.reference() == smallest
    lesson04.smallest_n_fft.solution()
    shown = capsys.readouterr().out
    assert "weights.max(axis=1) == 0" in shown and "record=True" not in shown
    assert "largest weight is 0" in lesson04.smallest_n_fft.hint_text  # the same rule in the hint


def test_smallest_n_fft_too_large_hint_separates_n_fft_from_the_window():
    passed, text = feedback(lesson04.smallest_n_fft, 2048)
    # Zero-padding a short window (lesson 04's fix) does not blur time: only a window that grows with n_fft does.
    assert passed is False and "win_length = n_fft" in text and "twice as long" not in text


@pytest.mark.parametrize(
    "answer, hint",
    [(512, "still leaves"), (256, "still leaves"), (2048, "a smaller power of two does too"),
     (1000, "not a power of two"), (1024.5, "not a power of two"), (2**20, "far more than needed")],
)
def test_smallest_n_fft_typical_mistakes(answer, hint):
    passed, text = feedback(lesson04.smallest_n_fft, answer)
    assert passed is False and hint in text


# --- mel_power ---------------------------------------------------------------------------------------------------


def test_mel_power_reference_matches_librosa_melspectrogram():
    word, sr, D, mel_fb = lesson04.exercise_inputs()
    expected = librosa.feature.melspectrogram(y=word, sr=sr, n_fft=lesson04.MEL_N_FFT, hop_length=lesson04.MEL_HOP,
                                              n_mels=lesson04.MEL_N_MELS)
    np.testing.assert_allclose(lesson04.mel_power.reference()(D, mel_fb), expected, rtol=1e-4, atol=1e-9)
    assert feedback(lesson04.mel_power, lambda D, fb: np.einsum("mk,kt->mt", fb, np.abs(D) ** 2))[0] is True


@pytest.mark.parametrize(
    "student, hint",
    [
        (lambda D, fb: fb @ np.abs(D), "square first"),
        (lambda D, fb: (np.abs(D) ** 2).T @ fb.T, "transposed"),
        (lambda D, fb: fb @ D, "complex"),
        (lambda D, fb: fb @ (D * np.conj(D)), "zero imaginary part"),
        (lambda D, fb: fb @ D**2, "not |D|²"),
        (lambda D, fb: (fb @ np.abs(D)) ** 2, "squared after filtering"),
        (lambda D, fb: librosa.power_to_db(fb @ np.abs(D) ** 2), "in dB"),
        (lambda D, fb: np.abs(D) ** 2, "expected (40,"),
        (lambda D, fb: 2 * fb @ np.abs(D) ** 2, "numbers differ"),
        (lambda D, fb: np.log(fb @ np.abs(D) ** 2 - 1), "inf or nan"),
    ],
)
def test_mel_power_typical_mistakes(student, hint):
    with np.errstate(all="ignore"):
        passed, text = feedback(lesson04.mel_power, student)
    assert passed is False and hint in text


def test_mel_to_hz_accepts_the_natural_log_form_of_the_htk_book():
    """1127·ln(1 + f/700) is the HTK Book's and Kaldi's form of the same scale (1127 ≈ 2595 / ln 10)."""
    assert feedback(lesson04.mel_to_hz_htk, lambda m: 700 * (np.exp(m / 1127) - 1))[0] is True


def test_mel_to_hz_feedback_prints_two_numbers_that_differ():
    import re

    passed, text = feedback(lesson04.mel_to_hz_htk, lambda m: 700 * (10 ** (m / 2595) - 1) * (1 + 1.5e-4))
    shown, expected = re.search(r"returned (\S+) Hz; expected (\S+) Hz", text).groups()
    assert passed is False and shown != expected, text


def _relative_gap(formula):
    mels = np.array(lesson04.MEL_TEST_POINTS[1:])  # 0 mel is 0 Hz in every form
    reference = np.array([lesson04.mel_to_hz_htk.reference()(m) for m in mels])
    return np.max(np.abs(formula(mels) / reference - 1))


def test_mel_tolerance_takes_the_natural_log_form_and_not_a_wrong_constant():
    natural_log = _relative_gap(lambda m: 700 * (np.exp(m / 1127) - 1))
    mistyped = _relative_gap(lambda m: 700 * (10 ** (m / 2590) - 1))
    # The natural-log form really differs (a tolerance is needed), by far less than MEL_TOLERANCE ...
    assert 1e-6 < natural_log < lesson04.MEL_TOLERANCE / 5
    # ... and a mistyped constant is far outside it, so the checker rejects it.
    assert mistyped > 10 * lesson04.MEL_TOLERANCE
    assert feedback(lesson04.mel_to_hz_htk, lambda m: 700 * (10 ** (m / 2590) - 1))[0] is False
