"""The live view's Python side: the browser's messages, the columns it sends back, the no-microphone clip path,
and the drop policy when Python is slowed down on purpose."""

from __future__ import annotations

import time

import numpy as np
import pytest

from course_utils import data, tinyml
from course_utils.recorder import own_voice_or
from course_utils.widgets import live as live_module
from course_utils.widgets.live import HEIGHT, LiveSpectrogram
from course_utils.widgets.live_stream import LiveFeatures

SR = 16000


class Sent(list):
    """Collects what the widget sends to the browser."""

    def __call__(self, content, buffers=None):
        self.append((content, list(buffers or [])))


@pytest.fixture
def live(monkeypatch):
    view = LiveSpectrogram(view="linear", n_fft=512, hop_length=160, kws=False)
    sent = Sent()
    monkeypatch.setattr(type(view.widget), "send", lambda self, content, buffers=None: sent(content, buffers))
    view.sent = sent
    return view


def _chirp(seconds=2.0):
    t = np.arange(int(seconds * SR)) / SR
    return (0.5 * np.sin(2 * np.pi * (200 * t + 700 * t**2))).astype(np.float32)  # 200 → 3000 Hz in 2 s


def _block(y, seq):
    return {"type": "block", "seq": seq, "sr": SR, "n": len(y), "t": None, "encoding": "binary"}, [y.tobytes()]


