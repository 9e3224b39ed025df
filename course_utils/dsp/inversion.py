"""Getting audio back from a magnitude or mel spectrogram (Griffin-Lim, NNLS) and measuring how well it worked.

Taught in notebooks/07_inversion.ipynb.
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
import scipy.optimize

from ..errors import ParameterError
from ..validate import require_audio, require_choice, require_int, require_number
from ._checks import check_frame_lengths, require_array
from .mel import mel_filterbank
from .spectrogram import istft, stft


def _random_generator(rng):
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, (np.random.Generator, np.random.RandomState)):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ParameterError(f"rng must be a seed >= 0, got {rng}")
        return np.random.default_rng(int(rng))
    raise TypeError(f"rng must be None, an int seed or a NumPy random generator; got {type(rng).__name__}")


def griffin_lim(
    S,
    *,
    n_iter=32,
    hop_length=None,
    win_length=None,
    n_fft=None,
    window="hann",
    center=True,
    length=None,
    momentum=0.99,
    init="random",
    rng=0,
    return_convergence=False,
):
    """Estimate a signal whose STFT magnitude is ``S`` by alternating projections (like ``librosa.griffinlim``).

    Taught in notebooks/07_inversion.ipynb.

    Start from a guessed phase; then repeat: invert to audio (`istft`), analyse again (`stft`), keep the new
    phase but put back the target magnitude ``S``. With ``momentum > 0`` each step also moves further along the
    last step's direction: the *fast* Griffin-Lim of Perraudin, Balazs & Søndergaard (2013), with librosa's
    default of 0.99; ``momentum=0`` is the original Griffin & Lim (1984) algorithm.

    Parameters
    ----------
    S : np.ndarray, shape (1 + n_fft // 2, n_frames)
        Target magnitude spectrogram (real, non-negative), e.g. ``np.abs(stft(y))``.
    n_iter : int >= 0
        Number of iterations.
    hop_length, win_length, n_fft, window, center, length
        As in `istft`; use the values the spectrogram was made with.
    momentum : float >= 0
        Fast Griffin-Lim momentum; values above 1 can diverge and warn.
    init : {"random", None}
        Initial phase: uniformly random, or all zero (None).
    rng : int >= 0, np.random.Generator, np.random.RandomState or None
        Where the random initial phase comes from (librosa 1.x's name for it). An int seeds
        ``np.random.default_rng(rng)``, as librosa 1.x does; a Generator or RandomState is used as given (and
        advanced); None draws from a fresh, unseeded generator. Unlike librosa (default None), the default is
        seed 0, so repeated calls agree. librosa 0.11 calls this parameter ``random_state`` and seeds the legacy
        ``np.random.RandomState(seed)`` from an int, so there the same int gives a different phase; passing the
        same generator object gives librosa's result on both versions.
    return_convergence : bool
        Also return the spectral convergence of every iteration.

    Returns
    -------
    y : np.ndarray, shape (length,)
        The reconstructed signal.
    convergence : np.ndarray, shape (n_iter,)
        Only with ``return_convergence=True``: ``spectral_convergence(S, |stft(istft(...))|)`` at each iteration,
        before the target magnitude is put back; it should fall.
    """
    S = require_array("S", S, ndim=2)
    if np.any(S < 0):
        raise ParameterError("S must be a magnitude spectrogram (non-negative), e.g. np.abs(stft(y))")
    n_iter = require_int("n_iter", n_iter, minimum=0)
    if n_fft is None:
        n_fft = 2 * (S.shape[0] - 1)
    n_fft, hop_length, win_length = check_frame_lengths(n_fft, hop_length, win_length)
    momentum = require_number("momentum", momentum, minimum=0)
    if momentum > 1:
        warnings.warn(f"Griffin-Lim with momentum={momentum} > 1 can be unstable", UserWarning, stacklevel=2)
    require_choice("init", init, ("random", None))
    generator = _random_generator(rng)
    frame_settings = dict(hop_length=hop_length, win_length=win_length, n_fft=n_fft, window=window, center=center)

    if init == "random":
        angles = np.exp(2j * np.pi * generator.random(size=S.shape))
    else:
        angles = np.ones(S.shape, dtype=np.complex128)
    estimate = S * angles
    previous = None
    convergence = np.empty(n_iter)
    for iteration in range(n_iter):
        rebuilt = stft(istft(estimate, length=length, **frame_settings), **frame_settings)
        convergence[iteration] = spectral_convergence(S, np.abs(rebuilt))
        accelerated = rebuilt if previous is None else rebuilt - (momentum / (1 + momentum)) * previous
        # The tiny constant keeps 0/0 out of bins where the estimate is exactly zero.
        estimate = accelerated / (np.abs(accelerated) + np.finfo(np.float64).tiny) * S
        previous = rebuilt
    y = istft(estimate, length=length, **frame_settings)
    return (y, convergence) if return_convergence else y


# Weight of the penalty on ||p||², relative to the filterbank's largest singular value squared: small enough that the
# mel bands are still fitted to about 1e-8, large enough to make the solution unique and the problem well posed.
_RIDGE = 1e-8


def mel_to_stft(M, *, sr, n_fft=2048, power=2.0, fmin=0.0, fmax=None, htk=False, norm="slaney"):
    """Estimate an STFT magnitude from a mel spectrogram: per frame, the smallest-norm non-negative spectrum that fits.

    Taught in notebooks/07_inversion.ipynb.

    A frame of ``M`` is ``m = W p`` for a filterbank ``W`` (n_mels × bins) and a spectrum ``p = |D|**power``:
    fewer equations than unknowns, so many non-negative spectra fit. Each frame solves, with
    ``scipy.optimize.nnls``, ::

        minimise  ||W p - m||² + ε ||W||₂² ||p||²   over p >= 0,   ε = 1e-8,

    whose tiny penalty on ``||p||²`` (for power, the sum of the squared powers, not the energy ``Σ p``) picks one
    answer: (almost exactly) the non-negative spectrum of smallest norm that fits the bands, the constrained
    counterpart of the pseudo-inverse. The problem and scipy's solver (whose
    tolerances are relative) both scale with the input, so the same sound recorded 20 dB louder gives the same
    estimate, 20 dB louder. ``librosa.feature.inverse.mel_to_stft`` fits the same bands by L-BFGS-B from the clipped
    pseudo-inverse, with absolute stopping tolerances, so where it stops depends on the input's level.

    Parameters
    ----------
    M : np.ndarray, shape (n_mels, n_frames), non-negative
        Mel spectrogram, e.g. ``melspectrogram(y=y, sr=sr, n_fft=n_fft, power=power)``.
    sr : int > 0
        Sample rate in Hz.
    n_fft, fmin, fmax, htk, norm
        The filterbank settings the mel spectrogram was made with, as in `mel_filterbank`.
    power : float > 0
        The exponent the mel spectrogram was made with: 2 for power, 1 for magnitude.

    Returns
    -------
    S : np.ndarray, shape (1 + n_fft // 2, n_frames), float64, non-negative
        Estimated magnitude spectrogram; a frame of zeros stays zero.
    """
    M = require_array("M", M, ndim=2)
    if np.any(M < 0):
        raise ParameterError("M must be a mel spectrogram (non-negative), e.g. melspectrogram(y=y, sr=sr)")
    power = require_number("power", power, above=0)
    weights = mel_filterbank(sr=sr, n_fft=n_fft, n_mels=M.shape[0], fmin=fmin, fmax=fmax, htk=htk, norm=norm)
    n_bins = weights.shape[1]
    # Rows sqrt(ε)·||W||·I under W add the penalty ε·||W||²·||p||² to the squared error that nnls minimises.
    stacked = np.vstack([weights, np.sqrt(_RIDGE) * np.linalg.norm(weights, 2) * np.eye(n_bins)])
    zero_norm = np.zeros(n_bins)  # the penalty rows' target: p = 0
    spectrum = np.column_stack([scipy.optimize.nnls(stacked, np.concatenate([bands, zero_norm]))[0] for bands in M.T])
    return spectrum ** (1 / power)


def spectral_convergence(S_ref, S_est):
    """Relative spectrogram error ``||S_ref - S_est||_F / ||S_ref||_F`` (0 is perfect).

    Taught in notebooks/07_inversion.ipynb.

    Parameters
    ----------
    S_ref : np.ndarray
        Reference magnitude spectrogram; not all zero.
    S_est : np.ndarray, same shape
        Estimated magnitude spectrogram, e.g. ``np.abs(stft(griffin_lim(S_ref)))``.

    Returns
    -------
    convergence : float
    """
    S_ref = require_array("S_ref", S_ref)
    S_est = require_array("S_est", S_est)
    if S_ref.shape != S_est.shape:
        raise ParameterError(f"S_est has shape {S_est.shape} but S_ref has shape {S_ref.shape}; they must match")
    reference_energy = np.sum(np.abs(S_ref) ** 2)
    if reference_energy == 0:
        raise ParameterError("S_ref is all zeros, so the relative error is undefined")
    return float(np.sqrt(np.sum(np.abs(S_ref - S_est) ** 2) / reference_energy))


def snr_db(reference, estimate):
    """Signal-to-noise ratio ``10 log10(Σ reference² / Σ (reference - estimate)²)`` in dB (inf if identical).

    Taught in notebooks/07_inversion.ipynb. Griffin-Lim output usually scores low even when it sounds right,
    because SNR also counts phase differences the ear barely hears; compare with `spectral_convergence`.

    Parameters
    ----------
    reference : np.ndarray, shape (n,)
        Original signal.
    estimate : np.ndarray, shape (n,)
        Reconstruction; pass ``length=len(reference)`` to `istft` / `griffin_lim` to get the same length.

    Returns
    -------
    snr : float
    """
    reference = require_audio(reference, name="reference")
    estimate = require_audio(estimate, name="estimate")
    if reference.shape != estimate.shape:
        raise ParameterError(
            f"estimate has {len(estimate)} samples but reference has {len(reference)}; "
            "pass length=len(reference) to istft or griffin_lim"
        )
    signal_energy = np.sum(reference.astype(np.float64) ** 2)
    noise_energy = np.sum((reference.astype(np.float64) - estimate) ** 2)
    if noise_energy == 0:
        return float("inf")
    with np.errstate(divide="ignore"):  # a silent reference gives -inf dB, which is the honest answer
        return float(10 * np.log10(signal_energy / noise_energy))
