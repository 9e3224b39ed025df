"""The explorers of course_utils.widgets driven from code: controls in, figure data, readouts, audio and messages out.

The browser side (real JupyterLab, keyboard and mouse) is tests/browser/test_explorers_in_lab.py.
"""

from __future__ import annotations

import base64
import inspect
import io
import time

import ipywidgets
import numpy as np
import pytest
from PIL import Image

import course_utils
from course_utils import dsp, synth, widgets
from course_utils.errors import ParameterError
from course_utils.widgets import (
    AliasingExplorer,
    DecibelExplorer,
    GriffinLimExplorer,
    MelFilterbankExplorer,
    MFCCExplorer,
    QuantizationExplorer,
    SpectrogramExplorer,
    WindowExplorer,
)

SR = 16000
ALL_EXPLORERS = [getattr(widgets, name) for name in widgets.__all__ if name != "Explorer"]
# Explorers of a clip take the audio first, as librosa does: Explorer(y, sr, ...).
EXPLORERS_OF_A_CLIP = [cls for cls in ALL_EXPLORERS if next(iter(inspect.signature(cls).parameters)) == "y"]


@pytest.fixture(scope="module")
def clip():
    return synth.mix(synth.chirp(200, 3000, sr=SR, duration=1.0), synth.noise(sr=SR, duration=1.0, amplitude=0.02))


@pytest.fixture(scope="module")
def recorded():
    """Like a student's own recording: another rate, odd length, float32, quiet."""
    rng = np.random.default_rng(1)
    n = 22050 + 1234
    t = np.arange(n) / 22050
    return (0.2 * np.sin(2 * np.pi * 330 * t) + 0.01 * rng.standard_normal(n)).astype(np.float32)


def image_size(explorer) -> tuple[int, int]:
    return Image.open(io.BytesIO(explorer.image_bytes)).size


def panel_widgets(explorer, kind):
    """The widgets of type ``kind`` in the explorer's panel, as a student's browser gets them."""
    found, stack = [], [explorer.panel]
    while stack:
        widget = stack.pop()
        found += [widget] if isinstance(widget, kind) else []
        stack += list(getattr(widget, "children", ()))
    return found


def panel_text(explorer) -> str:
    return "\n".join(widget.value for widget in panel_widgets(explorer, ipywidgets.HTML))


