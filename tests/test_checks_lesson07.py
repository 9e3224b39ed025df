import numpy as np
import pytest

from course_utils.checks import NOT_ATTEMPTED, lesson07


def feedback(exercise, answer):
    result = exercise.evaluate(answer)
    return result.passed, str(result)


def test_placeholders_inside_answers_are_not_attempted():
    assert feedback(lesson07.cola_predictions, [...] * 6) == (None, NOT_ATTEMPTED)
    assert feedback(lesson07.spectral_convergence, lambda S_ref, S_est: ...) == (None, NOT_ATTEMPTED)
    assert feedback(lesson07.invertible, {...}) == (None, NOT_ATTEMPTED)


# --- Exercise 1: COLA ------------------------------------------------------------------------------------------


def test_cola_reference_is_what_the_windows_do():
    import scipy.signal

    computed = [lesson07.is_cola(window, lesson07.COLA_N_FFT, hop) for _, window, hop in lesson07.COLA_CASES]
    scipy_says = [bool(scipy.signal.check_COLA(window, lesson07.COLA_N_FFT, lesson07.COLA_N_FFT - hop))
                  for _, window, hop in lesson07.COLA_CASES]
    assert lesson07.cola_predictions.reference() == computed == scipy_says


def test_overlap_sum_values_quoted_in_the_hints():
    assert np.allclose(lesson07.overlap_sum("hann", 512, 256), 1.0)
    assert np.allclose(lesson07.overlap_sum("hamming", 512, 256), 1.08)
    assert np.isclose(lesson07.overlap_sum("blackman", 512, 256).min(), 0.68)
    assert np.allclose(lesson07.overlap_sum("blackman", 512, 128), 1.68)
    assert lesson07.overlap_sum("hann", 512, 512).min() == 0.0
    assert np.allclose(lesson07.overlap_sum("boxcar", 512, 256), 2.0)  # INVERTIBLE_REASONS["D"]: "add up to 2"


@pytest.mark.parametrize("n_fft, hop, flat", [(510, 170, True), (512, 128, True), (510, 102, True),
                                              (512, 170, False), (512, 150, False), (512, 256, False)])
def test_blackman_is_cola_when_n_fft_over_hop_is_a_whole_number_of_at_least_3(n_fft, hop, flat):
    """What COLA_EXPLANATIONS["D"] says: hop 170 and 150 are both below 512/3 and still not COLA."""
    assert lesson07.is_cola("blackman", n_fft, hop) is flat
    assert "whole number of at least 3" in lesson07.COLA_EXPLANATIONS["D"]


def test_blackman_hops_named_in_the_case_e_explanation_are_what_the_windows_do():
    """Every hop that explanation E calls COLA for n_fft = 512 is COLA, and the one it rules out (512 / 3 → 170) is not."""
    import re
    explanation = lesson07.COLA_EXPLANATIONS["E"]
    named_cola = [int(hop) for hop in re.search(r"for n_fft = 512 that is ([\d, ]+)", explanation).group(1).split(",")
                  if hop.strip()]
    assert named_cola == [128, 64, 32]
    assert all(lesson07.is_cola("blackman", 512, hop) for hop in named_cola)
    ruled_out = int(re.search(r"so hop (\d+) is not COLA", explanation).group(1))
    assert ruled_out == 512 // 3 and not lesson07.is_cola("blackman", 512, ruled_out)


def test_undoing_the_mfcc_dct_gives_the_floored_db_mel_spectrogram():
    """What INVERTIBLE_REASONS["H"] says: the DCT comes undone, power_to_db's top_db=80 floor does not."""
    import librosa
    import scipy.fft

    from course_utils import data

    y, sr = data.load("arctic_slt_a0009", verbose=False)
    settings = {"sr": sr, "n_fft": 512, "hop_length": 128, "n_mels": 40}
    mel = librosa.feature.melspectrogram(y=y, **settings)
    back = scipy.fft.idct(librosa.feature.mfcc(y=y, n_mfcc=40, **settings), axis=0, norm="ortho")
    assert np.allclose(back, librosa.power_to_db(mel, top_db=80.0), atol=1e-3)
    assert not np.allclose(back, librosa.power_to_db(mel, top_db=None), atol=1e-3)
    assert "top_db=80" in lesson07.INVERTIBLE_REASONS["H"]


