import math

import librosa
import numpy as np
import pytest
import scipy.signal

from course_utils.checks import lesson03


def feedback(exercise, answer):
    result = exercise.evaluate(answer)
    return result.passed, str(result)


@pytest.mark.parametrize("n_samples, n_fft, hop_length, center", lesson03.SHAPE_CASES)
def test_stft_shape_reference_matches_librosa(n_samples, n_fft, hop_length, center):
    y = np.random.default_rng(0).standard_normal(n_samples)
    shape = librosa.stft(y, n_fft=n_fft, hop_length=hop_length, center=center).shape
    assert lesson03.stft_shape.reference()(n_samples, n_fft, hop_length, center=center) == shape


def _shape(bins, frames_centered, frames_uncentered):
    return lambda n, n_fft, hop, center=True: (
        bins(n_fft), frames_centered(n, n_fft, hop) if center else frames_uncentered(n, n_fft, hop)
    )


GOOD_BINS = lambda n_fft: 1 + n_fft // 2
CENTERED = lambda n, n_fft, hop: 1 + n // hop
UNCENTERED = lambda n, n_fft, hop: 1 + (n - n_fft) // hop


@pytest.mark.parametrize(
    "student, hint",
    [
        (lambda n, n_fft, hop, center=True: lesson03.stft_shape.reference()(n, n_fft, hop, center)[::-1], "Swapped"),
        (_shape(lambda n_fft: n_fft, CENTERED, UNCENTERED), "not n_fft"),
        (_shape(lambda n_fft: n_fft // 2, CENTERED, UNCENTERED), "One bin short"),
        (_shape(lambda n_fft: n_fft // 2 + 2, CENTERED, UNCENTERED), "number of rows"),
        (_shape(GOOD_BINS, UNCENTERED, UNCENTERED), "center=False count"),
        (_shape(GOOD_BINS, CENTERED, CENTERED), "center=True count"),
        (_shape(GOOD_BINS, lambda n, f, h: n // h, UNCENTERED), "One frame short"),
        (_shape(GOOD_BINS, CENTERED, lambda n, f, h: (n - f) // h), "One frame short"),
        (_shape(GOOD_BINS, lambda n, f, h: math.ceil(n / h), UNCENTERED), "floor division"),
        (_shape(GOOD_BINS, lambda n, f, h: 1 + n // f, UNCENTERED), "not n_fft: they overlap"),
        (_shape(GOOD_BINS, CENTERED, lambda n, f, h: 1 + (n - f) // f), "not n_fft: they overlap"),
        (_shape(GOOD_BINS, lambda n, f, h: 2 + n // h, UNCENTERED), "Hint: frames ="),
        (_shape(GOOD_BINS, CENTERED, UNCENTERED), "only for an even n_fft"),
    ],
)
def test_stft_shape_typical_mistakes_get_their_hint(student, hint):
    passed, text = feedback(lesson03.stft_shape, student)
    assert passed is False and hint in text, text


@pytest.mark.parametrize("stft", [librosa.stft, "dsp"])
def test_stft_shape_read_off_an_stft_is_not_accepted(stft):
    from course_utils import dsp

    run = dsp.stft if stft == "dsp" else stft

    def read_off(n, n_fft, hop, center=True):
        return run(np.zeros(n), n_fft=n_fft, hop_length=hop, center=center).shape

    passed, text = feedback(lesson03.stft_shape, read_off)
    assert passed is False and "Right shapes, but read off an STFT (or the frames)" in text, text


def _padded_zeros(n, n_fft, center):
    return np.zeros(n + 2 * (n_fft // 2)) if center else np.zeros(n)


def _scipy_stft_read_off(n, n_fft, hop, center=True):
    _, _, Z = scipy.signal.stft(_padded_zeros(n, n_fft, center), nperseg=n_fft, noverlap=n_fft - hop, boundary=None,
                                padded=False)
    return Z.shape


def _scipy_spectrogram_read_off(n, n_fft, hop, center=True):
    from scipy.signal import spectrogram  # imported by name: still seen

    return spectrogram(_padded_zeros(n, n_fft, center), nperseg=n_fft, noverlap=n_fft - hop)[2].shape


def _short_time_fft_read_off(n, n_fft, hop, center=True):
    stft = scipy.signal.ShortTimeFFT(np.ones(n_fft), hop=hop, fs=1)
    y = _padded_zeros(n, n_fft, center)
    shift = stft.m_num_mid  # k_offset: slice p then starts at sample p·hop, as librosa's frames do
    starts = stft.t(len(y), k_offset=shift) - shift  # keep the columns whose window lies inside y
    return stft.stft(y, k_offset=shift)[:, (starts >= 0) & (starts + n_fft <= len(y))].shape


def _framing_read_off(frame):
    def stft_shape(n, n_fft, hop, center=True):
        return 1 + n_fft // 2, frame(_padded_zeros(n, n_fft, center), n_fft, hop).shape[1]

    return stft_shape


@pytest.mark.parametrize("student", [
    _scipy_stft_read_off, _scipy_spectrogram_read_off,
    _short_time_fft_read_off if hasattr(scipy.signal, "ShortTimeFFT") else _scipy_stft_read_off,  # SciPy >= 1.12
    _framing_read_off(lambda y, n_fft, hop: librosa.util.frame(y, frame_length=n_fft, hop_length=hop)),
    _framing_read_off(lambda y, n_fft, hop: __import__("course_utils").dsp.frame(y, frame_length=n_fft,
                                                                                 hop_length=hop)),
    _framing_read_off(lambda y, n_fft, hop: np.lib.stride_tricks.sliding_window_view(y, n_fft)[::hop].T),
], ids=["scipy.signal.stft", "scipy.signal.spectrogram", "ShortTimeFFT.stft", "librosa.util.frame", "dsp.frame",
        "sliding_window_view"])
def test_stft_shape_read_off_scipy_or_a_framing_is_not_accepted_either(student):
    for case in lesson03.SHAPE_CASES:  # the answer is right: only how it was got is refused
        assert tuple(student(*case[:3], center=case[3])) == lesson03.stft_shape.reference()(*case[:3],
                                                                                             center=case[3])
    passed, text = feedback(lesson03.stft_shape, student)
    assert passed is False and "Right shapes, but read off an STFT (or the frames)" in text, text


def test_stft_shape_a_huge_answer_is_echoed_not_wrapped_around():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning from casting 1e30 to int64
        passed, text = feedback(lesson03.stft_shape, lambda n, n_fft, hop, center=True: (10**30, 10**30))
    assert passed is False and "far too large to be a count, got 1e+30" in text and "-9223372036854775808" not in text


def test_stft_shape_formula_passes_with_the_success_message():
    passed, text = feedback(lesson03.stft_shape, lesson03.stft_shape.reference())
    assert passed is True and "All 8 shapes match" in text, text


def test_stft_shape_without_center_parameter_is_reported():
    passed, text = feedback(lesson03.stft_shape, lambda n, n_fft, hop: (1 + n_fft // 2, 1 + n // hop))
    assert passed is False and "TypeError" in text


@pytest.mark.parametrize(
    "answer, hint",
    [((1024, 160), "✓"), ([1024, 160], "✓"), (np.array([1024, 160]), "✓"), ((1024.0, 160.0), "✓"),
     ((160, 1024), "Swapped"), ((512, 160), "too coarse"), ((800, 160), "not a power of two"),
     ((600, 160), "not a power of two"), ((2048, 160), "smaller power of two"), ((1024, 10), "not milliseconds"),
     ((1024, 160000), "0.010 s"), ((1024, 256), "default hop is win_length // 4, 100 here"),
     ((1024, 100), "default, win_length // 4"), ((1024, 320), "20 ms"),
     ((0, 160), "positive"), ((1024, 160.5), "should be a whole number"), ((1024,), "pair")],
)
def test_stft_parameters_feedback(answer, hint):
    assert hint in feedback(lesson03.stft_parameters, answer)[1]


def test_stft_parameters_reference_meets_the_requirements():
    n_fft, hop = lesson03.stft_parameters.reference()
    assert 16000 / n_fft <= 20 < 16000 / (n_fft // 2) and hop / 16000 == 0.010


def _two_sided(y, sr, n_fft, hop_length):
    w = scipy.signal.get_window("hann", n_fft)
    _, _, S = scipy.signal.spectrogram(y, fs=sr, window=w, nperseg=n_fft, noverlap=n_fft - hop_length, detrend=False,
                                       scaling="spectrum", return_onesided=False)
    return S * w.sum() ** 2


def _scipy_variant(*, window="hann", overlap=True, detrend=False, scaling="spectrum", undo_scale=True,
                   undo_doubling=True, halve_all=False, magnitude=False, tuple_out=False, transpose=False):
    def scipy_power(y, sr, n_fft, hop_length):
        w = window(n_fft) if callable(window) else scipy.signal.get_window("hann", n_fft)
        kwargs = {"fs": sr, "nperseg": n_fft, "noverlap": n_fft - hop_length if overlap else hop_length,
                  "scaling": scaling, "mode": "psd"}
        if window is not None:
            kwargs["window"] = window(n_fft) if callable(window) else window
        if detrend is not None:
            kwargs["detrend"] = detrend
        f, t, S = scipy.signal.spectrogram(y, **kwargs)
        if undo_scale:
            S = S * (w.sum() ** 2 if scaling == "spectrum" else sr * (w**2).sum())
        if halve_all:
            S = S / 2
        elif undo_doubling:
            S[1:-1] /= 2
        if magnitude:
            S = np.sqrt(S)
        if transpose:
            S = S.T
        return (f, t, S) if tuple_out else S

    return scipy_power


def test_scipy_power_alternative_solution_with_complex_mode_passes():
    def scipy_power(y, sr, n_fft, hop_length):
        w = scipy.signal.get_window("hann", n_fft)
        _, _, Z = scipy.signal.spectrogram(y, fs=sr, window=w, nperseg=n_fft, noverlap=n_fft - hop_length,
                                           detrend=False, scaling="spectrum", mode="complex")
        return np.abs(Z * w.sum()) ** 2

    assert feedback(lesson03.scipy_power, scipy_power)[0] is True
    assert feedback(lesson03.scipy_power, _scipy_variant(scaling="density"))[0] is True


@pytest.mark.parametrize(
    "student, hint",
    [
        (_scipy_variant(window=None), "Tukey"),
        (_scipy_variant(window=np.hanning), "np.hanning is the symmetric Hann"),
        (_scipy_variant(window=lambda n: scipy.signal.get_window("hann", n, fftbins=False)),
         "np.hanning is the symmetric Hann"),
        (_scipy_variant(overlap=False), "not the hop"),
        (_scipy_variant(detrend=None), "detrend=False"),
        (_scipy_variant(undo_scale=False), "times a constant"),
        (_scipy_variant(scaling="density", undo_scale=False), "times a constant"),
        (_scipy_variant(undo_doubling=False), "exactly twice"),
        (_scipy_variant(halve_all=True), "not all of S"),
        (_scipy_variant(magnitude=True), "magnitudes"),
        (_scipy_variant(tuple_out=True), "(freqs, times, Sxx)"),
        (_scipy_variant(transpose=True), "Transposed"),
        (lambda y, sr, n_fft, hop: np.abs(librosa.stft(y, n_fft=n_fft, hop_length=hop)) ** 2, "center=False"),
        (lambda y, sr, n_fft, hop: librosa.stft(y, n_fft=n_fft, hop_length=hop, center=False), "complex"),
        (lambda y, sr, n_fft, hop: np.abs(librosa.stft(y, n_fft=2 * n_fft, hop_length=hop, center=False)) ** 2,
         "frequency rows"),
        (_two_sided, "two-sided spectrum (return_onesided=False)"),
        (lambda y, sr, n_fft, hop: np.zeros((1 + n_fft // 2, 1 + (len(y) - n_fft) // hop)), "only zeros"),
        (lambda y, sr, n_fft, hop: np.full((1 + n_fft // 2, 1 + (len(y) - n_fft) // hop), 2.5),
         "the same value everywhere (2.5)"),
    ],
)
def test_scipy_power_typical_mistakes_get_their_hint(student, hint):
    passed, text = feedback(lesson03.scipy_power, student)
    assert passed is False and hint in text, text


def _librosa_only(y, sr, n_fft, hop_length):
    return np.abs(librosa.stft(y, n_fft=n_fft, hop_length=hop_length, center=False)) ** 2


def _by_hand(y, sr, n_fft, hop_length):
    frames = np.lib.stride_tricks.sliding_window_view(y, n_fft)[::hop_length].T
    return np.abs(np.fft.rfft(scipy.signal.get_window("hann", n_fft)[:, np.newaxis] * frames, axis=0)) ** 2


@pytest.mark.parametrize("student, hint", [(_librosa_only, "come from librosa.stft"),
                                           (_by_hand, "scipy.signal.spectrogram was never called")])
def test_scipy_power_right_numbers_without_scipy_are_not_accepted(student, hint):
    passed, text = feedback(lesson03.scipy_power, student)
    assert passed is False and hint in text, text
    assert "nperseg, window, noverlap, detrend and scaling" in text or "nperseg=n_fft" in text, text  # all five


def test_scipy_power_accepts_scipy_however_it_is_imported_and_shorttimefft():
    from scipy.signal import spectrogram

    def imported_by_name(y, sr, n_fft, hop_length):
        w = scipy.signal.get_window("hann", n_fft)
        _, _, S = spectrogram(y, fs=sr, window=w, nperseg=n_fft, noverlap=n_fft - hop_length, detrend=False,
                              scaling="spectrum")
        S = S * w.sum() ** 2
        S[1:-1] /= 2
        return S

    def short_time_fft(y, sr, n_fft, hop_length):
        stft = scipy.signal.ShortTimeFFT(scipy.signal.get_window("hann", n_fft), hop=hop_length, fs=sr)
        inside = stft.lower_border_end[1], stft.upper_border_begin(len(y))[1]  # frames entirely inside y
        return np.abs(stft.stft(y, p0=inside[0], p1=inside[1])) ** 2

    def scipy_checked_against_librosa(y, sr, n_fft, hop_length):
        S = imported_by_name(y, sr, n_fft, hop_length)
        assert np.allclose(S, _librosa_only(y, sr, n_fft, hop_length))
        return S

    students = [imported_by_name]
    if hasattr(scipy.signal, "ShortTimeFFT"):  # SciPy 1.12 and later; the floor leg has 1.11
        students.append(short_time_fft)
    for student in students:
        passed, text = feedback(lesson03.scipy_power, student)
        assert passed is True and "Your SciPy call reproduces" in text, (student.__name__, text)
    passed, text = feedback(lesson03.scipy_power, scipy_checked_against_librosa)
    assert passed is False and "also calls librosa.stft" in text, text


def test_scipy_power_scipy_called_but_librosa_returned_is_not_accepted():
    def scipy_then_librosa(y, sr, n_fft, hop_length):
        scipy.signal.spectrogram(y, fs=sr, nperseg=n_fft)
        return _librosa_only(y, sr, n_fft, hop_length)

    passed, text = feedback(lesson03.scipy_power, scipy_then_librosa)
    assert passed is False and "also calls librosa.stft" in text, text


def test_scipy_power_hint_names_the_five_defaults():
    text = lesson03.scipy_power.hint_text
    assert "five of its defaults" in text and all(word in text for word in
                                                  ("nperseg", "window", "noverlap", "detrend", "scaling"))


def test_scipy_power_puts_back_a_profiler_that_was_running():
    import sys

    seen = []
    hook = lambda frame, event, arg: seen.append(event)
    sys.setprofile(hook)
    try:
        lesson03.scipy_power.evaluate(_librosa_only)
        assert sys.getprofile() is hook
    finally:
        sys.setprofile(None)
