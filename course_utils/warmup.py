"""Pay librosa's one-time compilation cost during set-up instead of in the middle of a lesson.

librosa compiles parts of itself with numba the first time they run (10–20 s on a fresh install) and caches the
result on disk, so later sessions start in about a second. ``make lab`` and ``make test`` run
``python -m course_utils.warmup`` once after installing.
"""

from __future__ import annotations

import sys
import time
import warnings


def warm_up() -> float:
    """Run every librosa feature the lessons use once, on a short signal. Returns the seconds it took."""
    import numpy as np

    start = time.perf_counter()
    import librosa

    sr = 16000
    y = (0.1 * np.random.default_rng(0).standard_normal(2 * sr)).astype(np.float32)
    S = np.abs(librosa.stft(y, n_fft=512, hop_length=128))
    librosa.istft(librosa.stft(y, n_fft=512, hop_length=128), hop_length=128)
    mel = librosa.feature.melspectrogram(S=S**2, sr=sr, n_mels=40)
    mfcc = librosa.feature.mfcc(S=librosa.power_to_db(mel), n_mfcc=13)
    librosa.feature.delta(mfcc)
    librosa.pcen(mel * (2**31), sr=sr, hop_length=128)
    librosa.griffinlim(S, n_iter=2, hop_length=128)
    librosa.feature.inverse.mel_to_stft(mel, sr=sr, n_fft=512)
    librosa.resample(y, orig_sr=sr, target_sr=8000)
    librosa.cqt(y, sr=sr, hop_length=512, n_bins=24)
    return time.perf_counter() - start


def main() -> int:
    print("Warming up librosa: its first run compiles code with numba (10–20 s on a fresh install, "
          "about 1 s once cached)…", flush=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # short warm-up signals trigger size warnings that mean nothing here
        seconds = warm_up()
    print(f"librosa is ready ({seconds:.1f} s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
