import numpy as np
import pytest
import scipy.signal

from course_utils.checks import lesson02


def feedback(exercise, answer):
    result = exercise.evaluate(answer)
    return result.passed, str(result)


def test_bin_frequencies_reference_matches_numpy():
    reference = lesson02.bin_frequencies.reference()
    for n_fft, sr in lesson02.BIN_CASES:
        np.testing.assert_allclose(reference(n_fft, sr), np.fft.rfftfreq(n_fft, d=1 / sr))


@pytest.mark.parametrize(
    "student, hint",
    [
        (lambda n, sr: np.arange(n) * sr / n, "np.fft.rfft keeps only"),
        (lambda n, sr: np.arange(n // 2) * sr / n, "one too few"),
        (lambda n, sr: np.arange(n // 2 + 1), "bin numbers"),
        (lambda n, sr: np.arange(n // 2 + 1) * n / sr, "upside down"),
        (lambda n, sr: np.arange(n // 2 + 1) * sr / (2 * n), "half of Δf"),
        (lambda n, sr: np.linspace(0, sr / 2, n // 2 + 1), "odd n_fft"),
        (lambda n, sr: np.arange(n // 2 + 1) * sr / n + 1, "Bin k sits at"),
        (lambda n, sr: np.arange(n // 2 + 3) * sr / n, "n_fft // 2 + 1"),
    ],
)
def test_bin_frequencies_typical_mistakes_get_their_hint(student, hint):
    passed, text = feedback(lesson02.bin_frequencies, student)
    assert passed is False and hint in text, text


def test_bin_frequencies_accepts_a_list():
    passed, _ = feedback(lesson02.bin_frequencies, lambda n, sr: [k * sr / n for k in range(n // 2 + 1)])
    assert passed is True


def _scaled(dc=1.0, nyquist=1.0, always_halve_last=False, factor=2.0):
    def amplitude_spectrum(x):
        n = len(x)
        a = factor * np.abs(np.fft.rfft(x)) / n
        a[0] *= dc
        if n % 2 == 0 or always_halve_last:
            a[-1] *= nyquist
        return a

    return amplitude_spectrum


def _windowed(name):
    def amplitude_spectrum(x):  # what the Pitfalls advise for real audio, but this exercise has no window
        w = scipy.signal.get_window(name, len(x))
        return 2 * np.abs(np.fft.rfft(x * w)) / w.sum()

    return amplitude_spectrum


@pytest.mark.parametrize(
    "student, hint",
    [
        (lambda x: np.abs(np.fft.rfft(x)), "unscaled"),
        (lambda x: np.abs(np.fft.rfft(x)) / len(x), "mirror"),
        (_scaled(), "0 Hz has none"),
        (_scaled(dc=0.5), "bin at exactly sr/2"),
        (_scaled(dc=0.5, nyquist=0.5, always_halve_last=True), "no bin at sr/2"),
        (lambda x: 2 * np.abs(np.fft.fft(x)) / len(x), "np.fft.fft"),
        (lambda x: np.fft.rfft(x) * 2 / len(x), "complex"),
        (lambda x: (2 * np.abs(np.fft.rfft(x)) / len(x)) ** 2, "power"),
        (lambda x: np.abs(np.fft.rfft(x)) ** 2, "power"),
        (lambda x: 3 * np.abs(np.fft.rfft(x)) / len(x), "Scale |X| by 2/n"),
        (lambda x: np.abs(np.fft.rfft(x))[:-1], "shape"),
        (_windowed("hann"), "no window"),
        (_windowed("hamming"), "no window"),
    ],
)
def test_amplitude_spectrum_typical_mistakes_get_their_hint(student, hint):
    passed, text = feedback(lesson02.amplitude_spectrum, student)
    assert passed is False and hint in text, text


def test_amplitude_spectrum_accepts_an_answer_computed_in_float32():
    def in_float32(x):
        return lesson02.amplitude_spectrum.reference()(np.asarray(x, dtype=np.float32))

    assert feedback(lesson02.amplitude_spectrum, in_float32)[0] is True


def test_amplitude_spectrum_names_the_first_wrong_bin():
    def one_bin_off(x):
        amplitudes = lesson02.amplitude_spectrum.reference()(x)
        amplitudes[200] += 0.01  # two empty bins that should read 0; the first is named, not the worst
        amplitudes[300] += 0.02
        return amplitudes

    passed, text = feedback(lesson02.amplitude_spectrum, one_bin_off)
    assert passed is False and "bin 200 reads 0.01" in text, text


def test_amplitude_spectrum_does_not_let_the_student_modify_the_test_signal():
    def in_place(x):
        x *= 0
        return lesson02.amplitude_spectrum.reference()(x)

    assert feedback(lesson02.amplitude_spectrum, in_place)[0] is False


def test_frame_length_reference_really_resolves_the_tones():
    """The reference n_fft separates A4 and A#4 with a Hann window (a dip between two peaks); half of it does not."""
    sr = lesson02.RESOLVE_SR
    expected = lesson02.frame_length.reference()

    def dip_db(n_fft):
        t = np.arange(n_fft) / sr
        x = sum(np.sin(2 * np.pi * f * t) for f in lesson02.RESOLVE_TONES)
        spectrum = np.abs(np.fft.rfft(x * np.hanning(n_fft), 16 * n_fft))
        freqs = np.fft.rfftfreq(16 * n_fft, 1 / sr)
        between = (freqs > lesson02.RESOLVE_TONES[0]) & (freqs < lesson02.RESOLVE_TONES[1])
        return 20 * np.log10(spectrum[between].max() / spectrum[between].min())

    assert expected == 2048
    assert dip_db(expected) > 3
    assert dip_db(expected // 2) < 1


@pytest.mark.parametrize(
    "answer, hint",
    [(2048, "✓"), (2048.0, "✓"), (1024, "rectangular window"), (512, "less than one bin apart"), (1377, "not a power of two"),
     (1376, "too short"), (4096, "shorter power of two"), (0, "positive whole number"), (-5, "positive"),
     (1500.5, "whole number")],
)
def test_frame_length_feedback(answer, hint):
    assert hint in feedback(lesson02.frame_length, answer)[1]


def test_third_harmonic_success_measures_the_deviation_from_three_times_the_measured_f0():
    assert "sits 3.5 Hz above 3 × f0 = 1319.7 Hz" in feedback(lesson02.third_harmonic, 1323.2)[1]


@pytest.mark.parametrize(
    "answer, hint",
    [(1323.2, "✓"), (1322.0, "✓"), (1320, "the ideal"), (1319.7, "the ideal"), (880.7, "second"),
     (1766.5, "fourth"), (1531, "bin number"), (1300, "close but not on the peak"), (5000, "not the third partial")],
)
def test_third_harmonic_feedback(answer, hint):
    assert hint in feedback(lesson02.third_harmonic, answer)[1]


def test_third_harmonic_reference_is_stable_across_methods():
    """A windowed, zero-padded spectrum finds the same peak within the tolerance."""
    from course_utils import data

    y, sr = data.load(lesson02.PIANO_CLIP, verbose=False)
    n = 8 * len(y)
    magnitude = np.abs(np.fft.rfft(y * np.hanning(len(y)), n))
    freqs = np.fft.rfftfreq(n, 1 / sr)
    near = (freqs > 1250) & (freqs < 1400)
    assert abs(freqs[near][np.argmax(magnitude[near])] - lesson02.third_harmonic.reference()) < 1


def test_bin_frequencies_feedback_names_the_bin_that_differs():
    """np.fft.fftfreq labels the last bin −sr/2: the message shows that bin, not four values that all look right."""
    passed, text = feedback(lesson02.bin_frequencies, lambda n, sr: np.fft.fftfreq(n, 1 / sr)[: n // 2 + 1])
    assert passed is False and "bin 4 is at -4000 Hz; expected 4000 Hz" in text, text


def test_frame_length_prints_enough_digits_to_show_the_shortfall():
    """1376 samples put the tones 2.2498 bins apart, short of 2.25: "2.25 bins" would contradict the message."""
    assert "2.2498 bins apart" in feedback(lesson02.frame_length, 1376)[1]


def test_third_harmonic_hint_names_the_arrays_the_notebook_defines(capsys):
    """The notebook defines piano_freqs and piano_amplitude (not y and sr): the hint must point at those."""
    lesson02.third_harmonic.hint()
    hint = capsys.readouterr().out
    assert "piano_freqs" in hint and "piano_amplitude" in hint and "rfft(y)" not in hint


def test_frame_length_uses_the_measured_every_phase_distances():
    """2.25 bins for Hann and 1.5 for the rectangular window, as the lesson's phase table measures them; the message
    for 1024 (1.67 bins) quotes the table's Hann counts around that distance, not a half-lobe argument."""
    text = feedback(lesson02.frame_length, 1024)[1]
    assert "1.67 bins apart" in text and "from 1.5 bins" in text
    assert "7 of 16 at 1.5 bins, 9 at 1.75" in text and "at every phase only from 2.25 bins apart" in text
    assert "main lobe" not in text
    assert "2.25 bins" in feedback(lesson02.frame_length, 2048)[1]


def test_frame_length_hann_phase_counts_are_the_measured_ones():
    """The checker's Hann counts, measured again: equal tones at 16 relative phases, two peaks = a dip of 1 dB."""
    import scipy.signal

    from course_utils import dsp

    def two_peaks(bins_apart, phase, n=64, oversample=64):
        t = np.arange(n)
        pair = np.cos(2 * np.pi * 16 * t / n) + np.cos(2 * np.pi * (16 + bins_apart) * t / n + phase)
        magnitude = np.abs(np.fft.rfft(pair * dsp.get_window("hann", n), oversample * n))
        response = 20 * np.log10(np.maximum(magnitude, 1e-10))
        between = response[int((16 - 0.75) * oversample): int((16 + bins_apart + 0.75) * oversample)]
        return len(scipy.signal.find_peaks(between, prominence=1)[0]) >= 2

    phases = 2 * np.pi * np.arange(16) / 16
    measured = {d: sum(two_peaks(d, p) for p in phases) for d in lesson02.HANN_TWO_PEAK_PHASES}
    assert measured == lesson02.HANN_TWO_PEAK_PHASES
    assert measured[lesson02.HANN_BINS_APART] == 16 and measured[lesson02.HANN_BINS_APART - 0.25] < 16
