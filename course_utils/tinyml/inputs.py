"""Input checks for the integer frontend: int16 PCM at 16 kHz, with messages that say how to fix the input.

Taught in notebooks/08_tinyml.ipynb.
"""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError
from ..validate import require_int, require_sr
from .tables import SAMPLE_RATE, WINDOW_SIZE, WINDOW_STEP


def require_frontend_sr(sr, name: str = "sr") -> int:
    """Check that the sample rate is the 16 kHz the micro_speech frontend was built for.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    sr : int
        Sample rate in Hz.
    name : str
        Parameter name for the message.

    Returns
    -------
    int
    """
    sr = require_sr(sr, name)
    if sr != SAMPLE_RATE:
        raise ParameterError(
            f"{name} must be {SAMPLE_RATE} Hz: the micro_speech frontend's window, FFT bins and mel filters are "
            f"fixed for 16 kHz audio; got {sr}. Resample first, e.g. "
            f"librosa.resample(y.astype(np.float32) / 32768, orig_sr={sr}, target_sr={SAMPLE_RATE}), "
            f"then convert back with to_q15"
        )
    return sr


def require_int16_audio(y, *, name: str = "y", min_length: int = 1, allow_empty: bool = False) -> np.ndarray:
    """Check 1-D int16 PCM samples, the input type of a microcontroller's audio frontend.

    Float audio is rejected with the conversion to use; other integer types are rejected rather than silently
    truncated.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    y : numpy.ndarray of int16
        Samples.
    name : str
        Parameter name for the message.
    min_length : int
        Fewest samples accepted (the batch frontend needs one 480-sample window).
    allow_empty : bool
        Accept zero samples (a streaming read that returned nothing).

    Returns
    -------
    numpy.ndarray of int16
    """
    if not isinstance(y, np.ndarray):
        raise TypeError(f"{name} must be a NumPy int16 array of PCM samples, got {type(y).__name__}")
    if np.issubdtype(y.dtype, np.floating):
        raise TypeError(
            f"{name} has floating-point dtype {y.dtype}, but the integer frontend takes int16 PCM samples. "
            f"Convert audio in [-1, 1] with {name} = course_utils.tinyml.to_q15({name}) "
            f"(round({name} * 32768), saturated to int16), or read the file with "
            f"soundfile.read(path, dtype='int16')"
        )
    if y.dtype != np.int16:
        raise TypeError(
            f"{name} must have dtype int16, got {y.dtype}. If its values already lie in [-32768, 32767], "
            f"use {name}.astype(np.int16)"
        )
    if y.ndim != 1:
        raise ParameterError(f"{name} must be mono (1-D), got shape {y.shape}; pick one channel, e.g. {name}[:, 0]")
    if y.size == 0 and allow_empty:
        return y
    if y.size == 0:
        raise ParameterError(f"{name} is empty: the frontend needs at least {max(min_length, 1)} samples")
    if y.size < min_length:
        raise ParameterError(
            f"{name} has {y.size} samples; the frontend needs at least {min_length} "
            f"(one {WINDOW_SIZE}-sample, 30 ms window)"
        )
    return y


def require_frame(frame, *, name: str = "frame") -> np.ndarray:
    """Check one frame for the preprocessor: exactly 480 int16 samples (30 ms at 16 kHz).

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    frame : numpy.ndarray of int16, shape (480,)
    name : str
        Parameter name for the message.

    Returns
    -------
    numpy.ndarray of int16
    """
    frame = require_int16_audio(frame, name=name)
    if frame.size != WINDOW_SIZE:
        raise ParameterError(
            f"{name} must hold exactly {WINDOW_SIZE} samples (30 ms at 16 kHz), got {frame.size}; audio of any "
            f"length goes through frontend() or StreamingFrontend.push(), which cut it into frames every "
            f"{WINDOW_STEP} samples"
        )
    return frame


def require_int8_features(features, *, name: str = "features", shape: tuple[int, ...] | None = None) -> np.ndarray:
    """Check the model input: int8 features as the frontend returns them, optionally of a given shape.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    features : numpy.ndarray of int8
    name : str
        Parameter name for the message.
    shape : tuple of int, optional
        Required shape, e.g. (49, 40) for micro_speech's 1 s window.

    Returns
    -------
    numpy.ndarray of int8
    """
    features = np.asarray(features)
    if features.dtype != np.int8:
        raise TypeError(f"{name} must be int8 (the frontend's output), got dtype {features.dtype}")
    if shape is not None and features.shape != tuple(shape):
        raise ParameterError(
            f"{name} must have shape {tuple(shape)} ({shape[0]} frames of 20 ms, {shape[-1]} channels), "
            f"got {features.shape}"
        )
    return features


def pad_to_length(y, length: int = SAMPLE_RATE) -> np.ndarray:
    """Zero-pad (at the end) or trim int16 audio to ``length`` samples; micro_speech expects exactly 1 s.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    y : numpy.ndarray of int16, shape (n,)
    length : int
        Target length in samples (16000 = 1 s).

    Returns
    -------
    numpy.ndarray of int16, shape (length,)
    """
    length = require_int("length", length, minimum=1)
    y = require_int16_audio(y)
    return np.pad(y[:length], (0, max(0, length - y.size)))
