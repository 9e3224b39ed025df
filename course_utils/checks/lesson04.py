"""Exercises of notebooks/04_mel_scale.ipynb."""

from __future__ import annotations

import math
import warnings

import numpy as np

from . import Case, correct, distinguish, exercise, function_exercise, wrong

# --- Exercise 1: the inverse of the HTK formula ------------------------------------------------------------------

MEL_TEST_POINTS = (0.0, 250.0, 1000.0, 1500.0, 2000.0, 2840.0)
# Relative tolerance of exercise 1. The HTK Book and Kaldi write the scale as 1127·ln(1 + f/700), and 1127 rounds
# 2595 / ln 10 = 1126.994: their inverse 700·(e^(m/1127) − 1) is off ours by up to 1.5e-5 and must pass; a mistyped
# constant (2590 for 2595) is off by 5e-3 and must not.
MEL_TOLERANCE = 1e-4


def _reference_mel_to_hz_htk():
    def mel_to_hz_htk(m):
        # Undo m = 2595·log10(1 + f/700) step by step: divide, raise 10 to the power, subtract 1, multiply.
        return 700 * (10 ** (m / 2595) - 1)

    return mel_to_hz_htk


def _htk_forward(f):
    return 2595 * math.log10(1 + f / 700)


def _slaney_mel_to_hz(m):
    if m < 15:
        return m * 200 / 3
    return 1000 * math.exp(math.log(6.4) / 27 * (m - 15))


@function_exercise(
    reference=_reference_mel_to_hz_htk,
    cases=[Case(f"mel_to_hz_htk({m:g})", (m,)) for m in MEL_TEST_POINTS],
    returns={"shape": ()},
    tolerance={"rtol": MEL_TOLERANCE, "atol": 1e-6},
    success=f"Your inverse agrees with 700·(10^(m/2595) − 1) at {len(MEL_TEST_POINTS)} points, e.g. 1000 mel → "
    f"{_reference_mel_to_hz_htk()(1000.0):.1f} Hz.",
)
def mel_to_hz_htk(got, expected, case):
    """Start from m = 2595·log10(1 + f/700). Divide by 2595, raise 10 to that power, subtract 1, multiply by 700."""
    (m,) = case.args
    shown, wanted = distinguish(got, expected, digits=6)
    said = f"{case.name} returned {shown} Hz; expected {wanted} Hz."
    if math.isclose(got, 700 * 10 ** (m / 2595), rel_tol=1e-6):
        return f"{said} At 0 mel you should get 0 Hz: subtract 1 after 10**(m / 2595), then multiply by 700."
    if math.isclose(got, 700 * (math.exp(m / 2595) - 1), rel_tol=1e-6, abs_tol=1e-6):
        return f"{said} The formula uses log10, so undo it with 10**(...), not np.exp (that undoes ln)."
    if math.isclose(got, 10 ** (m / 2595) - 1, rel_tol=1e-6, abs_tol=1e-9):
        return f"{said} You forgot the factor 700: f / 700 = 10**(m / 2595) − 1."
    if math.isclose(got, _htk_forward(m), rel_tol=1e-6, abs_tol=1e-6):
        return f"{said} That is the forward formula (Hz → mel); you need its inverse (mel → Hz)."
    if math.isclose(got, _slaney_mel_to_hz(m), rel_tol=1e-4, abs_tol=1e-4):
        return (f"{said} That is Slaney's scale (librosa's default, htk=False). This exercise is the HTK formula: "
                "solve m = 2595·log10(1 + f/700) for f.")
    return f"{said} Solve m = 2595·log10(1 + f/700) for f one step at a time."


# --- Exercise 2: one triangular filter ---------------------------------------------------------------------------

TRIANGLE_FREQS = np.arange(0, 4001, 31.25)
TRIANGLE_CASES = ((500.0, 700.0, 900.0), (1000.0, 1300.0, 1800.0), (0.0, 100.0, 250.0), (3000.0, 3400.0, 3900.0))


def _reference_triangle():
    def triangle(freqs, low, centre, high):
        rising = (freqs - low) / (centre - low)  # 0 at low, 1 at centre
        falling = (high - freqs) / (high - centre)  # 1 at centre, 0 at high
        return np.maximum(0, np.minimum(rising, falling))

    return triangle


