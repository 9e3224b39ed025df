"""Time course_utils.dsp against librosa on a 10 s clip: stft, melspectrogram and mfcc.

Run with ``.venv/bin/python benchmarks/dsp_vs_librosa.py``. Prints the median time of each over several repeats,
after a warm-up call of both, and the ratio ours / librosa (the target is at most 2). The two are timed in
alternation so that load from other processes falls on both alike. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import librosa
import numpy as np
import soundfile as sf

from course_utils import dsp

REPO_ROOT = Path(__file__).resolve().parents[1]
CLIP = REPO_ROOT / "data" / "music" / "brahms_hungarian_dance5_first10s_22k.wav"
REPEATS = 21
TARGET_RATIO = 2.0


def seconds(function):
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def median_seconds(ours, theirs, repeats=REPEATS):
    """Median run time of ``ours`` and of ``theirs``, timed alternately after one warm-up call of each."""
    ours()  # warm-up: imports, caches, first-touch allocations
    theirs()
    pairs = [(seconds(ours), seconds(theirs)) for _ in range(repeats)]
    return tuple(statistics.median(column) for column in zip(*pairs))


def main():
    y, sr = sf.read(CLIP, dtype="float64")
    cases = {
        "stft": (
            lambda: dsp.stft(y, n_fft=2048, hop_length=512),
            lambda: librosa.stft(y, n_fft=2048, hop_length=512),
        ),
        "melspectrogram": (
            lambda: dsp.melspectrogram(y=y, sr=sr, n_fft=2048, hop_length=512, n_mels=128),
            lambda: librosa.feature.melspectrogram(y=y, sr=sr, n_fft=2048, hop_length=512, n_mels=128),
        ),
        "mfcc": (
            lambda: dsp.mfcc(y=y, sr=sr, n_mfcc=20, n_fft=2048, hop_length=512, n_mels=128),
            lambda: librosa.feature.mfcc(y=y, sr=sr, n_mfcc=20, n_fft=2048, hop_length=512, n_mels=128),
        ),
    }
    print(f"{CLIP.name}: {len(y) / sr:.1f} s at {sr} Hz, float64; median of {REPEATS} runs after a warm-up")
    print(f"{'function':<16}{'ours (ms)':>12}{'librosa (ms)':>14}{'ratio':>8}")
    for name, (ours, theirs) in cases.items():
        ours_s, theirs_s = median_seconds(ours, theirs)
        ratio = ours_s / theirs_s
        flag = "" if ratio <= TARGET_RATIO else f"  (above the {TARGET_RATIO:g}x target)"
        print(f"{name:<16}{ours_s * 1e3:>12.2f}{theirs_s * 1e3:>14.2f}{ratio:>8.2f}{flag}")
    print(f"numpy {np.__version__}, librosa {librosa.__version__}")


if __name__ == "__main__":
    main()
