"""The discrete cosine transform, MFCCs, liftering and delta features.

Taught in notebooks/06_mfcc.ipynb.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ..errors import ParameterError
from ..validate import require_choice, require_int, require_number
from ._checks import require_array
from .decibels import power_to_db
from .mel import melspectrogram

LIFTER_FIRST_INDEX = {"librosa": 1, "htk": 0}


def dct_matrix(n, *, norm="ortho"):
    """The ``n × n`` type-II DCT matrix: row ``k`` is a cosine making ``k / 2`` turns over the input.

    Taught in notebooks/06_mfcc.ipynb.

    ``C[k, m] = 2 cos(π k (2m + 1) / (2n))``, the definition used by ``scipy.fft.dct(type=2)``. With
    ``norm="ortho"`` row 0 is scaled by ``sqrt(1 / (4n))`` and the others by ``sqrt(1 / (2n))``, which makes the
    matrix orthonormal, so its transpose is its inverse.

    Parameters
    ----------
    n : int > 0
        Input length.
    norm : {"ortho", None}

    Returns
    -------
    C : np.ndarray, shape (n, n)
    """
    n = require_int("n", n, minimum=1)
    require_choice("norm", norm, ("ortho", None))
    k = np.arange(n)[:, np.newaxis]
    m = np.arange(n)
    basis = 2.0 * np.cos(np.pi * k * (2 * m + 1) / (2 * n))
    if norm == "ortho":
        basis[0] *= np.sqrt(1 / (4 * n))
        basis[1:] *= np.sqrt(1 / (2 * n))
    return basis


def dct(x, *, norm="ortho", axis=-1):
    """Type-II DCT along ``axis`` by matrix multiplication; equals ``scipy.fft.dct(x, type=2, norm=norm, axis=axis)``.

    Taught in notebooks/06_mfcc.ipynb.

    Parameters
    ----------
    x : np.ndarray
        Real values, e.g. a log-mel spectrogram with ``axis=0``.
    norm : {"ortho", None}
        See `dct_matrix`.
    axis : int
        Axis to transform.

    Returns
    -------
    X : np.ndarray, same shape as ``x``
    """
    x = require_array("x", x)
    axis = require_int("axis", axis, minimum=-x.ndim, maximum=x.ndim - 1)
    basis = dct_matrix(x.shape[axis], norm=norm)
    return np.moveaxis(np.moveaxis(x, axis, -1) @ basis.T, -1, axis)


def idct(X, *, axis=-1):
    """Inverse of the orthonormal `dct`; equals ``scipy.fft.idct(X, type=2, norm="ortho", axis=axis)``.

    Taught in notebooks/06_mfcc.ipynb, to turn (truncated) MFCCs back into a smoothed log-mel spectrum.

    Parameters
    ----------
    X : np.ndarray
        Orthonormal DCT-II coefficients.
    axis : int

    Returns
    -------
    x : np.ndarray, same shape as ``X``
    """
    X = require_array("X", X)
    axis = require_int("axis", axis, minimum=-X.ndim, maximum=X.ndim - 1)
    basis = dct_matrix(X.shape[axis], norm="ortho")
    return np.moveaxis(np.moveaxis(X, axis, -1) @ basis, -1, axis)


def lifter_weights(n_mfcc, lifter, *, convention="librosa"):
    """Sinusoidal lifter ``1 + (lifter / 2) sin(π n / lifter)``, which boosts the middle cepstral coefficients.

    Taught in notebooks/06_mfcc.ipynb.

    Parameters
    ----------
    n_mfcc : int > 0
        Number of coefficients.
    lifter : float > 0
        Lifter length; 22 is the HTK/Kaldi choice.
    convention : {"librosa", "htk"}
        How coefficients are numbered in the formula. ``"librosa"`` (as ``librosa.feature.mfcc``) uses
        ``n = 1 … n_mfcc`` for rows 0 … n_mfcc - 1, so even c0 is scaled. ``"htk"`` (HTK, python_speech_features)
        uses ``n = 0 … n_mfcc - 1``, so c0 keeps weight 1 and every row is weighted like librosa's previous row.

    Returns
    -------
    weights : np.ndarray, shape (n_mfcc,)
        Multiply MFCCs row-wise: ``mfccs * lifter_weights(len(mfccs), 22)[:, np.newaxis]``.
    """
    n_mfcc = require_int("n_mfcc", n_mfcc, minimum=1)
    lifter = require_number("lifter", lifter, above=0)
    require_choice("convention", convention, tuple(LIFTER_FIRST_INDEX))
    first = LIFTER_FIRST_INDEX[convention]
    n = np.arange(first, first + n_mfcc)
    return 1 + (lifter / 2) * np.sin(np.pi * n / lifter)


def mfcc(*, y=None, sr=None, S=None, n_mfcc=20, dct_type=2, norm="ortho", lifter=0, mel_norm="slaney", **kwargs):
    """Mel-frequency cepstral coefficients (like ``librosa.feature.mfcc``, equal to it in float64).

    Taught in notebooks/06_mfcc.ipynb.

    ``power_to_db(melspectrogram(y, sr, ...))``, then a DCT down each column keeping the first ``n_mfcc``
    coefficients: a compact description of each frame's spectral envelope.

    Parameters
    ----------
    y : np.ndarray, shape (n,), optional
        Mono audio. Give either ``y`` (with ``sr``) or ``S``.
    sr : int > 0
        Sample rate in Hz (required with ``y``).
    S : np.ndarray, shape (n_mels, n_frames), optional
        A log-power mel spectrogram in dB, e.g. ``power_to_db(melspectrogram(...))``.
    n_mfcc : int, 1 <= n_mfcc <= n_mels
        Coefficients kept.
    dct_type : {2}
        Only the type-II DCT (librosa's default) is provided.
    norm : {"ortho", None}
        DCT normalisation, see `dct_matrix`.
    lifter : float >= 0
        If positive, multiply by ``lifter_weights(n_mfcc, lifter)`` (librosa's numbering; see there for HTK's).
    mel_norm : {"slaney", None}
        ``norm`` of the mel filterbank (librosa 0.11 names it ``mel_norm`` here, since ``norm`` is the DCT's).
    **kwargs
        Passed to `melspectrogram`: n_fft, hop_length, win_length, window, center, pad_mode, power, n_mels,
        fmin, fmax, htk.

    Returns
    -------
    M : np.ndarray, shape (n_mfcc, n_frames)
    """
    n_mfcc = require_int("n_mfcc", n_mfcc, minimum=1)
    require_choice("dct_type", dct_type, (2,))
    require_choice("norm", norm, ("ortho", None))
    lifter = require_number("lifter", lifter, minimum=0)
    if S is None:
        S = power_to_db(melspectrogram(y=y, sr=sr, norm=mel_norm, **kwargs))
    elif y is not None:
        raise ParameterError("give either y (audio) or S (a log-mel spectrogram), not both")
    else:
        S = require_array("S", S, ndim=2)
    n_mels = S.shape[0]
    if n_mfcc > n_mels:
        raise ParameterError(f"n_mfcc={n_mfcc} must be <= n_mels={n_mels}: there are only n_mels DCT coefficients")
    coefficients = dct_matrix(n_mels, norm=norm)[:n_mfcc] @ S
    if lifter > 0:
        coefficients *= lifter_weights(n_mfcc, lifter)[:, np.newaxis]
    return coefficients


def delta(data, *, width=9, order=1, axis=-1):
    """Delta (rate of change) features: the local slope over ``width`` frames (like ``librosa.feature.delta``).

    Taught in notebooks/06_mfcc.ipynb.

    A polynomial of degree ``order`` is fitted by least squares to each window of ``width`` frames and its
    ``order``-th derivative is read off at the centre; for ``order=1`` this is the classic regression formula
    ``Σ n (c[t+n] - c[t-n]) / (2 Σ n²)``. The first and last ``width // 2`` frames repeat the nearest full
    window's value, which is what librosa's ``mode="interp"`` (Savitzky-Golay) gives when the polynomial degree
    equals the derivative order (librosa's other modes are not provided). Note that ``order=2`` is the second
    derivative of a quadratic fit, as in librosa, not ``delta(delta(data))``.

    Parameters
    ----------
    data : np.ndarray
        Features, e.g. MFCCs of shape (n_mfcc, n_frames).
    width : odd int >= 3
        Frames per window; at most the number of frames along ``axis``.
    order : int, 1 <= order < width
        Derivative order.
    axis : int
        The time axis.

    Returns
    -------
    delta_data : np.ndarray, same shape as ``data``
    """
    data = require_array("data", data)
    axis = require_int("axis", axis, minimum=-data.ndim, maximum=data.ndim - 1)
    width = require_int("width", width, minimum=3)
    if width % 2 == 0:
        raise ParameterError(f"width={width} must be odd, so each window has a centre frame")
    if width > data.shape[axis]:
        raise ParameterError(
            f"width={width} is more than the {data.shape[axis]} frames along axis {axis}; use a smaller odd width"
        )
    order = require_int("order", order, minimum=1, maximum=width - 1)

    half = width // 2
    offsets = np.arange(-half, half + 1)
    vandermonde = offsets[:, np.newaxis] ** np.arange(order + 1)
    # Row `order` of the pseudo-inverse gives the fitted coefficient of offset**order; times order! its derivative.
    weights = np.linalg.pinv(vandermonde)[order] * math.factorial(order)
    frames_last = np.moveaxis(data, axis, -1)
    interior = sliding_window_view(frames_last, width, axis=-1) @ weights
    edge_padding = [(0, 0)] * (data.ndim - 1) + [(half, half)]
    return np.moveaxis(np.pad(interior, edge_padding, mode="edge"), -1, axis)
