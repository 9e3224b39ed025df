"""How long does lesson 09's explorer (§10) take to re-evaluate, against recomputing the features from audio?

Runs the lesson's own cells (set-up, data, spectrograms, folds, representations, PCEN, TFLM, noisy copies,
explorer) on the lesson's clips in this process, then times one call of its ``explore`` (what a changed control
runs) in three ways, each the median of ``--repeats`` calls, all in the same run:

(a) kept: a setting already seen (the explorer keeps the pooled features of every setting it computed): only the
    six leave-one-speaker-out folds and the confusion-matrix figure;
(b) new setting: features built once from the power spectrograms kept in memory (mel, log or PCEN, pooling);
(c) baseline: the same call when nothing is kept and every call recomputes the STFTs from the audio.

Prints the medians of the wall time and of this process's CPU time (all its threads), the ratios to the baseline
and whether the target is met (a and b ≤ 2 s of wall time). ``--strict`` exits with 1 when it is missed. The
machine's load changes the wall seconds (the CPU seconds much less); compare the ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import time
from collections.abc import Mapping
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LESSON = REPO / "notebooks" / "09_features_for_models.ipynb"
CELLS = ["setup", "data", "frames", "loso", "loso-fig", "reps", "pcen", "tflm", "noisy-mix", "noisy-reps",
         "explorer-def"]
TARGET_S = 2.0
# Settings a student steps through: each is new once, then kept.
SETTINGS = [("log-mel", 20, "train", "10 dB"), ("MFCC 13", 64, "train", "0 dB"), ("PCEN-mel", 20, "none", "20 dB"),
            ("log-mel", 64, "leaky", "0 dB"), ("MFCC 13", 20, "none", "10 dB"), ("PCEN-mel", 64, "train", "clean")]


def lesson_namespace() -> dict:
    """Execute the lesson cells the explorer needs, quietly, and return their variables."""
    import matplotlib

    matplotlib.use("Agg")
    import nbformat

    notebook = nbformat.read(LESSON, as_version=4)
    sources = {cell.get("id"): cell.source for cell in notebook.cells}
    namespace = {"__name__": "__lesson09__"}
    os.chdir(LESSON.parent)
    with contextlib.redirect_stdout(io.StringIO()):
        for cell_id in CELLS:
            exec(compile(sources[cell_id], f"<lesson 09 cell {cell_id}>", "exec"), namespace)
    return namespace


class SpectrogramsFromAudio(Mapping):
    """The baseline's ``spectrograms``: every look-up recomputes |STFT|² of the clean or noisy audio."""

    def __init__(self, namespace):
        self.ns = namespace
        self.names = ["clean"] + [f"{snr} dB" for snr in namespace["snrs"]]

    def __getitem__(self, name):
        import librosa
        import numpy as np

        ns = self.ns
        signals = ns["Y"] if name == "clean" else ns["noisy_signals"][int(name.split()[0])]
        return np.abs(librosa.stft(signals, n_fft=ns["n_fft"], hop_length=ns["hop_length"])) ** 2

    def __iter__(self):
        return iter(self.names)

    def __len__(self):
        return len(self.names)


def seconds(function) -> tuple[float, float]:
    """Wall and CPU seconds of one call."""
    import matplotlib.pyplot as plt

    start, start_cpu = time.perf_counter(), time.process_time()
    with contextlib.redirect_stdout(io.StringIO()):
        function()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    plt.close("all")
    return elapsed, cpu


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="calls per measurement (median), at least 3")
    parser.add_argument("--strict", action="store_true", help="exit with 1 when the target is missed")
    args = parser.parse_args(argv)
    if args.repeats < 3:
        parser.error("--repeats must be at least 3")
    sys.path.insert(0, str(REPO))
    started = time.perf_counter()
    ns = lesson_namespace()
    print(f"lesson cells {', '.join(CELLS)} ran in {time.perf_counter() - started:.1f} s "
          f"({len(ns['digits'])} clips)")
    explore, kept = ns["explore"], ns["kept"]
    settings = (SETTINGS * (1 + args.repeats // len(SETTINGS)))[:args.repeats]

    new = []
    for representation, n_mels, normalization, test in settings:
        for spectra in ("clean", test):
            kept.pop((representation, n_mels, spectra), None)
        new.append(seconds(lambda: explore(representation, n_mels, normalization, test)))
    again = [seconds(lambda: explore(*setting)) for setting in settings]           # all of them are kept now

    kept_spectrograms, kept_features = ns["spectrograms"], dict(kept)
    ns["spectrograms"] = SpectrogramsFromAudio(ns)
    baseline = []
    for setting in settings:
        kept.clear()
        baseline.append(seconds(lambda: explore(*setting)))
    ns["spectrograms"] = kept_spectrograms
    kept.update(kept_features)

    def median(calls, which):
        return statistics.median(call[which] for call in calls)

    reference = median(baseline, 0)
    rows = [("(a) setting seen before, features kept", again), ("(b) new setting, spectrograms kept", new),
            ("(c) baseline: STFT from audio every call", baseline)]
    print(f"one re-evaluation of explore(...) on {len(ns['digits'])} clips, median of {args.repeats}:")
    for label, calls in rows:
        print(f"  {label:<44} {median(calls, 0):6.2f} s wall ({median(calls, 1):5.2f} s CPU)   "
              f"{median(calls, 0) / reference:5.2f} × baseline")
    met = max(median(again, 0), median(new, 0)) <= TARGET_S
    print(f"target (a) and (b) ≤ {TARGET_S:.0f} s: {'met' if met else 'MISSED'}")
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())
