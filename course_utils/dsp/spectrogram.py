"""The short-time Fourier transform, its inverse, spectrograms, and the frequency and time axes that label them.

Taught in notebooks/03_stft.ipynb.
"""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError
from ..validate import require_audio, require_choice, require_int, require_number, require_sr
from ._checks import check_frame_lengths, require_array
from .framing import frame, get_window, pad_center

PAD_MODES = ("constant", "edge", "reflect", "symmetric")


def stft(y, *, n_fft=2048, hop_length=None, win_length=None, window="hann", center=True, pad_mode="constant"):
    """Short-time Fourier transform: the spectrum of every windowed frame (like ``librosa.stft``).

    Taught in notebooks/03_stft.ipynb.

    The whole algorithm is: pad, cut into frames, multiply each frame by the window, FFT each frame.

    Parameters
    ----------
    y : np.ndarray, shape (n,)
        Mono audio, floating point. Computed in float64 whatever the input precision.
    n_fft : int > 0
        FFT length: samples per frame after the window is zero-padded. Gives ``1 + n_fft // 2`` frequency bins.
    hop_length : int > 0, optional
        Samples between frames. Default ``win_length // 4``.
    win_length : int <= n_fft, optional
        Window length; the window is zero-padded equally on both sides to ``n_fft``. Default ``n_fft``.
    window : str, tuple, callable or array_like
        See `get_window`. Default ``"hann"``.
    center : bool
        If True, pad ``n_fft // 2`` samples on both sides so frame ``t`` is centred on sample
        ``t * hop_length``. If False, frame ``t`` starts there and ``y`` must hold at least ``n_fft`` samples.
    pad_mode : {"constant", "edge", "reflect", "symmetric"}
        How ``center`` pads (``np.pad`` modes); ``"constant"`` pads with zeros, as librosa does by default.

    Returns
    -------
    D : np.ndarray, shape (1 + n_fft // 2, n_frames), complex128
        ``D[f, t]`` is the complex amplitude of frequency bin ``f`` (see `fft_frequencies`) in frame ``t``
        (see `frames_to_time`).
    """
    y = require_audio(y).astype(np.float64, copy=False)
    n_fft, hop_length, win_length = check_frame_lengths(n_fft, hop_length, win_length)
    require_choice("pad_mode", pad_mode, PAD_MODES)
    fft_window = pad_center(get_window(window, win_length), size=n_fft)
    if center:
        y = np.pad(y, n_fft // 2, mode=pad_mode)
    elif len(y) < n_fft:
        raise ParameterError(
            f"n_fft={n_fft} is longer than y ({len(y)} samples); with center=False y needs at least n_fft "
            "samples. Lower n_fft or use center=True"
        )
    frames = frame(y, frame_length=n_fft, hop_length=hop_length)
    return np.fft.rfft(fft_window[:, np.newaxis] * frames, axis=0)


def istft(stft_matrix, *, hop_length=None, win_length=None, n_fft=None, window="hann", center=True, length=None):
    """Inverse STFT by weighted overlap-add (like ``librosa.istft``).

    Taught in notebooks/03_stft.ipynb and notebooks/07_inversion.ipynb.

    Each column is inverse-FFT'd, multiplied by the window again, and added at its place in time; dividing by
    the summed squared windows undoes the two windowings. So ``istft(stft(y))`` returns ``y`` whenever the
    squared windows overlap without gaps (e.g. Hann with ``hop_length <= n_fft // 2``).

    Parameters
    ----------
    stft_matrix : np.ndarray, shape (1 + n_fft // 2, n_frames)
        A complex STFT, as from `stft`.
    hop_length, win_length, window, center
        As used in `stft`.
    n_fft : int > 0, optional
        Default ``2 * (stft_matrix.shape[0] - 1)``; must agree with the number of rows.
    length : int > 0, optional
        Trim or zero-pad the output to exactly this many samples (pass ``len(y)`` to get the original length
        back). Default: ``n_fft + hop_length * (n_frames - 1)``, minus the ``center`` padding.

    Returns
    -------
    y : np.ndarray, shape (length,), float64
    """
    stft_matrix = require_array("stft_matrix", stft_matrix, ndim=2, allow_complex=True)
    if n_fft is None:
        n_fft = 2 * (stft_matrix.shape[0] - 1)
    n_fft, hop_length, win_length = check_frame_lengths(n_fft, hop_length, win_length)
    if stft_matrix.shape[0] != 1 + n_fft // 2:
        raise ParameterError(
            f"n_fft={n_fft} needs {1 + n_fft // 2} frequency rows but stft_matrix has {stft_matrix.shape[0]}"
        )
    if length is not None:
        length = require_int("length", length, minimum=1)
    ifft_window = pad_center(get_window(window, win_length), size=n_fft)
    frames = ifft_window[:, np.newaxis] * np.fft.irfft(stft_matrix, n=n_fft, axis=0)

    n_frames = stft_matrix.shape[1]
    n_samples = n_fft + hop_length * (n_frames - 1)
    sample_index = np.arange(n_fft)[:, np.newaxis] + hop_length * np.arange(n_frames)
    # np.bincount sums all values that land on the same sample: a vectorized overlap-add.
    overlap_added = np.bincount(sample_index.ravel(), weights=frames.ravel(), minlength=n_samples)
    window_sum = np.bincount(sample_index.ravel(), weights=np.repeat(ifft_window**2, n_frames), minlength=n_samples)
    covered = window_sum > np.finfo(np.float64).tiny
    overlap_added[covered] /= window_sum[covered]

    start = n_fft // 2 if center else 0
    if length is None:
        length = n_samples - 2 * start
    y = overlap_added[start : start + length]
    return np.pad(y, (0, length - len(y)))


def spectrogram(
    y, *, n_fft=2048, hop_length=None, win_length=None, window="hann", center=True, pad_mode="constant", power=1.0
):
    """Magnitude (``power=1``) or power (``power=2``) spectrogram: ``np.abs(stft(y, ...)) ** power``.

    Taught in notebooks/03_stft.ipynb.

    Parameters
    ----------
    y, n_fft, hop_length, win_length, window, center, pad_mode
        As in `stft`.
    power : float > 0
        Exponent applied to the magnitude: 1.0 gives the magnitude spectrogram, 2.0 the power spectrogram.

    Returns
    -------
    S : np.ndarray, shape (1 + n_fft // 2, n_frames), float64, non-negative
    """
    power = require_number("power", power, above=0)
    D = stft(
        y, n_fft=n_fft, hop_length=hop_length, win_length=win_length, window=window, center=center, pad_mode=pad_mode
    )
    return np.abs(D) ** power


def fft_frequencies(*, sr, n_fft=2048):
    """Centre frequency in Hz of each STFT row: ``k * sr / n_fft`` for ``k = 0 … n_fft // 2``.

    Taught in notebooks/02_fourier_transform.ipynb and notebooks/03_stft.ipynb.

    Parameters
    ----------
    sr : int > 0
        Sample rate in Hz.
    n_fft : int > 0

    Returns
    -------
    freqs : np.ndarray, shape (1 + n_fft // 2,)
        From 0 Hz up to the Nyquist frequency ``sr / 2`` (reached when ``n_fft`` is even).
    """
    sr = require_sr(sr)
    n_fft = require_int("n_fft", n_fft, minimum=1)
    return np.fft.rfftfreq(n_fft, d=1.0 / sr)


def frames_to_samples(frames, *, hop_length=512, n_fft=None):
    """Sample index of each frame: ``frames * hop_length`` (+ ``n_fft // 2`` if ``n_fft`` is given).

    Taught in notebooks/03_stft.ipynb.

    Parameters
    ----------
    frames : int or array_like of int
    hop_length : int > 0
    n_fft : int > 0, optional
        Give it to get the *centre* of each uncentred (``center=False``) frame; leave it out for ``center=True``
        frames, which are already centred on ``frames * hop_length``.

    Returns
    -------
    samples : int or np.ndarray of int
    """
    hop_length = require_int("hop_length", hop_length, minimum=1)
    offset = 0 if n_fft is None else require_int("n_fft", n_fft, minimum=1) // 2
    return (np.asanyarray(frames) * hop_length + offset).astype(int)


def frames_to_time(frames, *, sr, hop_length=512, n_fft=None):
    """Time in seconds of each frame: ``frames_to_samples(frames, ...) / sr`` (like ``librosa.frames_to_time``).

    Taught in notebooks/03_stft.ipynb.

    Parameters
    ----------
    frames : int or array_like of int
    sr : int > 0
        Sample rate in Hz.
    hop_length, n_fft
        As in `frames_to_samples`.

    Returns
    -------
    times : float or np.ndarray of float
    """
    sr = require_sr(sr)
    return frames_to_samples(frames, hop_length=hop_length, n_fft=n_fft) / sr


def time_to_frames(times, *, sr, hop_length=512, n_fft=None):
    """Index of the frame containing each time in seconds; the inverse of `frames_to_time`.

    Taught in notebooks/03_stft.ipynb.

    Parameters
    ----------
    times : float or array_like of float
    sr : int > 0
    hop_length, n_fft
        As in `frames_to_samples`.

    Returns
    -------
    frames : int or np.ndarray of int
    """
    sr = require_sr(sr)
    hop_length = require_int("hop_length", hop_length, minimum=1)
    offset = 0 if n_fft is None else require_int("n_fft", n_fft, minimum=1) // 2
    samples = (np.asanyarray(times) * sr).astype(int)
    return np.asarray((samples - offset) // hop_length, dtype=int)
