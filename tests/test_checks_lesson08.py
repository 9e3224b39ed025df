"""Exercise checkers of notebooks/08_tinyml.ipynb: references pass, typical mistakes get their hint, never raise."""

import warnings

import numpy as np
import pytest

from course_utils import tinyml as tm
from course_utils.checks import lesson08


def feedback(exercise, answer):
    result = exercise.evaluate(answer)
    return result.passed, str(result)


# --- Exercise 1 ---------------------------------------------------------------------------------------------


def test_q15_reference_equals_the_library():
    a, b = lesson08._q15_cases()
    expected = tm.saturating_multiply(a, b, 15, rounding="nearest")
    assert np.array_equal(lesson08.q15_multiply.reference()(a, b), expected)


def _wide(a, b):
    return a.astype(np.int64) * b.astype(np.int64)


@pytest.mark.parametrize(
    "student, hint",
    [
        (lambda a, b: _wide(a, b), "Q30 product"),
        (lambda a, b: (a * b + np.int16(2**14)) >> 15, "overflowed"),
        (lambda a, b: a * b >> 15, "overflowed"),
        (lambda a, b: np.clip(_wide(a, b) >> 15, -32768, 32767).astype(np.int16), "floors"),
        (lambda a, b: np.clip((_wide(a, b) + 2**15) >> 16, -32768, 32767).astype(np.int16), "not 16"),
        (lambda a, b: ((_wide(a, b) + 2**14) >> 15).astype(np.int16), "saturate"),
        (lambda a, b: (_wide(a, b) + 2**14) >> 15, "saturate"),
        (lambda a, b: np.clip(np.round(_wide(a, b) / 32768), -32768, 32767).astype(np.int16), "ties"),
        (lambda a, b: np.clip((_wide(a, b) + 2**14) / 2**15, -32768, 32767).astype(np.int16), "cuts towards zero"),
        (lambda a, b: np.clip(_wide(a, b) / 32768, -32768, 32767).astype(np.int32), "cuts towards zero"),
        (lambda a, b: np.clip((_wide(a, b) + 2**14) >> 15, -32768, 32767).astype(np.float64), "integers"),
        (lambda a, b: np.clip((_wide(a, b) + 2**14) >> 15, -32768, 32767) + 3, "Hint:"),
        (lambda a, b: np.zeros_like(a), "Every value you returned is 0"),
        (lambda a, b: (_wide(a, b) >> 31).clip(0, 0).astype(np.int16), "Every value you returned is 0"),
        (lambda a, b: (a / 32768) * (b / 32768), "product as a real number"),
        (lambda a, b: ((a / 32768) * (b / 32768)).astype(np.int16), "leaves only -1, 0 and 1"),
        (lambda a, b: np.clip(a.astype(np.float64) * b / 32768, -32768, 32767), "whole numbers"),
        (lambda a, b: np.full(a.shape, np.nan), "whole numbers"),
    ],
)
def test_q15_multiply_typical_mistakes_get_their_hint(student, hint):
    passed, text = feedback(lesson08.q15_multiply, student)
    assert passed is False and hint in text, text


def test_q15_multiply_accepts_other_integer_types():
    def as_int64(a, b):
        return np.clip((_wide(a, b) + 2**14) >> 15, -32768, 32767)

    assert feedback(lesson08.q15_multiply, as_int64)[0] is True


def test_q15_multiply_wrong_shape_is_explained():
    passed, text = feedback(lesson08.q15_multiply, lambda a, b: 0)
    assert passed is False and "one value per input element" in text


# --- Exercise 2 ---------------------------------------------------------------------------------------------


def test_auto_scale_reference_equals_the_library():
    reference = lesson08.auto_scale_shift.reference()
    for _, frame in lesson08._shift_cases():
        assert reference(frame) == int(tm.fft_auto_scale(frame[None, :])[1][0])
    assert reference(np.zeros(480, dtype=np.int16)) == int(tm.fft_auto_scale(np.zeros((1, 480), np.int16))[1][0])


def _peak(frame):
    return int(np.max(np.abs(frame.astype(np.int32))))


def _shift_of(peak):
    return max(15 - peak.bit_length(), 0) if peak > 0 else 0