@function_exercise(
    reference=_reference_triangle,
    cases=[Case(f"triangle(freqs, {low:g}, {centre:g}, {high:g})", (TRIANGLE_FREQS, low, centre, high))
           for low, centre, high in TRIANGLE_CASES],
    success=f"Your triangle matches on {len(TRIANGLE_CASES)} bands, lopsided ones included.",
)
def triangle(got, expected, case):
    """Two straight lines: rising = (freqs − low) / (centre − low) is 0 at low and 1 at centre; falling = (high −
    freqs) / (high − centre) is 1 at centre and 0 at high. Keep the smaller one, and never below 0."""
    freqs, low, centre, high = case.args
    call = case.name
    if got.shape != freqs.shape:
        return f"{call} returned shape {got.shape}; expected one weight per frequency, {freqs.shape}."
    rising = (freqs - low) / (centre - low)
    falling = (high - freqs) / (high - centre)
    if np.any(got < -1e-12):
        return (f"{call} has negative weights outside the band. Weights are 0 below low and above high: clip with "
                "np.maximum(0, ...).")
    if np.allclose(got, np.maximum(0, rising), atol=1e-9) or np.allclose(got, np.maximum(0, falling), atol=1e-9):
        return (f"{call} is only one side of the triangle. Take the smaller of the rising and the falling line: "
                "np.minimum(rising, falling).")
    scale = float(np.dot(got, expected) / np.dot(expected, expected)) if expected.any() else 0.0
    if scale > 0 and np.allclose(got, scale * expected, atol=1e-9) and not math.isclose(scale, 1.0, rel_tol=1e-6):
        return (f"{call} has the right shape but is scaled by {scale:.4g}: it peaks at {scale:.4g} instead of 1. "
                "Normalisation (norm='slaney') comes later; here the peak at the centre is 1.")
    symmetric = np.maximum(0, 1 - np.abs(freqs - (low + high) / 2) / ((high - low) / 2))
    if np.allclose(got, symmetric, atol=1e-9):
        return (f"{call} is symmetric around (low + high) / 2, but mel triangles are lopsided: the peak is at centre, "
                "and the two sides have different slopes.")
    return (f"{call} differs from the expected weights (largest difference {np.max(np.abs(got - expected)):.3g}). "
            "Rising side: (f − low) / (centre − low); falling side: (high − f) / (high − centre).")


# --- Exercise 3: the smallest n_fft without empty filters --------------------------------------------------------

EMPTY_SR = 22050
EMPTY_N_MELS = 128
EMPTY_HTK = True


def empty_filter_count(sr, n_fft, n_mels, *, htk=False):
    """How many rows of ``dsp.mel_filterbank`` are all zeros (empty filters), without printing its warning."""
    from .. import dsp

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        weights = dsp.mel_filterbank(sr=sr, n_fft=n_fft, n_mels=n_mels, htk=htk)
    return int(np.sum(weights.max(axis=1) <= 0))


def _reference_smallest_n_fft():
    import warnings

    import numpy as np

    from course_utils import dsp

    n_fft = 64
    while True:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # we count the empty filters ourselves
            weights = dsp.mel_filterbank(sr=22050, n_fft=n_fft, n_mels=128, htk=True)
        if not np.any(weights.max(axis=1) == 0):  # no row of weights is all zeros
            break
        n_fft *= 2  # the next power of two
    return n_fft


@exercise(
    reference=_reference_smallest_n_fft,
)
def smallest_n_fft(got, expected):
    """Loop over n_fft = 256, 512, 1024, … and build the filterbank with sr=22050, n_mels=128, htk=True. Count the
    rows whose largest weight is 0 (inside warnings.catch_warnings() if the warning bothers you); stop at the first
    n_fft with none."""
    if got == expected:
        return correct(f"n_fft = {expected}: bins {EMPTY_SR / expected:.1f} Hz apart, fine enough for all "
                       f"{EMPTY_N_MELS} HTK bands at {EMPTY_SR} Hz; n_fft = {expected // 2} still leaves "
                       f"{empty_filter_count(EMPTY_SR, expected // 2, EMPTY_N_MELS, htk=EMPTY_HTK)} empty.")
    if not float(got).is_integer() or got < 2 or int(got) & (int(got) - 1):
        return wrong(f"{got:g} is not a power of two of at least 2. librosa accepts any n_fft, but the exercise (and "
                     "the FFT's speed) asks for 256, 512, 1024, …")
    n_fft = int(got)
    if n_fft > 2**16:
        return wrong(f"n_fft = {n_fft} is far more than needed. Try the powers of two in order and stop at the "
                     "first without empty filters.")
    empties = empty_filter_count(EMPTY_SR, n_fft, EMPTY_N_MELS, htk=EMPTY_HTK)
    if empties:
        return wrong(f"n_fft = {n_fft} still leaves {empties} empty filter{'s' if empties > 1 else ''} (bins "
                     f"{EMPTY_SR / n_fft:.1f} Hz apart). Did you use htk=True and sr={EMPTY_SR}? Go up a power of two.")
    return wrong(f"n_fft = {n_fft} works, but a smaller power of two does too. A larger n_fft costs more computation "
                 "and, if the window grows with it (win_length = n_fft, librosa's default), it also blurs time. "
                 "Find the smallest.")


