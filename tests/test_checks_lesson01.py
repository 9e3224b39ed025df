import numpy as np
import pytest

from course_utils.checks import lesson01


def feedback(exercise, answer):
    result = exercise.evaluate(answer)
    return result.passed, str(result)


def test_a_crashing_student_function_is_reported_not_raised(capsys):
    lesson01.alias_frequency.check(lambda f, sr: 1 / 0)
    assert "✗ Your answer raised ZeroDivisionError" in capsys.readouterr().out


@pytest.mark.parametrize(
    "student, hint",
    [
        (lambda f, sr: f, "You returned f itself"),
        (lambda f, sr: f - sr if f > sr / 2 else f, "take the absolute value"),
        (lambda f, sr: abs(f - sr) if f > sr / 2 else f, "Subtracting sr once is not enough"),
        (lambda f, sr: sr - (f - sr / 2) if f > sr / 2 else f, "folds around sr/2 like a mirror"),
        (lambda f, sr: abs(f - round(f / sr) * sr) + (1 if f < sr / 2 else 0), "it is not aliased"),
    ],
)
def test_alias_frequency_typical_mistakes_get_their_hint(student, hint):
    passed, text = feedback(lesson01.alias_frequency, student)
    assert passed is False and hint in text


@pytest.mark.parametrize(
    "answer, hint",
    [(18513, "count at the file's own 16000 Hz"), (25512, "Off by one"), (25515, "Off by one"),
     (25513.23, "not a whole number"), (1.16 * 22050, "rounded"), (12345, "is not it")],
)
def test_sample_count_typical_mistakes(answer, hint):
    passed, text = feedback(lesson01.sample_count, answer)
    assert passed is False and hint in text


@pytest.mark.parametrize("answer", [25513, 25514])
def test_sample_count_accepts_either_rounding_of_the_exact_length(answer):
    """18513 · 22050 / 16000 = 25513.2: the lesson does not teach that librosa rounds it up, so 25513 is right too."""
    passed, text = feedback(lesson01.sample_count, answer)
    assert passed is True and "25514" in text


def test_sample_count_reference_matches_librosa():
    import librosa

    from course_utils import data

    y, sr = librosa.load(data.clip_path(lesson01.PIANO_CLIP))
    assert sr == 22050 and len(y) == lesson01.sample_count.reference()
    assert len(data.load(lesson01.PIANO_CLIP)[0]) == lesson01.PIANO_NATIVE_SAMPLES


@pytest.mark.parametrize(
    "student, hint",
    [
        (lambda c, n: 20 * np.log10(np.sum(c**2) / np.sum((n - c) ** 2)), "Twice too large"),
        (lambda c, n: 10 * np.log10(np.sum(np.abs(c)) / np.sum(np.abs(n - c))), "expected"),
        (lambda c, n: 10 * np.log10(np.sum((n - c) ** 2) / np.sum(c**2)), "sign is flipped"),
        (lambda c, n: 10 * np.log10(np.sum(c**2) / np.sum(n**2)), "noisy − clean"),
        (lambda c, n: 5 * np.log10(np.sum(c**2) / np.sum((n - c) ** 2)), "Half the expected"),
    ],
)
def test_snr_db_typical_mistakes(student, hint):
    passed, text = feedback(lesson01.snr_db, student)
    assert passed is False and hint in text


@pytest.mark.parametrize("answer, hint", [(14, "Round up"), (15.0, "✓"), (14.6, "whole number"), (16, "Solve")])
def test_bits_needed_feedback(answer, hint):
    assert hint in feedback(lesson01.bits_needed, answer)[1]


def test_array_answers_are_described_on_one_line(capsys):
    lesson01.sample_count.check(np.arange(100.0).reshape(10, 10))
    out = capsys.readouterr().out
    assert out == "✗ your answer should be a number, got an array of shape (10, 10) and dtype float64\n"