# ----------------------------------------------------------------------------------------------- spectrogram
def test_spectrogram_readouts_follow_n_fft_and_hop(clip):
    ex = SpectrogramExplorer(clip, sr=SR)
    assert ex.readouts["delta_f_hz"] == SR / 2048
    assert ex.readouts["delta_t_ms"] == 1000 * 512 / SR
    assert ex.readouts["shape"] == (1025, 1 + len(clip) // 512)
    before = ex.image_bytes
    ex.set(n_fft=1024, hop_length=256)
    assert ex.readouts["delta_f_hz"] == 15.625
    assert ex.readouts["delta_t_ms"] == 16.0
    assert ex.readouts["shape"] == (513, 1 + len(clip) // 256)
    assert ex.data["S"].shape == ex.readouts["shape"]
    assert ex.image_bytes != before and ex.message == ""
    expected = np.abs(dsp.stft(clip, n_fft=1024, hop_length=256)) ** 2
    np.testing.assert_allclose(ex.data["power"], expected, rtol=1e-3, atol=1e-6)


def test_spectrogram_window_follows_n_fft_only_while_equal(clip):
    ex = SpectrogramExplorer(clip, sr=SR, hop_length=128)
    ex.set(n_fft=512)
    assert ex.values()["win_length"] == 512 and ex.message == ""
    ex.set(win_length=256)
    ex.set(n_fft=1024)
    assert ex.values()["win_length"] == 256
    assert ex.readouts["window_ms"] == 16.0


PADDING = 256  # the zero-padded FFT below samples the lobe every 1/256 bin


def half_amplitude_width_hz(window, win_length, sr):
    """The −6 dB main-lobe width measured the plain way: a heavily zero-padded FFT of the window."""
    w = dsp.get_window(window, win_length)
    n_pad = PADDING * win_length
    amplitude = np.abs(np.fft.rfft(w, n_pad))
    first_below = int(np.argmax(amplitude < amplitude[0] / 2))
    return 2 * first_below * sr / n_pad


@pytest.mark.parametrize("window", ["hann", "hamming", "blackman", "bartlett", "boxcar"])
def test_spectrogram_main_lobe_readout_is_the_measured_width_and_follows_win_length(clip, window):
    ex = SpectrogramExplorer(clip, sr=SR, n_fft=1024, win_length=1024, window=window)
    grid = lambda win_length: 2 * SR / (PADDING * win_length)  # the measurement's resolution, both sides
    assert ex.readouts["main_lobe_hz"] == pytest.approx(half_amplitude_width_hz(window, 1024, SR), abs=grid(1024))
    ex.set(win_length=256)  # a shorter window inside the same FFT: bins as before, the lobe 4 times wider
    assert ex.readouts["delta_f_hz"] == SR / 1024
    assert ex.readouts["main_lobe_hz"] == pytest.approx(half_amplitude_width_hz(window, 256, SR), abs=grid(256))
    assert "main lobe at −6 dB" in panel_text(ex) and f"= {ex.readouts['main_lobe_hz']:.5g} Hz" in panel_text(ex)


def test_spectrogram_main_lobe_readout_predicts_which_tone_pairs_separate():
    # Two equal tones a little more than one main lobe apart show two peaks; a little less, one.
    ex = SpectrogramExplorer(np.zeros(SR), sr=SR, n_fft=4096, win_length=512, hop_length=128)
    lobe = ex.readouts["main_lobe_hz"]
    for factor, peaks in [(1.25, 2), (0.75, 1)]:
        y = synth.mix(synth.tone(2000, sr=SR), synth.tone(2000 + factor * lobe, sr=SR))
        ex = SpectrogramExplorer(y, sr=SR, n_fft=4096, win_length=512, hop_length=128, db=False)
        spectrum = ex.data["power"][:, 40]
        band = spectrum[int(1900 * 4096 / SR) : int(2200 * 4096 / SR)]
        interior = (band[1:-1] > band[:-2]) & (band[1:-1] > band[2:]) & (band[1:-1] > 0.1 * band.max())
        assert int(interior.sum()) == peaks, (factor, lobe)


def test_spectrogram_warns_in_the_panel_when_the_hop_skips_samples(clip):
    ex = SpectrogramExplorer(clip, sr=SR, n_fft=1024, win_length=256, hop_length=128)
    assert ex.message == ""  # Hann at 50 % overlap: Σw is constant
    image = ex.image_bytes
    ex.set(hop_length=384)  # still below n_fft, but beyond the 256-sample window
    assert "hop_length=384 > win_length=256: 128 of every 384 samples (33 %)" in ex.message
    assert "Keep hop_length <= 128 for this window" in ex.message
    assert ex.image_bytes != image and ex.readouts["delta_t_ms"] == 24.0  # drawn, not refused
    assert "not analysed" in panel_text(ex) and "message: hop_length=384" in ex.summary()
    ex.set(hop_length=128)
    assert ex.message == "" and "not analysed" not in panel_text(ex)


def _click_band_peaks(ex, y, click_samples, band=(4500, 5500)):
    """Largest power in ``band`` within 16 ms of each click, from the explorer's own spectrogram."""
    power = ex.data["power"]
    f = dsp.fft_frequencies(sr=SR, n_fft=ex.values()["n_fft"])
    t = np.arange(power.shape[1]) * ex.values()["hop_length"]
    in_band = power[(f > band[0]) & (f < band[1])].sum(axis=0)
    return np.array([in_band[np.abs(t - c) <= 256].max() for c in click_samples])


def test_spectrogram_warns_when_hann_frames_do_not_overlap_enough_and_the_click_it_warns_of_vanishes():
    y = synth.click_train(sr=SR, duration=1.0, rate=4, amplitude=0.45)
    clicks = np.nonzero(y)[0][1:]  # 4000, 8000, 12000: the one at 8000 falls where two 128-sample frames meet
    ex = SpectrogramExplorer(y, sr=SR, n_fft=128, hop_length=128)
    assert "Σw = 0.00 … 1.00" in ex.message and "0 % of the weight" in ex.message
    assert "Keep hop_length <= 64 for this window" in ex.message
    no_overlap = _click_band_peaks(ex, y, clicks)
    ex.set(hop_length=64)
    assert ex.message == ""
    half_overlap = _click_band_peaks(ex, y, clicks)
    assert no_overlap[1] < 1e-3 * half_overlap[1]                    # the warned-of click is gone at hop = window
    assert np.all(half_overlap > 0.2 * half_overlap.max())  # every click there at 50 % overlap: w ≥ 0.5, power ≥ ¼
    ex.set(hop_length=96)  # 25 % overlap: Σw dips to 0.29
    assert "Σw = 0.29 … 1.00" in ex.message and "29 % of the weight" in ex.message


@pytest.mark.parametrize("window", ["hann", "hamming", "blackman", "bartlett", "boxcar"])
def test_skipped_samples_warning_follows_the_window_sum(window):
    import scipy.signal

    from course_utils.widgets.spectrogram import skipped_samples_warning

    w = scipy.signal.get_window(window, 512, fftbins=True)
    advised = 512 if window == "boxcar" else 256  # the lesson's rule: hop_length <= win_length / 2, boxcar: <= win
    for hop in (64, 128, 171, 256, 257, 307, 320, 384, 448, 512, 640):
        total = np.zeros(16 * 512)
        for start in range(0, len(total) - 512, hop):
            total[start : start + 512] += w
        weights = total[1024:-1024]  # away from the ends
        text = skipped_samples_warning(hop_length=hop, win_length=512, window=window)
        assert (text == "") == (hop <= advised), (window, hop, text)  # warned exactly beyond the advice
        if weights.min() < weights.max() / 2:
            assert text, (window, hop)  # every setting with samples below half weight is warned of
        if text:
            assert f"Keep hop_length <= {advised} for this window" in text
            assert f"{max(weights.min(), 0):.2f} … {weights.max():.2f}" in text or hop > 512, text
            share = max(weights.min(), 0) / weights.max()
            assert ("all but vanishes" in text) == (hop <= 512 and share < 0.05), text  # only near Σw = 0


def test_the_explorer_warns_between_half_and_two_thirds_of_the_window(clip):
    # Hann 512 at hop 320 keeps Σw above half its peak (0.62 … 1.00) yet breaks the lesson's hop <= win / 2
    ex = SpectrogramExplorer(clip, sr=SR, n_fft=512, hop_length=320)
    assert "Σw = 0.62 … 1.00" in ex.message and "Keep hop_length <= 256" in ex.message
    assert "comes out weaker" in ex.message and "vanishes" not in ex.message
    ex.set(hop_length=256)
    assert ex.message == ""


def test_the_frames_readout_row_gives_the_rule_that_holds_for_the_n_fft():
    import librosa

    n = SR  # hop 160 divides len(y): the even-n_fft shortcut overcounts an odd n_fft by one frame
    for n_fft, rule, worked in [(512, "1 + ⌊len(y) / hop_length⌋", f"1 + ⌊{n} / 160⌋ = 101"),
                                (511, "1 + ⌊(len(y) + 2·⌊n_fft / 2⌋ − n_fft) / hop_length⌋",
                                 f"1 + ⌊({n + 510} − 511) / 160⌋ = 100")]:
        ex = SpectrogramExplorer(np.zeros(n), sr=SR, n_fft=n_fft, hop_length=160)
        frames = librosa.stft(np.zeros(n), n_fft=n_fft, hop_length=160).shape[1]
        row = dict(ex._readout_rows(ex.readouts, ex.values()))
        assert row[f"frames = {rule}"] == worked and worked.endswith(f"= {frames}")


def test_spectrogram_set_accepts_the_window_label_rectangular(clip):
    ex = SpectrogramExplorer(clip, sr=SR, n_fft=512, hop_length=128)
    ex.set(window="rectangular")
    assert ex.message == "" and ex.values()["window"] == "boxcar" and "window=rectangular" in ex.summary()
    ex.set(window="hann")
    ex.set(window="boxcar")
    assert ex.message == "" and ex.values()["window"] == "boxcar"
    ex.set(window="triangle")
    assert "window must be one of" in ex.message


def test_spectrogram_shows_the_skip_and_the_empty_filter_warnings_together(clip):
    ex = SpectrogramExplorer(clip, sr=SR, scale="mel", n_fft=256, win_length=256, n_mels=256, hop_length=512)
    assert "Empty filters" in ex.message and "hop_length=512 > win_length=256" in ex.message


def test_spectrogram_invalid_settings_show_a_message_and_keep_the_figure(clip):
    ex = SpectrogramExplorer(clip, sr=SR)
    image, readouts = ex.image_bytes, dict(ex.readouts)
    ex.set(win_length=4096)
    assert "win_length=4096 must be <= n_fft=2048" in ex.message
    assert ex.image_bytes == image and ex.readouts == readouts
    assert "win_length=4096 must be" in panel_text(ex)
    assert "The figure and the readouts still show the last valid setting." in panel_text(ex)
    ex.set(win_length=2048)
    assert ex.message == ""
    ex.set(fmin=5000.0, fmax=1000.0)
    assert "fmin" in ex.message and ex.image_bytes == image
    ex.set(fmin=0.0, fmax=8000.0)
    assert ex.message == ""


@pytest.mark.parametrize(
    "values, words",
    [
        ({"hop_length": 0}, "hop_length must be between"),
        ({"hop_length": 2.5}, "whole number"),
        ({"n_fft": 1000}, "n_fft must be one of"),
        ({"db": "yes"}, "db must be True or False"),
        ({"window": "kaiser"}, "window must be one of"),
    ],
)
def test_set_rejects_values_a_control_cannot_take(clip, values, words):
    ex = SpectrogramExplorer(clip, sr=SR)
    settings = ex.values()
    ex.set(**values)
    assert words in ex.message
    assert ex.values() == settings


def test_set_with_an_unknown_control_raises_naming_it(clip):
    ex = SpectrogramExplorer(clip, sr=SR)
    with pytest.raises(ParameterError, match="no control nfft"):
        ex.set(nfft=1024)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"y": np.zeros(100, dtype=np.int16)}, TypeError, "y has integer dtype"),
        ({"y": np.zeros((2, 100))}, ParameterError, "y must be mono"),
        ({"sr": 0}, ParameterError, "sr must be a positive"),
        ({"n_fft": "big"}, TypeError, "n_fft must be an integer"),
        ({"window": "kaiser"}, ParameterError, "window must be one of"),
        ({"fmax": 9000.0}, ParameterError, "fmax must be <="),
        ({"scale": "bark"}, ParameterError, "scale must be one of"),
        ({"win_length": 4096}, ParameterError, "win_length=4096 must be <= n_fft=2048"),
    ],
)
def test_spectrogram_constructor_names_the_bad_argument(clip, kwargs, error, words):
    arguments = {"y": clip, "sr": SR, **kwargs}
    with pytest.raises(error, match=words):
        SpectrogramExplorer(arguments.pop("y"), sr=arguments.pop("sr"), **arguments)


