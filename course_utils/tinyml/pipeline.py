"""The micro_speech audio frontend in integer NumPy, stage by stage, bit-identical to TFLM's.

TFLM's ``audio_preprocessor_int8.tflite`` turns each 30 ms frame of 16 kHz int16 audio into 40 int8 features:

1. window: Hann in Q12, ``(x * w) >> 12``
2. FFT auto-scale: shift left until the peak fills int16 (remember the shift); TFLM's peak finder
   mishandles -32768, and so does this one (:func:`max_abs16`)
3. 512-point real FFT in int16 (KISS FFT, output X / 512)
4. energy ``re**2 + im**2`` (uint32) for bins [5, 241)
5. 40-channel mel filterbank, Q12 weights, uint64 accumulators
6. square root, then undo the auto-scale shift
7. noise reduction (spectral subtraction against a slowly tracking noise estimate) -- the only state
8. PCAN: per-channel automatic gain control driven by that noise estimate
9. log: about ``64 ln(8x)`` (``<< 3`` first), with a 129-point (128-segment) correction table
10. int8: ``trunc((v * 256 + 333) / 666) - 128``, clamped

Every stage is its own function taking a batch of frames (leading axis) so it can be shown and tested alone;
:func:`frontend` chains them for a whole clip and :mod:`.stream` for 20 ms hops.

Taught in notebooks/08_tinyml.ipynb.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..errors import ParameterError
from ..validate import require_choice, require_int, require_number
from .inputs import require_frontend_sr, require_int16_audio
from .kissfft import kiss_rfft_q15
from .qformat import most_significant_bit
from .tables import (
    FFT_LENGTH,
    INPUT_CORRECTION_BITS,
    LOG_SCALE,
    LOG_SCALE_LOG2,
    LOG_SEGMENTS_LOG2,
    NOISE_SMOOTHING_BITS,
    PCAN_GAIN_BITS,
    PCAN_SNR_BITS,
    SAMPLE_RATE,
    WINDOW_SHIFT,
    WINDOW_SIZE,
    WINDOW_STEP,
    FilterbankTables,
    hann_window_q12,
    log2_correction_lut,
    mel_filterbank_tables,
    pcan_gain_lut,
)

UINT32_MASK = 0xFFFFFFFF
NOISE_SUBTRACTION_BITS = 14  # Q14 smoothing coefficients
PCAN_OUTPUT_BITS = 6
# micro_speech's fixed legacy mapping: features_float = log / 25.6 is taken to span 0..26 over the 256 int8
# steps, so int8 = log * 256 / (25.6 * 26 = 666) - 128, with 333 = 666 / 2 to round. The model's own input
# parameters (scale 0.10171568, zero point -128) differ slightly; see quantize_features.
QUANT_MULTIPLIER = 256
QUANT_ROUNDING = 333
QUANT_DIVISOR = 666
FLOAT_FEATURE_DIVISOR = 25.6

OUTPUTS = ("int8", "log", "float")


@lru_cache(maxsize=4)
def _window(size: int, shift: int) -> np.ndarray:
    return hann_window_q12(size, shift).astype(np.int32)


@lru_cache(maxsize=1)
def _gain_lut() -> np.ndarray:
    return pcan_gain_lut().astype(np.int64)


@lru_cache(maxsize=1)
def _log_lut() -> np.ndarray:
    return log2_correction_lut().astype(np.int64)


def frame_signal(y, frame_length: int = WINDOW_SIZE, hop_length: int = WINDOW_STEP) -> np.ndarray:
    """Cut int16 audio into overlapping frames: 480 samples (30 ms) every 320 samples (20 ms).

    Only whole frames are kept, as a streaming device would emit them: a 1 s clip (16000 samples) gives 49.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    y : numpy.ndarray of int16, shape (n,)
        Audio samples.
    frame_length, hop_length : int
        Window length and step in samples.

    Returns
    -------
    numpy.ndarray of int16, shape (n_frames, frame_length)
    """
    frame_length = require_int("frame_length", frame_length, minimum=1)
    hop_length = require_int("hop_length", hop_length, minimum=1)
    y = require_int16_audio(y, min_length=frame_length)
    return np.lib.stride_tricks.sliding_window_view(y, frame_length)[::hop_length].copy()


def apply_window(frames, window=None, shift: int = WINDOW_SHIFT) -> np.ndarray:
    """Multiply by the Q12 Hann window and drop the 12 fractional bits: ``(x * w) >> 12``, saturated to int16.

    ``>>`` on a negative product rounds towards minus infinity, one of the small ways integer and float
    frontends differ.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    frames : array_like of int16, shape (..., 480)
    window : array_like of int16, optional
        Q``shift`` window; defaults to :func:`~course_utils.tinyml.tables.hann_window_q12`.
    shift : int
        Fractional bits of the window.

    Returns
    -------
    numpy.ndarray of int16
    """
    frames = np.asarray(frames, dtype=np.int16)
    window = _window(frames.shape[-1], shift) if window is None else np.asarray(window, dtype=np.int16)
    raw = (frames.astype(np.int32) * window.astype(np.int32)) >> shift
    return np.clip(raw, -32768, 32767).astype(np.int16)


def _max_abs16_loop(frame: np.ndarray) -> int:
    # TFLM's portable MaxAbs16, line for line. The running maximum is an int16, so when a sample is -32768,
    # -value = 32768 does not fit and is stored as -32768; the next larger sample then replaces it.
    running = 0
    for value in frame.tolist():
        if value > running:
            running = value
        elif -value > running:
            running = -value if value != -32768 else -32768
    return running


def max_abs16(frames) -> np.ndarray:
    """The frame peak as TFLM's ``MaxAbs16`` finds it: the largest ``|sample|``, except after a sample of -32768.

    TFLM's portable C keeps the running maximum in an ``int16_t`` and updates it with ``max = -value``. For
    ``value = -32768`` that is 32768, which int16 cannot hold: it is stored as -32768, so the maximum found so far
    is lost and the next sample above -32768 takes its place. The result is then the largest ``|sample|`` *after*
    the last -32768, roughly; it can even stay negative (or 0) when only a rising run of negative samples, or
    silence, follows. Frames without -32768 get the true peak.

    This is what the deployed frontend computes (``signal/src/max_abs.cc``: Arm Cortex-M and the ``tflite-micro``
    Python interpreter; only Xtensa HiFi DSPs use a saturating instruction and find the true peak), so the course
    reproduces it.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    frames : array_like of int16, shape (..., n)

    Returns
    -------
    numpy.ndarray of int16, shape (...)
        The running maximum after the last sample of each frame (negative or 0 after a trailing -32768).
    """
    frames = np.asarray(frames, dtype=np.int16)
    rows = frames.reshape(-1, frames.shape[-1])
    # Without a -32768 the loop's result is simply the largest |sample|; only the other frames replay it.
    peak = np.abs(rows.astype(np.int32)).max(axis=-1)
    for index in np.flatnonzero((rows == -32768).any(axis=-1)):
        peak[index] = _max_abs16_loop(rows[index])
    return peak.astype(np.int16).reshape(frames.shape[:-1])


def fft_auto_scale(frames) -> tuple[np.ndarray, np.ndarray]:
    """Shift each frame left as far as its peak allows, so the int16 FFT keeps as many significant bits as possible.

    ``shift = 15 - (bits of the peak)``, at least 0, and the shifted samples are stored back into int16 (wrapping,
    as C does). The shift is returned because the square-root stage undoes it.

    The peak is TFLM's (:func:`max_abs16`), not the true one. A frame holding -32768 has a true peak of 32768 and
    could not be shifted at all, but TFLM's ``MaxAbs16`` loses the maximum at that sample and takes the peak of
    what follows: ``[-32768, 5, 1]`` gets shift 12, and the -32768 wraps to 0 (-32768 * 4096 keeps no low bits).
    A peak left at 0 or below gives shift 0. The deployed frontend computes this, so the course reproduces it.
    (The older C microfrontend that made the training features differs again: its ``|x|`` of -32768 wraps and
    never wins, so it takes the peak of the other samples.)

    After the Hann window (peak 4096 in Q12) only the 4 samples in the middle of a frame can still be -32768, so
    clipped audio rarely meets this; when it does, one frame's spectrum changes and, through the noise estimate,
    the frames after it.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    frames : array_like of int16, shape (..., n)

    Returns
    -------
    scaled : numpy.ndarray of int16, same shape
    shift : numpy.ndarray of int64, shape (...)
        Bits shifted per frame (0 for a silent or already full-scale frame).
    """
    frames = np.asarray(frames, dtype=np.int16)
    peak = max_abs16(frames).astype(np.int64)
    # MostSignificantBit32 of 0 (GCC/Clang builds: Arm, the Python package), or of a negative peak sign-extended
    # to uint32, is 32: 16 - 32 - 1 < 0, so no shift.
    bits = most_significant_bit(np.maximum(peak, 0))
    shift = np.where(peak > 0, np.maximum(15 - bits, 0), 0)
    scaled = (frames.astype(np.int32) << shift[..., None]).astype(np.int16)
    return scaled, shift


def rfft_q15(frames, fft_length: int = FFT_LENGTH) -> np.ndarray:
    """512-point real FFT in int16, bit-exact to TFLM's KISS FFT: returns X / 512 as (..., 257, 2) int16.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    frames : array_like of int16, shape (..., n), n <= fft_length
    fft_length : int

    Returns
    -------
    numpy.ndarray of int16, shape (..., fft_length // 2 + 1, 2)
        Last axis: real, imaginary.
    """
    re, im = kiss_rfft_q15(frames, fft_length)
    return np.stack([re, im], axis=-1)


def spectrum_energy(spectrum, start_index: int | None = None, end_index: int | None = None) -> np.ndarray:
    """Power ``re**2 + im**2`` per FFT bin as uint32, computed only for the bins the filterbank reads.

    Bins outside [start_index, end_index) are left at 0, as in the graph ([5, 241): 156-7500 Hz).

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    spectrum : array_like of int16, shape (..., n_bins, 2)
        Output of :func:`rfft_q15`.
    start_index, end_index : int, optional
        Bin range; defaults to the filterbank's.

    Returns
    -------
    numpy.ndarray of uint32, shape (..., n_bins)
    """
    spectrum = np.asarray(spectrum, dtype=np.int16)
    tables = mel_filterbank_tables()
    start = tables.start_index if start_index is None else require_int("start_index", start_index, minimum=0)
    end = tables.end_index if end_index is None else require_int("end_index", end_index, minimum=start)
    part = spectrum[..., start:end, :].astype(np.int64)
    energy = np.zeros(spectrum.shape[:-1], dtype=np.uint32)
    energy[..., start:end] = (part[..., 0] ** 2 + part[..., 1] ** 2).astype(np.uint32)
    return energy


@lru_cache(maxsize=1)
def _filterbank_matrix(n_bins: int) -> np.ndarray:
    return mel_filterbank_tables().dense_matrix(n_bins).astype(np.float64)


def filterbank(energy, *, tables: FilterbankTables | None = None) -> np.ndarray:
    """Sum the energy into 40 triangular mel channels with Q12 weights, in uint64 accumulators.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    energy : array_like of uint32, shape (..., 257)
    tables : FilterbankTables, optional
        Other weights, e.g. ``mel_filterbank_tables(weight_rounding="nearest")``; the frontend graph's by default.

    Returns
    -------
    numpy.ndarray of uint64, shape (..., 40)
    """
    energy = np.asarray(energy, dtype=np.uint32)
    if tables is None:
        matrix = _filterbank_matrix(energy.shape[-1])
    elif isinstance(tables, FilterbankTables):
        matrix = tables.dense_matrix(energy.shape[-1]).astype(np.float64)
    else:
        raise ParameterError(
            f"tables must be a FilterbankTables (from mel_filterbank_tables), got {type(tables).__name__}"
        )
    # Each sum is below 257 * 2**32 * 2**12 < 2**53, so a float64 matrix product is exact integer arithmetic,
    # and much faster than NumPy's integer matmul.
    return (energy.astype(np.float64) @ matrix).astype(np.uint64)


def integer_sqrt(x) -> np.ndarray:
    """Square root of uint64 values rounded to nearest, as TFLM's ``Sqrt64``, including its shortcut.

    Below 2**32 TFLM uses its 32-bit routine, whose result is a uint16: values from 65535.5**2 up to 2**32
    give 65535 instead of 65536.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    x : array_like of uint64, values below 2**53

    Returns
    -------
    numpy.ndarray of int64
    """
    n = np.asarray(x, dtype=np.uint64).astype(np.int64)
    root = np.floor(np.sqrt(n.astype(np.float64))).astype(np.int64)
    # float sqrt can land one off for large n; step to the exact integer floor.
    root -= root * root > n
    root += (root + 1) * (root + 1) <= n
    root += n - root * root > root
    return np.where(n < (1 << 32), np.minimum(root, 0xFFFF), root)


def filterbank_sqrt(accumulators, shift) -> np.ndarray:
    """Amplitude per channel: rounded square root of the energy sum, then ``>> shift`` to undo the auto-scale.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    accumulators : array_like of uint64, shape (..., 40)
    shift : array_like of int, shape (...)
        The auto-scale shift of each frame.

    Returns
    -------
    numpy.ndarray of uint32
    """
    shift = np.asarray(shift, dtype=np.int64)
    return (integer_sqrt(accumulators) >> shift[..., None]).astype(np.uint32)


@dataclass(frozen=True)
class NoiseReductionConfig:
    """Q14 coefficients of the spectral-subtraction noise estimator (as in the graph's custom options).

    Even channels track the noise with ``smoothing`` (0.025), odd channels faster with ``alternate_smoothing``
    (0.06); at least ``min_signal_remaining`` (5 %) of the signal always survives the subtraction.

    Taught in notebooks/08_tinyml.ipynb.
    """

    smoothing: int
    one_minus_smoothing: int
    alternate_smoothing: int
    alternate_one_minus_smoothing: int
    min_signal_remaining: int
    smoothing_bits: int = NOISE_SMOOTHING_BITS
    subtraction_bits: int = NOISE_SUBTRACTION_BITS
    clamping: bool = False


def noise_reduction_config(
    smoothing: float = 0.025,
    alternate_smoothing: float = 0.06,
    min_signal_remaining: float = 0.05,
    smoothing_bits: int = NOISE_SMOOTHING_BITS,
    subtraction_bits: int = NOISE_SUBTRACTION_BITS,
    clamping: bool = False,
) -> NoiseReductionConfig:
    """Quantize the noise-reduction parameters to Q14 the way TFLM's graph builder does (``int(x * 2**14)``).

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    smoothing : float
        Noise-tracking rate of even channels, in (0, 1).
    alternate_smoothing : float
        Rate of odd channels (0 means same as ``smoothing``).
    min_signal_remaining : float
        Floor of the output as a fraction of the input.
    smoothing_bits : int
        Extra fractional bits of the noise estimate (10).
    subtraction_bits : int
        Fractional bits of the coefficients (14).
    clamping : bool
        Force the estimate down when the signal drops below it (micro_speech: no).

    Returns
    -------
    NoiseReductionConfig
    """
    smoothing = require_number("smoothing", smoothing, above=0, below=1)
    alternate_smoothing = require_number("alternate_smoothing", alternate_smoothing, minimum=0, below=1)
    min_signal_remaining = require_number("min_signal_remaining", min_signal_remaining, minimum=0, maximum=1)
    smoothing_bits = require_int("smoothing_bits", smoothing_bits, minimum=0, maximum=31)
    subtraction_bits = require_int("subtraction_bits", subtraction_bits, minimum=1, maximum=30)
    one = 1 << subtraction_bits
    even = int(smoothing * one)
    odd = int((alternate_smoothing or smoothing) * one)
    return NoiseReductionConfig(
        even, one - even, odd, one - odd, int(min_signal_remaining * one), smoothing_bits, subtraction_bits, clamping
    )


MICRO_SPEECH_NOISE = noise_reduction_config()


def noise_reduction(signal, noise_estimate=None, config: NoiseReductionConfig = MICRO_SPEECH_NOISE):
    """Spectral subtraction: track a per-channel noise floor and subtract it, frame after frame.

    The noise estimate is a first-order low-pass of the signal (kept with 10 extra fractional bits); this is
    the frontend's only state, so frames are processed in order, all 40 channels at once.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    signal : array_like of uint32, shape (n_frames, channels)
        Filterbank amplitudes (output of :func:`filterbank_sqrt`).
    noise_estimate : array_like of uint32, shape (channels,), optional
        State carried in from earlier frames; zeros (a fresh ``reset()``) if omitted.
    config : NoiseReductionConfig
        Q14 coefficients.

    Returns
    -------
    cleaned : numpy.ndarray of uint32, shape (n_frames, channels)
    noise : numpy.ndarray of uint32, shape (n_frames, channels)
        Noise estimate after each frame; the last row is the state for the next frame, and PCAN reads them all.
    """
    signal = np.atleast_2d(np.asarray(signal, dtype=np.uint32)).astype(np.int64)
    n_frames, channels = signal.shape
    estimate = (
        np.zeros(channels, dtype=np.int64)
        if noise_estimate is None
        else np.asarray(noise_estimate, dtype=np.uint32).astype(np.int64).copy()
    )
    odd = np.arange(channels) % 2 == 1
    smoothing = np.where(odd, config.alternate_smoothing, config.smoothing)
    keep = np.where(odd, config.alternate_one_minus_smoothing, config.one_minus_smoothing)
    # uint32 arithmetic of the C code: the shifted-up signal wraps at 2**32.
    scaled_up = (signal << config.smoothing_bits) & UINT32_MASK
    floor = (signal * config.min_signal_remaining) >> config.subtraction_bits
    noise = np.empty_like(signal)
    for t in range(n_frames):
        estimate = ((scaled_up[t] * smoothing + estimate * keep) >> config.subtraction_bits) & UINT32_MASK
        if config.clamping:
            estimate = np.minimum(estimate, scaled_up[t])
        noise[t] = estimate
    # The estimate may exceed the signal; subtract at most all of it so the result stays non-negative.
    subtracted = (scaled_up - np.minimum(noise, scaled_up)) >> config.smoothing_bits
    return np.maximum(subtracted, floor).astype(np.uint32), noise.astype(np.uint32)


def pcan_gain(noise_estimate, lut=None) -> np.ndarray:
    """PCAN gain for each noise estimate, read from the 125-entry table by piecewise-quadratic interpolation.

    The octave of x (its most significant bit) picks four table entries; the next 10 bits below it are the
    position inside the octave. Mirrors TFLM's ``WideDynamicFunction``.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    noise_estimate : array_like of uint32
    lut : array_like of int16, optional
        Gain table; defaults to :func:`~course_utils.tinyml.tables.pcan_gain_lut`.

    Returns
    -------
    numpy.ndarray of int16
        Gain with 21 fractional bits (the graph's ``gain_bits``).
    """
    x = np.asarray(noise_estimate, dtype=np.uint32).astype(np.int64)
    lut = _gain_lut() if lut is None else np.asarray(lut, dtype=np.int16).astype(np.int64)
    interval = most_significant_bit(x)
    base = np.clip(4 * interval - 6, 0, len(lut) - 3)
    frac = np.where(interval < 11, x << np.clip(11 - interval, 0, None), x >> np.clip(interval - 11, 0, None)) & 0x3FF
    result = (lut[base + 2] * frac) >> 5
    result = (result + (lut[base + 1] << 5)) * frac
    result = ((result + (1 << 14)) >> 15) + lut[base]
    gain = np.where(x <= 2, lut[np.minimum(x, 2)], result)
    return gain.astype(np.int16)


def pcan_shrink(snr) -> np.ndarray:
    """PCAN's soft threshold: ``x**2 / 4`` below 2, ``x - 1`` above (SNR in Q12 in, Q6 out).

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    snr : array_like of uint32

    Returns
    -------
    numpy.ndarray of uint32
    """
    x = np.asarray(snr, dtype=np.uint32).astype(np.int64)
    small = (x * x) >> (2 + 2 * PCAN_SNR_BITS - PCAN_OUTPUT_BITS)
    large = (x >> (PCAN_SNR_BITS - PCAN_OUTPUT_BITS)) - (1 << PCAN_OUTPUT_BITS)
    return np.where(x < (2 << PCAN_SNR_BITS), small, large).astype(np.uint32)


def pcan(signal, noise_estimate, lut=None, snr_shift: int = PCAN_GAIN_BITS - INPUT_CORRECTION_BITS - PCAN_SNR_BITS):
    """Per-channel automatic gain control: divide by a power of the noise floor, then soft-threshold.

    ``snr = signal * gain(noise) >> snr_shift``; loud steady backgrounds are pulled down, quiet ones lifted.
    No state of its own, so all frames are computed at once.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    signal : array_like of uint32, shape (..., 40)
        Noise-reduced amplitudes.
    noise_estimate : array_like of uint32, same shape
        The noise estimate of the same frame (second output of :func:`noise_reduction`).
    lut : array_like of int16, optional
        Gain table.
    snr_shift : int
        21 gain bits - 3 correction bits - 12 SNR bits = 6.

    Returns
    -------
    numpy.ndarray of uint32
    """
    snr_shift = require_int("snr_shift", snr_shift, minimum=0, maximum=63)
    # The int16 gain is stored into a uint32, so a (never expected) negative gain would wrap, as in C.
    gain = pcan_gain(noise_estimate, lut).astype(np.int64) & UINT32_MASK
    signal = np.asarray(signal, dtype=np.uint32).astype(np.uint64)
    snr = ((signal * gain.astype(np.uint64)) >> np.uint64(snr_shift)) & np.uint64(UINT32_MASK)
    return pcan_shrink(snr.astype(np.uint32))


LOG_COEFF = round(math.log(2) * (1 << LOG_SCALE_LOG2))  # ln 2 in Q16 = 45426


def log32(x, out_scale: int = LOG_SCALE) -> np.ndarray:
    """Integer natural log, ``round(out_scale * ln x)``, as TFLM's ``Log32``: exact bits plus a table.

    log2 x = (position of the top bit) + log2(mantissa); the mantissa's log is its bits (a straight line)
    plus an interpolated correction from :func:`~course_utils.tinyml.tables.log2_correction_lut`; times ln 2
    gives ln x.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    x : array_like of uint32, values >= 1
    out_scale : int
        Output scale (64).

    Returns
    -------
    numpy.ndarray of int64
    """
    x = np.asarray(x, dtype=np.uint32).astype(np.int64)
    lut = _log_lut()
    integer = most_significant_bit(x) - 1
    frac = x - (np.int64(1) << integer)
    frac = np.where(
        integer < LOG_SCALE_LOG2,
        frac << np.clip(LOG_SCALE_LOG2 - integer, 0, None),
        frac >> np.clip(integer - LOG_SCALE_LOG2, 0, None),
    )
    segment = frac >> (LOG_SCALE_LOG2 - LOG_SEGMENTS_LOG2)
    c0, c1 = lut[segment], lut[segment + 1]
    position = frac - (segment << (LOG_SCALE_LOG2 - LOG_SEGMENTS_LOG2))
    fraction = frac + c0 + (((c1 - c0) * position) >> LOG_SCALE_LOG2)
    log2 = (integer << LOG_SCALE_LOG2) + fraction
    half = 1 << (LOG_SCALE_LOG2 - 1)
    loge = (LOG_COEFF * log2 + half) >> LOG_SCALE_LOG2
    return (out_scale * loge + half) >> LOG_SCALE_LOG2


def filterbank_log(x, output_scale: int = LOG_SCALE, correction_bits: int = INPUT_CORRECTION_BITS) -> np.ndarray:
    """Compress to a log scale: ``64 * ln(x << 3)``, saturated to int16; 0 for inputs 0 and 1.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    x : array_like of uint32
        PCAN output.
    output_scale : int
        64.
    correction_bits : int
        Left shift applied first (3), undoing the scaling chosen for PCAN.

    Returns
    -------
    numpy.ndarray of int16
    """
    x = np.asarray(x, dtype=np.uint32).astype(np.int64)
    scaled = (x << correction_bits) & UINT32_MASK
    logs = log32(np.maximum(scaled, 2), output_scale)
    return np.where(scaled > 1, np.minimum(logs, 32767), 0).astype(np.int16)


def quantize_features(log_features) -> np.ndarray:
    """Map log features to micro_speech's int8 input: ``trunc((v * 256 + 333) / 666) - 128``, clamped.

    This is the fixed formula of TFLM's graph (and of the older ``micro_features_generator.cc``): one int8 step
    is 26 / 256 = 0.1015625 in float-feature units (log / 25.6). It is not derived from the model's input
    quantization (:attr:`MicroSpeechModel.input_quantization`: scale 0.10171568, zero point -128), and
    ``round(v / 25.6 / scale) - 128`` with the model's scale comes out one step lower for 76 of the log values
    0..699.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    log_features : array_like of int16

    Returns
    -------
    numpy.ndarray of int8
    """
    v = np.asarray(log_features, dtype=np.int16).astype(np.int64) * QUANT_MULTIPLIER + QUANT_ROUNDING
    # C integer division truncates towards zero.
    quotient = np.where(v >= 0, v // QUANT_DIVISOR, -((-v) // QUANT_DIVISOR))
    return np.clip(quotient - 128, -128, 127).astype(np.int8)


def log_to_float(log_features) -> np.ndarray:
    """Float features of ``audio_preprocessor_float.tflite``: the log values divided by 25.6.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    log_features : array_like of int16

    Returns
    -------
    numpy.ndarray of float32
    """
    return (np.asarray(log_features, dtype=np.int16).astype(np.float32) / np.float32(FLOAT_FEATURE_DIVISOR)).astype(
        np.float32
    )


def process_frames(frames, noise_estimate=None) -> dict[str, np.ndarray]:
    """Run every stage on a batch of consecutive 480-sample frames and return all intermediate results.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    frames : array_like of int16, shape (n_frames, 480)
    noise_estimate : array_like of uint32, shape (40,), optional
        Noise-reduction state from the previous frame (zeros after a reset).

    Returns
    -------
    dict of str to numpy.ndarray
        In pipeline order: ``frames``, ``windowed``, ``scaled``, ``shift``, ``spectrum``, ``energy``,
        ``filterbank``, ``amplitude``, ``noise_estimate``, ``noise_reduced``, ``pcan``, ``log``, ``int8``.
    """
    frames = np.atleast_2d(np.asarray(frames, dtype=np.int16))
    if frames.ndim != 2 or frames.shape[-1] != WINDOW_SIZE:
        raise ParameterError(
            f"frames must have shape (n_frames, {WINDOW_SIZE}): {WINDOW_SIZE} samples (30 ms at 16 kHz) per frame, "
            f"got shape {frames.shape}"
        )
    windowed = apply_window(frames)
    scaled, shift = fft_auto_scale(windowed)
    spectrum = rfft_q15(scaled)
    energy = spectrum_energy(spectrum)
    accumulated = filterbank(energy)
    amplitude = filterbank_sqrt(accumulated, shift)
    cleaned, noise = noise_reduction(amplitude, noise_estimate)
    gained = pcan(cleaned, noise)
    logs = filterbank_log(gained)
    return {
        "frames": frames,
        "windowed": windowed,
        "scaled": scaled,
        "shift": shift,
        "spectrum": spectrum,
        "energy": energy,
        "filterbank": accumulated,
        "amplitude": amplitude,
        "noise_estimate": noise,
        "noise_reduced": cleaned,
        "pcan": gained,
        "log": logs,
        "int8": quantize_features(logs),
    }


def frontend_stages(y, sr: int = SAMPLE_RATE) -> dict[str, np.ndarray]:
    """All intermediate arrays of the frontend for a whole clip (see :func:`process_frames`).

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    y : numpy.ndarray of int16, shape (n,)
        16 kHz PCM, at least 480 samples.
    sr : int
        Must be 16000.

    Returns
    -------
    dict of str to numpy.ndarray
    """
    require_frontend_sr(sr)
    return process_frames(frame_signal(y))


def frontend(y, sr: int = SAMPLE_RATE, *, output: str = "int8") -> np.ndarray:
    """Features of a whole clip, identical to TFLM's micro_speech preprocessor fed frame by frame after ``reset()``.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    y : numpy.ndarray of int16, shape (n,)
        16 kHz PCM, at least 480 samples (1 s gives 49 frames).
    sr : int
        Must be 16000.
    output : {"int8", "log", "float"}
        ``"int8"``: the model input (``audio_preprocessor_int8``); ``"log"``: the int16 log values;
        ``"float"``: log / 25.6 (``audio_preprocessor_float``).

    Returns
    -------
    numpy.ndarray, shape (n_frames, 40)
    """
    require_choice("output", output, OUTPUTS)
    stages = frontend_stages(y, sr)
    if output == "int8":
        return stages["int8"]
    if output == "log":
        return stages["log"]
    return log_to_float(stages["log"])

