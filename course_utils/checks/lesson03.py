"""Exercises of notebooks/03_stft.ipynb."""

from __future__ import annotations

import dataclasses
import functools
import sys

import numpy as np

from . import AnswerFormatError, Case, Exercise, as_answer, as_function, correct, exercise, function_exercise, wrong

# ------------------------------------------------------------------------------------------------------- STFT shape
SHAPE_CASES = [  # (n_samples, n_fft, hop_length, center); hop_length does not divide the first two lengths
    (22050, 2048, 512, True),
    (1000, 256, 64, True),
    (16000, 512, 160, True),
    (16000, 512, 128, True),    # len(y) divisible by hop_length: separates 1 + n // hop from ceil(n / hop)
    (16000, 512, 160, False),
    (16000, 400, 100, False),
    (1000, 256, 64, False),
    (16000, 511, 160, True),    # odd n_fft: 1 + n // hop (even n_fft only) gives one frame too many
]


def _reference_stft_shape():
    def stft_shape(n_samples, n_fft, hop_length, center=True):
        n_bins = 1 + n_fft // 2                              # rfft: 0 Hz … sr/2
        padded = n_samples + 2 * (n_fft // 2) if center else n_samples  # center: n_fft // 2 zeros on each side
        n_frames = 1 + (padded - n_fft) // hop_length        # frames must fit entirely inside the padded y
        return n_bins, n_frames

    return stft_shape


def _predicted(shapes: Exercise) -> Exercise:
    """The exercise ``shapes``, whose answer must predict the shape: reading it off an STFT or framing it computes
    (``librosa.stft(np.zeros(n), …).shape``, :func:`_stft_functions`) gets the right numbers without the formula."""

    def checker(answer):
        recorded = _calls(as_function(answer), {"stft": _stft_functions()})
        feedback = shapes.checker(recorded)
        if feedback.passed and "stft" in recorded.called:
            return wrong("Right shapes, but read off an STFT (or the frames) your function computes: the exercise is "
                         "to predict them from n_samples, n_fft, hop_length and center alone, as a model's input "
                         "layer must be sized before any audio arrives. Count the frames with the padding rule "
                         "instead.")
        return feedback

    return dataclasses.replace(shapes, checker=checker)


@_predicted
@function_exercise(
    reference=_reference_stft_shape,
    cases=[Case(f"stft_shape({n}, {n_fft}, {hop}, center={center})", (n, n_fft, hop), {"center": center})
           for n, n_fft, hop, center in SHAPE_CASES],
    returns={"shape": (2,), "dtype": int},
    tolerance={"exact": True},
    success=f"All {len(SHAPE_CASES)} shapes match librosa.stft, with and without center.",
)
def stft_shape(got, expected, case):
    """Rows: 1 + n_fft // 2 rfft bins. Columns: frames start every hop_length samples and must fit inside the
    signal: 1 + (len(y) − n_fft) // hop_length. With center=True y is first padded by n_fft // 2 on both sides
    (for an even n_fft that gives 1 + len(y) // hop_length frames; an odd n_fft pads one sample less)."""
    (n, n_fft, hop), center = case.args, case.kwargs["center"]
    bins, frames = (int(v) for v in got)
    exp_bins, exp_frames = expected
    said = f"{case.name} returned ({bins}, {frames}); expected ({exp_bins}, {exp_frames})."
    if (bins, frames) == (exp_frames, exp_bins):
        return f"{said} Swapped: librosa puts frequency first, (bins, frames) — each column is one frame."
    if bins != exp_bins:
        if bins == n_fft:
            return f"{said} An n_fft-point rfft has n_fft // 2 + 1 bins, not n_fft: the mirrored half is dropped."
        if bins == n_fft // 2:
            return f"{said} One bin short: count both 0 Hz and sr/2, n_fft // 2 + 1."
        return f"{said} The number of rows is the number of rfft bins, 1 + n_fft // 2."
    if frames == _reference_stft_shape()(n, n_fft, hop, center=not center)[1]:
        if center:
            return (f"{said} That is the center=False count. With center=True librosa pads n_fft // 2 samples on both "
                    "sides, so frame t is centred on sample t·hop_length: 1 + len(y) // hop_length.")
        return (f"{said} That is the center=True count. With center=False there is no padding, and every frame must "
                "fit inside y: 1 + (len(y) − n_fft) // hop_length.")
    if center and n_fft % 2 == 1 and frames == 1 + n // hop:
        return (f"{said} 1 + len(y) // hop_length holds only for an even n_fft. An odd n_fft is padded by n_fft // 2 = "
                f"{n_fft // 2} on each side, one sample less than n_fft / 2: count the frames that fit in the padded "
                "signal, 1 + (len(y) + 2·(n_fft // 2) − n_fft) // hop_length.")
    if center and n % hop == 0 and frames == n // hop:
        # only reached by a count that was right where hop_length does not divide len(y): ceil(n / hop)
        return (f"{said} ceil(len(y) / hop_length) equals 1 + len(y) // hop_length except when hop_length divides "
                "len(y), as here: use the floor division form.")
    if frames == exp_frames - 1:
        return (f"{said} One frame short: frame 0 starts (or is centred) at sample 0, then one more every "
                "hop_length — count 1 + ….")
    if center and frames in (1 + n // n_fft, n // n_fft):
        return f"{said} Frames advance by hop_length, not n_fft: they overlap."
    if not center and frames in (1 + (n - n_fft) // n_fft, (n - n_fft) // n_fft):
        return f"{said} Frames advance by hop_length, not n_fft: they overlap."
    return (f"{said} Hint: frames = 1 + (padded length − n_fft) // hop_length, where center=True pads n_fft // 2 on "
            "each side and center=False does not pad.")


# -------------------------------------------------------------------------------------------------- choose n_fft, hop
PARAM_SR = 16000
PARAM_FRAME_RATE_MS = 10.0
PARAM_MAX_BIN_HZ = 20.0
PARAM_WIN_LENGTH = 400


def _reference_stft_parameters():
    import math

    sr = 16000
    n_fft = 2 ** math.ceil(math.log2(sr / 20))   # bins at most 20 Hz apart: sr / n_fft <= 20
    hop_length = int(sr * 10 / 1000)             # one frame every 10 ms
    return n_fft, hop_length


@exercise(
    reference=_reference_stft_parameters,
    answer={"shape": (2,), "dtype": int, "name": "(n_fft, hop_length)"},
)
def stft_parameters(got, expected):
    """Δf = sr / n_fft must be ≤ 20 Hz, so n_fft ≥ 16000 / 20 = 800: take the next power of two. Δt = hop_length /
    sr must be 10 ms, so hop_length = 16000 · 0.010 samples."""
    n_fft, hop = (int(v) for v in got)
    expected_n_fft, expected_hop = expected
    if (n_fft, hop) == (expected_n_fft, expected_hop):
        return correct(f"n_fft = {n_fft} (Δf = {PARAM_SR / n_fft:.3g} Hz ≤ 20 Hz) and hop_length = {hop} "
                       f"(Δt = {1000 * hop / PARAM_SR:g} ms).")
    if (hop, n_fft) == (expected_n_fft, expected_hop):
        return wrong("Swapped: answer (n_fft, hop_length), in that order.")
    if n_fft <= 0 or hop <= 0:
        return wrong("Both n_fft and hop_length are positive numbers of samples.")
    if n_fft != expected_n_fft:
        delta_f = PARAM_SR / n_fft
        if n_fft & (n_fft - 1):
            if delta_f <= PARAM_MAX_BIN_HZ:
                return wrong(f"n_fft = {n_fft} gives Δf = {delta_f:.3g} Hz, fine, but it is not a power of two: round "
                             "up to the next power of two (the FFT is fastest there).")
            return wrong(f"n_fft = {n_fft} gives Δf = {delta_f:.3g} Hz > 20 Hz, and it is not a power of two.")
        if delta_f > PARAM_MAX_BIN_HZ:
            return wrong(f"n_fft = {n_fft} gives Δf = sr / n_fft = {delta_f:.3g} Hz, more than 20 Hz: too coarse.")
        return wrong(f"n_fft = {n_fft} gives Δf = {delta_f:.3g} Hz, which works, but a smaller power of two also "
                     "does, with less computation and memory (the window stays win_length samples long).")
    if hop == 10:
        return wrong("hop_length is in samples, not milliseconds: 10 ms at 16 000 Hz is how many samples?")
    if hop == PARAM_SR * 10:
        return wrong(f"hop_length = {hop} samples is {hop / PARAM_SR:g} s. 10 ms is 0.010 s.")
    if hop == PARAM_WIN_LENGTH // 4:
        return wrong(f"hop_length = {hop} is librosa's default, win_length // 4 ({1000 * hop / PARAM_SR:g} ms); the "
                     "task asks for a frame every 10 ms.")
    if hop == n_fft // 4:
        return wrong(f"hop_length = {hop} is n_fft // 4 ({1000 * hop / PARAM_SR:g} ms). librosa's default hop is "
                     f"win_length // 4, {PARAM_WIN_LENGTH // 4} here; either way the task asks for a frame every "
                     "10 ms.")
    return wrong(f"hop_length = {hop} samples is {1000 * hop / PARAM_SR:g} ms between frames; the task asks for "
                 "10 ms: hop_length = sr · 0.010.")


# ----------------------------------------------------------------------------------- scipy spectrogram = librosa
def _reference_scipy_power():
    import scipy.signal

    def scipy_power(y, sr, n_fft, hop_length):
        window = scipy.signal.get_window("hann", n_fft)     # librosa's periodic Hann, not scipy's default Tukey
        freqs, times, S = scipy.signal.spectrogram(
            y, fs=sr, window=window, nperseg=n_fft,
            noverlap=n_fft - hop_length,                     # scipy asks for the overlap, librosa for the hop
            detrend=False,                                   # scipy subtracts each segment's mean by default
            scaling="spectrum", mode="psd",
        )
        S = S * window.sum() ** 2                            # "spectrum" scaling divided by sum(window)²
        S[1:-1] /= 2                                         # one-sided: scipy doubled all bins but 0 Hz and sr/2
        return S

    return scipy_power


def _scipy_cases():
    rng = np.random.default_rng(3)
    sr = 8000
    n = np.arange(4000)
    y = 0.3 + 0.5 * np.sin(2 * np.pi * 440 * n / sr) + 0.05 * rng.standard_normal(len(n))
    return [Case(f"scipy_power(y, sr={sr}, n_fft={n_fft}, hop_length={hop})", (signal, sr, n_fft, hop))
            for signal, n_fft, hop in ((y, 256, 64), (y[:3001], 512, 128))]


def _as_power(result, *, name):
    """scipy.signal.spectrogram's whole (freqs, times, Sxx) is a typical mistake of its own."""
    if isinstance(result, tuple) and len(result) == 3:
        raise AnswerFormatError(f"{name} returned a tuple of 3 — scipy.signal.spectrogram's (freqs, times, Sxx). "
                                "Return only the power array Sxx (after fixing its scale).")
    return as_answer(result, name=name, ndim=2, finite=False, complex_ok=True)


def _stft_functions():
    """The code objects of what a lesson 03 shape answer could run instead of working the shape out: the STFTs of
    librosa, the course and SciPy (``stft``, ``spectrogram``, ``ShortTimeFFT``), and the framing functions whose
    output has the frame count in its shape (``librosa.util.frame``, ``dsp.frame``, NumPy's
    ``sliding_window_view``)."""
    import inspect

    import librosa
    import scipy.signal

    from .. import dsp

    functions = [librosa.stft, dsp.stft, scipy.signal.stft, scipy.signal.spectrogram, librosa.util.frame, dsp.frame,
                 np.lib.stride_tricks.sliding_window_view]
    short_time_fft = getattr(scipy.signal, "ShortTimeFFT", None)  # SciPy 1.12 and later
    if short_time_fft is not None:
        functions += [short_time_fft.stft, short_time_fft.spectrogram]
    # NumPy's functions are dispatchers around a plain Python function: unwrap to the code that runs
    return {inspect.unwrap(function).__code__ for function in functions}


def _spectral_functions():
    """The code objects of the spectral functions a scipy_power answer may call, by library: SciPy's and librosa's."""
    import librosa
    import scipy.signal

    scipy_codes = {scipy.signal.spectrogram.__code__}
    short_time_fft = getattr(scipy.signal, "ShortTimeFFT", None)  # SciPy 1.12 and later
    if short_time_fft is not None:
        scipy_codes |= {short_time_fft.stft.__code__, short_time_fft.spectrogram.__code__}
    return {"scipy": scipy_codes, "librosa": {librosa.stft.__code__}}


def _calls(function, groups):
    """``function`` wrapped to record, in ``.called``, which ``groups`` (name → set of code objects) it ran.

    A profile hook sees every Python call, however the student imported the function (``scipy.signal.spectrogram``
    or ``from scipy.signal import spectrogram``); the previous hook (a profiler, a debugger) is put back after.
    """
    called = set()

    def hook(frame, event, arg):
        if event == "call":
            for name, codes in groups.items():
                if frame.f_code in codes:
                    called.add(name)

    @functools.wraps(function)
    def recorded(*args, **kwargs):
        previous = sys.getprofile()
        sys.setprofile(hook)
        try:
            return function(*args, **kwargs)
        finally:
            sys.setprofile(previous)

    recorded.called = called
    return recorded


def _through_scipy(numbers: Exercise) -> Exercise:
    """The exercise ``numbers``, whose answer must also get its numbers from SciPy: librosa's own result, or the
    STFT written out by hand, are right numbers for the wrong exercise."""

    def checker(answer):
        recorded = _calls(as_function(answer), _spectral_functions())
        feedback = numbers.checker(recorded)
        if not feedback.passed:
            return feedback
        if "librosa" in recorded.called:
            if "scipy" in recorded.called:
                return wrong("Right numbers, but your function also calls librosa.stft, the result to reproduce, so "
                             "they may not come from SciPy. Compare with librosa outside scipy_power, and return "
                             "what SciPy computes with no librosa call inside.")
            return wrong("Right numbers, but they come from librosa.stft, the result to reproduce, so nothing about "
                         "SciPy is tested yet. Return what scipy.signal.spectrogram computes, with its nperseg, "
                         "window, noverlap, detrend and scaling set to match.")
        if "scipy" not in recorded.called:
            return wrong("Right numbers, but scipy.signal.spectrogram was never called: the exercise is to find the "
                         "SciPy settings that give them. Start from scipy.signal.spectrogram(y, fs=sr, nperseg=n_fft, "
                         "…) and set window, noverlap, detrend and scaling too.")
        return feedback

    return dataclasses.replace(numbers, checker=checker)


@_through_scipy
@function_exercise(
    reference=_reference_scipy_power,
    cases=_scipy_cases,
    returns=_as_power,
    tolerance={"rtol": 1e-6, "atol": 0.0, "peak_atol": 1e-9},
    success="Your SciPy call reproduces np.abs(librosa.stft(y, center=False))**2 to rounding.",
)
def scipy_power(S, expected, case):
    """Call scipy.signal.spectrogram and change five of its defaults: nperseg (n_fft, not 256), window (Tukey vs
    Hann), noverlap (n_fft − hop_length), detrend (set False) and scaling. With scaling='spectrum' scipy divides |X|²
    by sum(window)² and doubles the bins between 0 Hz and sr/2; multiply and halve them back."""
    y, sr, n_fft, hop = case.args
    call = case.name
    if np.iscomplexobj(S):
        return f"{call} returned complex values: the task asks for power, |X|²."
    if S.shape != expected.shape:
        said = f"{call} has shape {S.shape}; librosa.stft(center=False) gives {expected.shape}."
        if S.shape == expected.shape[::-1]:
            return f"{said} Transposed: keep frequency on the rows, as both libraries do."
        if S.shape[0] == n_fft:
            return (f"{said} {n_fft} rows, one per FFT bin: a two-sided spectrum (return_onesided=False), whose "
                    "upper half mirrors the lower. librosa keeps the one-sided 1 + n_fft // 2 rows: keep SciPy's "
                    "default return_onesided=True.")
        if S.shape[0] != expected.shape[0]:
            return f"{said} Different number of frequency rows: nperseg (and nfft) must be n_fft."
        if S.shape[1] == 1 + (len(y) - n_fft) // (n_fft - hop):
            return f"{said} noverlap is the *overlap* between segments, n_fft − hop_length, not the hop."
        return (f"{said} Segments must start every hop_length samples (noverlap = n_fft − hop_length), with no "
                "padding at the ends (librosa's center=False).")
    if not np.all(np.isfinite(S)):
        return f"{call} contains NaN or inf."
    if np.all(S == S.flat[0]):
        what = "only zeros" if S.flat[0] == 0 else f"the same value everywhere ({S.flat[0]:.3g})"
        return (f"{call} holds {what}, not a spectrogram of y: return the power array scipy.signal.spectrogram "
                "computes from y (the third of its outputs), with its settings changed to match librosa.")
    if np.allclose(S, np.sqrt(expected), rtol=1e-6, atol=1e-9 * np.sqrt(expected).max()):
        return f"{call} looks like magnitudes |X|; the task asks for power, |X|² (mode='psd')."
    strong = expected > 1e-6 * expected.max()
    ratio = np.where(strong, S / np.where(strong, expected, 1.0), np.nan)
    above_first_bins, interior, edges = ratio[2:], ratio[1:-1], ratio[[0, -1]]
    interior_value = np.nanmedian(interior)
    interior_constant = np.nanmax(np.abs(interior / interior_value - 1)) < 1e-6 if interior_value else False
    if interior_constant:
        edge_values = edges[np.isfinite(edges)]
        edges_half = edge_values.size and np.allclose(edge_values, interior_value / 2, rtol=1e-6)
        if np.isclose(interior_value, 2, rtol=1e-6) and edges_half:
            return (f"{call}: the bins between 0 Hz and sr/2 are exactly twice librosa's. A one-sided spectrum from "
                    "scipy doubles them (the energy of the mirrored negative frequencies); halve S[1:-1].")
        if np.isclose(interior_value, 1, rtol=1e-6) and edges_half:
            return (f"{call}: 0 Hz (and sr/2) come out at half librosa's value. scipy doubles only the bins "
                    "*between* them, so halve S[1:-1], not all of S.")
        if np.allclose(edge_values, interior_value, rtol=1e-6) or edges_half:
            return (f"{call} is librosa's power times a constant ({interior_value:.3g}): undo scipy's scaling. "
                    "scaling='density' divides by sr·sum(window²), scaling='spectrum' by sum(window)²; and one-sided "
                    "output doubles the bins between 0 Hz and sr/2.")
    if np.nanmax(np.abs(above_first_bins - 1)) < 1e-6:
        return (f"{call} matches except the lowest bins (0 Hz and next to it): scipy subtracts each segment's mean "
                "first. Pass detrend=False.")
    frames = np.lib.stride_tricks.sliding_window_view(y, n_fft)[::hop].T
    symmetric_hann_power = np.abs(np.fft.rfft(np.hanning(n_fft)[:, np.newaxis] * frames, axis=0)) ** 2
    if np.allclose(S, symmetric_hann_power, rtol=1e-6, atol=1e-9 * symmetric_hann_power.max()):
        return (f"{call} matches a symmetric Hann window. np.hanning is the symmetric Hann; spectral analysis "
                "(librosa, scipy's get_window default) uses the periodic one: scipy.signal.get_window('hann', n_fft).")
    return (f"{call} differs from librosa's power by a ratio that changes from bin to bin: check the window — "
            "scipy's default is a Tukey window, librosa uses a periodic Hann (scipy.signal.get_window('hann', "
            "n_fft)).")
