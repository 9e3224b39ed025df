"""Exercises of notebooks/02_fourier_transform.ipynb."""

from __future__ import annotations

import numpy as np

from . import Case, close, correct, distinguish, exercise, function_exercise, wrong

# --------------------------------------------------------------------------------------------------- bin frequencies
BIN_CASES = [(8, 8000), (512, 16000), (1024, 22050), (9, 9000)]  # the odd length comes last: its own hint


def _reference_bin_frequencies():
    def bin_frequencies(n_fft, sr):
        delta_f = sr / n_fft                    # the spacing of the bins
        k = np.arange(n_fft // 2 + 1)           # rfft keeps the bins from 0 Hz up to sr/2
        return k * delta_f

    return bin_frequencies


@function_exercise(
    reference=_reference_bin_frequencies,
    cases=[Case(f"bin_frequencies({n_fft}, {sr})", (n_fft, sr)) for n_fft, sr in BIN_CASES],
    returns={"ndim": 1},
    tolerance={"rtol": 1e-9, "atol": 1e-9},
    success="Your bin frequencies match np.fft.rfftfreq for even and odd n_fft, e.g. 31.25 Hz spacing for n_fft = "
    "512 at 16 kHz.",
)
def bin_frequencies(got, expected, case):
    """Bin k of an n_fft-point DFT is the frequency making k whole cycles in n_fft samples: k · sr / n_fft. rfft
    keeps k = 0 … n_fft // 2."""
    n_fft, sr = case.args
    call = case.name
    said = f"{call} returned {len(got)} values"
    if len(got) == n_fft:
        return (f"{said}, one per DFT bin. np.fft.rfft keeps only n_fft // 2 + 1 = {len(expected)} of them (0 Hz … "
                "sr/2): for a real signal the others mirror them.")
    if len(got) == len(expected) - 1:
        return (f"{said}, one too few: there are n_fft // 2 + 1 = {len(expected)} bins, 0 Hz and (for an even n_fft) "
                "sr/2 both included.")
    if len(got) != len(expected):
        return f"{said}; rfft gives n_fft // 2 + 1 = {len(expected)} bins."
    if np.allclose(got, np.arange(len(expected))):
        return f"{call} returned the bin numbers k = 0, 1, 2…; convert them to Hz: k · sr / n_fft."
    if got[1] > 0 and close(got[1], n_fft / sr, rel=1e-6):
        return f"{call}: your spacing is n_fft / sr = {got[1]:.4g}; upside down — Δf = sr / n_fft."
    if close(got[1], expected[1] / 2, rel=1e-6):
        return (f"{call}: your spacing is sr / (2·n_fft) = {got[1]:g} Hz, half of Δf = sr / n_fft = {expected[1]:g} "
                "Hz. The n_fft bins share the whole range 0…sr, not 0…sr/2.")
    if n_fft % 2 == 1 and close(got[-1], sr / 2, rel=1e-9):
        return (f"{call} ends at sr/2 = {sr / 2:g} Hz, but with an odd n_fft no bin falls on sr/2: the last one is at "
                f"{expected[-1]:g} Hz. np.linspace(0, sr/2, …) only works for even n_fft; use k · sr / n_fft.")
    k = int(np.argmax(~np.isclose(got, expected, rtol=1e-9, atol=1e-9)))  # the first bin that differs
    shown, wanted = distinguish(got[k], expected[k])
    return f"{call}: bin {k} is at {shown} Hz; expected {wanted} Hz. Bin k sits at k · sr / n_fft."


# ------------------------------------------------------------------------------------------------ amplitude spectrum
def _test_signal(n: int, sr: int = 1000) -> np.ndarray:
    """A 0.3 offset, tones of 0.8 and 0.2 at 50 and 120 Hz and (for even n) 0.1 at exactly the Nyquist frequency."""
    t = np.arange(n) / sr
    x = 0.3 + 0.8 * np.sin(2 * np.pi * 50 * t) + 0.2 * np.cos(2 * np.pi * 120 * t + 0.4)
    if n % 2 == 0:
        x = x + 0.1 * np.cos(np.pi * np.arange(n))  # +0.1, -0.1, +0.1…: a cosine at exactly sr/2
    return x


def _reference_amplitude_spectrum():
    def amplitude_spectrum(x):
        n = len(x)
        amplitudes = 2 * np.abs(np.fft.rfft(x)) / n   # a tone of amplitude A gives |X| = A·n/2
        amplitudes[0] /= 2                             # 0 Hz has no mirror image: |X[0]| = offset·n
        if n % 2 == 0:
            amplitudes[-1] /= 2                        # nor has the bin at exactly sr/2 (even n)
        return amplitudes

    return amplitude_spectrum


@function_exercise(
    reference=_reference_amplitude_spectrum,
    cases=[Case(f"amplitude_spectrum(x) for len(x) = {n}", (_test_signal(n),)) for n in (1000, 999)],
    returns={"ndim": 1},
    tolerance={"peak_atol": 1e-6},  # an answer computed in float32 is right: its empty bins hold ~1e-7 of the peak
    success="A 0.3 offset, tones of 0.8 and 0.2 and a 0.1 component at sr/2 all read their true amplitudes, for "
    "even and odd lengths.",
)
def amplitude_spectrum(got, expected, case):
    """A tone of amplitude A on a bin gives |X[k]| = A·n/2 (half at +f, half at the mirror −f), a constant offset c
    gives |X[0]| = c·n. So scale by 2/n, except bin 0 (and bin n/2 when n is even) by 1/n."""
    n = len(case.args[0])
    if len(got) == n:
        return (f"For len(x) = {n} you returned {n} values: the single-sided spectrum has n // 2 + 1 = "
                f"{len(expected)} (use np.fft.rfft, not np.fft.fft).")
    if got.shape != expected.shape:
        return (f"For len(x) = {n} you returned shape {got.shape}; expected ({len(expected)},), one value per rfft "
                "bin.")
    tone_bin = 50  # 50 Hz at sr = 1000 and n = 1000: bin 50 (n = 999 puts it near 49.95)
    tone = got[tone_bin]
    ratio = tone / expected[tone_bin] if expected[tone_bin] else float("nan")
    if close(ratio, n / 2, rel=1e-4):
        return (f"The 0.8-amplitude tone reads {tone:.4g}: that is |X| unscaled, A·n/2. Divide by n/2 so a tone of "
                "amplitude A reads A.")
    if close(ratio, 0.5, rel=1e-4):
        return (f"The 0.8-amplitude tone reads {tone:.4g}, half its amplitude: |X|/n splits the tone between +f and "
                "its mirror −f. The single-sided spectrum adds the mirror back: 2·|X|/n.")
    if close(tone, expected[tone_bin] ** 2, rel=1e-4) or close(tone, (expected[tone_bin] * n / 2) ** 2, rel=1e-4):
        return (f"The 0.8-amplitude tone reads {tone:.4g}: that is a power (squared). We want amplitudes: "
                "np.abs(X), scaled by 2/n.")
    if not close(ratio, 1.0, rel=1e-4):
        return (f"The 0.8-amplitude tone (bin {tone_bin}) reads {tone:.4g}; expected {expected[tone_bin]:.4g}. "
                "Scale |X| by 2/n.")
    beside = got[tone_bin + 1]  # the tone sits exactly on its bin, so without a window its neighbours read ~0
    if n % 2 == 0 and beside > 0.1 * expected[tone_bin]:
        return (f"Bin {tone_bin + 1}, next to the on-bin 0.8 tone, reads {beside:.4g}; without a window it reads 0 "
                "(to rounding). This exercise asks for the spectrum of x itself: no window.")
    if close(got[0], 2 * expected[0], rel=1e-6):
        return (f"The 0.3 offset (bin 0, 0 Hz) reads {got[0]:.4g}, twice too much. Only frequencies with a mirror "
                "image (−f) get the factor 2; 0 Hz has none: divide bin 0 by n.")
    if n % 2 == 0 and close(got[-1], 2 * expected[-1], rel=1e-6):
        return (f"The 0.1 cosine at sr/2 (the last bin) reads {got[-1]:.4g}, twice too much. Like 0 Hz, the bin at "
                "exactly sr/2 (even n only) has no mirror: divide it by n.")
    if n % 2 == 1 and close(got[-1], expected[-1] / 2, rel=1e-6):
        return (f"For odd n = {n} there is no bin at sr/2, so the last bin keeps the factor 2 (only divide it by n "
                "when n is even).")
    atol = 1e-9 + 1e-6 * np.abs(expected).max()
    k = int(np.argmax(~np.isclose(got, expected, rtol=1e-6, atol=atol)))  # the first bin that differs
    shown, wanted = distinguish(got[k], expected[k])
    return (f"For len(x) = {n}, bin {k} reads {shown}; expected {wanted}. Scale 2·|X|/n, but bin 0 (and bin n/2 "
            "for even n) by 1/n.")


# ------------------------------------------------------------------------------------- frame length for resolution
RESOLVE_SR = 16000
RESOLVE_TONES = (440.0, 466.16)  # A4 and A♯4, one semitone apart
HANN_BINS_APART = 2.25  # lesson 02 measures it: from 2.25 bins apart, two Hann-windowed tones show two peaks at every phase
BOXCAR_BINS_APART = 1.5  # the same measurement for the rectangular window
# The Hann row of that table: how many of 16 relative phases show two peaks (a dip of at least 1 dB), by distance
HANN_TWO_PEAK_PHASES = {1.0: 2, 1.25: 5, 1.5: 7, 1.75: 9, 2.0: 11, 2.25: 16}


def _reference_frame_length():
    import math

    sr = 16000
    separation_hz = 466.16 - 440.0       # A4 and A#4
    bins_needed = 2.25                   # Hann: two peaks at every relative phase from 2.25 bins apart
    min_n_fft = bins_needed * sr / separation_hz   # Δf = sr / n_fft must be at most separation / 2.25
    return 2 ** math.ceil(math.log2(min_n_fft))    # the next power of two


@exercise(
    reference=_reference_frame_length,
    answer={"shape": (), "name": "n_fft"},
)
def frame_length(got, expected):
    """The tones are 26.16 Hz apart. A Hann window needs them at least 2.25 bins apart, so Δf = sr / n_fft must be
    at most 26.16 / 2.25 = 11.63 Hz. Solve for n_fft, then round up to a power of two."""
    separation = RESOLVE_TONES[1] - RESOLVE_TONES[0]
    if got == expected:
        return correct(f"n_fft = {expected}: Δf = {RESOLVE_SR / expected:.2f} Hz, the tones are "
                       f"{separation / (RESOLVE_SR / expected):.1f} bins apart — clear of the {HANN_BINS_APART:g} bins a Hann "
                       "window needs to show two peaks at every relative phase.")
    if got <= 0 or not float(got).is_integer():
        return wrong(f"{got:g} is not a frame length: n_fft is a positive whole number of samples.")
    n = int(got)
    delta_f = RESOLVE_SR / n
    apart = separation / delta_f
    if n & (n - 1):
        if n >= HANN_BINS_APART * RESOLVE_SR / separation:
            return wrong(f"n_fft = {n} is long enough, but not a power of two; round up to the next power of two.")
        shown = distinguish(apart, HANN_BINS_APART, digits=3)[0]
        return wrong(f"n_fft = {n} is not a power of two, and too short: the tones would be {shown} bins apart.")
    if n > expected:
        return wrong(f"n_fft = {n} works (the tones are {apart:.1f} bins apart), but a shorter power of two also "
                     "does — and a shorter frame blurs time less.")
    if apart >= 1:
        enough_for_boxcar = (f"That would do for the rectangular window (two peaks at every phase from "
                             f"{BOXCAR_BINS_APART:g} bins), but " if apart >= BOXCAR_BINS_APART else "")
        below, above = (max(d for d in HANN_TWO_PEAK_PHASES if d <= apart),
                        min(d for d in HANN_TWO_PEAK_PHASES if d > apart))
        return wrong(f"With n_fft = {n}, Δf = {delta_f:.2f} Hz and the tones are {apart:.2f} bins apart. "
                     f"{enough_for_boxcar}a Hann window shows two peaks at only some relative phases that close "
                     f"(the lesson's table: {HANN_TWO_PEAK_PHASES[below]} of 16 at {below:g} bins, "
                     f"{HANN_TWO_PEAK_PHASES[above]} at {above:g}); at every phase only from {HANN_BINS_APART:g} "
                     "bins apart.")
    return wrong(f"With n_fft = {n}, Δf = {delta_f:.1f} Hz, wider than the {separation:.2f} Hz between the tones: "
                 "they are less than one bin apart.")


# ---------------------------------------------------------------------------------------------- a piano's harmonic
PIANO_CLIP = "piano_A4"
HARMONIC_TOLERANCE_HZ = 2.0


def _reference_third_harmonic():
    from course_utils import data

    y, sr = data.load("piano_A4", verbose=False)
    magnitude = np.abs(np.fft.rfft(y))
    freqs = np.fft.rfftfreq(len(y), d=1 / sr)
    f0 = freqs[np.argmax(magnitude)]                 # the strongest peak: the fundamental, near 440 Hz
    near = np.abs(freqs - 3 * f0) < 0.05 * 3 * f0    # search within ±5 % of 3·f0
    return float(freqs[near][np.argmax(magnitude[near])])


def _piano_f0() -> float:
    """The piano clip's fundamental: the frequency of its strongest bin, as the lesson measures it."""
    from course_utils import data

    y, sr = data.load(PIANO_CLIP, verbose=False)
    return float(np.fft.rfftfreq(len(y), d=1 / sr)[np.argmax(np.abs(np.fft.rfft(y)))])


def _piano_length() -> int:
    """Number of samples of the piano clip (its bins are sr / len apart)."""
    from course_utils import data

    return len(data.load(PIANO_CLIP, verbose=False)[0])


@exercise(
    reference=_reference_third_harmonic,
    answer={"shape": (), "name": "third_harmonic_hz"},
)
def third_harmonic(got, expected):
    """piano_freqs and piano_amplitude are ready: keep the bins whose piano_freqs lie between, say, 1250 and
    1400 Hz, and take the frequency of the largest piano_amplitude among them (np.argmax over that range)."""
    if abs(got - expected) <= HARMONIC_TOLERANCE_HZ:
        f0 = _piano_f0()
        return correct(f"{got:.1f} Hz: the third partial sits {got - 3 * f0:.1f} Hz above 3 × f0 = {3 * f0:.1f} Hz. "
                       "Piano strings are stiff, so their partials are slightly sharp of the harmonics "
                       "(inharmonicity).")
    if close(got, 3 * 440, rel=1e-6) or close(got, 3 * 439.9, rel=1e-4):
        return wrong(f"{got:g} Hz is 3 × the fundamental — the ideal, not the measurement. Find the peak of the "
                     "spectrum near 1320 Hz: a real piano's partials are a little sharp.")
    if abs(got - 880.7) <= 3 * HARMONIC_TOLERANCE_HZ:
        return wrong(f"{got:g} Hz is the *second* partial (near 2·f0). The fundamental counts as the first; the "
                     "third is near 3·f0.")
    if abs(got - 1766.5) <= 3 * HARMONIC_TOLERANCE_HZ:
        return wrong(f"{got:g} Hz is the fourth partial (near 4·f0). The fundamental counts as the first.")
    if abs(got - expected * _piano_length() / 16000) <= 3:
        return wrong(f"{got:g} looks like a bin number, not a frequency: multiply by Δf = sr / N.")
    if abs(got - 3 * 440) < 50:
        return wrong(f"{got:g} Hz is close but not on the peak: look for the largest |X| within a few Hz of 1320 Hz "
                     "(np.argmax over that range).")
    return wrong(f"{got:g} Hz is not the third partial. The fundamental is near 440 Hz; search the spectrum near "
                 "3 × 440 Hz for the highest peak.")
