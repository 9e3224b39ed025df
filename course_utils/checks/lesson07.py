"""Exercises of notebooks/07_inversion.ipynb."""

from __future__ import annotations

import math

import numpy as np

from . import AnswerFormatError, Case, NotAttempted, close, correct, exercise, function_exercise, wrong

# ---------------------------------------------------------------------------------------------------------------
# Exercise 1 — predict COLA
# ---------------------------------------------------------------------------------------------------------------

COLA_N_FFT = 512
# (letter, window, hop_length) with n_fft = 512; the notebook's table lists them in this order.
COLA_CASES = [
    ("A", "hann", 256),
    ("B", "hamming", 256),
    ("C", "boxcar", 512),
    ("D", "blackman", 256),
    ("E", "blackman", 128),
    ("F", "hann", 512),
]
COLA_EXPLANATIONS = {
    "A": "Hann with hop = n_fft/2: the falling half of one window and the rising half of the next are cos² and sin² "
    "of the same angle, and cos² + sin² = 1 — the sum is flat.",
    "B": "Hamming is 0.54 − 0.46·cos: a constant plus a (scaled) Hann window. Both parts add up to a constant at "
    "hop = n_fft/2, so the sum is flat (1.08).",
    "C": "A rectangle of ones placed end to end with hop = n_fft covers every sample exactly once: the sum is 1 "
    "everywhere. Overlap is not required; constancy is.",
    "D": "Blackman is narrower than Hann (its weight is concentrated near the centre). Two windows per sample are not "
    "enough: the sum dips to 0.68 between frames. It is COLA only when n_fft / hop is a whole number of at least 3, "
    "such as hop = n_fft/4 (case E).",
    "E": "With hop = n_fft/4, four Blackman windows cover every sample and their sum is flat (1.68). Blackman is COLA "
    "for every hop that splits n_fft into 3 or more equal parts: for n_fft = 512 that is 128, 64, 32, … (512 / 3 is "
    "not a whole number, so hop 170 is not COLA).",
    "F": "Hann with hop = n_fft: the windows only touch at their ends, where they are 0 — the sum falls to 0 between "
    "frames.",
}


def overlap_sum(window, n_fft, hop_length):
    """The steady-state sum of shifted windows: one value for each position 0 … hop_length-1 within a hop."""
    from ..dsp import get_window

    w = get_window(window, n_fft)
    return np.array([w[start::hop_length].sum() for start in range(hop_length)])


def is_cola(window, n_fft, hop_length, *, rtol=1e-10):
    """True when the shifted windows add up to a constant (COLA)."""
    sums = overlap_sum(window, n_fft, hop_length)
    return bool(sums.max() - sums.min() <= rtol * max(abs(sums.max()), 1e-300))


def _reference_cola_predictions():
    # Sum the windows shifted by hop_length (overlap_sum in the notebook) and ask whether the sum is flat:
    # A  Hann, hop n_fft/2        cos² + sin² = 1: flat
    # B  Hamming, hop n_fft/2     a constant plus a Hann window: flat
    # C  rectangle, hop n_fft     tiles the signal, sum = 1: flat
    # D  Blackman, hop n_fft/2    too narrow for two windows per sample: dips
    # E  Blackman, hop n_fft/4    four windows per sample: flat
    # F  Hann, hop n_fft          windows only touch at their zeros: dips to 0
    return [True, True, True, False, True, False]


@exercise(
    reference=_reference_cola_predictions,
    answer={"shape": (len(COLA_CASES),), "dtype": bool},
)
def cola_predictions(got, expected):
    """Picture the windows shifted by hop_length and added. Where the sum dips between frame centres, it is not
    COLA. In the notebook, overlap_sum(window, 512, hop)[512:-512] is that sum away from the first and last frames:
    test your guesses with it."""
    wrong_letters = [letter for (letter, _, _), g, e in zip(COLA_CASES, got, expected) if g != e]
    if not wrong_letters:
        return correct("All six right: A, B, C and E add up to a constant; D and F ripple.")
    first = wrong_letters[0]
    said = "COLA" if got["ABCDEF".index(first)] else "not COLA"
    right = len(COLA_CASES) - len(wrong_letters)
    return wrong(f"{right} of {len(COLA_CASES)} right; check {', '.join(wrong_letters)}. Case {first} (you said "
                 f"{said}): {COLA_EXPLANATIONS[first]}")


# ---------------------------------------------------------------------------------------------------------------
# Exercise 2 — the pitch of the zero-phase buzz
# ---------------------------------------------------------------------------------------------------------------

BUZZ_SR = 22050
BUZZ_N_FFT = 1024
BUZZ_HOP = 256


def _reference_buzz_frequency():
    sr, hop_length = 22050, 256
    # With zero phase every frame's pattern is tied to the frame's start, so it repeats once per hop: period hop_length / sr.
    return sr / hop_length