def test_spectrogram_mel_scale_and_empty_filter_warning(clip):
    ex = SpectrogramExplorer(clip, sr=SR, scale="mel", n_mels=64)
    assert ex.readouts["shape"][0] == 64 and ex.message == ""
    assert not ex.controls["n_mels"].disabled
    ex.set(n_fft=256, n_mels=256)
    assert "Empty filters" in ex.message
    assert ex.readouts["shape"][0] == 256  # a warning still draws
    ex.set(scale="linear")
    assert ex.controls["n_mels"].disabled


def test_spectrogram_linear_power_and_log_axis(clip):
    ex = SpectrogramExplorer(clip, sr=SR, db=False, scale="log")
    assert ex.data["S"].max() == pytest.approx(1.0)
    assert ex.controls["top_db"].disabled
    assert ex.readouts["shown_hz"] == (32.0, 8000.0)


def test_spectrogram_plays_the_clip(clip):
    ex = SpectrogramExplorer(clip, sr=SR)
    assert ex.audio is ex.y and ex.audio_sr == SR
    (player,) = panel_widgets(ex, ipywidgets.Audio)
    assert player.value[:4] == b"RIFF"


# ----------------------------------------------------------------------------------------------- rendering
def test_control_changes_render_in_the_background(clip):
    ex = SpectrogramExplorer(clip, sr=SR)
    ex.controls["hop_length"].value = 256
    assert ex.wait(timeout=10)
    assert ex.readouts["delta_t_ms"] == 16.0


