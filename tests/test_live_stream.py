"""The live view's streaming core: chunks of irregular sizes give the batch result, settings apply from the next
column, skipped display columns never cost a TFLM feature, and TFLM's RecognizeCommands smoothing is matched."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import data, dsp, tinyml
from course_utils.errors import ParameterError
from course_utils.tinyml.recognize import KeywordSpotter, RecognizeCommands
from course_utils.widgets.live_stream import LiveFeatures

SR = 16000


def _signal(seconds=1.3, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    chirp = 0.5 * np.sin(2 * np.pi * (200 * t + 1400 * t**2))
    return (chirp + 0.05 * rng.standard_normal(len(t))).astype(np.float32)


def _stream(live, y, seed=1, display=None):
    """Push ``y`` in chunks of 1…700 samples, then flush; returns (columns, features, updates)."""
    rng = np.random.default_rng(seed)
    updates, pos = [], 0
    while pos < len(y):
        k = int(rng.integers(1, 700))
        flag = True if display is None else display(pos)
        updates.append(live.push(y[pos : pos + k], display=flag))
        pos += k
    updates.append(live.flush())
    columns = np.concatenate([u.columns for u in updates], axis=1)
    features = np.concatenate([u.features for u in updates], axis=0)
    return columns, features, updates


def _batch(view, y, live, *, n_fft, hop_length, n_mels=64, n_mfcc=20, top_db=80.0):
    S = dsp.spectrogram(y.astype(np.float64), n_fft=n_fft, hop_length=hop_length, power=2.0)
    if view in ("linear", "log"):
        return dsp.power_to_db(S, ref=live.reference_power, top_db=None)
    M = dsp.melspectrogram(S=S, sr=SR, n_mels=n_mels)
    if view == "mel":
        return dsp.power_to_db(M, ref=live.reference_power, top_db=None)
    floor = 10 * np.log10(live.reference_power) - top_db
    return dsp.mfcc(S=np.maximum(dsp.power_to_db(M, top_db=None), floor), n_mfcc=n_mfcc)


@pytest.mark.parametrize("view, settings", [
    ("linear", {"n_fft": 512, "hop_length": 160}),
    ("log", {"n_fft": 1024, "hop_length": 256}),
    ("linear", {"n_fft": 511, "hop_length": 100}),  # odd n_fft: the frame is not symmetric about its centre
    ("mel", {"n_fft": 400, "hop_length": 123, "n_mels": 40}),
    ("mfcc", {"n_fft": 512, "hop_length": 160, "n_mels": 40, "n_mfcc": 13, "top_db": 60.0}),
])
def test_streamed_columns_equal_the_batch_dsp_result(view, settings):
    y = _signal()
    live = LiveFeatures(view=view, **settings)
    columns, _, _ = _stream(live, y)
    batch = _batch(view, y, live, **settings)
    assert columns.shape == batch.shape
    np.testing.assert_allclose(columns, batch, rtol=1e-6, atol=1e-9)


def test_tflm_features_are_computed_only_when_used_and_start_afresh_when_switched_on():
    y = _signal(seed=8)
    live = LiveFeatures(view="mel")
    assert live.push(y[:8000]).features.shape == (0, 40)
    live.set(view="tflm")
    rest = [live.push(y[8000:]), live.flush()]
    columns = np.concatenate([u.columns for u in rest], axis=1)
    assert np.array_equal(columns, tinyml.frontend(tinyml.to_q15(y[8000:])).T)
    assert rest[0].start_sample == 8000 + 240


def test_streamed_tflm_features_equal_the_batch_frontend_exactly_for_float_and_int16():
    y = _signal(seed=3)
    pcm = tinyml.to_q15(y)
    batch = tinyml.frontend(pcm)
    for signal in (y, pcm):
        live = LiveFeatures(view="tflm")
        columns, features, _ = _stream(live, signal, seed=4)
        assert np.array_equal(features, batch)
        assert np.array_equal(columns, batch.T.astype(np.float64))


def test_reference_full_scale_sine_reads_zero_db_in_the_linear_view():
    live = LiveFeatures(view="linear", n_fft=512, hop_length=128)
    t = np.arange(SR) / SR
    columns, _, _ = _stream(live, np.sin(2 * np.pi * 1000 * t).astype(np.float32))
    assert abs(columns[:, 10:-10].max()) < 0.01


def test_a_setting_change_applies_from_the_next_column_centred_where_it_would_have_been():
    y = _signal(seed=5)
    live = LiveFeatures(view="linear", n_fft=512, hop_length=160)
    before = live.push(y[:8000])
    next_center = before.start_sample + (before.first_column + before.columns.shape[1]) * 160
    live.set(n_fft=256, hop_length=100)
    rest = [live.push(y[8000:]), live.flush()]
    assert rest[0].start_sample == next_center and rest[0].first_column == 0
    columns = np.concatenate([u.columns for u in rest], axis=1)
    # Batch STFT with the new settings of the same samples, read at the new column centres.
    S = dsp.spectrogram(y.astype(np.float64), n_fft=256, hop_length=1, power=2.0)
    expected = dsp.power_to_db(S[:, next_center::100], ref=live.reference_power, top_db=None)
    assert columns.shape[0] == 129
    np.testing.assert_allclose(columns, expected[:, : columns.shape[1]], rtol=1e-6, atol=1e-9)
    assert columns.shape[1] == expected.shape[1]


def test_skipped_display_columns_are_counted_and_never_cost_a_tflm_feature():
    y = _signal(seconds=2.0, seed=6)
    live = LiveFeatures(view="mel", n_fft=512, hop_length=160, n_mels=40, kws=True)
    columns, features, updates = _stream(live, y, display=lambda pos: not 8000 <= pos < 20000)
    assert live.spotter.rows_seen == len(features)  # the keyword spotter ran on every row
    batch = _batch("mel", y, live, n_fft=512, hop_length=160, n_mels=40)
    assert np.array_equal(features, tinyml.frontend(tinyml.to_q15(y)))  # every feature row, exactly
    dropped = sum(u.dropped for u in updates)
    assert dropped > 50 and live.dropped_columns == dropped
    assert columns.shape[1] + dropped == batch.shape[1]
    # What was shown is the batch result at the same column indices.
    shown = np.concatenate([np.arange(u.first_column, u.first_column + u.columns.shape[1]) for u in updates])
    np.testing.assert_allclose(columns, batch[:, shown], rtol=1e-6, atol=1e-9)


def test_the_ring_keeps_exactly_the_last_seconds():
    y = _signal(seconds=3.0, seed=7)
    live = LiveFeatures(keep_seconds=1.0)
    _stream(live, y)
    assert np.array_equal(live.y, y[-SR:])
    short = LiveFeatures(keep_seconds=2.0)
    short.push(y[:5000])
    assert np.array_equal(short.y, y[:5000])
    big = LiveFeatures(keep_seconds=1.0)
    big.push(y)  # one chunk longer than the ring
    assert np.array_equal(big.y, y[-SR:])


def test_the_mel_view_takes_fewer_bands_than_the_mfcc_default_and_the_mfcc_view_checks_again():
    live = LiveFeatures(view="mel", n_mels=16)  # n_mfcc stays at its default, 20: unused in this view
    assert live.settings["n_mels"] == 16
    with pytest.raises(ParameterError, match="n_mfcc=20 must be <= n_mels=16"):
        live.set(view="mfcc")


@pytest.mark.parametrize("settings, word", [
    ({"view": "sonogram"}, "view"), ({"n_fft": 8}, "n_fft"), ({"hop_length": 0}, "hop_length"),
    ({"view": "mfcc", "n_mels": 20, "n_mfcc": 30}, "n_mfcc"), ({"fmax": 9000}, "fmax"), ({"top_db": -1}, "top_db"),
    ({"hop": 3}, "unknown"),
])
def test_bad_settings_are_refused_naming_the_parameter(settings, word):
    with pytest.raises(ParameterError, match=word):
        LiveFeatures(**settings)
    live = LiveFeatures()
    with pytest.raises(ParameterError, match=word):
        live.set(**settings)


def test_bad_chunks_and_rates_are_refused():
    with pytest.raises(ParameterError, match="sr"):
        LiveFeatures(sr=22050)
    live = LiveFeatures()
    with pytest.raises(ParameterError, match="dtype"):
        live.push(np.zeros(10, np.int32))
    with pytest.raises(ParameterError, match="NaN"):
        live.push(np.array([0.0, np.nan], np.float32))
    with pytest.raises(ParameterError, match="mono"):
        live.push(np.zeros((2, 10), np.float32))


# ---- RecognizeCommands, as TFLM's recognize_commands.cc

def _scores(yes):
    """int8 scores where "yes" (index 2) is ``yes`` on the 0…255 scale and "silence" gets the rest."""
    return np.array([255 - yes - 128, -128, yes - 128, -128], dtype=np.int8)


def test_recognize_commands_waits_for_three_results_over_a_quarter_second():
    rc = RecognizeCommands()
    assert rc.process(_scores(250), 0).score == 0
    assert rc.process(_scores(250), 100).score == 0          # two results only
    third = rc.process(_scores(250), 200)                    # three, but only 200 ms < 250 ms apart
    assert third.score == 0 and not third.is_new and third.label == "silence"
    fourth = rc.process(_scores(250), 300)
    assert fourth.is_new and fourth.label == "yes" and fourth.score == 250


def test_recognize_commands_averages_with_integer_division_and_a_strict_threshold():
    rc = RecognizeCommands()
    for t, yes in zip((0, 100, 200), (200, 201, 201)):
        rc.process(_scores(yes), t)
    result = rc.process(_scores(200), 300)                   # (200 + 201 + 201 + 200) // 4 = 200: not > 200
    assert result.score == 200 and not result.is_new
    result = rc.process(_scores(205), 400)                   # (200+201+201+200+205) // 5 = 201
    assert result.average[2] == 201 and result.is_new


def test_recognize_commands_drops_results_older_than_the_window_and_suppresses_repeats():
    rc = RecognizeCommands()
    for t in range(0, 400, 100):
        rc.process(_scores(250), t)
    times = [t for t in range(400, 3000, 100) if rc.process(_scores(250), t).is_new]
    assert times == [1900]                                   # 300 detected, 1900 is the first > 1500 ms later
    rc.process(_scores(0), 3000)
    # The window now holds 2000…3000 ms: ten results of 250 and two of 0 (1900 ms and older are gone).
    assert rc.process(_scores(0), 3000).average[2] == (10 * 250) // 12


def test_recognize_commands_refuses_time_going_backwards():
    rc = RecognizeCommands()
    rc.process(_scores(0), 500)
    with pytest.raises(ParameterError, match="time_ms"):
        rc.process(_scores(0), 400)


def test_live_keyword_spotting_detects_yes_and_no_in_course_clips():
    spotted = {}
    for name in ("yes_439c84f4_nohash_1", "no_439c84f4_nohash_1"):
        y, sr = data.load(name, verbose=False)
        live = LiveFeatures(view="tflm", kws=True)
        silence = np.zeros(SR // 2, np.float32)
        _stream(live, np.concatenate([silence, y, silence, silence]))
        spotted[name] = [d.label for d in live.spotter.detections]
        assert live.spotter.rows_seen == len(tinyml.frontend(tinyml.to_q15(np.concatenate([silence, y, silence, silence]))))
    assert spotted == {"yes_439c84f4_nohash_1": ["yes"], "no_439c84f4_nohash_1": ["no"]}


def test_the_spotter_runs_the_model_on_the_last_49_rows_once_per_row():
    y, _ = data.load("yes_439c84f4_nohash_1", verbose=False)
    features = tinyml.frontend(tinyml.to_q15(y))
    spotter = KeywordSpotter()
    results = spotter.push(features)
    assert len(results) == len(features) == 49
    assert np.array_equal(results[-1][0], spotter.model.scores(features))  # the last run saw exactly the clip
    assert [r.time_ms for _, r in results][:2] == [30, 50]


def test_silence_is_reported_at_every_hop_but_never_listed_as_a_detection():
    # Faint noise (about -50 dBFS): TFLM's recognizer keeps reporting "silence" as new, since silence never
    # suppresses a repeat; the spotter's detections, what a device acts on, hold words only.
    noise = np.random.default_rng(3).normal(0, 0.003, 3 * 16000).astype(np.float32)
    spotter = KeywordSpotter()
    results = spotter.push(tinyml.frontend(tinyml.to_q15(noise)))
    new_silences = [r for _, r in results if r.is_new and r.label == "silence"]
    assert len(new_silences) > 10
    assert all(d.label != "silence" for d in spotter.detections)