@exercise(
    reference=_reference_buzz_frequency,
)
def buzz_frequency(got, expected):
    """Every frame's pattern is tied to the frame's start, and a new frame starts every hop_length samples. How many
    times a second does the pattern repeat?"""
    if abs(got - expected) <= 0.5:
        return correct(f"{BUZZ_SR} / {BUZZ_HOP} = {expected:.2f} Hz: the pattern repeats once per hop, "
                       f"{expected:.1f} times a second.")
    if close(got, BUZZ_SR / BUZZ_N_FFT, rel=1e-2):
        return wrong(f"{got:g} Hz is sr / n_fft, the spacing of the frequency bins. The pattern repeats once per "
                     "frame, and a new frame starts every hop_length samples.")
    if close(got, BUZZ_HOP / BUZZ_SR, rel=1e-2) or close(got, 1000 * BUZZ_HOP / BUZZ_SR, rel=1e-2):
        return wrong(f"{got:g} is the time between repeats (the period). A frequency in Hz is 1 / period in seconds.")
    if close(got, 16000 / 128, rel=1e-2) or close(got, 16000 / BUZZ_HOP, rel=1e-2):
        return wrong(f"{got:g} Hz uses the demo's 16 kHz settings. Here sr = {BUZZ_SR} Hz and hop_length = {BUZZ_HOP}.")
    if close(got, expected / 2, rel=1e-2) or close(got, 2 * expected, rel=1e-2):
        return wrong(f"{got:g} Hz is off by a factor of 2: the pattern repeats once per frame, and frames "
                     "start every hop_length samples.")
    return wrong(f"{got:g} Hz is not it. How many frames start per second?")


# ---------------------------------------------------------------------------------------------------------------
# Exercise 3 — spectral convergence
# ---------------------------------------------------------------------------------------------------------------


def _reference_spectral_convergence():
    def spectral_convergence(S_ref, S_est):
        return np.linalg.norm(S_ref - S_est) / np.linalg.norm(S_ref)

    return spectral_convergence


def _sc_test_pairs():
    rng = np.random.default_rng(7)
    reference = np.abs(rng.standard_normal((33, 20)))
    return [
        (reference, reference * 1.1),
        (reference, np.abs(reference + 0.3 * rng.standard_normal(reference.shape))),
        (10 * reference, np.zeros_like(reference)),
        (reference, reference),
    ]


@function_exercise(
    reference=_reference_spectral_convergence,
    cases=lambda: [Case("spectral_convergence(S_ref, S_est)", pair) for pair in _sc_test_pairs()],
    returns={"shape": ()},
    tolerance={"rtol": 1e-6, "atol": 1e-12},
    success="Your spectral_convergence agrees with ‖S_ref − S_est‖_F / ‖S_ref‖_F on four test pairs.",
)
def spectral_convergence(got, expected, case):
    """np.linalg.norm of a 2-D array is the Frobenius norm, the square root of the sum of all squared entries. Take
    it of the difference and divide by the norm of the reference."""
    S_ref, S_est = case.args
    said = f"For one test pair you returned {got:.4g}; expected {expected:.4g}."
    difference = np.linalg.norm(S_ref - S_est)
    ref_norm, est_norm = np.linalg.norm(S_ref), np.linalg.norm(S_est)
    if close(got, difference, rel=1e-6):
        return (f"{said} Divide by the norm of S_ref, so the error is relative (0.1 = 10 % of the "
                "reference).")
    if close(got, expected**2, rel=1e-6) or close(got, np.sum((S_ref - S_est) ** 2) / np.sum(S_ref**2), rel=1e-6):
        return (f"{said} That is the ratio of squared sums (energies). The Frobenius norm is the square "
                "root of the sum of squares: use np.linalg.norm.")
    if est_norm > 0 and close(got, difference / est_norm, rel=1e-6):
        return f"{said} Divide by the norm of the reference S_ref, not of the estimate."
    if close(got, np.linalg.norm(S_ref - S_est, 2) / np.linalg.norm(S_ref, 2), rel=1e-6):
        return (f"{said} np.linalg.norm(A, 2) of a matrix is its largest singular value, not the square root of the "
                "sum of squares: leave out the 2 (or pass 'fro' for the Frobenius norm).")
    if close(got, abs(ref_norm - est_norm) / ref_norm, rel=1e-6, abs_tol=1e-12):
        return (f"{said} Take the norm of the difference, ‖S_ref − S_est‖, not the difference of the "
                "norms: two very different spectrograms can have the same norm.")
    if expected > 0 and close(got, 20 * math.log10(expected), rel=1e-6):
        return f"{said} Return the plain ratio, not decibels."
    if close(got, np.mean(np.abs(S_ref - S_est)) / np.mean(np.abs(S_ref)), rel=1e-6):
        return (f"{said} That is a ratio of mean absolute values; spectral convergence uses the Frobenius "
                "norm (square root of the sum of squares).")
    return f"{said} Hint: ‖S_ref − S_est‖ / ‖S_ref‖ with np.linalg.norm."