def test_background_errors_go_to_the_panel(clip):
    ex = SpectrogramExplorer(clip, sr=SR)
    image = ex.image_bytes
    ex.controls["win_length"].value = 4096
    assert ex.wait(timeout=10)
    assert "win_length" in ex.message and ex.image_bytes == image


def test_latest_value_wins_when_changes_outpace_renders(clip):
    ex = SpectrogramExplorer(clip, sr=SR)
    compute = ex._compute

    def slow_compute(values):
        time.sleep(0.05)
        return compute(values)

    ex._compute = slow_compute
    renders = ex.render_count
    for hop in range(128, 128 + 20 * 16, 16):
        ex.controls["hop_length"].value = hop
    assert ex.wait(timeout=20)
    assert ex.render_count - renders < 10  # most intermediate values were never drawn
    assert ex.values()["hop_length"] == hop
    assert ex.readouts["delta_t_ms"] == 1000 * hop / SR


def test_only_moving_parts_are_redrawn(clip, monkeypatch):
    ex = SpectrogramExplorer(clip, sr=SR)
    full_draws = []
    draw = ex.figure.canvas.draw
    monkeypatch.setattr(ex.figure.canvas, "draw", lambda: full_draws.append(1) or draw())
    ex.set(hop_length=256)
    assert full_draws == []  # same axes and colour bar: the cached background was reused
    ex.set(scale="mel")
    assert full_draws == [1]  # new ticks and title: the background was drawn again, once


def test_presentation_mode_enlarges_the_figure(clip):
    ex = SpectrogramExplorer(clip, sr=SR)
    width, height = image_size(ex)
    ex.set(presentation=True)
    large = image_size(ex)
    scale = course_utils.session.PRESENTATION_SCALE
    assert abs(large[0] - width * scale) <= 1 and abs(large[1] - height * scale) <= 1
    assert "cu-presentation" in ex.panel._dom_classes
    ex.set(presentation=False)
    assert image_size(ex) == (width, height)


def test_presentation_follows_the_notebook_unless_overridden():
    course_utils.set_presentation(True)
    try:
        assert AliasingExplorer().controls["presentation"].value is True
        assert AliasingExplorer(presentation=False).controls["presentation"].value is False
    finally:
        course_utils.set_presentation(False)
    assert AliasingExplorer().controls["presentation"].value is False
    with pytest.raises(TypeError, match="presentation"):
        AliasingExplorer(presentation="yes")


