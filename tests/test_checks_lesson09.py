"""Exercise checkers of notebooks/09_features_for_models.ipynb: references pass, typical mistakes get their hint,
never raise."""

import numpy as np
import pytest

from course_utils import ml
from course_utils.checks import lesson09


def feedback(exercise, answer):
    result = exercise.evaluate(answer)
    return result.passed, str(result)


# --- Exercise 1: lesson09.cmvn -----------------------------------------------------------------------------------


def test_cmvn_reference_equals_the_library():
    for case in lesson09._cmvn_cases():
        (features,) = case.args
        np.testing.assert_allclose(lesson09.cmvn.reference()(features), ml.cmvn(features), atol=1e-12)


def _in_place(features):
    features -= features.mean(axis=1, keepdims=True)
    features /= np.where(features.std(axis=1, keepdims=True) > 0, features.std(axis=1, keepdims=True), 1.0)
    return features


@pytest.mark.parametrize("student, hint", [
    (lambda f: (f - f.mean(axis=0)) / f.std(axis=0), "axis=0"),
    (lambda f: f - f.mean(axis=1, keepdims=True), "variance is not"),
    (lambda f: (f - f.mean()) / f.std(), "whole array"),
    (lambda f: (f - f.mean(axis=1, keepdims=True)) / f.std(axis=1, ddof=1, keepdims=True), "ddof=1"),
    (lambda f: (f - f.mean(axis=1, keepdims=True)) / f.std(axis=1, keepdims=True), "NaN"),
    (_in_place, "changed the caller's array"),
    (lambda f: f[:2], "shape"),
    (lambda f: f * 0 + 1, "Hint"),
])
def test_cmvn_typical_mistakes_get_their_hint(student, hint):
    passed, text = feedback(lesson09.cmvn, student)
    assert passed is False and hint in text, text


# --- Exercise 2: lesson09.leaks ----------------------------------------------------------------------------------


def test_leaks_reference_passes_and_names_the_pipelines():
    passed, text = feedback(lesson09.leaks, [False, True, True, True, False])
    assert passed and "D is the one most often missed" in text


@pytest.mark.parametrize("answer, letter, hint", [
    ([False, True, True, False, False], "D", "selection on the test"),          # tuning on the test folds
    ([True, True, True, True, False], "A", "one clip's own frames"),           # per-clip CMVN is fine
    ([False, False, True, True, False], "B", "scaler fitted on all clips"),
    ([False, True, False, True, False], "C", "PCA"),
    ([False, True, True, True, True], "E", "only that clip's frames"),
])
def test_leaks_each_wrong_letter_gets_its_explanation(answer, letter, hint):
    passed, text = feedback(lesson09.leaks, answer)
    assert passed is False and f"check {letter}" in text and hint in text, text


def test_leaks_wrong_length_is_explained():
    passed, text = feedback(lesson09.leaks, [True, False])
    assert passed is False and "5" in text, text


# --- Exercise 3: lesson09.noise_gain -----------------------------------------------------------------------------


def test_noise_gain_reference_gives_the_snr_of_mix_at_snr():
    gain = lesson09.noise_gain.reference()
    for case in lesson09._noise_gain_cases():
        y, noise, snr = case.args
        mixed = ml.mix_at_snr(y, noise[:len(y)], snr_db=snr)
        power = np.mean(y**2) / np.mean((gain(y, noise[:len(y)], snr) * noise[:len(y)]) ** 2)
        assert abs(10 * np.log10(power) - snr) < 1e-9
        np.testing.assert_allclose(mixed - y, gain(y, noise[:len(y)], snr) * noise[:len(y)], atol=1e-12)


def _power(x):
    return np.mean(np.square(x))


@pytest.mark.parametrize("student, hint", [
    (lambda y, n, s: _power(y) / (_power(n) * 10 ** (s / 10)), "That is g²"),
    (lambda y, n, s: np.sqrt(_power(y) / (_power(n) * 10 ** (s / 20))), "not 10**(snr/20)"),
    (lambda y, n, s: np.sqrt(_power(n) * 10 ** (s / 10) / _power(y)), "upside down"),
    (lambda y, n, s: np.sqrt(np.sum(y**2) / (np.sum(n**2) * 10 ** (s / 10))), "mean squares"),
    (lambda y, n, s: np.sqrt(_power(y) / _power(n)) * 10 ** (s / 20), "less"),
    (lambda y, n, s: 0.5, "Hint"),
])
def test_noise_gain_typical_mistakes_get_their_hint(student, hint):
    passed, text = feedback(lesson09.noise_gain, student)
    assert passed is False and hint in text, text


# --- Exercise 4: lesson09.time_mask ------------------------------------------------------------------------------


def test_time_mask_reference_masks_exactly_width_frames():
    features = np.arange(24.0).reshape(3, 8)
    out = lesson09.time_mask.reference()(features, 2, 3)
    assert np.all(out[:, 2:5] == features.mean()) and np.array_equal(out[:, [0, 1, 5, 6, 7]],
                                                                        features[:, [0, 1, 5, 6, 7]])
    assert np.array_equal(features, np.arange(24.0).reshape(3, 8))


def _masked(features, start, width, value=None, rows=False):
    out = features.copy()
    fill = features.mean() if value is None else value
    if rows:
        out[start:start + width] = fill
    else:
        out[:, start:start + width] = fill
    return out


def _mask_in_place(features, start, width):
    features[:, start:start + width] = features.mean()
    return features


@pytest.mark.parametrize("student, hint", [
    (lambda f, s, w: _masked(f, s, w + 1), "one frame too many"),
    (lambda f, s, w: _masked(f, s, w - 1), "one frame too few"),
    (lambda f, s, w: _masked(f, s, w, rows=True), "masked bands"),
    (lambda f, s, w: _masked(f, s, w, value=0.0), "set to 0"),
    (_mask_in_place, "changed the caller's array"),
    (lambda f, s, w: f[:, :5], "shape"),
    (lambda f, s, w: _masked(f, s + 2, w), "hint"),
])
def test_time_mask_typical_mistakes_get_their_hint(student, hint):
    passed, text = feedback(lesson09.time_mask, student)
    assert passed is False and hint in text, text