@pytest.mark.parametrize(
    "answer, hint",
    [
        ([False, True, True, False, True, False], "cos² and sin²"),
        ([True, False, True, False, True, False], "Hamming is 0.54"),
        ([True, True, False, False, True, False], "covers every sample exactly once"),
        ([True, True, True, True, True, False], "Blackman is narrower"),
        ([True, True, True, False, False, False], "four Blackman windows"),
        ([True, True, True, False, True, True], "only touch at their ends"),
        ([1, 1, 1, 0, 1, 1], "only touch at their ends"),
        (np.array([True, True, True, False, True, True]), "5 of 6 right"),
    ],
)
def test_cola_each_mistake_gets_its_explanation(answer, hint):
    passed, text = feedback(lesson07.cola_predictions, answer)
    assert passed is False and hint in text


def test_cola_format_errors():
    assert "list of 6 True/False values, got 5" in feedback(lesson07.cola_predictions, [True] * 5)[1]
    partly_filled = [True, ..., True, True, True, True]
    assert "item 1 of your answer is still ..." in feedback(lesson07.cola_predictions, partly_filled)[1]
    assert "should be True or False" in feedback(lesson07.cola_predictions, ["yes"] * 6)[1]
    assert feedback(lesson07.cola_predictions, (True, True, True, False, True, False))[0] is True


# --- Exercise 2: the zero-phase buzz ----------------------------------------------------------------------------