def test_display_bundle_has_the_widget_and_a_static_png(clip):
    ex = SpectrogramExplorer(clip, sr=SR)
    bundle, metadata = ex._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == ex.panel.model_id
    png = base64.b64decode(bundle["image/png"])
    assert png.startswith(b"\x89PNG") and Image.open(io.BytesIO(png)).size == image_size(ex)
    assert bundle["text/plain"].startswith("SpectrogramExplorer(n_fft=2048")
    assert metadata["image/png"]["alt"] == ex.alt_text()


def test_alt_text_follows_the_settings_and_readouts_of_the_picture(clip):
    ex = SpectrogramExplorer(clip, sr=SR)
    assert "n_fft = 2048" in ex.alt_text() and "delta_f_hz = 7.8125" in ex.alt_text()
    ex.set(n_fft=1024, win_length=1024)
    assert "n_fft = 1024" in ex.alt_text() and "delta_f_hz = 15.625" in ex.alt_text()


def test_summary_is_deterministic(clip):
    first = SpectrogramExplorer(clip, sr=SR).summary()
    assert first == SpectrogramExplorer(clip, sr=SR).summary()
    assert first == ("SpectrogramExplorer: n_fft=2048 hop_length=512 win_length=2048 window=hann scale=linear "
                     "n_mels=128 fmin=0 fmax=8000 db=True top_db=80 | delta_f_hz=7.8125 delta_t_ms=32 window_ms=128 "
                     "main_lobe_hz=15.625 "
                     "n_frames=32 shape=(1025, 32) shown_hz=(0, 8000)")
    ex = SpectrogramExplorer(clip, sr=SR)
    ex.set(win_length=4096)
    assert ex.summary().endswith("| message: win_length=4096 must be <= n_fft=2048: the window has to fit in the "
                                 "FFT frame")


# ----------------------------------------------------------------------------------------------- lesson 01
def test_aliasing_folds_tones_above_nyquist():
    ex = AliasingExplorer(sr=8000, freq=7000)
    assert ex.readouts["nyquist_hz"] == 4000 and ex.readouts["heard_hz"] == 1000 and ex.readouts["aliased"]
    audio, image = ex.audio, ex.image_bytes
    ex.set(freq=3000.0)
    assert ex.readouts["heard_hz"] == 3000 and not ex.readouts["aliased"]
    assert ex.image_bytes != image and not np.array_equal(ex.audio, audio)
    ex.set(sr=16000)
    assert ex.readouts["nyquist_hz"] == 8000 and ex.audio_sr == 16000 and len(ex.audio) == 16000
    played = ex.artists["played_back"]
    np.testing.assert_allclose(played.get_ydata(), np.sin(2 * np.pi * 3000 * played.get_xdata() / 1000), atol=1e-12)
    with pytest.raises(ParameterError, match="freq must be <="):
        AliasingExplorer(freq=30000)


def test_quantization_levels_snr_and_audio(clip):
    ex = QuantizationExplorer(clip, sr=SR, bits=8)
    assert ex.readouts["levels"] == 256 and ex.readouts["step"] == 2 / 256
    expected = dsp.snr_db(clip, ex.quantize(8, False).astype(clip.dtype))
    assert ex.readouts["snr_db"] == round(expected, 2)
    assert len(np.unique(ex.audio)) <= 256
    audio = ex.audio
    ex.set(bits=4)
    assert len(np.unique(ex.audio)) <= 16 and ex.readouts["snr_db"] < expected
    assert not np.array_equal(ex.audio, audio)
    ex.set(dither=True)
    dithered = dsp.snr_db(clip, ex.quantize(4, True).astype(clip.dtype))
    assert ex.readouts["snr_db"] == round(dithered, 2) and "dither=True" in ex.summary()
    ex.set(bits=0)
    assert "bits must be between 1 and 16" in ex.message
    with pytest.raises(ParameterError, match="bits must be <= 16"):
        QuantizationExplorer(clip, sr=SR, bits=17)


# ----------------------------------------------------------------------------------------------- lesson 02
def test_window_leakage_readouts():
    ex = WindowExplorer(sr=SR, window="boxcar", n_fft=256, zero_padding=4, freq=1000.0, level2_db=None)
    assert ex.readouts["bin_spacing_hz"] == 62.5 and ex.readouts["plotted_spacing_hz"] == 15.625
    assert ex.readouts["mainlobe_bins"] == 2.0 and ex.readouts["highest_sidelobe_db"] == -13.3
    assert ex.readouts["peak_hz"] == 1000.0
    assert ex.data["spectrum_db"].max() == pytest.approx(0.0, abs=1e-9)
    assert ex.controls["freq2"].disabled
    ex.set(window="hann")
    assert ex.readouts["mainlobe_bins"] == 4.0 and ex.readouts["highest_sidelobe_db"] == -31.5
    ex.set(zero_padding=1)
    assert len(ex.data["spectrum_db"]) == 129
    ex.set(level2_db=-20.0)
    assert not ex.controls["freq2"].disabled