def _peak_after_the_last_minus_32768(frame):
    values = frame.tolist()
    if -32768 in values:
        values = values[len(values) - values[::-1].index(-32768):]
    return _shift_of(max((abs(v) for v in values), default=0))


def _running_maximum_reset_to_zero(frame):
    peak = 0
    for v in frame.tolist():
        if v == -32768:
            peak = 0
        elif abs(v) > peak:
            peak = abs(v)
    return _shift_of(peak)


def _int16_loop(frame):
    # Compares in int16: -value of -32768 wraps to -32768 before the comparison, so that sample is skipped.
    peak = np.int16(0)
    for value in frame:
        if value > peak:
            peak = value
        elif -value > peak:
            peak = -value
    return _shift_of(int(peak))


def _device_loop(frame, *, store):
    peak = 0
    for value in frame.tolist():
        if value > peak:
            peak = value
        elif -value > peak:
            peak = store(-value)
    return peak


def _negative_peak_given_its_bits(frame):
    peak = _device_loop(frame, store=lambda v: v if v < 32768 else -32768)
    return 0 if peak == 0 else max(15 - peak.bit_length(), 0)


@pytest.mark.parametrize(
    "student, hint",
    [
        (lambda f: 14 - int(np.log2(_peak(f) or np.nan)), "silent frame"),
        (lambda f: 15 - int(np.log2(max(_peak(f), 1))) if _peak(f) else 3, "return 0 when the peak is 0"),
        (lambda f: max(15 - int(np.ceil(np.log2(_peak(f)))), 0) if _peak(f) else 0, "power of two"),
        (lambda f: max(16 - _peak(f).bit_length(), 0) if _peak(f) else 0, "One bit too many"),
        (lambda f: max(15 - int(np.max(np.abs(f))).bit_length(), 0) if np.any(f) else 0, "You skipped the -32768"),
        (_int16_loop, "You skipped the -32768"),
        (lambda f: max(15 - _peak(f).bit_length(), 0) if _peak(f) else 0, "what a correct peak finder gives"),
        (lambda f: _shift_of(_device_loop(f, store=lambda v: v)), "what a correct peak finder gives"),
        (lambda f: _shift_of(_device_loop(f, store=lambda v: min(v, 32767))), "saturated"),
        (lambda f: max(15 - int(f.max()).bit_length(), 0) if np.any(f) else 0, "negative samples"),
        (lambda f: 15 - _peak(f).bit_length() if _peak(f) else 0, "never negative"),
        (lambda f: max(14 - _peak(f).bit_length(), 0) if _peak(f) else 0, "could be shifted further"),
        (lambda f: 0 if not np.any(f) else 4.5, "whole number"),
        (_peak_after_the_last_minus_32768, "whatever its sign"),
        (_running_maximum_reset_to_zero, "whatever its sign"),
        (lambda f: _vectorised(f, restart=0), "only the samples after the last one count"),
        (_negative_peak_given_its_bits, "Return 0 whenever max ≤ 0"),
    ],
)
def test_auto_scale_shift_typical_mistakes_get_their_hint(student, hint):
    passed, text = feedback(lesson08.auto_scale_shift, student)
    assert passed is False and hint in text, text


def test_auto_scale_shift_storing_through_np_int16_is_judged_by_what_numpy_does():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            wraps = int(np.int16(32768)) == -32768  # NumPy 1.x wraps, as C's conversion does; NumPy 2 raises
        except OverflowError:
            wraps = False
    passed, text = feedback(lesson08.auto_scale_shift,
                            lambda f: _shift_of(_device_loop(f, store=lambda v: int(np.int16(v)))))
    if wraps:
        assert passed is True, text
    else:
        assert passed is False and "NumPy refuses" in text, text


def _int_compare_int16_store(frame):
    peak = np.int16(0)
    for value in frame:  # np.int16 samples
        if value > peak:
            peak = value
        elif -int(value) > peak:  # compared in int, as C does
            peak = -value  # stored in int16: NumPy wraps 32768 to -32768, as C's conversion does
    return _shift_of(int(peak))


