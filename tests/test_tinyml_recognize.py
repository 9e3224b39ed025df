"""course_utils.tinyml.recognize.RecognizeCommands against a line-by-line Python transcription of TFLM's C++.

The C++ is tflite-micro's micro_speech example as it was before commit d5a83db (October 2023), files
``tensorflow/lite/micro/examples/micro_speech/recognize_commands.h`` and ``recognize_commands.cc``. Its results live
in ``PreviousResultsQueue``, a ring of ``kMaxResults`` = 50 entries whose ``push_back`` refuses a result when full.
A 1000 ms window at 20 ms strides spans 51 results, so the streams below make that refusal happen.
"""

import numpy as np
import pytest

from course_utils.errors import ParameterError
from course_utils.tinyml import LABELS
from course_utils.tinyml.recognize import KeywordSpotter, RecognizeCommands

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


class PreviousResultsQueue:
    """recognize_commands.h, line by line: a fixed ring of kMaxResults (time, int8 scores) entries."""

    kMaxResults = 50

    def __init__(self):
        self.results_ = [(0, (0,) * len(LABELS)) for _ in range(self.kMaxResults)]
        self.front_index_ = 0
        self.size_ = 0

    def size(self):
        return self.size_

    def empty(self):
        return self.size_ == 0

    def front(self):
        return self.results_[self.front_index_]

    def _back_index(self):
        back_index = self.front_index_ + (self.size_ - 1)
        if back_index >= self.kMaxResults:
            back_index -= self.kMaxResults
        return back_index

    def push_back(self, entry):
        if self.size() >= self.kMaxResults:
            return  # MicroPrintf("Couldn't push_back latest result, too many already!")
        self.size_ += 1
        self.results_[self._back_index()] = entry

    def pop_front(self):
        if self.size() <= 0:
            return (0, (0,) * len(LABELS))
        result = self.front()
        self.front_index_ += 1
        if self.front_index_ >= self.kMaxResults:
            self.front_index_ = 0
        self.size_ -= 1
        return result

    def from_front(self, offset):
        if offset < 0 or offset >= self.size_:
            offset = self.size_ - 1
        index = self.front_index_ + offset
        if index >= self.kMaxResults:
            index -= self.kMaxResults
        return self.results_[index]


class CppRecognizeCommands:
    """recognize_commands.cc, ProcessLatestResults line by line; returns (label, score, is_new, averages)."""

    def __init__(self, average_window_duration_ms=1000, detection_threshold=200, suppression_ms=1500,
                 minimum_count=3):
        self.average_window_duration_ms_ = average_window_duration_ms
        self.detection_threshold_ = detection_threshold
        self.suppression_ms_ = suppression_ms
        self.minimum_count_ = minimum_count
        self.previous_results_ = PreviousResultsQueue()
        self.previous_top_label_ = "silence"
        self.previous_top_label_time_ = INT32_MIN

    def process_latest_results(self, latest_results, current_time_ms):
        if not self.previous_results_.empty() and current_time_ms < self.previous_results_.front()[0]:
            raise ValueError("Results must be fed in increasing time order")
        self.previous_results_.push_back((current_time_ms, tuple(int(v) for v in latest_results)))
        time_limit = current_time_ms - self.average_window_duration_ms_
        while not self.previous_results_.empty() and self.previous_results_.front()[0] < time_limit:
            self.previous_results_.pop_front()
        how_many_results = self.previous_results_.size()
        earliest_time = self.previous_results_.front()[0]
        samples_duration = current_time_ms - earliest_time
        if how_many_results < self.minimum_count_ or samples_duration < self.average_window_duration_ms_ // 4:
            return self.previous_top_label_, 0, False, (0,) * len(LABELS)
        average_scores = [0] * len(LABELS)
        for offset in range(self.previous_results_.size()):
            scores = self.previous_result_scores(offset)
            for i in range(len(LABELS)):
                if offset == 0:
                    average_scores[i] = scores[i] + 128
                else:
                    average_scores[i] += scores[i] + 128
        for i in range(len(LABELS)):
            average_scores[i] //= how_many_results  # int32 / int64, both >= 0: truncation equals floor
        current_top_index = 0
        current_top_score = 0
        for i in range(len(LABELS)):
            if average_scores[i] > current_top_score:
                current_top_score = average_scores[i]
                current_top_index = i
        current_top_label = LABELS[current_top_index]
        if self.previous_top_label_ == LABELS[0] or self.previous_top_label_time_ == INT32_MIN:
            time_since_last_top = INT32_MAX
        else:
            time_since_last_top = current_time_ms - self.previous_top_label_time_
        if current_top_score > self.detection_threshold_ and (
            current_top_label != self.previous_top_label_ or time_since_last_top > self.suppression_ms_
        ):
            self.previous_top_label_ = current_top_label
            self.previous_top_label_time_ = current_time_ms
            is_new_command = True
        else:
            is_new_command = False
        return current_top_label, current_top_score, is_new_command, tuple(average_scores)

    def previous_result_scores(self, offset):
        return self.previous_results_.from_front(offset)[1]