# ----------------------------------------------------------------------------------------------- lesson 04
def test_mel_filterbank_draws_each_band_and_flags_empty_ones():
    ex = MelFilterbankExplorer(sr=SR, n_fft=512, n_mels=40)
    assert ex.readouts["empty_filters"] == 0 and ex.message == ""
    assert len(ex.artists["filters"].get_segments()) == 40 and len(ex.artists["bins"].get_segments()) == 257
    np.testing.assert_allclose(ex.data["weights"], dsp.mel_filterbank(sr=SR, n_fft=512, n_mels=40))
    ex.set(n_mels=128, n_fft=128)
    empty = ex.readouts["empty_filters"]
    assert empty > 0 and "Empty filters" in ex.message
    assert len(ex.artists["empty_filters"].get_segments()) == empty
    assert ex.readouts["band0_all_zero"]  # bins 125 Hz apart: band 0, 0 to 94 Hz, holds only the 0 Hz bin
    assert len(ex.artists["filters"].get_segments()) == 128 - empty - 1
    ex.set(fmin=6000.0, fmax=2000.0)
    assert "fmin" in ex.message


# ----------------------------------------------------------------------------------------------- lesson 05
def test_decibels_reference_floor_and_range(clip):
    ex = DecibelExplorer(clip, sr=SR)
    assert ex.readouts["max_db"] == 0 and ex.readouts["range_db"] == 80
    ex.set(ref=1.0)
    peak_db = 10 * np.log10(ex.power.max())
    assert ex.readouts["max_db"] == round(peak_db, 2)
    ex.set(amin=1e-3, top_db=None)
    assert ex.readouts["silence_db"] == -30.0 and ex.readouts["min_db"] == -30.0
    assert "ref=1.0 amin=1e-03 top_db=off" in ex.summary()
    with pytest.raises(ParameterError, match="ref must be"):
        DecibelExplorer(clip, sr=SR, ref="loud")


def test_decibels_gain_moves_absolute_levels_but_not_a_picture_relative_to_its_maximum(clip):
    ex = DecibelExplorer(clip, sr=SR, top_db=None)
    relative, absolute = ex.readouts["max_db"], ex.readouts["level_re_1_db"]
    ex.set(gain_db=-20.0)
    assert ex.readouts["max_db"] == relative  # ref=max: still 0 dB at the loudest bin
    assert ex.readouts["level_re_1_db"] == pytest.approx(absolute - 20, abs=0.01)
    ex.set(ref=1.0)
    assert ex.readouts["max_db"] == pytest.approx(absolute - 20, abs=0.01)  # ref=1.0: every value follows the gain


def test_decibels_magnitude_misuse_halves_the_range_and_min_reference_puts_silence_at_0_db(clip):
    ex = DecibelExplorer(clip, sr=SR, amin=1e-12, top_db=None)
    power_range = ex.readouts["range_db"]
    ex.set(values="magnitude")
    assert ex.readouts["range_db"] == pytest.approx(power_range / 2, abs=0.02)
    ex.set(values="power", ref=np.min)
    assert ex.readouts["min_db"] == 0 and ex.readouts["max_db"] == pytest.approx(power_range, abs=0.02)
    assert DecibelExplorer(clip, sr=SR, ref="min").readouts["min_db"] >= 0
    with pytest.raises(ParameterError, match="values must be 'power' or 'magnitude'"):
        DecibelExplorer(clip, sr=SR, values="dB")


# ----------------------------------------------------------------------------------------------- lesson 06
def test_mfcc_keeps_n_mfcc_and_rebuilds(clip):
    ex = MFCCExplorer(clip, sr=SR, n_mfcc=13, n_mels=40)
    frames = 1 + len(clip) // 256
    assert ex.readouts["mfcc_shape"] == (13, frames)
    np.testing.assert_allclose(ex.data["mfcc"], dsp.mfcc(S=ex.log_mel(40), n_mfcc=13))
    error_13 = ex.readouts["rebuild_error_db"]
    ex.set(n_mfcc=40)
    assert ex.readouts["rebuild_error_db"] == pytest.approx(0.0, abs=0.01)
    assert error_13 > 1.0
    ex.set(lifter=22, n_mfcc=13)
    assert ex.readouts["lifter_weights"][1] == round(float(dsp.lifter_weights(13, 22).max()), 3)
    assert ex.readouts["rebuild_error_db"] == error_13  # the lifter is undone before rebuilding
    ex.set(n_mfcc=60)
    assert "n_mfcc=60 must be <= n_mels=40" in ex.message



