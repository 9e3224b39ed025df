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
        (lambda f, sr: abs(f - round(f / sr) * sr) + (100 if f == sr / 2 else 0),
         "exactly at the Nyquist frequency sr/2 = 4000 Hz, where it maps to sr/2 itself"),
        (lambda f, sr: 1000, "returns 1000 Hz for every tone: your answer does not change with f"),
        (lambda f, sr: 0.0, "returns 0 Hz for every tone"),
    ],
)
def test_alias_frequency_typical_mistakes_get_their_hint(student, hint):
    passed, text = feedback(lesson01.alias_frequency, student)
    assert passed is False and hint in text, text


def test_alias_frequency_wrong_at_nyquist_is_not_told_it_is_below_it():
    """The lesson teaches that sr/2 itself is excluded: a tone exactly there is not "below" the Nyquist frequency."""
    def student(f, sr):
        return sr / 4 if f == sr / 2 else abs(f - round(f / sr) * sr)

    passed, text = feedback(lesson01.alias_frequency, student)
    assert passed is False and "exactly at the Nyquist frequency" in text and "below" not in text


def test_alias_frequency_constant_check_leaves_other_feedback_alone(capsys):
    assert feedback(lesson01.alias_frequency, lambda f, sr: abs(f - round(f / sr) * sr))[0] is True
    assert feedback(lesson01.alias_frequency, ...)[0] is None
    lesson01.alias_frequency.check(lambda f, sr: print("probe") or 1000)
    out = capsys.readouterr().out
    assert out.count("probe") == 1 and "does not change with f" in out


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
        (lambda c, n: 10 * np.log10(np.var(c) / np.var(n - c)), "np.var/np.std remove the mean first"),
        (lambda c, n: 20 * np.log10(np.std(c) / np.std(n - c)), "the mean power np.mean(x**2), mean included"),
        (lambda c, n: 10 * np.log(np.sum(c**2) / np.sum((n - c) ** 2)), "natural logarithm; decibels use the base-10"),
        (lambda c, n: 20 * np.log(np.sqrt(np.mean(c**2) / np.mean((n - c) ** 2))), "use np.log10"),
    ],
)
def test_snr_db_typical_mistakes(student, hint):
    passed, text = feedback(lesson01.snr_db, student)
    assert passed is False and hint in text, text


def test_snr_db_accepts_the_lessons_mean_power_form():
    """The lesson's measured_snr_db divides mean powers, np.mean(x**2): the same ratio as the sums."""
    passed, text = feedback(lesson01.snr_db, lambda c, n: 10 * np.log10(np.mean(c**2) / np.mean((n - c) ** 2)))
    assert passed is True, text


@pytest.mark.parametrize("answer, hint", [(14, "Round up"), (15.0, "✓"), (14.6, "whole number"), (16, "Solve")])
def test_bits_needed_feedback(answer, hint):
    assert hint in feedback(lesson01.bits_needed, answer)[1]


def test_array_answers_are_described_on_one_line(capsys):
    lesson01.sample_count.check(np.arange(100.0).reshape(10, 10))
    out = capsys.readouterr().out
    assert out == "✗ your answer should be a number, got an array of shape (10, 10) and dtype float64\n"
