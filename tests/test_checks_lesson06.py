"""The exercise checkers of notebooks/06_mfcc.ipynb: references pass, typical mistakes get their hint."""

import math

import numpy as np
import pytest

from course_utils import dsp
from course_utils.checks import NOT_ATTEMPTED, lesson06


def feedback(exercise, answer):
    result = exercise.evaluate(answer)
    return result.passed, str(result)


EXERCISES = [lesson06.c0, lesson06.log_factor, lesson06.htk_lifter, lesson06.deltas, lesson06.standardize]
FUNCTION_EXERCISES = [e for e in EXERCISES if e.name != "log_factor"]


@pytest.mark.parametrize("exercise", FUNCTION_EXERCISES, ids=lambda e: e.name)
def test_a_function_returning_the_placeholder_is_not_attempted(exercise):
    assert feedback(exercise, lambda *args, **kwargs: ...) == (None, NOT_ATTEMPTED)


@pytest.mark.parametrize("exercise", FUNCTION_EXERCISES, ids=lambda e: e.name)
def test_a_crashing_student_function_is_reported_not_raised(exercise, capsys):
    exercise.check(lambda *args: 1 / 0)
    assert "✗ Your answer raised ZeroDivisionError" in capsys.readouterr().out


# --- the references agree with the course's pipeline ----------------------------------------------------------

def test_c0_reference_is_row_0_of_the_orthonormal_dct():
    frame = np.linspace(-70, -5, 40)
    assert np.isclose(lesson06.c0.reference()(frame), dsp.dct(frame)[0])


def test_log_factor_reference_converts_ln_mfccs_to_db_mfccs():
    mel = np.random.default_rng(0).uniform(1e-4, 1.0, size=(40, 5))
    from_db = dsp.mfcc(S=10 * np.log10(mel), n_mfcc=13)
    from_ln = dsp.mfcc(S=np.log(mel), n_mfcc=13)
    assert np.allclose(from_db, lesson06.log_factor.reference() * from_ln)


@pytest.mark.parametrize("n_mfcc, lifter", lesson06.LIFTER_CASES)
def test_htk_lifter_reference_matches_dsp(n_mfcc, lifter):
    expected = dsp.lifter_weights(n_mfcc, lifter, convention="htk")
    assert np.allclose(lesson06.htk_lifter.reference()(n_mfcc, lifter), expected)


def test_deltas_reference_is_the_regression_formula_in_the_interior():
    features = np.cumsum(np.random.default_rng(1).standard_normal((4, 30)), axis=1)
    ours = lesson06.deltas.reference()(features, 4)
    # dsp.delta (like librosa) fits a line to each 9-frame window; in the interior that is the same formula.
    assert np.allclose(ours[:, 4:-4], dsp.delta(features, width=9)[:, 4:-4])
    # At the edges HTK repeats the first/last frame; with a constant signal that gives zero slope.
    assert np.allclose(lesson06.deltas.reference()(np.ones((2, 6)), 2), 0)


# --- typical mistakes get their targeted hint -----------------------------------------------------------------

@pytest.mark.parametrize(
    "student, hint",
    [
        (lambda x: np.mean(x), "That is the mean"),
        (lambda x: np.sum(x), "plain sum"),
        (lambda x: np.sum(x) * np.sqrt(2 / len(x)), "HTK's scaling"),
        (lambda x: 2 * np.sum(x), "unnormalised DCT-II"),
        (lambda x: np.sum(x) / np.sqrt(40), "assumes 40 bands"),
        (lambda x: np.max(x), "Hint: every entry"),
        (lambda x: "loud", "should be a number"),
    ],
)
def test_c0_typical_mistakes(student, hint):
    passed, text = feedback(lesson06.c0, student)
    assert passed is False and hint in text


@pytest.mark.parametrize(
    "answer, hint",
    [
        (math.log(10) / 10, "That is the inverse"),
        (20 / math.log(10), "amplitude decibels"),
        (10, "is not 10·ln"),
        (math.log(10), "ln(10) converts"),
        (math.log10(math.e), "log10(e)"),
        (-10 / math.log(10), "The factor is positive"),
        (3, "Write 10·log10"),
    ],
)
def test_log_factor_typical_mistakes(answer, hint):
    passed, text = feedback(lesson06.log_factor, answer)
    assert passed is False and hint in text


def test_log_factor_accepts_an_expression_or_three_significant_digits():
    assert feedback(lesson06.log_factor, 10 * np.log10(np.e))[0] is True
    assert feedback(lesson06.log_factor, 4.343)[0] is True
    passed, text = feedback(lesson06.log_factor, 4.34)  # the value its own success message prints
    assert passed is True and "4.34 times" in text


@pytest.mark.parametrize("answer", [4.3, 4.35])
def test_log_factor_rounded_answers_are_asked_for_more_digits(answer):
    passed, text = feedback(lesson06.log_factor, answer)
    assert passed is False and "give more digits" in text and "Write 10·log10" not in text


@pytest.mark.parametrize("answer", [4.4, 4.5])
def test_log_factor_a_value_that_is_not_a_rounding_gets_the_conceptual_hint(answer):
    passed, text = feedback(lesson06.log_factor, answer)
    assert passed is False and "Write 10·log10" in text and "give more digits" not in text