def mfcc_frame_index(explorer) -> int:
    return round(explorer.values()["time"] * SR / explorer.hop_length)


def test_mfcc_frame_plot_shows_that_frame_of_the_log_mel_and_of_the_rebuilt(clip):
    ex = MFCCExplorer(clip, sr=SR, n_mfcc=13, n_mels=40, time=0.5)
    assert ex.values()["time"] == pytest.approx(31 * 256 / SR)  # 0.5 s snapped to the hop grid: frame 31, 0.496 s
    for change in ({}, {"n_mfcc": 5}, {"time": 0.25}, {"n_mels": 64, "n_mfcc": 20}):
        ex.set(**change)
        index = mfcc_frame_index(ex)
        n_mels = ex.values()["n_mels"]
        np.testing.assert_array_equal(ex.artists["frame_log_mel"].get_xdata(), np.arange(n_mels))
        np.testing.assert_array_equal(ex.artists["frame_log_mel"].get_ydata(), ex.data["log_mel"][:, index])
        np.testing.assert_array_equal(ex.artists["frame_rebuilt"].get_ydata(), ex.data["rebuilt"][:, index])
        for marker in ("log_mel_marker", "coefficient_marker", "rebuilt_marker"):
            assert ex.artists[marker].get_xdata()[0] == pytest.approx(index * 256 / SR)
    assert ex.values()["time"] == pytest.approx(16 * 256 / SR)
    assert "time=0.256 |" in ex.summary()


def test_mfcc_middle_panel_shows_only_the_kept_coefficients(clip):
    ex = MFCCExplorer(clip, sr=SR, n_mfcc=13, n_mels=40)
    ax = ex.artists["coefficient_marker"].axes
    box = ax.get_window_extent()
    height = ex.figure.canvas.get_width_height()[1]
    rows, columns = slice(round(height - box.y1) + 2, round(height - box.y0) - 2), slice(round(box.x0) + 2,
                                                                                       round(box.x1) - 2)

    def middle_pixels():
        return np.asarray(ex.figure.canvas.buffer_rgba())[rows, columns, :3].copy()

    assert ax.get_ylim() == (-0.5, 12.5) and ax.get_title() == "the 13 kept DCT coefficients, of 40"
    assert ex.data["mfcc"].shape[0] == 13
    thirteen = middle_pixels()
    ex.set(n_mfcc=4)
    assert ax.get_ylim() == (-0.5, 3.5) and ax.get_title() == "the 4 kept DCT coefficients, of 40"
    four = middle_pixels()
    # Four coefficients fill the panel in four horizontal bands, so about a quarter of its pixel rows start a new band.
    changes_between_rows = np.any(four[1:] != four[:-1], axis=(1, 2)).sum()
    assert changes_between_rows < np.any(thirteen[1:] != thirteen[:-1], axis=(1, 2)).sum()
    assert not np.array_equal(four, thirteen)


def test_mfcc_time_none_is_the_loudest_frame(clip):
    louder = clip.copy()
    louder[int(0.7 * SR) : int(0.75 * SR)] *= 10
    ex = MFCCExplorer(louder, sr=SR)
    loudest = int(np.argmax(ex.power.sum(axis=0)))
    assert 0.68 < loudest * 256 / SR < 0.77
    assert mfcc_frame_index(ex) == loudest