# --- Exercise 4: a mel spectrogram is a matrix product -----------------------------------------------------------

MEL_CLIP = "four_439c84f4_nohash_1"
MEL_N_FFT = 512
MEL_HOP = 128
MEL_N_MELS = 40


def exercise_inputs():
    """The word, its complex STFT ``D`` and the filterbank ``mel_fb`` of exercise 4 (what the notebook computes)."""
    import librosa

    from .. import data

    word, sr = data.load(MEL_CLIP, verbose=False)
    D = librosa.stft(word, n_fft=MEL_N_FFT, hop_length=MEL_HOP)
    mel_fb = librosa.filters.mel(sr=sr, n_fft=MEL_N_FFT, n_mels=MEL_N_MELS)
    return word, sr, D, mel_fb


def _reference_mel_power():
    def mel_power(D, mel_fb):
        power = np.abs(D) ** 2  # power spectrogram: squared magnitudes, shape (1 + n_fft // 2, n_frames)
        return mel_fb @ power  # (n_mels, 1 + n_fft // 2) @ (1 + n_fft // 2, n_frames) -> (n_mels, n_frames)

    return mel_power


@function_exercise(
    reference=_reference_mel_power,
    cases=lambda: [Case("mel_power(D, mel_fb)", exercise_inputs()[2:])],
    returns={"finite": False, "complex_ok": True},
    tolerance={"rtol": 1e-4, "atol": 0.0, "peak_atol": 1e-6},
    success=lambda expected: f"mel_fb @ |D|² gives the {expected.shape} mel power spectrogram, the same numbers as "
    "librosa.feature.melspectrogram.",
)
def mel_power(got, expected, case):
    """The power spectrogram is np.abs(D)**2, shape (257, n_frames). Each mel band is a weighted sum of its rows,
    with the weights in one row of mel_fb: so the whole mel spectrogram is one matrix product, mel_fb @ power."""
    D, mel_fb = case.args
    if np.iscomplexobj(got):
        power = np.abs(D) ** 2
        if got.shape == expected.shape and np.allclose(got.imag, 0, atol=1e-6 * np.max(np.abs(expected))) and \
                np.allclose(got.real, expected, rtol=1e-4, atol=1e-6 * np.max(np.abs(expected))):
            return ("Right numbers, complex type: D * np.conj(D) is |D|² with a zero imaginary part. Use "
                    "np.abs(D)**2, which is real, so the features are real numbers.")
        if got.shape == expected.shape and np.allclose(got, mel_fb @ D**2, rtol=1e-4, atol=1e-6 * np.max(power)):
            return ("D**2 squares the complex numbers, which is not |D|²: (a + bi)² = a² − b² + 2abi. Square the "
                    "magnitudes instead: np.abs(D)**2.")
        return ("Your mel spectrogram is complex. Take np.abs(D) first: the filterbank adds up energies, not complex "
                "numbers.")
    if got.shape == expected.T.shape and got.shape != expected.shape:
        return (f"Shape {got.shape} is (frames, bands): transposed. Put the filterbank first, mel_fb @ power, to get "
                f"({expected.shape[0]}, {expected.shape[1]}).")
    if got.shape != expected.shape:
        return (f"mel_power(D, mel_fb) has shape {got.shape}; expected {expected.shape} = (n_mels, n_frames). Here "
                f"mel_fb has shape {mel_fb.shape} and D {D.shape}.")
    if not np.all(np.isfinite(got)):
        return "Your answer contains inf or nan. Return the power itself, not its logarithm."
    scale = float(np.max(np.abs(expected)))

    def matches(values):
        return np.allclose(got, values, rtol=1e-4, atol=1e-6 * scale)

    if matches(mel_fb @ np.abs(D)):
        return ("You filtered the magnitudes |D|. A (power) mel spectrogram adds up energies: square first, "
                "np.abs(D)**2.")
    if matches((mel_fb @ np.abs(D)) ** 2):
        return ("You squared after filtering. Square the magnitudes first (power per bin), then add them up with the "
                "filterbank.")
    if np.min(got) < 0:
        return ("Your answer has negative values, which power cannot have. Is it in dB? Keep the linear power here: "
                "lesson 05 takes the decibels.")
    return "The numbers differ from mel_fb @ np.abs(D)**2: square the magnitudes, then one matrix product."
