"""The integer frontend equals TFLM's interpreter on adversarial int16 audio: the rails, -32768 anywhere, clicks.

TFLM's peak finder (``MaxAbs16``) loses its running maximum at a sample of -32768, so the FFT auto-scale shift
is not the one the true peak gives. These tests pin that device behaviour and prove that ``course_utils.tinyml``
reproduces it, batch and streaming, on hand-made signals and on hypothesis-generated ones (rails weighted in).
"""

from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from course_utils import tinyml as tm

from tinyml_support import stream_in_chunks  # noqa: E402
import tflite_micro  # noqa: F401,E402  (a dev dependency: its absence must fail, not skip)

ROOT = Path(__file__).resolve().parents[1]
INT16_MIN, INT16_MAX = -32768, 32767
PLATEAU = [238, 239, 240, 241]  # where the Q12 Hann window is exactly 4096, so -32768 survives the window
PROPERTY_FRAMES = 10  # frames per hypothesis example: 480 + 9 * 320 samples
PROPERTY_SETTINGS = settings(
    max_examples=120,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@lru_cache(maxsize=2)
def tflm(output: str = "int8") -> tm.TflmFrontend:
    return tm.TflmFrontend(output)


@lru_cache(maxsize=1)
def speech() -> np.ndarray:
    y, _ = sf.read(ROOT / "data" / "speech_commands" / "yes_439c84f4_nohash_1.wav", dtype="int16")
    return tm.pad_to_length(y)


def true_peak_shifts(y: np.ndarray) -> np.ndarray:
    # What an auto-scale with the true peak would pick for each windowed frame (not what TFLM does).
    windowed = tm.apply_window(tm.frame_signal(y)).astype(np.int64)
    peak = np.abs(windowed).max(axis=-1)
    return np.where(peak == 0, 0, np.maximum(15 - tm.most_significant_bit(peak), 0))


def assert_equals_tflm(y: np.ndarray, *, float_graph: bool = False, chunk_size: int | None = None) -> dict:
    """Compare the int8 features (and optionally the float graph and a streamed run) with TFLM; return our stages."""
    ours = tm.frontend_stages(y)
    theirs = tflm("int8").features(y)
    np.testing.assert_array_equal(ours["int8"], theirs)
    if float_graph:
        np.testing.assert_array_equal(tm.log_to_float(ours["log"]), tflm("float").features(y))
    if chunk_size is not None:
        np.testing.assert_array_equal(tm.stream_features(y, chunk_size=chunk_size), theirs)
    return ours


# ---------------------------------------------------------------- the device's quirk, pinned


def test_tflm_auto_scale_loses_the_peak_after_minus_32768():
    frame = np.zeros(480, dtype=np.int16)
    frame[240:243] = [INT16_MIN, 100, -100]
    theirs = tm.TflmFrontend(preserve_tensors=True).stages(frame)
    np.testing.assert_array_equal(theirs["windowed"][0, 240:243], [INT16_MIN, 100, -100])
    # The true peak 32768 allows no shift; TFLM's running maximum restarts after -32768 and finds 100.
    assert true_peak_shifts(frame).tolist() == [0]
    assert theirs["shift"].tolist() == [8]
    np.testing.assert_array_equal(theirs["scaled"][0, 240:243], [0, 25600, -25600])  # -32768 << 8 wraps to 0
    ours = tm.frontend_stages(frame)
    for name, expected in theirs.items():
        np.testing.assert_array_equal(ours[name], expected, err_msg=name)


def test_max_abs16_replays_the_running_maximum():
    cases = [
        ([100, -3, 7], 100),
        ([5, -900, 10], 900),
        ([INT16_MIN], INT16_MIN),  # -(-32768) stored in int16
        ([INT16_MIN, 5, 1], 5),
        ([3000, INT16_MIN, 100, -100], 100),  # the 3000 before the -32768 is forgotten
        ([INT16_MIN, -300, -200], -200),  # a rising run of negative samples stays negative
        ([INT16_MIN, -300, -200, -400], 400),  # a sample below the run turns it positive again
        ([INT16_MIN, -5, 0, 0], 0),
        ([INT16_MIN, 200, INT16_MIN, 7], 7),  # only what follows the last -32768 counts
    ]
    for values, expected in cases:
        assert int(tm.max_abs16(np.array(values, dtype=np.int16))) == expected, values
    # Leading zeros leave the running maximum at 0, so all cases can share one batch.
    frames = np.zeros((len(cases), 6), dtype=np.int16)
    for row, (values, _) in zip(frames, cases):
        row[len(row) - len(values) :] = values
    np.testing.assert_array_equal(tm.max_abs16(frames), [expected for _, expected in cases])


def test_only_the_window_plateau_passes_minus_32768_to_the_auto_scale():
    assert np.flatnonzero(tm.hann_window_q12() == 4096).tolist() == PLATEAU
    windowed = tm.apply_window(np.full((1, 480), INT16_MIN, dtype=np.int16))[0]
    assert np.flatnonzero(windowed == INT16_MIN).tolist() == PLATEAU


# ---------------------------------------------------------------- adversarial signals, by hand


@pytest.mark.parametrize("base", ["silence", "quiet noise", "speech"])
def test_minus_32768_anywhere_in_a_frame(base):
    rng = np.random.default_rng(15)
    signal = {  # three frames; the second, samples 320-799, gets the -32768, the third inherits its noise state
        "silence": np.zeros(1120, dtype=np.int16),
        "quiet noise": np.round(rng.normal(0, 30, 1120)).astype(np.int16),
        "speech": speech()[7680:8800],
    }[base]
    quirk_positions = []
    for position in range(480):
        y = signal.copy()
        y[320 + position] = INT16_MIN
        ours = assert_equals_tflm(y)
        if not np.array_equal(ours["shift"], true_peak_shifts(y)):
            quirk_positions.append(position)
    # After the window, -32768 only survives on the plateau; there, under quieter samples, it changes the shift.
    assert quirk_positions == ([] if base == "silence" else PLATEAU)


def test_clicks_in_speech_at_every_offset_of_one_hop():
    y0 = speech()[4800:12800]  # the half second around the word
    quirk_offsets = []
    for offset in range(320):
        y = y0.copy()
        y[3200 + offset : 3216 + offset] = INT16_MIN  # a 1 ms full-scale negative click
        ours = assert_equals_tflm(y)
        if not np.array_equal(ours["shift"], true_peak_shifts(y)):
            quirk_offsets.append(offset)
            np.testing.assert_array_equal(tm.stream_features(y, chunk_size=320), ours["int8"])
    # 3200 = 10 hops: the click covers a frame's plateau (238-241) for start offsets 223-241.
    assert quirk_offsets == list(range(223, 242))


def _rail_signals() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(150)
    n = np.arange(16000)
    quiet_with_minimum = np.round(rng.normal(0, 30, 16000)).astype(np.int16)
    quiet_with_minimum[320 * np.arange(49) + rng.integers(238, 242, 49)] = INT16_MIN
    loud_silent_loud = rng.integers(INT16_MIN, INT16_MAX + 1, 16000).astype(np.int16)
    loud_silent_loud[5000:11000] = 0
    signals = {
        "silence": np.zeros(16000, dtype=np.int16),
        "±1 LSB": rng.integers(-1, 2, 16000).astype(np.int16),
        "DC at -32768": np.full(16000, INT16_MIN, dtype=np.int16),
        "DC at 32767": np.full(16000, INT16_MAX, dtype=np.int16),
        "full-scale noise": rng.integers(INT16_MIN, INT16_MAX + 1, 16000).astype(np.int16),
        "noise of the two rails": rng.choice(np.array([INT16_MIN, INT16_MAX], dtype=np.int16), 16000),
        "quiet, -32768 in every frame's plateau": quiet_with_minimum,
        "loud, silent, loud": loud_silent_loud,
    }
    for period in (2, 7, 36, 320, 1000):
        square = np.where(n % period < period / 2, INT16_MAX, INT16_MIN).astype(np.int16)
        signals[f"square wave between the rails, period {period}"] = square
        signals[f"inverted square wave, period {period}"] = (-1 - square.astype(np.int32)).astype(np.int16)
    return signals


@pytest.mark.parametrize("name", list(_rail_signals()))
def test_rail_signals_equal_tflm_batch_float_and_streaming(name):
    assert_equals_tflm(_rail_signals()[name], float_graph=True, chunk_size=137)


def test_quiet_signal_with_minus_32768_in_every_frame_exercises_the_quirk():
    y = _rail_signals()["quiet, -32768 in every frame's plateau"]
    differs = tm.frontend_stages(y)["shift"] != true_peak_shifts(y)
    assert differs.all()  # every frame's shift is the device's, not the true peak's


def test_frames_flattened_for_the_fft_reach_its_limits():
    # Raw samples of 127 * 4096 / w (clipped) come out of the window as a flat +-127 square wave; the auto-scale
    # lifts it to +-32512 over the whole frame, so the int16 FFT works at its largest possible values.
    window = tm.hann_window_q12().astype(np.float64)
    n = np.arange(480)
    reference = tm.TflmFrontend(preserve_tensors=True)
    largest = 0
    for bin_index in range(0, 257, 4):
        for phase in (0.0, np.pi / 2):
            sign = np.where(np.cos(2 * np.pi * bin_index * n / 512 + phase) >= 0, 1, -1)
            frame = np.clip(np.floor(127 * 4096 / np.maximum(window, 1)) * sign, INT16_MIN, INT16_MAX)
            frame = frame.astype(np.int16)
            theirs, ours = reference.stages(frame), tm.frontend_stages(frame)
            for name, expected in theirs.items():
                np.testing.assert_array_equal(ours[name], expected, err_msg=f"{name}, bin {bin_index}")
            largest = max(largest, int(np.abs(ours["spectrum"].astype(np.int64)).max()))
    # Above 16384 the real-FFT split's sum before halving (KISS's HALF_OF) exceeds int16, so it must not wrap.
    assert largest > 16384


# ---------------------------------------------------------------- hypothesis: random int16 audio against TFLM

RAIL_WEIGHTED = st.one_of(
    st.sampled_from([INT16_MIN, INT16_MAX, INT16_MIN + 1, -1, 0, 1]),
    st.integers(INT16_MIN, INT16_MAX),
    st.integers(-40, 40),
)


@given(hnp.arrays(np.int16, 480 + 320 * (PROPERTY_FRAMES - 1), elements=RAIL_WEIGHTED))
@PROPERTY_SETTINGS
def test_random_int16_arrays_equal_tflm(y):
    assert_equals_tflm(y)


SEGMENT_KINDS = ("silence", "±1 LSB", "quiet", "speech", "full-scale noise", "rails", "square", "DC", "clicks")


def _segment(kind: str, length: int, rng: np.random.Generator) -> np.ndarray:
    if kind == "silence":
        return np.zeros(length, dtype=np.int16)
    if kind == "±1 LSB":
        return rng.integers(-1, 2, length).astype(np.int16)
    if kind == "quiet":
        return np.round(rng.normal(0, rng.choice([3, 30, 300]), length)).astype(np.int16)
    if kind == "speech":
        start = int(rng.integers(0, 16000 - length + 1))
        return speech()[start : start + length].copy()
    if kind == "full-scale noise":
        return rng.integers(INT16_MIN, INT16_MAX + 1, length).astype(np.int16)
    if kind == "rails":
        return rng.choice(np.array([INT16_MIN, INT16_MAX], dtype=np.int16), length)
    if kind == "square":
        period = int(rng.integers(2, 400))
        return np.where(np.arange(length) % period < period // 2, INT16_MAX, INT16_MIN).astype(np.int16)
    if kind == "DC":
        return np.full(length, rng.choice([INT16_MIN, INT16_MAX, -1, 1]), dtype=np.int16)
    quiet = np.round(rng.normal(0, 20, length)).astype(np.int16)  # "clicks": full-scale spikes in quiet audio
    quiet[rng.random(length) < 0.02] = INT16_MIN
    return quiet


@st.composite
def structured_audio(draw, n_samples: int = 480 + 320 * (PROPERTY_FRAMES - 1)) -> np.ndarray:
    """Audio made of segments of the kinds above, with -32768 dropped on random frames' window plateaus."""
    segments = draw(
        st.lists(st.tuples(st.sampled_from(SEGMENT_KINDS), st.integers(1, 1500)), min_size=1, max_size=8)
    )
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    pieces = [_segment(kind, length, rng) for kind, length in segments]
    y = np.resize(np.concatenate(pieces), n_samples)  # repeat the pieces to the length
    plateau_hits = draw(st.lists(st.tuples(st.integers(0, PROPERTY_FRAMES - 1), st.sampled_from(PLATEAU))))
    for frame, position in plateau_hits:
        y[320 * frame + position] = INT16_MIN
    return y


@given(structured_audio())
@PROPERTY_SETTINGS
def test_structured_int16_audio_equals_tflm(y):
    assert_equals_tflm(y, float_graph=True)


@given(structured_audio(), st.lists(st.integers(1, 700), min_size=1, max_size=20))
@settings(PROPERTY_SETTINGS, max_examples=40)
def test_streaming_in_random_chunks_equals_tflm(y, chunk_sizes):
    np.testing.assert_array_equal(stream_in_chunks(tm.StreamingFrontend(), y, chunk_sizes), tflm("int8").features(y))