def _vectorised(frame, restart=-1):
    values = frame.astype(np.int32)
    hits = np.flatnonzero(values == -32768)
    if hits.size == 0:
        return _shift_of(int(np.abs(values).max()))
    tail = values[hits[restart] + 1:]  # the last -32768 (restart=-1) leaves the running maximum at -32768
    # The samples right after it are taken as they are while they form a rising run of negative values.
    rising = (tail < 0) & np.concatenate([[True], np.diff(tail) > 0])
    if rising.all():
        return 0  # the running maximum is still negative (or -32768 itself): no shift
    start = int(np.argmin(rising))
    return _shift_of(int(np.abs(tail[start:]).max()))


@pytest.mark.parametrize(
    "student",
    [
        lambda f: _shift_of(_device_loop(f, store=lambda v: ((v + 32768) % 65536) - 32768)),
        lambda f: _shift_of(_device_loop(f, store=lambda v: int(np.array(v).astype(np.int16)))),
        _int_compare_int16_store,
        _vectorised,
        lambda f: int(tm.fft_auto_scale(f[None, :])[1][0]),
    ],
    ids=["int loop, wrap by formula", "int loop, wrap by astype", "int16 store, int compare", "vectorised",
         "the library"],
)
def test_auto_scale_shift_accepts_every_way_of_computing_the_device(student):
    passed, text = feedback(lesson08.auto_scale_shift, student)
    assert passed is True, text


def test_the_vectorised_answer_is_the_device_loop_on_random_frames():
    # The vectorised right answer above is not an accident of the cases: it equals TFLM's loop everywhere.
    reference = lesson08.auto_scale_shift.reference()
    rng = np.random.default_rng(5)
    for _ in range(2000):
        frame = np.clip(np.round(rng.normal(0, rng.choice([3, 300, 30000]), rng.integers(1, 12))), -32768, 32767)
        frame = frame.astype(np.int16)
        frame[rng.integers(0, frame.size, rng.integers(0, 4))] = -32768
        assert _vectorised(frame) == reference(frame), frame.tolist()


def test_auto_scale_shift_accepts_numpy_integers():
    reference = lesson08.auto_scale_shift.reference()
    assert feedback(lesson08.auto_scale_shift, lambda f: np.int64(reference(f)))[0] is True


# --- Exercise 3 ---------------------------------------------------------------------------------------------


def test_log_to_int8_reference_equals_the_library():
    v = lesson08._log_cases()
    assert np.array_equal(lesson08.log_to_int8.reference()(v), tm.quantize_features(v))


def _q(v):
    return (v.astype(np.int64) * 256 + 333) // 666


