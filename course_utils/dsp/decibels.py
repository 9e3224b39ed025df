"""Decibels: a logarithmic loudness scale relative to a reference, with a floor and a dynamic-range limit.

Taught in notebooks/05_decibels.ipynb.
"""

from __future__ import annotations

import numpy as np

from ..validate import require_number
from ._checks import require_array


def _reference_value(ref, magnitude):
    """``ref`` itself (a positive number) or ``ref(magnitude)`` when it is a function such as ``np.max``."""
    if callable(ref):
        return ref(magnitude)
    return require_number("ref", ref, above=0)


def _require_top_db(top_db):
    return None if top_db is None else require_number("top_db", top_db, minimum=0)


def _power_to_db(power, ref_power, amin, top_db):
    log_spec = 10.0 * np.log10(np.maximum(amin, power))
    log_spec -= 10.0 * np.log10(np.maximum(amin, ref_power))
    if top_db is not None:
        log_spec = np.maximum(log_spec, log_spec.max() - top_db)
    return log_spec


def power_to_db(S, *, ref=1.0, amin=1e-10, top_db=80.0):
    """Convert a power spectrogram to decibels: ``10 log10(S / ref)`` (like ``librosa.power_to_db``).

    Taught in notebooks/05_decibels.ipynb.

    Parameters
    ----------
    S : np.ndarray
        Power values (``|stft|**2``, a mel spectrogram, ...); real, finite.
    ref : float > 0 or callable
        The power that maps to 0 dB, or a function of ``S`` giving it; ``ref=np.max`` puts the loudest value at
        0 dB and everything else below.
        A function, like ``top_db``, looks at the whole array, as in librosa 0.11; librosa >= 1.0 applies both to
        each 2-D slice of the last two axes (its ``axes`` argument).
    amin : float > 0
        Floor applied to ``S`` and ``ref`` before the logarithm, so silence gives ``10 log10(amin)`` (-100 dB
        by default) instead of -inf.
    top_db : float >= 0 or None
        Clip the output to at most ``top_db`` dB below its maximum (80 dB default); None keeps everything.

    Returns
    -------
    S_db : np.ndarray, same shape as ``S``
    """
    S = require_array("S", S)
    amin = require_number("amin", amin, above=0)
    top_db = _require_top_db(top_db)
    return _power_to_db(S, _reference_value(ref, S), amin, top_db)


def amplitude_to_db(S, *, ref=1.0, amin=1e-5, top_db=80.0):
    """Convert an amplitude (magnitude) spectrogram to decibels: ``20 log10(|S| / ref)`` (like librosa's).

    Taught in notebooks/05_decibels.ipynb.

    The same as ``power_to_db(np.abs(S)**2, ref=ref**2, amin=amin**2, top_db=top_db)``: amplitude is the square
    root of power, so its decibels use 20 instead of 10.

    Parameters
    ----------
    S : np.ndarray
        Amplitudes; complex values (an STFT) are replaced by their magnitude.
    ref : float > 0 or callable
        The amplitude that maps to 0 dB, or a function of ``|S|`` (such as ``np.max``) giving it. A function
        looks at the whole array, as in librosa 0.11; librosa >= 1.0 applies it to each 2-D slice of the last two
        axes (its ``axes`` argument), as it does in `power_to_db`.
    amin : float > 0
        Floor on ``|S|`` and ``ref`` (1e-5, i.e. -100 dB, by default).
    top_db : float >= 0 or None
        As in `power_to_db`.

    Returns
    -------
    S_db : np.ndarray, same shape as ``S``
    """
    magnitude = np.abs(require_array("S", S, allow_complex=True))
    amin = require_number("amin", amin, above=0)
    top_db = _require_top_db(top_db)
    ref_value = _reference_value(ref, magnitude)
    return _power_to_db(magnitude**2, np.square(ref_value), amin**2, top_db)


def db_to_power(S_db, *, ref=1.0):
    """Undo `power_to_db` (except for its ``amin`` floor and ``top_db`` clipping): ``ref * 10**(S_db / 10)``.

    Taught in notebooks/05_decibels.ipynb.

    Parameters
    ----------
    S_db : np.ndarray
        Decibels.
    ref : float > 0
        The power that 0 dB stands for.

    Returns
    -------
    S : np.ndarray
    """
    S_db = require_array("S_db", S_db)
    ref = require_number("ref", ref, above=0)
    return ref * np.power(10.0, 0.1 * S_db)


def db_to_amplitude(S_db, *, ref=1.0):
    """Undo `amplitude_to_db` (except for ``amin`` and ``top_db``): ``ref * 10**(S_db / 20)``.

    Taught in notebooks/05_decibels.ipynb.

    Parameters
    ----------
    S_db : np.ndarray
        Decibels.
    ref : float > 0
        The amplitude that 0 dB stands for.

    Returns
    -------
    S : np.ndarray
    """
    ref = require_number("ref", ref, above=0)
    return db_to_power(S_db, ref=ref**2) ** 0.5