def _stream(stride_ms, n, seed):
    """n int8 score rows at stride_ms: silence, then a "yes" burst, then "no", with random jitter."""
    rng = np.random.default_rng(seed)
    levels = np.zeros((n, len(LABELS)))
    levels[:, 0] = 230
    for word, start, stop in ((2, n // 5, n // 5 + 60), (3, n // 2, n // 2 + 70)):
        levels[start:stop] = 10
        levels[start:stop, word] = 250
    levels += rng.normal(0, 20, levels.shape)
    scores = np.clip(np.round(levels) - 128, -128, 127).astype(np.int8)
    times = 30 + stride_ms * np.arange(n)
    return times, scores


def _both(times, scores, **options):
    ours, theirs = RecognizeCommands(**options), CppRecognizeCommands(**options)
    pairs = []
    for t, s in zip(times, scores):
        r = ours.process(s, int(t))
        pairs.append(((r.label, r.score, r.is_new, r.average), theirs.process_latest_results(s, int(t))))
    return ours, pairs


@pytest.mark.parametrize(
    "stride_ms, window_ms, seed",
    [(20, 1000, 0), (20, 1000, 1), (10, 1000, 2), (20, 2000, 3), (20, 500, 4), (30, 1000, 5)],
)
def test_recognize_commands_equals_the_cpp_line_by_line(stride_ms, window_ms, seed):
    times, scores = _stream(stride_ms, 400, seed)
    ours, pairs = _both(times, scores, average_window_duration_ms=window_ms)
    for i, (mine, cpp) in enumerate(pairs):
        assert mine == cpp, (i, int(times[i]))
    spans = window_ms // stride_ms + 1  # results within window_ms of the newest, the newest included
    assert (ours.dropped > 0) == (spans > PreviousResultsQueue.kMaxResults)
    assert sum(is_new for (_, _, is_new, _), _ in pairs) >= 2  # the words were detected: the test reached them


def test_a_full_queue_drops_the_newest_result_before_the_old_ones_are_pruned():
    rc = RecognizeCommands()
    for k in range(50):  # results at 0, 20, …, 980 ms: the queue is full
        rc.process(np.array([127, -128, -128, -128], np.int8), 20 * k)
    yes = np.array([-128, -128, 127, -128], np.int8)
    at_1000 = rc.process(yes, 1000)  # window 0…1000 ms would hold 51: the new "yes" is dropped, nothing pruned
    assert rc.dropped == 1 and at_1000.average == (255, 0, 0, 0)
    at_1020 = rc.process(yes, 1020)  # still full when pushed (the 0 ms result goes only after): dropped again
    assert rc.dropped == 2 and at_1020.average == (255, 0, 0, 0)
    at_1040 = rc.process(yes, 1040)  # 49 left after pruning: stored, 1 "yes" of 50 results
    assert rc.dropped == 2 and at_1040.average == (49 * 255 // 50, 0, 255 // 50, 0)
    unlimited = RecognizeCommands(max_results=None)
    for k in range(50):
        unlimited.process(np.array([127, -128, -128, -128], np.int8), 20 * k)
    assert unlimited.process(yes, 1000).average == (50 * 255 // 51, 0, 255 // 51, 0)


def test_the_queue_size_matters_on_a_20_ms_stream():
    times, scores = _stream(20, 400, 0)
    capped, unlimited = RecognizeCommands(), RecognizeCommands(max_results=None)
    differ = sum(capped.process(s, int(t)).average != unlimited.process(s, int(t)).average
                 for t, s in zip(times, scores))
    assert capped.dropped > 0 and unlimited.dropped == 0 and differ > 0


def test_max_results_is_checked():
    with pytest.raises(ParameterError, match="max_results"):
        RecognizeCommands(max_results=0)
    assert RecognizeCommands().max_results == PreviousResultsQueue.kMaxResults


def test_prune_first_makes_room_in_a_full_queue_as_the_arduino_examples_do():
    # Arduino examples' recognize_commands.cpp: prune the results older than the window, then push the new one.
    rc = RecognizeCommands(prune_first=True)
    for k in range(50):  # results at 0, 20, …, 980 ms: the queue is full
        rc.process(np.array([127, -128, -128, -128], np.int8), 20 * k)
    yes = np.array([-128, -128, 127, -128], np.int8)
    at_1000 = rc.process(yes, 1000)  # nothing is older than 0 ms: still full, the new "yes" is refused
    assert rc.dropped == 1 and at_1000.average == (255, 0, 0, 0)
    at_1020 = rc.process(yes, 1020)  # the 0 ms result goes first, so the "yes" now fits: 1 of 50
    assert rc.dropped == 1 and at_1020.average == (49 * 255 // 50, 0, 255 // 50, 0)


def test_the_two_orders_differ_on_a_20_ms_stream_and_prune_first_is_checked():
    times, scores = _stream(20, 400, 0)
    push_first, prune_first = RecognizeCommands(), RecognizeCommands(prune_first=True)
    differ = sum(push_first.process(s, int(t)).average != prune_first.process(s, int(t)).average
                 for t, s in zip(times, scores))
    assert differ > 0 and prune_first.dropped < push_first.dropped
    with pytest.raises(ParameterError, match="prune_first"):
        RecognizeCommands(prune_first="yes")


def test_the_spotter_fills_the_rows_not_yet_computed_with_fill_value():
    # -128 by default (digital silence); 0 as TFLM's device program, whose FeatureProvider zeroes its buffer.
    from course_utils.tinyml.recognize import DEVICE_START_FEATURE

    row = np.full((1, 40), 5, np.int8)
    for fill_value, expected_fill in [(None, -128), (DEVICE_START_FEATURE, 0)]:
        spotter = KeywordSpotter() if fill_value is None else KeywordSpotter(fill_value=fill_value)
        (scores, _), = spotter.push(row)
        window = np.full((49, 40), expected_fill, np.int8)
        window[-1] = row
        assert np.array_equal(scores, spotter.model.scores(window)), fill_value
    assert DEVICE_START_FEATURE == 0
    with pytest.raises(ParameterError, match="fill_value"):
        KeywordSpotter(fill_value=128)


def test_a_device_start_from_zeros_makes_the_model_report_no_in_silence():
    from course_utils import tinyml

    rows = tinyml.frontend(np.zeros(3 * 16000, np.int16))
    silent, device = KeywordSpotter(), KeywordSpotter(fill_value=0)
    silent.push(rows)
    device.push(rows)
    assert silent.detections == [] and [d.label for d in device.detections] == ["no"]