@pytest.mark.parametrize(
    "student, hint",
    [
        (lambda v: np.clip(_q(v), -128, 127).astype(np.int8), "Subtract 128"),
        (lambda v: (_q(v) - 128).astype(np.int8), "clip"),
        (lambda v: _q(v) - 128, "clip"),
        (lambda v: np.clip((v * 256 + 333) // 666 - 128, -128, 127).astype(np.int8), "overflowed int16"),
        (lambda v: np.clip(v.astype(np.int64) * 256 // 666 - 128, -128, 127).astype(np.int8), "+ 333"),
        (lambda v: np.clip(_q(v) - 127, -128, 127).astype(np.int8), "Off by one"),
        (lambda v: np.clip(_q(v) - 128, -128, 127), "astype(np.int8)"),
        (lambda v: np.clip(v.astype(np.int64) // 3 - 128, -128, 127).astype(np.int8), "Hint:"),
        (lambda v: np.clip(np.round(v / 25.6 / (26 / 256)) - 128, -128, 127).astype(np.int8), "665.6"),
        (lambda v: np.clip(np.floor(v.astype(np.float64) * 256 / 665.6 + 0.5) - 128, -128, 127), "665.6"),
        (lambda v: np.clip(np.trunc(v / 25.6 / (26 / 256)) - 128, -128, 127).astype(np.int8), "cut off"),
        (lambda v: np.clip(np.round(v / 25.6 / 0.10171568) - 128, -128, 127).astype(np.int8), "model's own input"),
        (lambda v: np.clip(np.round(v / 25.6 / np.float32(0.10171568)) + -128, -128, 127).astype(np.int8),
         "differ on 76 of these 1503"),
        (lambda v: np.clip((v / 25.6 / 0.10171568).astype(np.int64) - 128, -128, 127).astype(np.int8), "cut off"),
        (lambda v: np.full(v.shape, np.nan), "1503 of the 1503 values you returned are NaN"),
        (lambda v: np.where(v > 1000, np.nan, _q(v) - 128), "are NaN"),
        (lambda v: np.zeros_like(v), "Every value you returned is 0"),
        (lambda v: np.zeros(v.shape, np.int8), "from 663 up give 127"),
    ],
)
def test_log_to_int8_typical_mistakes_get_their_hint(student, hint):
    passed, text = feedback(lesson08.log_to_int8, student)
    assert passed is False and hint in text, text


def test_log_to_int8_knows_the_models_real_input_scale():
    scale, zero_point = tm.MicroSpeechModel().input_quantization
    assert lesson08.MODEL_INPUT_SCALE == float(scale) and zero_point == -128


def test_log_to_int8_accepts_np_round_which_never_meets_a_tie():
    def rounded(v):
        return np.clip(np.round(v.astype(np.float64) * 256 / 666) - 128, -128, 127).astype(np.int8)

    assert feedback(lesson08.log_to_int8, rounded)[0] is True


# --- Exercise 4 ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer, hint",
    [
        (33.6, "✓"),
        (33.6e6, "in Hz"),
        (33600, "kHz"),
        (16.8, "one cycle per"),
        (22.4, "30 ms"),
        (32.928, "50 hops per second"),
        (0.672, "once per second"),
        (34, "34 MHz keeps up; the exact need is 33.6 MHz"),
        (33.65, "keeps up"),
        (33.5, "just too slow: it delivers 670 000 cycles"),
        (33, "too slow: 33 MHz delivers 660 000 cycles"),
        (34.4, "at 2 cycles each"),
        (34.01, "at 1 cycle each"),
        (672000, "number of clock cycles one hop needs"),
        (672e3, "not a frequency"),
        (64, "the nRF52840's clock"),
        (-33.6, "the right size, but negative"),
        (-5, "is negative"),
        (20, "is not it"),
        (40, "40 MHz keeps up, but it is not the lowest"),
        (34.2, "keeps up, but it is not the lowest"),
    ],
)
def test_clock_mhz_feedback(answer, hint):
    assert hint in feedback(lesson08.clock_mhz, answer)[1]


@pytest.mark.parametrize("answer, passed", [(33.6, True), (33.7, True), (34, True), (33.5, False), (34.2, False),
                                            (33, False), (40, False), (20, False)])
def test_clock_mhz_accepts_the_exact_need_or_any_clock_up_to_the_next_whole_mhz(answer, passed):
    assert feedback(lesson08.clock_mhz, answer)[0] is passed


def test_clock_mhz_knows_the_frontend_count_of_the_lesson():
    # The notebook's per-frame count (section 9): window, FFT, real split, energy, filterbank, 3 + 4 + 3 + 1 per channel
    tables = tm.mel_filterbank_tables()
    count = 480 + 4 * 64 * 20 + 128 * 8 + 2 + 2 * (tables.end_index - tables.start_index)
    count += 2 * int(tables.channel_widths.sum()) + (3 + 4 + 3 + 1) * 40
    assert count == lesson08.FRONTEND_MULTIPLIES


def test_clock_mhz_uses_the_models_real_multiply_count():
    from tflite_micro.python.tflite_micro import runtime
    model = runtime.convert_bytearray_to_object(bytearray(tm.MICRO_SPEECH_MODEL.read_bytes()))
    graph = model.subgraphs[0]
    macs = 0
    for operator in graph.operators:
        shapes = [list(graph.tensors[i].shape) for i in operator.inputs]
        output = list(graph.tensors[operator.outputs[0]].shape)
        if len(shapes) == 3 and len(shapes[1]) == 4:  # depthwise convolution
            macs += int(np.prod(output)) * shapes[1][1] * shapes[1][2]
        elif len(shapes) == 3 and len(shapes[1]) == 2:  # fully connected
            macs += shapes[1][0] * shapes[1][1]
    assert macs == lesson08.MODEL_MACS
