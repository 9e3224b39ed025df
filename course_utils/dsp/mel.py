"""The mel scale (HTK and Slaney formulas), triangular mel filterbanks, and mel spectrograms.

Taught in notebooks/04_mel_scale.ipynb.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..errors import ParameterError
from ..validate import require_choice, require_int, require_number, require_sr
from ._checks import require_array
from .spectrogram import fft_frequencies, spectrogram

# Slaney's mel scale (Auditory Toolbox, 1998): linear below 1 kHz, logarithmic above.
SLANEY_HZ_PER_MEL = 200.0 / 3
SLANEY_BREAK_HZ = 1000.0
SLANEY_BREAK_MEL = SLANEY_BREAK_HZ / SLANEY_HZ_PER_MEL
SLANEY_LOG_STEP = np.log(6.4) / 27.0

# Perceived pitch (mel) against frequency (Hz): (hz, mel) pairs, which notebooks/04_mel_scale.ipynb plots against
# both formulas.
PERCEPTUAL_MEL_TABLE = (
    (20, 0),
    (160, 250),
    (394, 500),
    (670, 750),
    (1000, 1000),
    (1420, 1250),
    (1900, 1500),
    (2450, 1750),
    (3120, 2000),
    (4000, 2250),
    (5100, 2500),
    (6600, 2750),
    (9000, 3000),
    (14000, 3250),
)
PERCEPTUAL_MEL_SOURCE = (
    "A classic pitch-scaling table reproduced in many audio ML tutorials, in the line of the listening "
    "experiments of Stevens, Volkmann & Newman (1937) and Stevens & Volkmann (1940), as tabulated by Beranek, "
    "Acoustic Measurements (1949). These rounded values are the tutorials' version, not a primary measurement; "
    "by definition 1000 Hz (at 40 dB above threshold) is 1000 mel."
)


def hz_to_mel(frequencies, *, htk=False):
    """Convert frequencies in Hz to mels (like ``librosa.hz_to_mel``).

    Taught in notebooks/04_mel_scale.ipynb.

    Parameters
    ----------
    frequencies : float or array_like
        Frequencies in Hz.
    htk : bool
        True: the HTK / O'Shaughnessy formula ``2595 log10(1 + f / 700)``. False (default, as librosa): Slaney's
        scale, linear ``f / (200/3)`` below 1000 Hz and logarithmic above (each factor 6.4 adds 27 mels).

    Returns
    -------
    mels : float or np.ndarray
    """
    frequencies = require_array("frequencies", frequencies)
    if htk:
        return 2595.0 * np.log10(1.0 + frequencies / 700.0)
    linear = frequencies / SLANEY_HZ_PER_MEL
    # np.maximum keeps log() away from the linear region's values, which np.where discards anyway.
    log_ratio_to_break = np.log(np.maximum(frequencies, SLANEY_BREAK_HZ) / SLANEY_BREAK_HZ)
    logarithmic = SLANEY_BREAK_MEL + log_ratio_to_break / SLANEY_LOG_STEP
    return np.where(frequencies >= SLANEY_BREAK_HZ, logarithmic, linear)[()]


def mel_to_hz(mels, *, htk=False):
    """Convert mels to frequencies in Hz; the inverse of `hz_to_mel` (like ``librosa.mel_to_hz``).

    Taught in notebooks/04_mel_scale.ipynb.

    Parameters
    ----------
    mels : float or array_like
    htk : bool
        Which formula, as in `hz_to_mel`.

    Returns
    -------
    frequencies : float or np.ndarray
        In Hz.
    """
    mels = require_array("mels", mels)
    if htk:
        return 700.0 * (10.0 ** (mels / 2595.0) - 1.0)
    linear = SLANEY_HZ_PER_MEL * mels
    logarithmic = SLANEY_BREAK_HZ * np.exp(SLANEY_LOG_STEP * (np.maximum(mels, SLANEY_BREAK_MEL) - SLANEY_BREAK_MEL))
    return np.where(mels >= SLANEY_BREAK_MEL, logarithmic, linear)[()]


def mel_frequencies(n_mels=128, *, fmin=0.0, fmax, htk=False):
    """``n_mels`` frequencies in Hz, equally spaced on the mel scale from ``fmin`` to ``fmax`` inclusive.

    Taught in notebooks/04_mel_scale.ipynb.

    Parameters
    ----------
    n_mels : int > 0
    fmin : float >= 0
        Lowest frequency in Hz.
    fmax : float > fmin
        Highest frequency in Hz (required: it depends on the sample rate, usually ``sr / 2``).
    htk : bool
        Which mel formula, as in `hz_to_mel`.

    Returns
    -------
    frequencies : np.ndarray, shape (n_mels,)
    """
    n_mels = require_int("n_mels", n_mels, minimum=1)
    fmin = require_number("fmin", fmin, minimum=0)
    fmax = require_number("fmax", fmax)
    if fmin >= fmax:
        raise ParameterError(f"fmin={fmin:g} must be below fmax={fmax:g}")
    mels = np.linspace(hz_to_mel(fmin, htk=htk), hz_to_mel(fmax, htk=htk), n_mels)
    return mel_to_hz(mels, htk=htk)


def mel_filterbank(*, sr, n_fft=2048, n_mels=128, fmin=0.0, fmax=None, htk=False, norm="slaney"):
    """Triangular mel filters that turn an STFT's frequency bins into mel bands (like ``librosa.filters.mel``).

    Taught in notebooks/04_mel_scale.ipynb.

    ``n_mels + 2`` edge frequencies are spaced equally in mels between ``fmin`` and ``fmax``; filter ``i`` rises
    linearly from edge ``i`` to a peak of 1 at edge ``i + 1`` and falls back to 0 at edge ``i + 2``.

    Parameters
    ----------
    sr : int > 0
        Sample rate in Hz.
    n_fft : int > 0
        FFT length of the spectrogram the filters will be applied to.
    n_mels : int > 0
        Number of mel bands.
    fmin : float >= 0
        Lowest edge in Hz.
    fmax : float, fmin < fmax <= sr / 2, optional
        Highest edge in Hz. Default ``sr / 2``, the Nyquist frequency.
    htk : bool
        Mel formula, as in `hz_to_mel`.
    norm : {"slaney", None}
        ``"slaney"`` (default) scales each triangle by ``2 / (its width in Hz)`` so every band has about equal
        area (energy); ``None`` leaves a peak height of 1.

    Returns
    -------
    weights : np.ndarray, shape (n_mels, 1 + n_fft // 2), float64, non-negative
        ``weights @ S`` turns a (power) spectrogram ``S`` into a mel spectrogram.

    Warns
    -----
    UserWarning
        If some filters fall between two FFT bins and are all zero, as librosa warns: ``n_mels`` is too high
        for ``n_fft``.
    """
    sr = require_sr(sr)
    n_fft = require_int("n_fft", n_fft, minimum=1)
    n_mels = require_int("n_mels", n_mels, minimum=1)
    fmin = require_number("fmin", fmin, minimum=0)
    fmax = sr / 2 if fmax is None else require_number("fmax", fmax)
    if fmax > sr / 2:
        raise ParameterError(f"fmax={fmax:g} Hz must be <= sr / 2 = {sr / 2:g} Hz (the Nyquist frequency)")
    if fmin >= fmax:
        raise ParameterError(f"fmin={fmin:g} Hz must be below fmax={fmax:g} Hz")
    require_choice("htk", htk, (False, True))
    require_choice("norm", norm, ("slaney", None))

    bin_frequencies = fft_frequencies(sr=sr, n_fft=n_fft)
    edges = mel_frequencies(n_mels + 2, fmin=fmin, fmax=fmax, htk=htk)
    widths = np.diff(edges)
    distance = edges[:, np.newaxis] - bin_frequencies  # Hz from each edge to each bin
    rising = -distance[:-2] / widths[:-1, np.newaxis]
    falling = distance[2:] / widths[1:, np.newaxis]
    weights = np.maximum(0, np.minimum(rising, falling))
    if norm == "slaney":
        weights *= (2.0 / (edges[2:] - edges[:-2]))[:, np.newaxis]

    # A filter whose lower edge is 0 Hz may legitimately start at zero weight; librosa skips those too.
    empty = (edges[:-2] > 0) & (weights.max(axis=1) <= 0)
    if np.any(empty):
        # No advice about fmin-fmax: changing the range moves the edges, and the count goes up or down (lesson 04).
        warnings.warn(
            f"Empty filters detected in mel frequency basis: {int(empty.sum())} of n_mels={n_mels} bands contain "
            f"no FFT bin, so n_mels is too high for n_fft={n_fft} (bins are sr/n_fft = {sr / n_fft:.1f} Hz apart, "
            "the narrowest mel bands are narrower). Lower n_mels or raise n_fft.",
            UserWarning,
            stacklevel=2,
        )
    return weights


def melspectrogram(
    *,
    y=None,
    sr=None,
    S=None,
    n_fft=2048,
    hop_length=512,
    win_length=None,
    window="hann",
    center=True,
    pad_mode="constant",
    power=2.0,
    n_mels=128,
    fmin=0.0,
    fmax=None,
    htk=False,
    norm="slaney",
):
    """Mel spectrogram: mel filterbank times a power spectrogram (like ``librosa.feature.melspectrogram``).

    Taught in notebooks/04_mel_scale.ipynb.

    Parameters
    ----------
    y : np.ndarray, shape (n,), optional
        Mono audio. Give either ``y`` or ``S``.
    sr : int > 0
        Sample rate in Hz (required).
    S : np.ndarray, shape (1 + n_fft // 2, n_frames), optional
        A precomputed magnitude or power spectrogram; ``n_fft`` is then taken from its number of rows and
        ``power`` is ignored.
    n_fft, win_length, window, center, pad_mode
        As in `stft`.
    hop_length : int > 0
        Samples between frames. Default 512, as in librosa's feature functions (not ``win_length // 4``).
    power : float > 0
        Exponent of the magnitude spectrogram: 2.0 (default) power, 1.0 magnitude.
    n_mels, fmin, fmax, htk, norm
        As in `mel_filterbank`.

    Returns
    -------
    M : np.ndarray, shape (n_mels, n_frames)
    """
    if y is not None and S is not None:
        raise ParameterError("give either y (audio) or S (a spectrogram), not both")
    if S is None:
        if y is None:
            raise ParameterError("give y (audio) or S (a spectrogram)")
        S = spectrogram(
            y,
            n_fft=n_fft,
            hop_length=hop_length,
            win_length=win_length,
            window=window,
            center=center,
            pad_mode=pad_mode,
            power=power,
        )
    else:
        S = require_array("S", S, ndim=2)
        n_fft = 2 * (S.shape[0] - 1)
    mel_basis = mel_filterbank(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm)
    return mel_basis @ S
