"""A transparent, from-scratch audio feature pipeline in NumPy that matches librosa.

Each lesson shows one of these short functions next to the librosa call it reproduces; the tests check that they
agree to a relative error of 1e-5 in float64. One module per topic:

- `framing`: frame, get_window, pad_center (notebooks/03_stft.ipynb)
- `fourier`: dft_matrix, dft, rfft (notebooks/02_fourier_transform.ipynb)
- `spectrogram`: stft, istft, spectrogram, fft_frequencies, frames/time conversions (notebooks/03_stft.ipynb)
- `mel`: hz_to_mel, mel_to_hz, mel_frequencies, mel_filterbank, melspectrogram, PERCEPTUAL_MEL_TABLE
  (notebooks/04_mel_scale.ipynb)
- `decibels`: power_to_db, amplitude_to_db, db_to_power, db_to_amplitude (notebooks/05_decibels.ipynb)
- `cepstrum`: dct_matrix, dct, idct, lifter_weights, mfcc, delta (notebooks/06_mfcc.ipynb)
- `inversion`: griffin_lim, mel_to_stft, spectral_convergence, snr_db (notebooks/07_inversion.ipynb)
"""

from .cepstrum import dct, dct_matrix, delta, idct, lifter_weights, mfcc
from .decibels import amplitude_to_db, db_to_amplitude, db_to_power, power_to_db
from .fourier import dft, dft_matrix, rfft
from .framing import frame, get_window, pad_center
from .inversion import griffin_lim, mel_to_stft, snr_db, spectral_convergence
from .mel import (
    PERCEPTUAL_MEL_SOURCE,
    PERCEPTUAL_MEL_TABLE,
    hz_to_mel,
    mel_filterbank,
    mel_frequencies,
    mel_to_hz,
    melspectrogram,
)
from .spectrogram import fft_frequencies, frames_to_samples, frames_to_time, istft, spectrogram, stft, time_to_frames

__all__ = [
    "PERCEPTUAL_MEL_SOURCE",
    "PERCEPTUAL_MEL_TABLE",
    "amplitude_to_db",
    "db_to_amplitude",
    "db_to_power",
    "dct",
    "dct_matrix",
    "delta",
    "dft",
    "dft_matrix",
    "fft_frequencies",
    "frame",
    "frames_to_samples",
    "frames_to_time",
    "get_window",
    "griffin_lim",
    "hz_to_mel",
    "idct",
    "istft",
    "lifter_weights",
    "mel_filterbank",
    "mel_frequencies",
    "mel_to_hz",
    "mel_to_stft",
    "melspectrogram",
    "mfcc",
    "pad_center",
    "power_to_db",
    "rfft",
    "snr_db",
    "spectral_convergence",
    "spectrogram",
    "stft",
    "time_to_frames",
]