def test_mfcc_time_outside_the_clip_is_refused(clip):
    last = (1 + len(clip) // 256 - 1) * 256 / SR
    for time in (-0.1, last + 0.05, 5.0):
        with pytest.raises(ParameterError, match=f"time must be between 0 and {last:g} s"):
            MFCCExplorer(clip, sr=SR, time=time)
    ex = MFCCExplorer(clip, sr=SR, time=last)
    assert mfcc_frame_index(ex) == 1 + len(clip) // 256 - 1
    ex.set(time=5.0)
    assert "time must be between 0 and" in ex.message


def test_mfcc_frame_error_is_the_rms_difference_in_that_frame(clip):
    import scipy.fft

    ex = MFCCExplorer(clip, sr=SR, n_mfcc=13, n_mels=40, time=0.3)
    for change in ({}, {"n_mfcc": 6}, {"time": 0.8, "lifter": 22}):
        ex.set(**change)
        n_mfcc = ex.values()["n_mfcc"]
        coefficients = scipy.fft.dct(ex.log_mel(40), type=2, norm="ortho", axis=0)
        coefficients[n_mfcc:] = 0
        rebuilt = scipy.fft.idct(coefficients, type=2, norm="ortho", axis=0)
        index = mfcc_frame_index(ex)
        expected = np.sqrt(np.mean((rebuilt[:, index] - ex.log_mel(40)[:, index]) ** 2))
        assert ex.readouts["frame_error_db"] == round(float(expected), 2)
        assert f"frame_error_db={ex.readouts['frame_error_db']:g}" in ex.summary()
        assert f"{ex.readouts['frame_error_db']:g} dB in the frame at" in panel_text(ex)


# ----------------------------------------------------------------------------------------------- lesson 07
def test_griffin_lim_convergence_and_audio(clip):
    ex = GriffinLimExplorer(clip, sr=SR, n_iter=8)
    convergence = ex.data["convergence"]
    assert len(convergence) == 8 and convergence[-1] < convergence[0]
    np.testing.assert_array_equal(ex.artists["convergence"].get_ydata()[:8], convergence)
    audio, image = ex.audio, ex.image_bytes
    ex.set(n_iter=2)
    assert len(ex.data["convergence"]) == 2 and ex.readouts["spectral_convergence"] > 0
    assert not np.array_equal(ex.audio, audio) and ex.image_bytes != image
    assert len(ex.audio) == len(clip)
    ex.set(momentum=1.2)
    assert "momentum=1.2" in ex.message and ex.readouts["n_iter"] == 2


def test_griffin_lim_curve_point_k_is_the_audio_after_k_iterations_and_the_dot_is_the_player(clip):
    ex = GriffinLimExplorer(clip, sr=SR, n_iter=6, momentum=0.0)
    curve, dot = ex.artists["convergence"], ex.artists["last_iteration"]
    np.testing.assert_array_equal(curve.get_xdata(), np.arange(7))
    assert list(dot.get_xdata()) == [6] and dot.get_ydata()[0] == curve.get_ydata()[-1]
    assert round(curve.get_ydata()[-1], 4) == ex.readouts["spectral_convergence"]
    for k in (0, 3, 6):  # the audio a k-iteration run returns, analysed again
        audio = dsp.griffin_lim(ex.magnitude, n_iter=k, n_fft=ex.n_fft, hop_length=ex.hop_length, momentum=0.0,
                                rng=0, length=len(ex.y))
        sc = dsp.spectral_convergence(ex.magnitude, np.abs(dsp.stft(audio, n_fft=ex.n_fft, hop_length=ex.hop_length)))
        assert curve.get_ydata()[k] == pytest.approx(sc, rel=1e-9), k


# ----------------------------------------------------------------------------------------------- every explorer
def test_every_exported_explorer_takes_audio_or_a_sample_rate_first():
    assert ALL_EXPLORERS and EXPLORERS_OF_A_CLIP
    for cls in ALL_EXPLORERS:
        assert issubclass(cls, widgets.Explorer)
        assert next(iter(inspect.signature(cls).parameters)) in ("y", "sr"), cls.__name__
        assert inspect.signature(cls).parameters["sr"].kind is inspect.Parameter.KEYWORD_ONLY, cls.__name__


@pytest.mark.parametrize("cls", ALL_EXPLORERS, ids=lambda cls: cls.__name__)
def test_every_explorer_renders_and_summarises_its_defaults(cls, clip):
    ex = cls(clip, sr=SR) if cls in EXPLORERS_OF_A_CLIP else cls()
    assert ex.message == "" and ex.image_bytes[:2] == b"\xff\xd8" and ex.render_count == 1
    assert ex.summary().startswith(f"{cls.__name__}: ") and ex.readouts
    assert all(artist.figure is ex.figure for artist in ex.artists.values())
    ex.set(presentation=True)  # a new figure: the named artists are its own
    assert ex.artists == {} or all(artist.figure is ex.figure for artist in ex.artists.values())


@pytest.mark.parametrize("cls", EXPLORERS_OF_A_CLIP, ids=lambda cls: cls.__name__)
def test_any_clip_works_including_a_recording(cls, recorded):
    ex = cls(recorded, sr=22050)
    assert ex.message == "" and ex.image_bytes[:2] == b"\xff\xd8"
    assert ex.summary() == cls(recorded, sr=22050).summary()


@pytest.mark.parametrize("cls", EXPLORERS_OF_A_CLIP, ids=lambda cls: cls.__name__)
def test_every_clip_explorer_checks_its_audio(cls):
    with pytest.raises(TypeError, match="y must be a NumPy array"):
        cls("not audio", sr=SR)
    with pytest.raises(ParameterError, match="sr must be a positive"):
        cls(np.zeros(4000, dtype=np.float32), sr=-1)


def test_a_frame_with_audio_must_say_its_rate():
    with pytest.raises(TypeError, match="audio_sr"):
        widgets.base.Frame(readouts={}, audio=np.zeros(4, dtype=np.float32))


def test_summary_names_a_choice_whose_initial_value_is_the_first_option():
    explorer = DecibelExplorer(synth.noise(sr=16000, duration=0.5), sr=16000, top_db=None)
    assert " top_db=off " in explorer.summary()
