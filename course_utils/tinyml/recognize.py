"""Keyword spotting on a stream: the micro_speech model run once per new 20 ms feature row, its scores smoothed
as TFLM's ``RecognizeCommands`` does.

TFLM's micro_speech example (``recognize_commands.cc``, shipped until tflite-micro commit d5a83db, October 2023)
keeps the results of the last ``average_window_duration_ms`` (1000 ms), needs at least ``minimum_count`` (3) of them
spanning at least a quarter of that window, averages each label's score shifted to 0…255 (``int8 + 128``, integer
division), and reports the top label as a new command when its average beats ``detection_threshold`` (200) and it is
either a different label from the last command or more than ``suppression_ms`` (1500 ms) after it ("silence" as the
last command never suppresses). Its results live in a fixed queue of ``kMaxResults`` = 50 entries
(``PreviousResultsQueue`` in ``recognize_commands.h``), whose ``push_back`` drops the new result when the queue is
full, *before* the old results are pruned: a 1000 ms window at 20 ms strides spans 51 results, so the device then
averages without its newest result. :class:`RecognizeCommands` does the same (``max_results``). The copy that lives on
in tensorflow/tflite-micro-arduino-examples (``recognize_commands.cpp``, since January 2022) prunes first and stores
second; ``prune_first=True`` gives that order.

Taught in notebooks/08_tinyml.ipynb.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError
from ..validate import require_int
from .inputs import require_int8_features
from .reference import LABELS, MODEL_FRAMES
from .tables import NUM_CHANNELS, WINDOW_STEP

SILENCE_FEATURE = -128  # every int8 feature of a frame of zeros
DEVICE_START_FEATURE = 0  # what TFLM's device program holds before any row arrives (FeatureProvider zeroes its buffer)
STRIDE_MS = 1000 * WINDOW_STEP // 16000  # 20 ms between feature rows, and between inferences


@dataclass(frozen=True)
class Recognition:
    """One call of :meth:`RecognizeCommands.process`: the smoothed top label, its 0…255 score, and whether it is new.

    Attributes
    ----------
    time_ms : int
        Time of the result, in ms from the start of the stream.
    label : str
        The top label of the averaged scores (the previous command while too few results are in the window).
    score : int
        Its average score on TFLM's 0…255 scale (0 while too few results are in the window).
    is_new : bool
        True when this result is a detection: above the threshold and not suppressed.
    average : tuple of int
        The averaged 0…255 score of every label in :data:`~course_utils.tinyml.LABELS` order (zeros when too few).
    """

    time_ms: int
    label: str
    score: int
    is_new: bool
    average: tuple[int, ...]


class RecognizeCommands:
    """TFLM's ``RecognizeCommands``: average the last second of int8 model outputs and report detections.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    average_window_duration_ms : int
        Results within this many ms of the newest are averaged (1000, as in TFLM).
    detection_threshold : int
        Average score on the 0…255 scale a label must exceed to be detected (200).
    suppression_ms : int
        A repeat of the same label within this many ms of its detection is not reported again (1500).
    minimum_count : int
        Fewest results in the window for an average to count (3).
    labels : sequence of str
        Label of each score, index 0 being "silence" (never suppressing).
    max_results : int or None
        Most results kept (50, TFLM's ``kMaxResults``). A result arriving while that many are kept is dropped, as
        TFLM's ``PreviousResultsQueue::push_back`` does, and the average is taken without it; ``dropped`` counts
        them. None keeps every result in the window.
    prune_first : bool
        False (tflite-micro's order): store the new result, then forget those older than the window. True (the
        Arduino examples' order): forget the old results first, so a full queue makes room before the new one comes.
    """

    def __init__(self, average_window_duration_ms: int = 1000, detection_threshold: int = 200,
                 suppression_ms: int = 1500, minimum_count: int = 3, labels=LABELS, *, max_results: int | None = 50,
                 prune_first: bool = False):
        self.average_window_duration_ms = require_int("average_window_duration_ms", average_window_duration_ms,
                                                      minimum=1)
        self.detection_threshold = require_int("detection_threshold", detection_threshold, minimum=0, maximum=255)
        self.suppression_ms = require_int("suppression_ms", suppression_ms, minimum=0)
        self.minimum_count = require_int("minimum_count", minimum_count, minimum=1)
        self.labels = tuple(labels)
        self.max_results = None if max_results is None else require_int("max_results", max_results, minimum=1)
        if not isinstance(prune_first, (bool, np.bool_)):
            raise ParameterError(f"prune_first must be True or False, got {prune_first!r}")
        self.prune_first = bool(prune_first)
        self.reset()

    def reset(self) -> None:
        """Forget every result (a new stream)."""
        self._results: deque[tuple[int, np.ndarray]] = deque()
        self._previous_label = self.labels[0]
        self._previous_time: int | None = None
        self.dropped = 0  # results not stored because the queue was full (TFLM logs each one)

    def _prune(self, time_ms: int) -> None:
        while self._results and self._results[0][0] < time_ms - self.average_window_duration_ms:
            self._results.popleft()

    def process(self, scores, time_ms: int) -> Recognition:
        """Add the model's int8 output for time ``time_ms`` and return the smoothed recognition.

        Parameters
        ----------
        scores : numpy.ndarray of int8, shape (n_labels,)
        time_ms : int
            Must not be earlier than the oldest result still in the window.

        Returns
        -------
        Recognition
        """
        scores = require_int8_features(np.asarray(scores), name="scores", shape=(len(self.labels),))
        time_ms = require_int("time_ms", time_ms)
        if self._results and time_ms < self._results[0][0]:
            raise ParameterError(f"time_ms must increase: got {time_ms} ms, earlier than the oldest result "
                                 f"({self._results[0][0]} ms)")
        if self.prune_first:
            self._prune(time_ms)
        if self.max_results is not None and len(self._results) >= self.max_results:
            self.dropped += 1  # TFLM: "Couldn't push_back latest result, too many already!"
        else:
            self._results.append((time_ms, scores.astype(np.int32) + 128))
        self._prune(time_ms)
        count = len(self._results)
        if count < self.minimum_count or time_ms - self._results[0][0] < self.average_window_duration_ms // 4:
            return Recognition(time_ms, self._previous_label, 0, False, (0,) * len(self.labels))
        average = sum(result for _, result in self._results) // count  # non-negative: // truncates as C does
        top = int(np.argmax(average))  # the first of equal maxima, as TFLM's strict ">" scan keeps
        top_score = int(average[top])
        label = self.labels[top]
        if self._previous_label == self.labels[0] or self._previous_time is None:
            since_last = None  # nothing to suppress
        else:
            since_last = time_ms - self._previous_time
        is_new = top_score > self.detection_threshold and (
            label != self._previous_label or since_last is None or since_last > self.suppression_ms)
        if is_new:
            self._previous_label, self._previous_time = label, time_ms
        return Recognition(time_ms, label, top_score, is_new, tuple(int(v) for v in average))


class KeywordSpotter:
    """The micro_speech model fed one int8 feature row at a time, at TFLM's cadence: one inference per new row.

    The model sees the last 49 rows (1 s). Before 49 rows have arrived, the missing ones are ``fill_value``. The
    default, -128, is every feature of digital silence: the stream starts as if it had been quiet before. TFLM's
    device program instead starts from a feature buffer of int8 0 (its ``FeatureProvider`` sets every byte to 0 and
    then only fills in new rows): ``fill_value=0`` reproduces that, and the micro_speech model reads such a window as
    "no". Each result goes through :class:`RecognizeCommands`.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    model : MicroSpeechModel, optional
        The model (loaded from ``data/tflm`` when omitted).
    recognizer : RecognizeCommands, optional
        The smoothing (TFLM's defaults when omitted).
    fill_value : int
        The int8 value of the rows not yet computed at the start of a stream: -128 (digital silence) or
        :data:`DEVICE_START_FEATURE` (0), as TFLM's device program.
    """

    def __init__(self, model=None, recognizer: RecognizeCommands | None = None, *,
                 fill_value: int = SILENCE_FEATURE):
        self.fill_value = require_int("fill_value", fill_value, minimum=-128, maximum=127)
        if model is None:
            from .reference import MicroSpeechModel

            model = MicroSpeechModel()
        self.model = model
        self.recognizer = recognizer or RecognizeCommands()
        self.reset()

    def reset(self) -> None:
        """Empty the feature window and the recognizer (a new stream)."""
        self._window = np.full((MODEL_FRAMES, NUM_CHANNELS), self.fill_value, dtype=np.int8)
        self.rows_seen = 0
        self.recognizer.reset()
        self.detections: list[Recognition] = []

    def push(self, rows) -> list[tuple[np.ndarray, Recognition]]:
        """Run the model once per new feature row; returns ``(int8 scores, recognition)`` for each.

        Parameters
        ----------
        rows : numpy.ndarray of int8, shape (n, 40)

        Returns
        -------
        list of (numpy.ndarray of int8, Recognition)
        """
        rows = require_int8_features(np.asarray(rows).reshape(-1, NUM_CHANNELS), name="rows")
        results = []
        for row in rows:
            self._window = np.roll(self._window, -1, axis=0)
            self._window[-1] = row
            self.rows_seen += 1
            scores = self.model.scores(self._window)
            # Time of the row's last sample: row k (0-based) ends at 30 ms + k * 20 ms.
            time_ms = 30 + (self.rows_seen - 1) * STRIDE_MS
            recognition = self.recognizer.process(scores, time_ms)
            if recognition.is_new and recognition.label != LABELS[0]:
                # TFLM reports "silence" anew at every hop (it is never suppressed); a device acts on words only.
                self.detections.append(recognition)
            results.append((scores, recognition))
        return results