@pytest.mark.parametrize(
    "student, hint",
    [
        (lambda n, L: 1 + (L / 2) * np.sin(np.pi * np.arange(1, n + 1) / L), "numbered the coefficients from 1"),
        (lambda n, L: (L / 2) * np.sin(np.pi * np.arange(n) / L), "weights start at 1"),
        (lambda n, L: 1 + L * np.sin(np.pi * np.arange(n) / L), "amplitude is L/2"),
        (lambda n, L: 1 + (L / 2) * np.cos(np.pi * np.arange(n) / L), "uses a sine"),
        (lambda n, L: 1 + (L / 2) * np.sin(np.pi * np.arange(n + 1) / L), "one weight per coefficient"),
        (lambda n, L: 1 + 11 * np.sin(np.pi * np.arange(n) / 22), "ignores its argument L"),
        (lambda n, L: np.ones(n), "Hint: 1 + (L/2)"),
        (lambda n, L: None, "forget the return"),
    ],
)
def test_htk_lifter_typical_mistakes(student, hint):
    passed, text = feedback(lesson06.htk_lifter, student)
    assert passed is False and hint in text


def _regression(features, N, pad_mode="edge"):
    n_frames = features.shape[1]
    padded = np.pad(features, ((0, 0), (N, N)), mode=pad_mode)
    return sum(n * (padded[:, N + n : N + n + n_frames] - padded[:, N - n : N - n + n_frames]) for n in range(1, N + 1))


@pytest.mark.parametrize(
    "student, hint",
    [
        (lambda c, N=2: _regression(c, N) / (2 * sum(n * n for n in range(1, N + 1))) * -1, "sign is flipped"),
        (lambda c, N=2: _regression(c, N), "divide by 2·Σ n²"),
        (lambda c, N=2: _regression(c, N) / sum(n * n for n in range(1, N + 1)), "not Σ n²"),
        (lambda c, N=2: _regression(c, N, "constant") / (2 * sum(n * n for n in range(1, N + 1))), "not with zeros"),
        (lambda c, N=2: np.diff(c, axis=1), "repeat the first and last frame"),
        (lambda c, N=2: _regression(c, 2).T / 10, "transposed"),
        (lambda c, N=2: _regression(c, 2) / 10, "ignores N"),
        (lambda c, N=2: _regression(c.T, N).T / (2 * sum(n * n for n in range(1, N + 1))), "across coefficients"),
        (lambda c, N=2: np.gradient(c, axis=1), "does not match"),
        (lambda c, N=2: np.zeros(3), "one delta per value"),
    ],
)
def test_deltas_typical_mistakes(student, hint):
    passed, text = feedback(lesson06.deltas, student)
    assert passed is False and hint in text, text


def test_deltas_with_librosas_own_edges_is_not_told_about_zeros():
    """librosa.feature.delta interpolates at the edges (mode='interp'); only a zero-padded answer hears "zeros"."""
    import librosa

    passed, text = feedback(lesson06.deltas, lambda c, N=2: librosa.feature.delta(c, width=2 * N + 1))
    assert passed is False and "zeros" not in text and "mode='edge'" in text, text
    nearest = feedback(lesson06.deltas, lambda c, N=2: librosa.feature.delta(c, width=2 * N + 1, mode="nearest"))
    assert nearest[0] is True


def _z(x, mean, std):
    return (x - mean) / std


@pytest.mark.parametrize(
    "student, hint",
    [
        (lambda tr, te: (_z(tr, tr.mean(0), tr.std(0)), _z(te, te.mean(0), te.std(0))), "its own mean and std"),
        (lambda tr, te: (_z(tr, np.vstack([tr, te]).mean(0), np.vstack([tr, te]).std(0)),
                         _z(te, np.vstack([tr, te]).mean(0), np.vstack([tr, te]).std(0))), "together"),
        (lambda tr, te: (tr - tr.mean(0), te - tr.mean(0)), "did not divide"),
        (lambda tr, te: (_z(tr, tr.mean(0), tr.var(0)), _z(te, tr.mean(0), tr.var(0))), "not the variance"),
        (lambda tr, te: (_z(tr, tr.mean(1, keepdims=True), tr.std(1, keepdims=True)), te), "each row"),
        (lambda tr, te: (_z(tr, tr.mean(), tr.std()), _z(te, tr.mean(), tr.std())), "one mean and std for all"),
        (lambda tr, te: (_z(tr, tr.mean(0), tr.std(0)), te), "train_z is right but test_z"),
        (lambda tr, te: _z(tr, tr.mean(0), tr.std(0)), "two arrays"),
        (lambda tr, te: (tr[:2], te), "Shapes"),
        (lambda tr, te: (tr * 0, te * 0), "Not quite"),
    ],
)
def test_standardize_typical_mistakes(student, hint):
    passed, text = feedback(lesson06.standardize, student)
    assert passed is False and hint in text, text


def test_standardize_accepts_the_sample_standard_deviation():
    def with_ddof_1(train, test):
        mean, std = train.mean(axis=0), train.std(axis=0, ddof=1)
        return (train - mean) / std, (test - mean) / std

    assert feedback(lesson06.standardize, with_ddof_1)[0] is True
