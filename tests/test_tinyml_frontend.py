"""The integer NumPy micro_speech frontend: tables, single stages, bit-exactness against TFLM, streaming, bad input."""

import math
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils.errors import ParameterError
from course_utils import tinyml as tm
from course_utils.tinyml import pipeline as fe
from course_utils.tinyml import tables

from tinyml_support import stream_in_chunks  # noqa: E402
import tflite_micro  # noqa: F401,E402  (a dev dependency: its absence must fail, not skip)

ROOT = Path(__file__).resolve().parents[1]
CLIPS = sorted((ROOT / "data" / "speech_commands").glob("*.wav"))

# kLogLut as printed in tensorflow/tflite-micro signal/src/log.cc.
C_LOG_LUT = [
    0, 224, 442, 654, 861, 1063, 1259, 1450, 1636, 1817, 1992, 2163, 2329, 2490, 2646, 2797, 2944, 3087, 3224,
    3358, 3487, 3611, 3732, 3848, 3960, 4068, 4172, 4272, 4368, 4460, 4549, 4633, 4714, 4791, 4864, 4934, 5001,
    5063, 5123, 5178, 5231, 5280, 5326, 5368, 5408, 5444, 5477, 5507, 5533, 5557, 5578, 5595, 5610, 5622, 5631,
    5637, 5640, 5641, 5638, 5633, 5626, 5615, 5602, 5586, 5568, 5547, 5524, 5498, 5470, 5439, 5406, 5370, 5332,
    5291, 5249, 5203, 5156, 5106, 5054, 5000, 4944, 4885, 4825, 4762, 4697, 4630, 4561, 4490, 4416, 4341, 4264,
    4184, 4103, 4020, 3935, 3848, 3759, 3668, 3575, 3481, 3384, 3286, 3186, 3084, 2981, 2875, 2768, 2659, 2549,
    2437, 2323, 2207, 2090, 1971, 1851, 1729, 1605, 1480, 1353, 1224, 1094, 963, 830, 695, 559, 421, 282, 142, 0, 0,
]  # fmt: skip


@lru_cache(maxsize=None)
def clip(path: Path) -> np.ndarray:
    y, sr = sf.read(path, dtype="int16")
    assert sr == 16000
    return y


@lru_cache(maxsize=1)
def constants():
    return tm.model_constants()


