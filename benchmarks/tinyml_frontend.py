"""Milliseconds per 1 s clip: the NumPy micro_speech frontend (batch and streaming) vs TFLM's own interpreter.

Run: .venv/bin/python benchmarks/tinyml_frontend.py [--repeats N]

Every clip of data/speech_commands is processed by both in the same run; the median time per clip over
``repeats`` passes is reported (after one warm-up pass), with the ratio. Target: NumPy <= 20 ms per clip.
A last row times the slow path of the FFT auto-scale: 1 s at -32768, where every frame holds a windowed
-32768 and TFLM's peak loop is replayed sample by sample.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from course_utils import tinyml as tm  # noqa: E402

TARGET_MS = 20.0


def load_clips() -> list[np.ndarray]:
    clips = []
    for path in sorted((ROOT / "data" / "speech_commands").glob("*.wav")):
        y, sr = sf.read(path, dtype="int16")
        assert sr == tm.pipeline.SAMPLE_RATE
        clips.append(tm.pad_to_length(y))  # exactly 1 s each, so "per clip" means "per second of audio"
    return clips


def median_ms_per_clip(function, clips: list[np.ndarray], repeats: int) -> float:
    for y in clips:
        function(y)
    times = []
    for _ in range(repeats):
        for y in clips:
            start = time.perf_counter()
            function(y)
            times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed passes over all clips (default 5)")
    args = parser.parse_args()

    clips = load_clips()
    reference = tm.TflmFrontend("int8")
    if not all(np.array_equal(tm.frontend(y), reference.features(y)) for y in clips):
        print("WARNING: NumPy and TFLM features differ on some clip")

    numpy_ms = median_ms_per_clip(tm.frontend, clips, args.repeats)
    stream_ms = median_ms_per_clip(tm.stream_features, clips, args.repeats)
    tflm_ms = median_ms_per_clip(reference.features, clips, args.repeats)
    rail = [np.full(tm.pipeline.SAMPLE_RATE, -32768, dtype=np.int16)]
    if not np.array_equal(tm.frontend(rail[0]), reference.features(rail[0])):
        print("WARNING: NumPy and TFLM features differ on DC at -32768")
    rail_ms = median_ms_per_clip(tm.frontend, rail, 5 * args.repeats)

    print(f"clips: {len(clips)} x 1 s at 16 kHz (49 frames each), median of {args.repeats} passes")
    print(f"NumPy frontend (batch)      {numpy_ms:8.2f} ms per 1 s clip   (target <= {TARGET_MS:.0f} ms)")
    print(f"NumPy frontend (streaming)  {stream_ms:8.2f} ms per 1 s clip   (320-sample hops)")
    print(f"TFLM interpreter            {tflm_ms:8.2f} ms per 1 s clip")
    print(f"ratio NumPy batch / TFLM    {numpy_ms / tflm_ms:8.2f}x")
    print(f"NumPy batch, DC at -32768   {rail_ms:8.2f} ms per 1 s clip   ({rail_ms / numpy_ms:.2f}x speech)")
    print("target met" if numpy_ms <= TARGET_MS else "TARGET MISSED")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