def test_browser_blocks_come_back_as_columns_of_pixel_levels_whose_peak_tracks_the_chirp(live):
    y = _chirp()
    live.handle_message({"type": "hello"})
    assert live.sent[0][0]["type"] == "hello" and live.sent[1][0]["type"] == "layout"
    for seq, start in enumerate(range(0, len(y), 320)):
        live.handle_message(*_block(y[start : start + 320], seq))
    columns = [(c, b) for c, b in live.sent if c["type"] == "columns"]
    assert [c["seq"] for c, _ in columns] == list(range(len(columns)))   # every block answered, in order
    levels = np.concatenate([np.frombuffer(b[0], np.uint8).reshape(c["n"], HEIGHT) for c, b in columns])
    assert levels.shape == (1 + (len(y) - 256) // 160, HEIGHT)            # one column per complete frame
    centers = np.arange(len(levels)) * 160 / SR
    expected_hz = 200 + 1400 * centers
    peak_hz = (np.argmax(levels, axis=1) + 0.5) / HEIGHT * SR / 2
    inside = (centers > 0.05) & (centers < 1.95)
    assert np.all(np.abs(peak_hz - expected_hz)[inside] <= SR / 512 + SR / 2 / HEIGHT)  # one bin + one pixel
    assert not live.errors


def test_a_control_change_from_the_browser_applies_and_sends_a_new_layout(live):
    live.widget.n_mels = 32
    live.widget.view = "mel"
    assert live.features.settings["view"] == "mel" and live.features.settings["n_mels"] == 32
    assert live.sent[-1][0]["type"] == "layout" and live.sent[-1][0]["ylabel"] == "frequency (Hz, mel scale)"
    live.widget.n_mfcc = 40  # unused by the mel view: accepted there
    assert live.features.settings["n_mfcc"] == 40
    live.widget.view = "mfcc"  # now 40 coefficients of 32 bands: refused, said, and the view keeps working
    assert live.sent[-1][0]["type"] == "status" and "n_mfcc" in live.sent[-1][0]["text"]
    assert live.features.settings["view"] == "mel"
    assert live.widget.view == "mel"  # the refused choice does not stay shown


def test_a_refused_n_fft_puts_the_control_back_to_the_value_in_use(live):
    live.widget.n_fft = 128  # below the hop of 160: refused
    assert "hop_length" in live.sent[-1][0]["text"] and live.sent[-1][0]["kind"] == "error"
    assert live.widget.n_fft == 512 == live.features.settings["n_fft"] and "n_fft=512" in repr(live)
    live.widget.hop_length = 80
    live.widget.n_fft = 128  # now allowed
    assert live.widget.n_fft == 128 == live.features.settings["n_fft"]


def test_bad_blocks_and_microphone_problems_are_reported_not_raised(live):
    live.handle_message({"type": "block", "sr": SR, "n": 3, "encoding": "binary"}, [b"\x00" * 8])
    assert "announced 3" in live.errors[-1] and live.sent[-1][0]["kind"] == "error"
    live.handle_message({"type": "error", "code": "permission-denied", "message": "denied"})
    assert live.widget.error_code == "permission-denied"
    live.handle_message({"type": "clip", "name": "no_such_clip"})
    assert live.sent[-1][0]["type"] == "status"


def test_a_course_clip_streams_as_if_live_with_keyword_spotting_and_feeds_own_voice_or(monkeypatch):
    live = LiveSpectrogram(view="tflm", kws=True)
    y, _ = data.load("yes_439c84f4_nohash_1", verbose=False)
    clip = np.concatenate([np.zeros(SR // 2, np.float32), y, np.zeros(SR, np.float32)])
    numbers = live.stream(clip, SR)
    assert [label for label, _ in numbers["detections"]] == ["yes"]
    assert 500 < numbers["detections"][0][1] < 1000 * len(clip) / SR  # after the word starts
    assert numbers["feature_rows"] == len(tinyml.frontend(tinyml.to_q15(clip)))
    assert np.array_equal(live.y, clip)
    got, rate, text = own_voice_or("no_439c84f4_nohash_1", recorder=live)
    assert np.array_equal(got, clip) and rate == SR and "live" in text


class VirtualClock:
    """A clock for the live view's pacing that only the test moves: sleeping advances it, and so does the work the
    test declares slow. The drop policy is then tested on its own, whatever the machine's load."""

    def __init__(self):
        self.now = 0.0

    def perf_counter(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_when_python_is_slowed_down_display_columns_are_dropped_but_no_feature_and_the_lag_stays_bounded(monkeypatch):
    clock = VirtualClock()
    monkeypatch.setattr(live_module, "time", clock)
    slow = LiveFeatures.transform

    def slowed(self, power):
        clock.now += 0.02 * power.shape[1]  # 20 ms per 10 ms column: twice slower than real time
        return slow(self, power)

    monkeypatch.setattr(LiveFeatures, "transform", slowed)
    live = LiveSpectrogram(view="mel", kws=True, max_lag=0.1)
    y = _chirp(3.0)
    live.stream(y, SR, realtime=True)
    assert live.dropped_columns > 50                                  # the display gave way…
    n_rows = len(tinyml.frontend(tinyml.to_q15(y)))
    assert live.features.frontend.frames_emitted == live.features.spotter.rows_seen == n_rows  # …never a feature
    # …and the lag never passed max_lag by more than the slowed display of one 20 ms block (2 columns, 40 ms).
    assert live.max_lag_seen <= live.max_lag + 0.04 + 1e-9


def test_at_full_speed_nothing_is_dropped():
    # A lag allowance far above what a busy machine adds, so only a spurious drop (not load) can fail this.
    live = LiveSpectrogram(view="mel", kws=False, max_lag=5.0)
    live.stream(_chirp(1.0), SR, realtime=True)
    assert live.dropped_columns == 0


def _sent_levels(sent):
    return np.concatenate([np.frombuffer(b[0], np.uint8).reshape(c["n"], HEIGHT)
                           for c, b in sent if c["type"] == "columns" and c["n"]])


def test_python_keeps_the_picture_the_browser_paints(live):
    y = _chirp()
    live.stream(y, SR)
    sent = _sent_levels(live.sent)                         # every column the browser got, oldest first
    picture = live.picture()
    assert picture.shape == (HEIGHT, round(live.seconds * SR / 160))
    painted = picture[:, picture.any(axis=0)].T
    # hop 160: column k covers pixels k - 1 and k, and column k + 1 paints over pixel k (as in live.js); column 0,
    # centred on sample 0, falls before the picture's start
    assert np.array_equal(painted, np.concatenate([sent[1:], sent[-1:]]))
    live.restart()
    assert not live.picture().any()


def test_without_a_kernel_the_output_is_a_text_line_and_a_png_of_the_picture_with_alt_text(live):
    import base64
    import io

    from matplotlib.figure import Figure
    from PIL import Image

    def bright_pixels(bundle):  # the top of magma: orange to light yellow (not the white background)
        rgb = np.asarray(Image.open(io.BytesIO(base64.b64decode(bundle["image/png"]))).convert("RGB")).astype(int)
        return int(((rgb[..., 0] > 200) & (rgb[..., 2] < 170)).sum())

    empty, _ = live._repr_mimebundle_()
    live.stream(_chirp(), SR)
    data, metadata = live._repr_mimebundle_()
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == live.widget.model_id
    assert data["text/plain"].startswith(live_module.STATIC_TEXT) and "\n" not in data["text/plain"]
    assert metadata["image/png"]["alt"] == live.alt_text()
    n_painted = int(live.picture().any(axis=0).sum())
    assert f"{n_painted} of 800 10 ms columns painted" in live.alt_text() and "linear view" in live.alt_text()
    assert bright_pixels(data) > bright_pixels(empty) + 200   # the chirp line: ~100 px long, a few px thick
    ax = Figure().add_subplot()
    image = live.draw_picture(ax)
    layout = live.layout()
    assert ax.get_ylabel() == "frequency (Hz)" and ax.get_xlabel().startswith("time (s)")
    assert ax.figure.axes[-1].get_ylabel() == layout["clabel"]                # the colour bar, labelled
    assert image.get_clim() == (layout["vmin"], layout["vmax"])
    assert np.allclose(image.get_array(), layout["vmin"] + live.picture() * (layout["vmax"] - layout["vmin"]) / 255)


def test_the_hop_choices_meet_the_lessons_rules_at_every_n_fft():
    from course_utils.widgets.live import HOP_OPTIONS
    from course_utils.widgets.live_stream import N_FFT_OPTIONS

    for n_fft in N_FFT_OPTIONS:
        assert any(hop <= n_fft // 2 for hop in HOP_OPTIONS), n_fft  # Hann: hop_length <= win_length / 2
    assert any(hop <= 48 for hop in HOP_OPTIONS)  # columns closer than half a 6 ms voice pulse (lesson 03)


def test_a_hop_longer_than_half_the_window_is_warned_of_in_the_status_line_and_taken_back(live):
    live.handle_message({"type": "hello"})
    assert not [c for c, _ in live.sent if c["type"] == "status"]  # 160 of 512: nothing to say
    live.widget.hop_length = 512  # hop = n_fft: Σw falls to 0 where frames meet
    status = live.sent[-1][0]
    assert status["type"] == "status" and status["text"].startswith("⚠ hop_length=512")
    assert "Σw = 0.00 … 1.00" in status["text"] and "Keep hop_length <= 256" in status["text"]
    assert live.hop_warning() in status["text"]
    count = len(live.sent)
    live.widget.top_db = 60.0  # another change, same hop: said once, not again
    assert not [c for c, _ in live.sent[count:] if c["type"] == "status"]
    live.handle_message({"type": "hello"})  # a reloaded page is told again
    assert live.sent[-1][0]["text"].startswith("⚠ hop_length=512")
    live.widget.hop_length = 256
    assert live.hop_warning() == "" and "even enough again" in live.sent[-1][0]["text"]
    live.widget.view = "tflm"  # its own 20 ms hop of a 30 ms window: no warning
    assert live.hop_warning() == ""