def test_speech_clips_are_present():
    manifest = (ROOT / "data" / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    listed = [line.split("\t")[0] for line in manifest if line.startswith("speech_commands/")]
    assert listed and [f"speech_commands/{path.name}" for path in CLIPS] == sorted(listed)


# ---------------------------------------------------------------- tables computed from formulas = graph constants


def test_hann_window_equals_the_graph_constant():
    window = tables.hann_window_q12()
    assert window.dtype == np.int16 and window.shape == (480,)
    np.testing.assert_array_equal(window, constants()["Const"])


@pytest.mark.parametrize(
    ("field", "tensor"),
    [
        ("weights", "signal_filter_bank/Const"),
        ("unweights", "signal_filter_bank/Const_1"),
        ("channel_frequency_starts", "signal_filter_bank/Const_2"),
        ("channel_weight_starts", "signal_filter_bank/Const_3"),
        ("channel_widths", "signal_filter_bank/Const_4"),
    ],
)
def test_filterbank_tables_equal_the_graph_constants(field, tensor):
    np.testing.assert_array_equal(getattr(tables.mel_filterbank_tables(), field), constants()[tensor])


def test_filterbank_bin_range_matches_the_energy_operator():
    fb = tables.mel_filterbank_tables()
    options = tm.operator_options()["SignalEnergy"]
    assert (fb.start_index, fb.end_index) == (options["start_index"], options["end_index"]) == (5, 241)


def test_dense_filterbank_columns_are_triangles_summing_to_one():
    matrix = tables.mel_filterbank_tables().dense_matrix(257)
    assert matrix.shape == (257, 40)
    # Inside the band every bin is shared by a rising and a falling edge: weights add up to 1.0 in Q12
    # (minus the truncation of both). Above the last centre only the falling edge remains.
    inner = matrix[6:226].sum(axis=1)
    assert np.all((inner >= 4094) & (inner <= 4096))
    assert not matrix[:5].any() and not matrix[241:].any()


def test_pcan_gain_table_equals_the_graph_constant():
    np.testing.assert_array_equal(tables.pcan_gain_lut(), constants()["signal_pcan/Const"])


def test_log_table_formula_equals_tflm_table():
    np.testing.assert_array_equal(tables.log2_correction_lut(), C_LOG_LUT)


def test_noise_reduction_coefficients_equal_the_graph_options():
    options = tm.operator_options()["SignalFilterBankSpectralSubtraction"]
    config = fe.noise_reduction_config()
    assert config.smoothing == options["smoothing"] == 409
    assert config.one_minus_smoothing == options["one_minus_smoothing"]
    assert config.alternate_smoothing == options["alternate_smoothing"] == 983
    assert config.alternate_one_minus_smoothing == options["alternate_one_minus_smoothing"]
    assert config.min_signal_remaining == options["min_signal_remaining"] == 819
    assert config.smoothing_bits == options["smoothing_bits"]
    assert config.clamping == options["clamping"]


def test_pcan_and_log_parameters_equal_the_graph_options():
    options = tm.operator_options()
    assert options["SignalPCAN"]["snr_shift"] == tables.PCAN_GAIN_BITS - tables.INPUT_CORRECTION_BITS - 12
    assert options["SignalFilterBankLog"] == {
        "input_correction_bits": tables.INPUT_CORRECTION_BITS,
        "output_scale": tables.LOG_SCALE,
    }


def test_twiddles_are_q15_unit_circle():
    tw = tables.kiss_twiddles(256)
    angles = -2 * np.pi * np.arange(256) / 256
    assert np.max(np.abs(tw[:, 0] - 32767 * np.cos(angles))) <= 0.5
    assert np.max(np.abs(tw[:, 1] - 32767 * np.sin(angles))) <= 0.5


# ---------------------------------------------------------------- single stages


def test_frame_signal_gives_49_frames_per_second():
    y = clip(CLIPS[0])
    frames = fe.frame_signal(y)
    assert frames.shape == (49, 480)
    np.testing.assert_array_equal(frames[3], y[960:1440])


def test_apply_window_is_product_shifted_by_12():
    frame = np.full(480, 1000, dtype=np.int16)
    expected = (1000 * tables.hann_window_q12().astype(np.int64)) >> 12
    np.testing.assert_array_equal(fe.apply_window(frame), expected)


def test_fft_auto_scale_fills_int16_and_reports_shift():
    frames = np.array([[100, -3, 7], [0, 0, 0], [-32768, 5, 1], [-32768, -300, -200]], dtype=np.int16)
    scaled, shift = fe.fft_auto_scale(frames)
    # The device's peak (TFLM's MaxAbs16) forgets its maximum at -32768: [-32768, 5, 1] peaks at 5, 12 bits;
    # a running maximum left negative allows no shift. tests/test_tinyml_rails.py checks this against TFLM.
    assert shift.tolist() == [8, 0, 12, 0]
    np.testing.assert_array_equal(scaled[0], frames[0].astype(np.int32) << 8)
    assert 16384 <= np.abs(scaled[0].astype(np.int32)).max() <= 32767
    np.testing.assert_array_equal(scaled[2], [0, 5 << 12, 1 << 12])  # -32768 * 4096 wraps to 0, as in C
    np.testing.assert_array_equal(scaled[3], frames[3])


def test_kiss_fft_is_fft_over_n_within_rounding():
    rng = np.random.default_rng(0)
    re, im = (rng.integers(-20000, 20000, size=(3, 256)).astype(np.int16) for _ in range(2))
    out_re, out_im = tm.kiss_fft_q15(re, im)
    expected = np.fft.fft(re + 1j * im.astype(np.float64)) / 256
    # Four stages of rounding: a few LSB of error, never more.
    assert np.max(np.abs(out_re - expected.real)) <= 4
    assert np.max(np.abs(out_im - expected.imag)) <= 4


def test_rfft_q15_is_rfft_over_512_within_rounding():
    rng = np.random.default_rng(1)
    frames = rng.integers(-30000, 30000, size=(4, 480)).astype(np.int16)
    spectrum = fe.rfft_q15(frames)
    assert spectrum.shape == (4, 257, 2) and spectrum.dtype == np.int16
    expected = np.fft.rfft(frames.astype(np.float64), 512) / 512
    assert np.max(np.abs(spectrum[..., 0] - expected.real)) <= 4
    assert np.max(np.abs(spectrum[..., 1] - expected.imag)) <= 4


def test_rfft_of_a_tone_peaks_at_its_bin():
    n = np.arange(480)
    frame = np.round(16000 * np.cos(2 * np.pi * 40 * n / 512)).astype(np.int16)
    magnitude = np.hypot(*np.moveaxis(fe.rfft_q15(frame).astype(float), -1, 0))
    assert int(np.argmax(magnitude)) == 40


def test_spectrum_energy_only_fills_the_filterbank_bins():
    spectrum = np.full((2, 257, 2), 3, dtype=np.int16)
    energy = fe.spectrum_energy(spectrum)
    assert energy.dtype == np.uint32
    assert np.all(energy[:, 5:241] == 18)
    assert not energy[:, :5].any() and not energy[:, 241:].any()


@given(st.integers(0, 2**53 - 1))
@settings(max_examples=300)
def test_integer_sqrt_rounds_to_nearest(n):
    root = math.isqrt(n)
    expected = root + (n - root * root > root)
    if n < 2**32:
        expected = min(expected, 0xFFFF)  # TFLM's 32-bit shortcut returns a uint16
    assert int(fe.integer_sqrt(np.uint64(n))) == expected


def test_integer_sqrt_reproduces_the_32_bit_shortcut():
    assert fe.integer_sqrt(np.array([2**32 - 1, 2**32], dtype=np.uint64)).tolist() == [65535, 65536]


def test_noise_reduction_tracks_a_steady_signal_down_to_the_floor():
    steady = np.full((400, 40), 1000, dtype=np.uint32)
    cleaned, noise = fe.noise_reduction(steady)
    assert cleaned[0, 0] > 900  # the estimate starts at zero
    assert np.all(cleaned[-1] == 1000 * 819 >> 14)  # 5 % remains once the noise is learned
    assert noise[-1, 1] >= noise[-1, 0]  # odd channels adapt faster


def test_noise_reduction_state_splits_across_calls():
    signal = np.random.default_rng(2).integers(0, 5000, size=(30, 40)).astype(np.uint32)
    whole, noise_whole = fe.noise_reduction(signal)
    first, noise_first = fe.noise_reduction(signal[:11])
    second, noise_second = fe.noise_reduction(signal[11:], noise_first[-1])
    np.testing.assert_array_equal(whole, np.concatenate([first, second]))
    np.testing.assert_array_equal(noise_whole, np.concatenate([noise_first, noise_second]))


def test_pcan_gain_follows_the_power_law():
    x = np.array([3, 100, 1000, 12345, 10**6, 2**31], dtype=np.uint32)
    exact = 2**21 * (x / 128 + 80) ** -0.95
    gain = fe.pcan_gain(x).astype(float)
    assert np.all(np.abs(gain - exact) <= 0.01 * exact + 2)


def test_pcan_gain_reads_the_table_directly_for_0_1_2():
    lut = tables.pcan_gain_lut()
    assert fe.pcan_gain(np.array([0, 1, 2], dtype=np.uint32)).tolist() == lut[:3].tolist()


def test_pcan_shrink_is_quadratic_then_linear():
    snr = np.array([0, 4096, 8191, 8192, 40960], dtype=np.uint32)  # Q12: 0, 1, ~2, 2, 10
    assert fe.pcan_shrink(snr).tolist() == [0, 16, 63, 64, 576]  # Q6: 0, 1/4, ~1, 1, 9


def test_log32_is_64_ln():
    x = np.unique(np.logspace(0.5, 9.6, 500).astype(np.uint32))
    assert np.max(np.abs(fe.log32(x) - 64 * np.log(x))) <= 1


def test_filterbank_log_is_64_ln_of_8x_and_wraps_like_uint32():
    logs = fe.filterbank_log(np.array([0, 1, 2**29 - 1, 2**29], dtype=np.uint32))
    assert logs[0] == 0
    assert logs[1] == round(64 * np.log(8))
    assert logs[2] == round(64 * np.log(2**32 - 8))
    assert logs[3] == 0  # 2**29 << 3 overflows uint32 to 0, as in C


def test_quantize_features_formula_and_clamp():
    v = np.array([0, 332, 333, 1000, 500, 32767], dtype=np.int16)
    expected = np.clip([(int(a) * 256 + 333) // 666 - 128 for a in v], -128, 127)
    np.testing.assert_array_equal(fe.quantize_features(v), expected)
    assert fe.quantize_features(v).dtype == np.int8


# ---------------------------------------------------------------- the whole frontend against TFLM


def test_every_clip_equals_tflm_bit_for_bit():
    reference = tm.TflmFrontend("int8")
    n_equal = n_total = max_diff = 0
    for path in CLIPS:
        y = clip(path)
        ours = tm.frontend(y).astype(np.int64)
        theirs = reference.features(y).astype(np.int64)
        assert ours.shape == theirs.shape
        n_equal += int(np.count_nonzero(ours == theirs))
        n_total += ours.size
        max_diff = max(max_diff, int(np.abs(ours - theirs).max()))
    frames_per_clip = [1 + (sf.info(path).frames - tables.WINDOW_SIZE) // tables.WINDOW_STEP for path in CLIPS]
    assert n_total == tables.NUM_CHANNELS * sum(frames_per_clip)
    assert (n_equal, max_diff) == (n_total, 0)


@pytest.mark.parametrize("index", [0, 9, 28])
def test_every_stage_equals_the_tflm_graph(index):
    y = clip(CLIPS[index])
    theirs = tm.TflmFrontend(preserve_tensors=True).stages(y)
    ours = tm.frontend_stages(y)
    assert set(theirs) <= set(ours)
    for name, expected in theirs.items():
        np.testing.assert_array_equal(ours[name], expected, err_msg=name)


def test_float_output_equals_the_float_graph():
    reference = tm.TflmFrontend("float")
    for path in CLIPS[::8]:
        y = clip(path)
        np.testing.assert_array_equal(tm.frontend(y, output="float"), reference.features(y))


def test_log_output_relates_to_int8_and_float():
    y = clip(CLIPS[1])
    logs = tm.frontend(y, output="log")
    np.testing.assert_array_equal(tm.quantize_features(logs), tm.frontend(y))
    np.testing.assert_allclose(tm.frontend(y, output="float"), logs / 25.6, rtol=1e-6)


# ---------------------------------------------------------------- streaming


@given(st.lists(st.integers(1, 2000), min_size=1, max_size=40))
@settings(max_examples=15, deadline=None)
def test_streaming_any_chunking_equals_batch(chunk_sizes):
    y = clip(CLIPS[5])
    np.testing.assert_array_equal(stream_in_chunks(tm.StreamingFrontend(), y, chunk_sizes), tm.frontend(y))


def test_push_hop_yields_one_row_per_hop_once_primed():
    y = clip(CLIPS[7])
    stream = tm.StreamingFrontend()
    rows = [stream.push_hop(y[start : start + 320]) for start in range(0, 16000, 320)]
    assert rows[0] is None
    assert all(row is not None and row.shape == (40,) for row in rows[1:])
    np.testing.assert_array_equal(np.stack(rows[1:]), tm.frontend(y))


def test_reset_starts_a_new_clip():
    stream = tm.StreamingFrontend()
    first, second = clip(CLIPS[2]), clip(CLIPS[3])
    stream.push(first)
    stream.push(np.zeros(100, dtype=np.int16))
    stream.reset()
    assert not stream.noise_estimate.any()
    np.testing.assert_array_equal(stream.push(second), tm.frontend(second))


def test_process_frame_matches_the_tflm_interpreter():
    y = clip(CLIPS[4])
    ours, theirs = tm.StreamingFrontend(), tm.TflmFrontend()
    theirs.reset()
    for start in range(0, 3200, 320):
        frame = y[start : start + 480]
        np.testing.assert_array_equal(ours.process_frame(frame), theirs.process_frame(frame))


def test_stream_features_helper_equals_batch():
    y = clip(CLIPS[6])
    np.testing.assert_array_equal(tm.stream_features(y, chunk_size=777), tm.frontend(y))


# ---------------------------------------------------------------- bad input


def test_float_audio_is_rejected_with_the_conversion():
    y = clip(CLIPS[0]).astype(np.float32) / 32768
    with pytest.raises(TypeError, match=r"y has floating-point dtype.*to_q15"):
        tm.frontend(y)


def test_other_integer_types_are_rejected():
    with pytest.raises(TypeError, match="y must have dtype int16"):
        tm.frontend(clip(CLIPS[0]).astype(np.int32))
    with pytest.raises(TypeError, match="y must be a NumPy int16 array"):
        tm.frontend([0] * 1000)


def test_wrong_sample_rate_is_rejected():
    with pytest.raises(ParameterError, match="sr must be 16000"):
        tm.frontend(clip(CLIPS[0]), sr=8000)
    with pytest.raises(ParameterError, match="sr must be 16000"):
        tm.StreamingFrontend(sr=44100)


def test_empty_and_too_short_audio_are_rejected():
    with pytest.raises(ParameterError, match="y is empty"):
        tm.frontend(np.zeros(0, dtype=np.int16))
    with pytest.raises(ParameterError, match="y has 479 samples"):
        tm.frontend(np.zeros(479, dtype=np.int16))


def test_stereo_is_rejected():
    with pytest.raises(ParameterError, match="y must be mono"):
        tm.frontend(np.zeros((1000, 2), dtype=np.int16))


def test_wrong_frame_and_hop_lengths_are_rejected():
    stream = tm.StreamingFrontend()
    with pytest.raises(ParameterError, match="frame must hold exactly 480"):
        stream.process_frame(np.zeros(479, dtype=np.int16))
    with pytest.raises(ParameterError, match="hop must hold exactly 320"):
        stream.push_hop(np.zeros(480, dtype=np.int16))
    with pytest.raises(ParameterError, match="frames must have shape"):
        tm.process_frames(np.zeros((3, 512), dtype=np.int16))
    with pytest.raises(TypeError, match="chunk has floating-point dtype"):
        stream.push(np.zeros(320))


def test_empty_chunk_is_a_no_op():
    assert tm.StreamingFrontend().push(np.zeros(0, dtype=np.int16)).shape == (0, 40)


def test_unknown_output_is_rejected():
    with pytest.raises(ParameterError, match="output"):
        tm.frontend(clip(CLIPS[0]), output="mfcc")


def test_nearest_rounding_rebuilds_the_older_c_microfrontends_weights():
    # microfrontend/lib/filterbank_util.c: QuantizeFilterbankWeights = floor(w * 4096 + 0.5) in double, for the
    # weight and for 1 - weight; the graph's generator truncates. Same bins, same padding: only values move, by 1.
    graph, older = tm.mel_filterbank_tables(), tm.mel_filterbank_tables(weight_rounding="nearest")
    for ours, theirs in [(graph.weights, older.weights), (graph.unweights, older.unweights)]:
        assert ours.shape == theirs.shape
        assert np.all((theirs.astype(int) - ours) >= 0) and np.all((theirs.astype(int) - ours) <= 1)
    assert np.array_equal(graph.channel_widths, older.channel_widths)
    moved = np.count_nonzero(graph.weights != older.weights) + np.count_nonzero(graph.unweights != older.unweights)
    assert moved == 235  # of the 632 entries; a rounded weight is never below the truncated one
    # A weight and its unweight still add up to one Q12 step of 4096 or 4095/4097 at most
    total = older.weights.astype(int) + older.unweights
    assert set(np.unique(total[total > 0])) <= {4095, 4096, 4097}
    with pytest.raises(ParameterError, match="weight_rounding"):
        tm.mel_filterbank_tables(weight_rounding="round")


def test_filterbank_takes_other_tables_and_defaults_to_the_graphs():
    energy = np.random.default_rng(4).integers(0, 2**20, (3, 257)).astype(np.uint32)
    older = tm.mel_filterbank_tables(weight_rounding="nearest")
    assert np.array_equal(tm.filterbank(energy, tables=tm.mel_filterbank_tables()), tm.filterbank(energy))
    rounded = tm.filterbank(energy, tables=older)
    expected = (energy.astype(object) @ older.dense_matrix(257).astype(int).astype(object)).astype(np.uint64)
    assert np.array_equal(rounded, expected) and not np.array_equal(rounded, tm.filterbank(energy))
    with pytest.raises(ParameterError, match="tables"):
        tm.filterbank(energy, tables=older.dense_matrix(257))
