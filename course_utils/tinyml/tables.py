"""Constant tables of the micro_speech frontend, computed from the formulas TFLM's generator scripts use.

A microcontroller stores these as ``const`` arrays in flash; TFLM computes them in Python when it builds the
``.tflite`` graph (``signal/python/ops/*.py``, ``signal/src/log.cc``, the KISS FFT allocator). Each function
reproduces that computation, including its float32 arithmetic, so the integers come out identical; the tests
compare them with the constant tensors inside ``data/tflm/audio_preprocessor_int8.tflite``.

Taught in notebooks/08_tinyml.ipynb.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..errors import ParameterError
from ..validate import require_choice, require_int, require_number

SAMPLE_RATE = 16000
WINDOW_SIZE = 480  # 30 ms
WINDOW_STEP = 320  # 20 ms
FFT_LENGTH = 512
NUM_CHANNELS = 40
LOWER_BAND_HZ = 125.0
UPPER_BAND_HZ = 7500.0
WINDOW_SHIFT = 12  # Hann window coefficients in Q12
FILTERBANK_WEIGHT_BITS = 12
FILTERBANK_ALIGNMENT = 4  # bytes
FILTERBANK_BLOCK_SIZE = 4  # bins
PCAN_STRENGTH = 0.95
PCAN_OFFSET = 80.0
PCAN_GAIN_BITS = 21
PCAN_SNR_BITS = 12
NOISE_SMOOTHING_BITS = 10
INPUT_CORRECTION_BITS = 3
LOG_SCALE = 64
LOG_SEGMENTS_LOG2 = 7  # 128 segments
LOG_SCALE_LOG2 = 16


def hann_window_q12(size: int = WINDOW_SIZE, shift: int = WINDOW_SHIFT) -> np.ndarray:
    """Hann window ``0.5 - 0.5 cos(2 pi (i + 0.5) / N)`` quantized to ``shift`` fractional bits (Q12 by default).

    The half-sample offset makes the window symmetric about the frame centre without a zero at either end.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    size : int
        Window length N in samples (480 = 30 ms at 16 kHz).
    shift : int
        Fractional bits; 12 means 4096 stands for 1.0.

    Returns
    -------
    numpy.ndarray of int16, shape (size,)
    """
    size = require_int("size", size, minimum=1)
    shift = require_int("shift", shift, minimum=0, maximum=14)
    arg = np.pi * 2 / size
    weights = 0.5 - 0.5 * np.cos(arg * (np.arange(size) + 0.5))
    return np.round(weights * (1 << shift)).astype(np.int16)


def kiss_twiddles(nfft: int) -> np.ndarray:
    """KISS FFT's fixed-point twiddle factors ``exp(-2 pi i k / nfft)`` in Q15, rounded as its allocator does.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    nfft : int
        Length of the complex FFT (256 for a 512-point real FFT).

    Returns
    -------
    numpy.ndarray of int32, shape (nfft, 2)
        Columns: real, imaginary.
    """
    nfft = require_int("nfft", nfft, minimum=1)
    # math.cos/sin are the C library's, like the allocator's; floor(.5 + 32767 x) is its KISS_FFT_COS rounding.
    phases = [-2 * math.pi * k / nfft for k in range(nfft)]
    return np.array(
        [[math.floor(0.5 + 32767 * math.cos(p)), math.floor(0.5 + 32767 * math.sin(p))] for p in phases],
        dtype=np.int32,
    )


def kiss_real_twiddles(ncfft: int) -> np.ndarray:
    """Q15 "super twiddles" that turn a half-length complex FFT into a real FFT (KISS ``kiss_fftr``).

    Entry k-1 is ``exp(-i pi (k / ncfft + 1/2))`` for k = 1 .. ncfft/2.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    ncfft : int
        Length of the complex FFT (half the real FFT length).

    Returns
    -------
    numpy.ndarray of int32, shape (ncfft // 2, 2)
    """
    ncfft = require_int("ncfft", ncfft, minimum=2)
    phases = [-math.pi * ((i + 1) / ncfft + 0.5) for i in range(ncfft // 2)]
    return np.array(
        [[math.floor(0.5 + 32767 * math.cos(p)), math.floor(0.5 + 32767 * math.sin(p))] for p in phases],
        dtype=np.int32,
    )


def kiss_radix4_order(nfft: int) -> np.ndarray:
    """Input order of KISS FFT's recursive radix-4 decimation in time: base-4 digit reversal.

    ``buffer[j] = x[order[j]]`` is what the recursion's leaf copies produce before the first butterfly stage.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    nfft : int
        A power of 4.

    Returns
    -------
    numpy.ndarray of int64, shape (nfft,)
    """
    nfft = require_int("nfft", nfft, minimum=4)
    stages = round(math.log(nfft, 4))
    if 4**stages != nfft:
        raise ParameterError(f"nfft must be a power of 4 for the radix-4 emulation, got {nfft}")
    order = np.arange(nfft)
    digits = [(order >> (2 * d)) & 3 for d in range(stages)]
    reversed_index = sum(digit << (2 * (stages - 1 - d)) for d, digit in enumerate(digits))
    return np.argsort(reversed_index)


def freq_to_mel(freq_hz) -> np.ndarray:
    """HTK mel scale in float32, ``1127 ln(1 + f / 700)``, as TFLM's ``FreqToMel`` (C ``float``) computes it.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    freq_hz : float or array_like
        Frequencies in Hz.

    Returns
    -------
    numpy.float32 or numpy.ndarray of float32
    """
    f = np.asarray(freq_hz, dtype=np.float32)
    return np.float32(1127.0) * np.log1p(f / np.float32(700.0))


@dataclass(frozen=True)
class FilterbankTables:
    """Sparse triangular mel filterbank in TFLM's layout (each table as the graph stores it, int16).

    ``channel_frequency_starts[c]`` is the first FFT bin of channel slot c, ``channel_widths[c]`` how many bins
    it spans and ``channel_weight_starts[c]`` where its Q12 weights begin in ``weights``/``unweights``. There are
    ``num_channels + 1`` slots: slot 0 only collects the falling edge (unweights) of the first channel.

    Taught in notebooks/08_tinyml.ipynb.
    """

    start_index: int
    end_index: int
    weights: np.ndarray
    unweights: np.ndarray
    channel_frequency_starts: np.ndarray
    channel_weight_starts: np.ndarray
    channel_widths: np.ndarray

    def dense_matrix(self, n_bins: int) -> np.ndarray:
        """The same filterbank as a dense (n_bins, num_channels) int64 matrix, one column per mel channel.

        Column c holds channel c's rising weights and channel c-1's falling unweights, which is exactly what
        TFLM's accumulator loop adds into output c.
        """
        n_slots = len(self.channel_widths)
        matrix = np.zeros((n_bins, n_slots + 1), dtype=np.int64)
        for slot in range(n_slots):
            start, first, width = (
                int(self.channel_frequency_starts[slot]),
                int(self.channel_weight_starts[slot]),
                int(self.channel_widths[slot]),
            )
            bins = np.arange(start, start + width)
            matrix[bins, slot] += self.weights[first : first + width]
            matrix[bins, slot + 1] += self.unweights[first : first + width]
        return matrix[:, 1:n_slots]


def _center_mels(n: int, lower_hz: float, upper_hz: float) -> np.ndarray:
    mel_lower = freq_to_mel(lower_hz)
    mel_spacing = (freq_to_mel(upper_hz) - mel_lower) / np.float32(n)
    return mel_lower + mel_spacing * np.arange(1, n + 1, dtype=np.float32)


@lru_cache(maxsize=8)
def _filterbank_tables_cached(
    spectrum_size: int,
    sample_rate: int,
    num_channels: int,
    lower_hz: float,
    upper_hz: float,
    alignment: int,
    block_size: int,
    weight_rounding: str,
) -> FilterbankTables:
    n_slots = num_channels + 1
    centers = _center_mels(n_slots, lower_hz, upper_hz)
    # HTK convention: (spectrum_size - 1) bins span DC .. Nyquist.
    hz_per_bin = (sample_rate / 2) / (spectrum_size - 1)
    start_index = round(1 + lower_hz / hz_per_bin)
    # Alignment is in bytes; the tables index int16 bins.
    index_alignment = max(1, alignment // np.dtype(np.int16).itemsize)

    freq_starts = np.zeros(n_slots, dtype=np.int16)
    weight_starts = np.zeros(n_slots, dtype=np.int16)
    widths = np.zeros(n_slots, dtype=np.int16)
    actual_starts = np.zeros(n_slots, dtype=np.int64)
    actual_widths = np.zeros(n_slots, dtype=np.int64)
    bin_index = start_index
    next_weight = 0
    has_zero_block = False
    for slot in range(n_slots):
        first_bin = bin_index
        while freq_to_mel(bin_index * hz_per_bin) <= centers[slot]:
            bin_index += 1
        width = bin_index - first_bin
        actual_starts[slot], actual_widths[slot] = first_bin, width
        if width == 0:
            # An empty channel points at one shared block of zero weights at the front of the weight arrays.
            widths[slot] = block_size
            if not has_zero_block:
                has_zero_block = True
                weight_starts[:slot] += block_size
                next_weight += block_size
        else:
            # Start on an aligned bin and pad the width to whole blocks so a SIMD loop needs no tail case;
            # the extra bins get zero weights.
            aligned_start = (first_bin // index_alignment) * index_alignment
            padded_width = ((first_bin - aligned_start + width - 1) // block_size + 1) * block_size
            freq_starts[slot], weight_starts[slot], widths[slot] = aligned_start, next_weight, padded_width
            next_weight += padded_width

    weights = np.zeros(next_weight, dtype=np.int16)
    unweights = np.zeros(next_weight, dtype=np.int16)
    scale = 1 << FILTERBANK_WEIGHT_BITS
    end_index = 0
    previous_center = freq_to_mel(lower_hz)
    for slot in range(n_slots):
        bins = actual_starts[slot] + np.arange(actual_widths[slot])
        if len(bins):
            # float32 throughout, as the generator does, so truncation lands on the same integers.
            weight = (centers[slot] - freq_to_mel(bins * hz_per_bin)) / np.float32(centers[slot] - previous_center)
            index = weight_starts[slot] + (bins - freq_starts[slot])
            if weight_rounding == "truncate":
                weights[index] = np.trunc(weight * np.float32(scale)).astype(np.int16)
                unweights[index] = np.trunc((np.float32(1) - weight) * np.float32(scale)).astype(np.int16)
            else:  # the older C microfrontend: floor(w * 4096 + 0.5), in double
                exact = weight.astype(np.float64)
                weights[index] = np.floor(exact * scale + 0.5).astype(np.int16)
                unweights[index] = np.floor((1.0 - exact) * scale + 0.5).astype(np.int16)
            end_index = max(end_index, int(bins[-1]) + 1)
        previous_center = centers[slot]
    if end_index >= spectrum_size:
        raise ParameterError("upper_hz must lie below the Nyquist frequency of this FFT")
    for table in (weights, unweights, freq_starts, weight_starts, widths):
        table.flags.writeable = False
    return FilterbankTables(start_index, end_index, weights, unweights, freq_starts, weight_starts, widths)


def mel_filterbank_tables(
    fft_length: int = FFT_LENGTH,
    sample_rate: int = SAMPLE_RATE,
    num_channels: int = NUM_CHANNELS,
    lower_hz: float = LOWER_BAND_HZ,
    upper_hz: float = UPPER_BAND_HZ,
    *,
    alignment: int = FILTERBANK_ALIGNMENT,
    block_size: int = FILTERBANK_BLOCK_SIZE,
    weight_rounding: str = "truncate",
) -> FilterbankTables:
    """Q12 weights and index tables of TFLM's 40-channel HTK mel filterbank (125-7500 Hz, 512-point FFT).

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    fft_length : int
        Real FFT length; the spectrum has ``fft_length // 2 + 1`` bins.
    sample_rate : int
        Hz.
    num_channels : int
        Mel channels.
    lower_hz, upper_hz : float
        Band edges in Hz.
    alignment : int
        Byte alignment of each channel's first bin (4 in micro_speech).
    block_size : int
        Channel widths are padded to a multiple of this many bins (4 in micro_speech).
    weight_rounding : {"truncate", "nearest"}
        How a float weight becomes Q12: ``"truncate"`` as the frontend graph's table generator, ``"nearest"``
        (``floor(w * 4096 + 0.5)``) as TFLM's older C microfrontend, which made the model's training features.

    Returns
    -------
    FilterbankTables
        Also gives ``start_index``/``end_index``, the FFT bins the energy stage needs ([5, 241) here).
    """
    fft_length = require_int("fft_length", fft_length, minimum=4)
    sample_rate = require_int("sample_rate", sample_rate, minimum=1)
    num_channels = require_int("num_channels", num_channels, minimum=1)
    lower_hz = require_number("lower_hz", lower_hz, minimum=0)
    upper_hz = require_number("upper_hz", upper_hz, above=lower_hz)
    alignment = require_int("alignment", alignment, minimum=1)
    block_size = require_int("block_size", block_size, minimum=1)
    weight_rounding = require_choice("weight_rounding", weight_rounding, ("truncate", "nearest"))
    return _filterbank_tables_cached(
        fft_length // 2 + 1, sample_rate, num_channels, lower_hz, upper_hz, alignment, block_size, weight_rounding
    )


def _pcan_gain(x: np.ndarray, strength: float, offset: float, gain_bits: int, input_bits: int) -> np.ndarray:
    # float32 like the C generator: gain = 2**gain_bits * (x / 2**input_bits + offset) ** -strength.
    x_as_float = x.astype(np.float32) / np.float32(1 << input_bits)
    gain = np.float32(1 << gain_bits) * np.power(x_as_float + np.float32(offset), -np.float32(strength))
    rounded = np.trunc(gain + np.float32(0.5))
    return np.where(gain > 32767, 32767, rounded).astype(np.int64)


def pcan_gain_lut(
    strength: float = PCAN_STRENGTH,
    offset: float = PCAN_OFFSET,
    gain_bits: int = PCAN_GAIN_BITS,
    input_bits: int = NOISE_SMOOTHING_BITS - INPUT_CORRECTION_BITS,
) -> np.ndarray:
    """PCAN gain table: ``gain(x) = 2**gain_bits * (x + offset)**-strength`` as 125 int16 quadratic coefficients.

    Entries 0-2 are gain(0), gain(1), gain(2). For each octave ``[2**(k-1), 2**k)``, k = 2 .. 32, four entries
    from index ``4k - 6``: y0 = gain at the octave start and two coefficients of the quadratic through the
    start, middle and end, so the gain of any uint32 noise estimate needs one multiply-add per coefficient.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    strength : float
        Exponent of the power-law normalisation (0.95).
    offset : float
        Added to the noise estimate before the power (80).
    gain_bits : int
        Fractional bits of the gain (21).
    input_bits : int
        Fractional bits of the noise estimate (smoothing bits 10 - input correction bits 3 = 7).

    Returns
    -------
    numpy.ndarray of int16, shape (125,)
    """
    strength = require_number("strength", strength, above=0)
    offset = require_number("offset", offset, above=0)
    gain_bits = require_int("gain_bits", gain_bits, minimum=0, maximum=31)
    input_bits = require_int("input_bits", input_bits, minimum=0, maximum=31)
    n_bits = 32
    lut = np.zeros(4 * n_bits - 2, dtype=np.int64)  # one spare slot: the last octave's trailing zero
    lut[:2] = _pcan_gain(np.array([0, 1], dtype=np.uint64), strength, offset, gain_bits, input_bits)
    octaves = np.arange(2, n_bits + 1)
    x0 = np.left_shift(1, octaves - 1).astype(np.uint64)
    x1 = x0 + (x0 >> np.uint64(1))
    # The top octave ends at 2**32 - 1, the largest uint32.
    x2 = np.where(octaves == n_bits, x0 + (x0 - np.uint64(1)), 2 * x0)
    y0, y1, y2 = (_pcan_gain(x, strength, offset, gain_bits, input_bits) for x in (x0, x1, x2))
    a1 = 4 * (y1 - y0) - (y2 - y0)
    a2 = (y2 - y0) - a1
    base = 4 * octaves - 6
    lut[base], lut[base + 1], lut[base + 2], lut[base + 3] = y0, a1, a2, 0
    return lut[: 4 * n_bits - 3].astype(np.int16)


def log2_correction_lut(segments_log2: int = LOG_SEGMENTS_LOG2, scale_log2: int = LOG_SCALE_LOG2) -> np.ndarray:
    """Table of ``log2(1 + f) - f`` for f in [0, 1] at ``2**segments_log2`` segments, scaled by ``2**scale_log2``.

    Linear interpolation in this table corrects the straight line ``log2(1 + f) ~ f`` (the mantissa bits)
    into a log accurate to about 1/65536. A trailing zero pads the table, as in TFLM's ``kLogLut``.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    segments_log2 : int
        log2 of the number of segments (7: 128 segments).
    scale_log2 : int
        Fixed-point scale (16).

    Returns
    -------
    numpy.ndarray of int32, shape (2**segments_log2 + 2,)
    """
    segments_log2 = require_int("segments_log2", segments_log2, minimum=1, maximum=12)
    scale_log2 = require_int("scale_log2", scale_log2, minimum=1, maximum=24)
    f = np.arange((1 << segments_log2) + 1) / (1 << segments_log2)
    table = np.round((np.log2(1 + f) - f) * (1 << scale_log2)).astype(np.int32)
    return np.append(table, 0).astype(np.int32)