# ---------------------------------------------------------------------------------------------------------------
# Exercise 4 — which representations can be inverted exactly?
# ---------------------------------------------------------------------------------------------------------------

INVERTIBLE_OPTIONS = {
    "A": 'librosa.stft(y, n_fft=512, hop_length=128)',
    "B": 'np.abs(librosa.stft(y, n_fft=512, hop_length=128))',
    "C": 'librosa.stft(y, n_fft=512, hop_length=1024)',
    "D": 'librosa.stft(y, n_fft=512, hop_length=256, window="boxcar")',
    "E": 'librosa.stft(y, n_fft=512, hop_length=512)',
    "F": 'librosa.stft(y, n_fft=512, hop_length=192)',
    "G": 'librosa.feature.melspectrogram(y=y, sr=sr, n_fft=512, hop_length=128, n_mels=40)',
    "H": 'librosa.feature.mfcc(y=y, sr=sr, n_fft=512, hop_length=128, n_mels=40, n_mfcc=40)',
}
INVERTIBLE_REASONS = {
    "A": "A is the complex STFT with a Hann window and 75 % overlap: istft gives y back to rounding error, as in "
    "section 2.",
    "B": "B keeps only the magnitude. The phase is gone, and Griffin-Lim only estimates one: close, never exact.",
    "C": "C: hop_length 1024 > n_fft 512, so 512 samples between consecutive frames are never seen by any frame.",
    "D": "D: rectangular windows at 50 % overlap cover every sample twice, with weight 1 each (the windows add up "
    "to 2 everywhere) — nothing is lost, so istft returns y exactly.",
    "E": "E: the periodic Hann window is 0 at its first sample, and with hop_length = n_fft no other frame covers "
    "that sample: one sample per frame is multiplied by 0 and lost.",
    "F": "F: hop 192 is not COLA for Hann, but istft divides by the sum of squared windows, so it only needs that "
    "sum to be non-zero everywhere (no gaps). The complex STFT is complete: y comes back exactly.",
    "G": "G: 40 mel bands summarise 257 frequency bins, and the phase is dropped too: many different signals give "
    "the same mel spectrogram.",
    "H": "H: with n_mfcc = n_mels the DCT can be undone, but what comes back is the dB mel spectrogram with "
    "everything more than 80 dB below its peak raised to that floor (power_to_db's top_db=80, which mfcc applies): "
    "that is lost, and the mel spectrogram itself cannot be inverted either (G).",
}
# The order in which mistakes are explained: conceptual ones first.
_REASON_ORDER = "BGHCEAFD"


def _reference_invertible():
    # Exactly invertible = the complex STFT (phase kept, all bins) with every sample inside a window that is not 0
    # there: A (Hann, 75 % overlap), D (rectangles, 50 % overlap), F (Hann, hop 192: not COLA, but no gaps).
    return {"A", "D", "F"}


def _as_letters(answer):
    if answer is Ellipsis:
        raise NotAttempted
    if isinstance(answer, str):
        items = [c for c in answer if c.strip() and c not in ",;"]
    elif isinstance(answer, (set, frozenset, list, tuple)):
        items = list(answer)
    else:
        raise AnswerFormatError(f'Your answer should be a set of letters such as {{"A", "B"}}, got '
                                f"{type(answer).__name__}")
    if any(item is Ellipsis for item in items):
        raise NotAttempted
    letters = set()
    for item in items:
        if not isinstance(item, str) or item.strip().upper() not in INVERTIBLE_OPTIONS:
            raise AnswerFormatError(f"{item!r} is not one of the options A–H; answer with a set of letters such as "
                                    '{"A", "B"}')
        letters.add(item.strip().upper())
    return letters


@exercise(
    reference=_reference_invertible,
    answer=_as_letters,
)
def invertible(got, expected):
    """Exact inversion needs everything the STFT measured: the phase as well as the magnitude, all the frequency
    bins, and every sample inside at least one window where the window is not zero."""
    if got == expected:
        return correct("A, D and F: the complex STFT with every sample inside some window. Everything else "
                       "drops phase (B, G, H), bands (G, H) or samples (C, E).")
    mistakes = (got - expected) | (expected - got)
    first = next(letter for letter in _REASON_ORDER if letter in mistakes)
    extra, missing = sorted(got - expected), sorted(expected - got)
    parts = []
    if extra:
        parts.append(f"not invertible: {', '.join(extra)}")
    if missing:
        parts.append(f"missing: {', '.join(missing)}")
    return wrong(f"Not quite ({'; '.join(parts)}). {INVERTIBLE_REASONS[first]}")
