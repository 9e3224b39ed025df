"""Checkers of notebooks/00_start_here.ipynb: the reference passes, typical mistakes get their hint, the
placeholder is "not attempted", garbage never raises."""

import numpy as np
import pytest

from course_utils.checks import lesson00

EXERCISES = [lesson00.duration_seconds, lesson00.normalize, lesson00.trim]


def feedback(exercise, answer):
    result = exercise.evaluate(answer)
    return result.passed, str(result)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_solution_prints_the_reference_code_and_hint_prints_a_hint(exercise, capsys):
    exercise.solution()
    out = capsys.readouterr().out
    assert out.startswith("def ") and "return" in out and "..." not in out
    exercise.hint()
    assert capsys.readouterr().out.startswith("Hint: ")


@pytest.mark.parametrize(
    "student, hint",
    [
        (lambda y, sr: len(y), "That is the number of samples"),
        (lambda y, sr: sr / len(y), "Upside down"),
        (lambda y, sr: len(y) * sr, "divide instead"),
        (lambda y, sr: 1000 * len(y) / sr, "milliseconds"),
        (lambda y, sr: len(y) // sr, "// is whole-number division"),
        (lambda y, sr: round(len(y) / sr), "// is whole-number division"),
        (lambda y, sr: len(y) / 16000, "You divided by 16000"),
        (lambda y, sr: 1.0, "first clip's duration"),  # a typed-in answer, right for the first clip only
        (lambda y, sr: len(y) / sr + 0.1, "sr samples make one second"),
        (lambda y, sr: (len(y) - 1) / sr, "the last sample starts"),  # the time of the last sample, np.arange(n)/sr
    ],
)
def test_duration_typical_mistakes_get_their_hint(student, hint):
    passed, text = feedback(lesson00.duration_seconds, student)
    assert passed is False and hint in text, text


def _in_place(y, peak=0.9):
    y *= peak / np.max(np.abs(y))
    return y


def _no_silence_guard(y, peak=0.9):
    with np.errstate(invalid="ignore", divide="ignore"):
        return y * (peak / np.max(np.abs(y)))


def _silence_to_peak(y, peak=0.9):
    loudest = np.max(np.abs(y))
    return np.full_like(y, peak) if loudest == 0 else y * (peak / loudest)


@pytest.mark.parametrize(
    "student, hint",
    [
        (lambda y, peak=0.9: None, "returned None"),
        (_in_place, "changed the caller's array"),
        (lambda y, peak=0.9: y / np.max(y) * peak, "largest *positive* sample"),
        (lambda y, peak=0.9: y / np.max(np.abs(y)), "multiply by the target peak"),
        (lambda y, peak=0.9: np.clip(y, -peak, peak), "Clipping cuts"),
        (lambda y, peak=0.9: y[: len(y) // 2], "keep them all"),
        (lambda y, peak=0.9: y * 0.9, "peak / max(|y|)"),
        (_no_silence_guard, "0 / 0"),
        (_silence_to_peak, "return the zeros unchanged"),
        (lambda y, peak=0.9: y / y[np.argmax(np.abs(y))] * peak, "upside down"),  # divides by a negative peak
    ],
)
def test_normalize_typical_mistakes_get_their_hint(student, hint):
    passed, text = feedback(lesson00.normalize, student)
    assert passed is False and hint in text, text


def _shortens_silence(y, peak=0.9):
    loudest = np.max(np.abs(y))
    return np.zeros(3) if loudest == 0 else y * (peak / loudest)


def _in_place_without_return(y, peak=0.9):
    y *= peak / np.max(np.abs(y))


def test_normalize_silence_must_come_back_unchanged_not_just_finite():
    passed, text = feedback(lesson00.normalize, _shortens_silence)
    assert passed is False and "expected (100,)" in text, text


def test_a_function_changing_its_input_and_returning_none_is_told_so():
    passed, text = feedback(lesson00.normalize, _in_place_without_return)
    assert passed is False and "returned None and changed its input" in text, text


def _trim_without_empty_case(y, threshold):
    loud = np.flatnonzero(np.abs(y) >= threshold)
    return y[loud[0] : loud[-1] + 1]


def _trim_starting_late(y, threshold):
    loud = np.flatnonzero(np.abs(y) >= threshold)
    return y[:0] if len(loud) == 0 else y[loud[0] + 1 : loud[-1] + 1]


def _trim_with(condition, end_offset=1):
    def trim(y, threshold):
        loud = np.flatnonzero(condition(y, threshold))
        if len(loud) == 0:
            return y[:0]
        return y[loud[0] : loud[-1] + end_offset]

    return trim


@pytest.mark.parametrize(
    "student, hint",
    [
        (lambda y, t: y[np.abs(y) >= t], "kept only the loud samples"),
        (_trim_with(lambda y, t: np.abs(y) >= t, end_offset=0), "y[first:last + 1]"),
        (_trim_with(lambda y, t: y >= t), "Loud samples can be negative"),
        (_trim_with(lambda y, t: np.abs(y) > t), "use >=, not >"),
        (_trim_without_empty_case, "empty array"),
        (_trim_starting_late, "starts one sample late"),
        (lambda y, t: y[y != 0], "Hint: loud = np.flatnonzero"),  # drops zeros: one short, but not at the end
        (lambda y, t: None, "returned None"),
        (lambda y, t: y, "Hint: loud = np.flatnonzero"),
    ],
)
def test_trim_typical_mistakes_get_their_hint(student, hint):
    passed, text = feedback(lesson00.trim, student)
    assert passed is False and hint in text, text


@pytest.mark.parametrize("student", [lambda y, sr: np.sum(np.ones_like(y)) / sr, lambda y, sr: len(y) / np.float32(sr)],
                         ids=["float32 sum", "float32 rate"])
def test_duration_computed_in_float32_is_right(student):
    passed, text = feedback(lesson00.duration_seconds, student)
    assert passed is True, text


def test_duration_feedback_never_shows_two_equal_looking_numbers():
    passed, text = feedback(lesson00.duration_seconds, lambda y, sr: len(y) / sr * (1 + 1e-5))
    shown = text.split("you returned ")[1].split("; expected ")
    assert passed is False and shown[0] != shown[1].split(" s.")[0], text
