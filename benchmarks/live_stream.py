"""Python's share of the live view: milliseconds per 20 ms block, streaming columns vs a naive full redraw.

Run: .venv/bin/python benchmarks/live_stream.py [--seconds S] [--repeats N]

A 200 -> 3000 Hz chirp is fed in 320-sample blocks (20 ms, what the browser sends) to
``LiveSpectrogram.push`` (only the new columns, pooled to pixel levels and packed as bytes), once per view.
The naive baseline, measured in the same run on the same blocks, recomputes the whole 8 s mel picture with
``dsp.melspectrogram`` and encodes it as a PNG for every block. Reported: median ms per block, CPU share of one
core (median / 20 ms; target <= 30 % for the mel view) and the ratio baseline / streaming.

Not measured here: microphone sample -> painted column in JupyterLab + Chromium (the view shows it as its
"latency" readout, the median over the last 200 columns).
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from course_utils import dsp  # noqa: E402
from course_utils.widgets.live import LiveSpectrogram  # noqa: E402

SR = 16000
BLOCK = 320
TARGET_CPU = 0.30


def chirp(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return (0.5 * np.sin(2 * np.pi * (200 * t + 1400 / seconds * t**2))).astype(np.float32)


def streaming_ms(y: np.ndarray, view: str, kws: bool) -> list[float]:
    live = LiveSpectrogram(view=view, kws=kws)
    times = []
    for start in range(0, len(y), BLOCK):
        t0 = time.perf_counter()
        live.push(y[start : start + BLOCK])
        times.append(1000 * (time.perf_counter() - t0))
    return times[len(times) // 10 :]  # without the first blocks (model loading, caches)


def naive_ms(y: np.ndarray, blocks: int) -> list[float]:
    import matplotlib.pyplot as plt

    span = 8 * SR
    times = []
    for k in range(blocks):
        end = min(len(y), (k + 1) * BLOCK + span // 2)
        t0 = time.perf_counter()
        window = y[max(0, end - span) : end]
        picture = dsp.power_to_db(dsp.melspectrogram(y=window, sr=SR, n_fft=512, hop_length=160, n_mels=64),
                                  ref=1.0, top_db=80.0)
        buffer = io.BytesIO()
        plt.imsave(buffer, picture[::-1], cmap="magma", format="png")
        times.append(1000 * (time.perf_counter() - t0))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--repeats", type=int, default=40, help="blocks timed for the naive baseline")
    args = parser.parse_args()
    y = chirp(args.seconds)
    baseline = statistics.median(naive_ms(y, args.repeats))
    block_ms = 1000 * BLOCK / SR
    print(f"{'view':<18}{'median ms/block':>16}{'CPU of one core':>17}{'naive / stream':>16}")
    for view, kws in (("mel", False), ("linear", False), ("mfcc", False), ("tflm", False), ("tflm", True)):
        ms = statistics.median(streaming_ms(y, view, kws))
        name = view + (" + kws" if kws else "")
        print(f"{name:<18}{ms:>16.2f}{ms / block_ms:>16.0%}{baseline / ms:>15.1f}x")
    print(f"{'naive mel + PNG':<18}{baseline:>16.2f}{baseline / block_ms:>16.0%}{1:>15.1f}x")
    mel = statistics.median(streaming_ms(y, "mel", False))
    print(f"mel view CPU target <= {TARGET_CPU:.0%} of one core: {'met' if mel / block_ms <= TARGET_CPU else 'NOT met'}")


if __name__ == "__main__":
    main()