def test_buzz_reference_matches_a_zero_phase_reconstruction():
    from course_utils import dsp, synth

    sr, hop, n_fft = lesson07.BUZZ_SR, lesson07.BUZZ_HOP, lesson07.BUZZ_N_FFT
    noise = synth.noise(duration=2.0, sr=sr, seed=3)
    magnitude = np.abs(dsp.stft(noise, n_fft=n_fft, hop_length=hop))
    buzz = dsp.istft(magnitude, hop_length=hop, length=len(noise))
    # The buzz repeats every hop_length samples: its autocorrelation peaks at that lag, i.e. at sr / hop Hz.
    correlation = np.correlate(buzz, buzz[hop : -hop], mode="valid")  # lags 0 … 2·hop
    lags = np.arange(len(correlation)) - hop
    search = (lags >= hop // 2) & (lags <= 2 * hop - hop // 4)
    period = lags[search][np.argmax(correlation[search])]
    assert period == hop
    assert sr / period == lesson07.buzz_frequency.reference()


@pytest.mark.parametrize(
    "answer, hint",
    [
        (86.13, "repeats once per hop"),
        (86, "✓"),
        (22050 / 1024, "spacing of the frequency bins"),
        (256 / 22050, "1 / period"),
        (1000 * 256 / 22050, "1 / period"),
        (125, "demo's 16 kHz"),
        (62.5, "demo's 16 kHz"),
        (43.07, "factor of 2"),
        (172.3, "factor of 2"),
        (440, "is not it"),
    ],
)
def test_buzz_feedback(answer, hint):
    assert hint in feedback(lesson07.buzz_frequency, answer)[1]


def test_buzz_texts_describe_a_repeating_pattern_not_one_click_per_frame():
    """The lesson shows a zero-phase frame is not a single click (the window erases its peak): no text may say so."""
    texts = [lesson07.buzz_frequency.__doc__] + [feedback(lesson07.buzz_frequency, answer)[1]
                                                 for answer in (86.13, 22050 / 1024, 256 / 22050, 43.07)]
    assert not any("click" in text for text in texts)


# --- Exercise 3: spectral convergence ---------------------------------------------------------------------------


def test_spectral_convergence_reference_matches_dsp():
    from course_utils import dsp

    student = lesson07.spectral_convergence.reference()
    for S_ref, S_est in lesson07._sc_test_pairs():
        assert np.isclose(student(S_ref, S_est), dsp.spectral_convergence(S_ref, S_est))


@pytest.mark.parametrize(
    "student, hint",
    [
        (lambda a, b: np.linalg.norm(a - b), "Divide by the norm of S_ref"),
        (lambda a, b: np.sum((a - b) ** 2) / np.sum(a**2), "ratio of squared sums"),
        (lambda a, b: np.linalg.norm(a - b) / np.linalg.norm(b), "not of the estimate"),
        (lambda a, b: abs(np.linalg.norm(a) - np.linalg.norm(b)) / np.linalg.norm(a), "difference of the norms"),
        (lambda a, b: 20 * np.log10(np.linalg.norm(a - b) / np.linalg.norm(a)), "not decibels"),
        (lambda a, b: np.mean(np.abs(a - b)) / np.mean(np.abs(a)), "mean absolute"),
        (lambda a, b: np.linalg.norm(a - b, 2) / np.linalg.norm(a, 2), "largest singular value"),
        (lambda a, b: np.linalg.norm(a - b) / np.linalg.norm(a) + 0.5, "Hint:"),
    ],
)
def test_spectral_convergence_typical_mistakes(student, hint):
    passed, text = feedback(lesson07.spectral_convergence, student)
    assert passed is False and hint in text


def test_spectral_convergence_accepts_equivalent_formulas():
    def by_hand(S_ref, S_est):
        return np.sqrt(np.sum((S_ref - S_est) ** 2)) / np.sqrt(np.sum(S_ref**2))

    assert feedback(lesson07.spectral_convergence, by_hand)[0] is True


def test_a_crashing_student_function_is_reported_not_raised(capsys):
    lesson07.spectral_convergence.check(lambda a, b: 1 / 0)
    assert "✗ Your answer raised ZeroDivisionError" in capsys.readouterr().out


# --- Exercise 4: which representations are invertible? ---------------------------------------------------------


def test_invertible_reference_matches_librosa():
    import librosa

    from course_utils import data

    y, _ = data.load("arctic_slt_a0009")
    y = y.astype(np.float64)
    settings = {"A": (128, "hann"), "C": (1024, "hann"), "D": (256, "boxcar"), "E": (512, "hann"),
                "F": (192, "hann")}
    exact = set()
    for letter, (hop, window) in settings.items():
        D = librosa.stft(y, n_fft=512, hop_length=hop, window=window)
        back = librosa.istft(D, n_fft=512, hop_length=hop, window=window, length=len(y))
        if np.max(np.abs(back - y)) < 1e-12:
            exact.add(letter)
    assert exact == lesson07.invertible.reference()


@pytest.mark.parametrize(
    "answer, hint",
    [
        ({"A", "D", "F"}, "✓"),
        ("adf", "✓"),
        (["A", "D", "F"], "✓"),
        ("A, D, F", "✓"),
        ({"A", "B", "D", "F"}, "B keeps only the magnitude"),
        ({"A", "D", "F", "G"}, "40 mel bands"),
        ({"A", "D", "F", "H"}, "the DCT can be undone"),
        ({"A", "C", "D", "F"}, "never seen by any frame"),
        ({"A", "D", "E", "F"}, "multiplied by 0"),
        ({"D", "F"}, "75 % overlap"),
        ({"A", "D"}, "not COLA for Hann"),
        ({"A", "F"}, "rectangular windows"),
        ({"A"}, "missing: D, F"),
    ],
)
def test_invertible_feedback(answer, hint):
    assert hint in feedback(lesson07.invertible, answer)[1]


def test_invertible_solution_prints_the_letters_in_order(capsys):
    lesson07.invertible.solution()
    assert capsys.readouterr().out.endswith("# answer → {'A', 'D', 'F'}\n")


def test_invertible_rejects_unknown_letters():
    passed, text = feedback(lesson07.invertible, {"A", "Z"})
    assert passed is False and "not one of the options" in text
