"""The exercise checkers of notebooks/05_decibels.ipynb: reference passes, typical mistakes get their hint."""

import math
import warnings

import librosa
import numpy as np
import pytest

from course_utils import dsp
from course_utils.checks import lesson05


def feedback(exercise, answer):
    result = exercise.evaluate(answer)
    return result.passed, str(result)


# --- db_change ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer, hint",
    [(23.98, "✓"), (-23.98, "sign is flipped"), (47.96, "twice too much"), (10 * math.log(250), "natural"),
     (10 * math.log10(5e-2 - 2e-4), "ratio, not a difference"), (250, "express it in dB"), (3, "is not it")],
)
def test_db_change_feedback(answer, hint):
    assert hint in feedback(lesson05.db_change, answer)[1]


# --- my_power_to_db ----------------------------------------------------------------------------------------------


def test_my_power_to_db_reference_matches_librosa_and_dsp():
    S = lesson05._test_power()
    mine = lesson05.my_power_to_db.reference()
    for kwargs in ({}, {"ref": np.max}, {"ref": 0.5, "amin": 1e-6, "top_db": None}, {"top_db": 40.0}):
        np.testing.assert_allclose(mine(S, **kwargs), librosa.power_to_db(S, **kwargs), rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(mine(S, **kwargs), dsp.power_to_db(S, **kwargs), rtol=1e-10, atol=1e-10)


def _no_floor(S, ref=1.0, amin=1e-10, top_db=80.0):
    ref = ref(S) if callable(ref) else ref
    S_db = 10 * np.log10(S / ref)
    return S_db if top_db is None else np.maximum(S_db, S_db.max() - top_db)


def _twenty(S, ref=1.0, amin=1e-10, top_db=80.0):
    return 2 * lesson05.my_power_to_db.reference()(S, ref=ref, amin=amin, top_db=None if top_db is None else top_db / 2)


def _no_ref(S, ref=1.0, amin=1e-10, top_db=80.0):
    S_db = 10 * np.log10(np.maximum(amin, S))
    return S_db if top_db is None else np.maximum(S_db, S_db.max() - top_db)


def _fixed_amin(S, ref=1.0, amin=1e-10, top_db=80.0):
    return lesson05.my_power_to_db.reference()(S, ref=ref, amin=1e-10, top_db=top_db)


def _no_clip(S, ref=1.0, amin=1e-10, top_db=80.0):
    return lesson05.my_power_to_db.reference()(S, ref=ref, amin=amin, top_db=None)


def _clip_at_minus_top_db(S, ref=1.0, amin=1e-10, top_db=80.0):
    S_db = lesson05.my_power_to_db.reference()(S, ref=ref, amin=amin, top_db=None)
    return S_db if top_db is None else np.maximum(S_db, -top_db)


def _ref_must_be_number(S, ref=1.0, amin=1e-10, top_db=80.0):
    S_db = 10 * np.log10(np.maximum(amin, S)) - 10 * np.log10(np.maximum(amin, ref))
    return S_db if top_db is None else np.maximum(S_db, S_db.max() - top_db)


def _top_db_must_be_number(S, ref=1.0, amin=1e-10, top_db=80.0):
    ref = ref(S) if callable(ref) else ref
    S_db = 10 * np.log10(np.maximum(amin, S)) - 10 * np.log10(ref)
    return np.maximum(S_db, S_db.max() - top_db)


def _added_amin(S, ref=1.0, amin=1e-10, top_db=80.0):
    ref = ref(S) if callable(ref) else ref
    S_db = 10 * np.log10(S + amin) - 10 * np.log10(ref + amin)
    return S_db if top_db is None else np.maximum(S_db, S_db.max() - top_db)


def _unfloored_ref(S, ref=1.0, amin=1e-10, top_db=80.0):
    ref = ref(S) if callable(ref) else ref
    with np.errstate(divide="ignore"):
        S_db = 10 * np.log10(np.maximum(amin, S)) - 10 * np.log10(ref)
    return S_db if top_db is None else np.maximum(S_db, S_db.max() - top_db)


def _math_log10(S, ref=1.0, amin=1e-10, top_db=80.0):
    import math

    return 10 * math.log10(np.maximum(amin, S))


def _builtin_max(S, ref=1.0, amin=1e-10, top_db=80.0):
    return 10 * np.log10(max(amin, S))


def _natural_log(S, ref=1.0, amin=1e-10, top_db=80.0):
    ref = ref(S) if callable(ref) else ref
    S_db = 10 * np.log(np.maximum(amin, S)) - 10 * np.log(np.maximum(amin, ref))
    return S_db if top_db is None else np.maximum(S_db, S_db.max() - top_db)


@pytest.mark.parametrize(
    "student, hint",
    [
        (_no_floor, "-inf or nan"),
        (_twenty, "twice too large"),
        (_no_ref, "ref is ignored"),
        (_fixed_amin, "amin argument is ignored"),
        (_no_clip, "nothing is clipped"),
        (_clip_at_minus_top_db, "measured down from the loudest"),
        (_ref_must_be_number, "callable(ref)"),
        (_top_db_must_be_number, "top_db=None means"),
        (_added_amin, "Adding is not flooring"),
        (_unfloored_ref, "Floor the reference too"),
        (_math_log10, "use np.log10"),
        (_builtin_max, "np.maximum(amin, S)"),
        (_natural_log, "natural logarithm (np.log)"),
        (lambda S: S, "Give your function librosa's parameters"),
        (lambda S, ref=1.0, amin=1e-10, top_db=80.0: np.zeros_like(S), "largest difference"),
    ],
)
def test_my_power_to_db_typical_mistakes(student, hint):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the checker must keep the student's RuntimeWarnings out of the lesson
        passed, text = feedback(lesson05.my_power_to_db, student)
    assert passed is False and hint in text, text


def _in_float32(S, ref=1.0, amin=1e-10, top_db=80.0):
    S = np.asarray(S, dtype=np.float32)  # what librosa itself computes in for float32 input
    ref = ref(S) if callable(ref) else ref
    S_db = 10 * np.log10(np.maximum(amin, S)) - 10 * np.log10(np.maximum(amin, ref))
    return S_db if top_db is None else np.maximum(S_db, S_db.max() - top_db)


def test_my_power_to_db_accepts_a_correct_float32_implementation():
    S = lesson05._test_power()
    largest_difference = max(np.max(np.abs(_in_float32(S, **kwargs) - lesson05.my_power_to_db.reference()(S, **kwargs)))
                             for _, kwargs in lesson05.POWER_TO_DB_CASES)
    assert 1e-6 < largest_difference < 1e-4  # float32 rounding is visible, and the checker must look past it
    passed, text = feedback(lesson05.my_power_to_db, _in_float32)
    assert passed is True, text


def _in_float16(S, ref=1.0, amin=1e-10, top_db=80.0):
    return lesson05.my_power_to_db.reference()(S, ref=ref, amin=amin, top_db=top_db).astype(np.float16)


def _rounded(S, ref=1.0, amin=1e-10, top_db=80.0):
    return np.round(lesson05.my_power_to_db.reference()(S, ref=ref, amin=amin, top_db=top_db), 2)


@pytest.mark.parametrize("student", [_in_float16, _rounded])
def test_my_power_to_db_says_when_only_rounding_is_wrong(student):
    passed, text = feedback(lesson05.my_power_to_db, student)
    assert passed is False and "that is rounding, not a wrong step" in text, text


# --- quietest_24_bit ---------------------------------------------------------------------------------------------


def test_quietest_24_bit_is_one_step_of_a_24_bit_file():
    assert lesson05.quietest_24_bit.reference() == pytest.approx(20 * np.log10(1 / 2**23))


@pytest.mark.parametrize(
    "answer, hint",
    [(-138.47, "✓"), (-138, "rounded"), (-138.9, "rounded"), (-137.9, "is not it"), (138.47, "negative dBFS"), (-69.24, "20·log10, not 10·log10"), (-144.49, "2 / 2**24"),
     (-6.02 * 24, "6.02 dB per bit × 24 bits"), (-144.2, "6.02 dB per bit × 24 bits"), (-6 * 24, "2**−23 of full scale"),
     (6.02 * 24, "6.02·23 = 138.5 dB below"),
     (-90.31, "16-bit"), (-146.2, "SNR of a full-scale sine"), (-100, "is not it")],
)
def test_quietest_24_bit_feedback(answer, hint):
    assert hint in feedback(lesson05.quietest_24_bit, answer)[1]


# --- spectrogram_db ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "student, hint",
    [
        (lambda D: librosa.amplitude_to_db(np.abs(D), ref=np.max), "✓"),
        (lambda D: dsp.power_to_db(np.abs(D) ** 2, ref=np.max), "✓"),
        (lambda D: librosa.power_to_db(np.abs(D), ref=np.max), "halved"),
        (lambda D: librosa.amplitude_to_db(np.abs(D) ** 2, ref=np.max), "doubled"),
        (lambda D: librosa.power_to_db(np.abs(D) ** 2, ref=np.min), "ref=np.min"),
        (lambda D: librosa.power_to_db(np.abs(D) ** 2), "ref=1.0"),
        (lambda D: librosa.power_to_db(librosa.power_to_db(np.abs(D) ** 2, ref=np.max), ref=np.max), "twice"),
        (lambda D: librosa.power_to_db(np.abs(D) ** 2, ref=np.max, top_db=None), "keep top_db=80"),
        (lambda D: librosa.power_to_db(np.abs(D) ** 2, ref=np.max, top_db=60.0), "stop 60 dB below the maximum"),
        (lambda D: librosa.amplitude_to_db(np.abs(D), ref=np.max, top_db=40.0), "amplitude_to_db takes top_db=80 too"),
        (lambda D: D, "complex"),
        (lambda D: 10 * np.log10(np.abs(D) ** 2), "loudest bin is 0 dB"),
    ],
)
def test_spectrogram_db_feedback(student, hint):
    _, text = feedback(lesson05.spectrogram_db, student)
    assert hint in text, text


def test_spectrogram_db_wrong_shape_names_the_argument_D():
    _, text = feedback(lesson05.spectrogram_db, lambda D: np.abs(D).T)
    assert "expected (33, 20), the shape of D." in text, text
