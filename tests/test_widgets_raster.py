"""The explorers' pictures: what is painted where, read back from the image a student sees.

A tone must show as a bright row at its frequency (low frequencies at the bottom) on every frequency scale, a click
as a bright column at its time, and a line one bin or one frame wide must survive being pooled onto fewer pixels.
Positions are read from the explorer's JPEG and mapped back to data coordinates through the axes' transform.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from course_utils import dsp, synth
from course_utils.widgets import DecibelExplorer, GriffinLimExplorer, MFCCExplorer, SpectrogramExplorer
from course_utils.widgets.raster import ImagePanel, colormap_lut, paint_axes, paint_image, pool_max

SR = 16000
TONE_HZ = 1000.0  # bin 128 of a 2048-point FFT at 16 kHz: a rectangular window puts it in that one bin
MARGIN = 2  # pixels kept clear of the axes' frame


def pixels_in_axes(explorer, title, mode="L"):
    """The explorer's image inside the data area of the axes titled ``title`` (top row first; luminance, or RGB
    with ``mode="RGB"``), with the data y of each row and the data x of each column (at pixel centres)."""
    ax = next(a for a in explorer.figure.axes if a.get_title() == title)
    image = np.asarray(Image.open(io.BytesIO(explorer.image_bytes)).convert(mode), dtype=float)
    height = image.shape[0]
    box = ax.get_window_extent()
    x0, x1, y0, y1 = (round(v) for v in (box.x0, box.x1, box.y0, box.y1))
    rows = np.arange(height - y1 + MARGIN, height - y0 - MARGIN)
    columns = np.arange(x0 + MARGIN, x1 - MARGIN)
    to_data = ax.transData.inverted()
    y_of_row = to_data.transform(np.column_stack([np.full(len(rows), (x0 + x1) / 2), height - rows - 0.5]))[:, 1]
    x_of_column = to_data.transform(np.column_stack([columns + 0.5, np.full(len(columns), (y0 + y1) / 2)]))[:, 0]
    return image[np.ix_(rows, columns)], y_of_row, x_of_column


def bright_line(explorer, title):
    """Where the bright horizontal line in the axes titled ``title`` is: (the data y of its centre, its mean
    luminance, the median row's luminance, the data y one pixel spans there)."""
    crop, y_of_row, _ = pixels_in_axes(explorer, title)
    profile = crop.mean(axis=1)
    median = float(np.median(profile))
    lit = np.flatnonzero(profile > (profile.max() + median) / 2)
    row = int(round(lit.mean()))
    pixel = abs(y_of_row[min(row + 1, len(y_of_row) - 1)] - y_of_row[max(row - 1, 0)]) / 2
    return float(y_of_row[lit].mean()), float(profile[lit].mean()), median, pixel


@pytest.fixture(scope="module")
def tone():
    return synth.tone(TONE_HZ, sr=SR, duration=1.0)


# ----------------------------------------------------------------------------------------------- the helpers
def test_pool_max_keeps_a_one_element_line_when_many_elements_share_a_pixel():
    Z = np.zeros((100, 3))
    Z[37] = 1.0
    pooled = pool_max(Z, np.linspace(-0.5, 99.5, 11), axis=0)  # 10 elements per pixel
    assert pooled.shape == (10, 3)
    np.testing.assert_array_equal(pooled[:, 0], [0, 0, 0, 1, 0, 0, 0, 0, 0, 0])
    Z = np.zeros((2, 50))
    Z[1, 49] = 1.0  # the very last column, a click at the end of a clip
    np.testing.assert_array_equal(pool_max(Z, np.linspace(-0.5, 49.5, 6), axis=1)[1], [0, 0, 0, 0, 1])


def test_pool_max_shows_each_element_when_pixels_are_smaller():
    np.testing.assert_array_equal(pool_max(np.array([0.0, 1.0, 2.0]), np.linspace(-0.5, 2.5, 7), axis=0),
                                  [0, 0, 1, 1, 2, 2])


def test_paint_image_clips_to_the_colour_range_and_keeps_the_bottom_row_first():
    lut = colormap_lut("magma")
    Z = np.array([[-100.0, -80.0], [-40.0, 10.0]])  # row 0 is the lowest frequency
    rgba = paint_image(Z, np.array([-0.5, 0.5, 1.5]), np.array([-0.5, 0.5, 1.5]), vmin=-80.0, vmax=0.0, lut=lut)
    assert rgba.shape == (2, 2, 4) and rgba.dtype == np.uint8
    np.testing.assert_array_equal(rgba[0], lut[[0, 0]])
    np.testing.assert_array_equal(rgba[1], lut[[127, 255]])


def test_paint_axes_puts_the_painters_bottom_row_at_the_bottom_of_the_axes():
    figure = Figure(figsize=(3, 3), dpi=50)
    FigureCanvasAgg(figure)
    ax = figure.add_axes((0.2, 0.2, 0.6, 0.6), xlim=(0, 4), ylim=(0, 10))
    figure.canvas.draw()
    seen = {}

    def painter(x_edges, y_edges):
        seen.update(x=x_edges, y=y_edges)
        rgba = np.zeros((len(y_edges) - 1, len(x_edges) - 1, 4), dtype=np.uint8)
        rgba[..., 3] = 255
        rgba[(y_edges[:-1] + y_edges[1:]) / 2 < 5, :, 0] = 255  # red where y < 5
        return rgba

    pixels = np.asarray(figure.canvas.buffer_rgba())
    paint_axes(pixels, ax, painter)
    np.testing.assert_allclose([seen["x"][0], seen["x"][-1], seen["y"][0], seen["y"][-1]], [0, 4, 0, 10], atol=0.2)
    height = pixels.shape[0]
    box = ax.get_window_extent()
    column = round((box.x0 + box.x1) / 2)
    assert pixels[height - round(box.y0) - 2, column, 0] == 255  # just above the bottom edge: y ≈ 0, red
    assert pixels[height - round(box.y1) + 2, column, 0] == 0  # just below the top edge: y ≈ 10, not red


def test_image_panel_paints_in_the_colour_bar_limits():
    figure = Figure()
    panel = ImagePanel(figure.add_subplot(), sr=SR)
    panel.set_clim(-40.0, 0.0)
    paint = panel.painter(np.array([[-40.0, -20.0, 0.0]]), hop_length=SR)  # one frame per second
    rgba = paint(np.array([-0.5, 0.5, 1.5, 2.5]), np.array([-0.5, 0.5]))
    np.testing.assert_array_equal(rgba[0], panel.lut[[0, 127, 255]])
    assert panel.colorbar.mappable.get_clim() == (-40.0, 0.0)


# ----------------------------------------------------------------------------------------------- explorers
@pytest.mark.parametrize("scale", ["linear", "log", "mel"])
def test_a_tone_is_a_bright_row_at_its_frequency_on_every_scale(tone, scale):
    ex = SpectrogramExplorer(tone, sr=SR, n_fft=2048, hop_length=256, window="boxcar", scale=scale)
    title = ("mel " if scale == "mel" else "") + "power spectrogram"
    frequency, bright, median, hz_per_pixel = bright_line(ex, title)
    # One FFT bin (on the mel scale: two bands) among several per pixel: only max-pooling keeps it lit.
    assert bright > 100 and median < 20, (bright, median)
    assert abs(frequency - TONE_HZ) <= 2 * hz_per_pixel, (frequency, hz_per_pixel)


def test_low_frequencies_are_at_the_bottom(tone):
    ex = SpectrogramExplorer(synth.mix(tone, synth.tone(6000.0, sr=SR, duration=1.0, amplitude=0.05)), sr=SR,
                             n_fft=2048, window="boxcar")
    crop, frequencies, _ = pixels_in_axes(ex, "power spectrogram")
    lit = frequencies[crop.mean(axis=1) > 60]
    assert frequencies[0] > frequencies[-1]  # rows run top to bottom, so frequency falls
    assert lit.size and abs(lit.max() - 6000) < 100 and abs(lit.min() - TONE_HZ) < 100


def test_a_click_is_a_bright_column_at_its_time_for_any_hop():
    y = np.zeros(SR, dtype=np.float32)
    y[int(0.6 * SR)] = 1.0
    ex = SpectrogramExplorer(y, sr=SR, n_fft=512, hop_length=128)
    for hop in (128, 256):
        ex.set(hop_length=hop)
        crop, _, times = pixels_in_axes(ex, "power spectrogram")
        assert abs(times[int(np.argmax(crop.mean(axis=0)))] - 0.6) <= hop / SR


@pytest.mark.parametrize(
    "make, title",
    [
        (lambda y: DecibelExplorer(y, sr=SR), "power_to_db(S, ref, amin, top_db)"),
        (lambda y: GriffinLimExplorer(y, sr=SR), "spectrogram of the rebuilt signal"),
    ],
    ids=["decibels", "griffin_lim"],
)
def test_every_spectrogram_panel_draws_a_tone_at_its_frequency(tone, make, title):
    frequency, bright, median, hz_per_pixel = bright_line(make(tone), title)
    assert bright > median + 60, (bright, median)
    assert abs(frequency - TONE_HZ) <= 2 * hz_per_pixel, (frequency, hz_per_pixel)


@pytest.mark.parametrize("title", ["log-mel spectrogram (dB)", "rebuilt from the kept MFCCs (dB)"])
def test_mfcc_panels_draw_a_tone_in_the_mel_band_that_covers_it(tone, title):
    n_mels = 40
    band, bright, median, _ = bright_line(MFCCExplorer(tone, sr=SR, n_mels=n_mels, n_mfcc=n_mels), title)
    edges = dsp.mel_frequencies(n_mels + 2, fmax=SR / 2)
    band = round(band)  # the y coordinates of these panels are band numbers
    assert bright > median + 60, (bright, median)
    assert edges[band] < TONE_HZ < edges[band + 2], (band, edges[band : band + 3])


def test_mfcc_middle_panel_paints_the_kept_coefficients_only(tone):
    ex = MFCCExplorer(tone, sr=SR, n_mfcc=5, n_mels=40)
    crop, coefficient, _ = pixels_in_axes(ex, "the 5 kept DCT coefficients, of 40", mode="RGB")
    assert -0.5 < coefficient.min() < 0 and 4 < coefficient.max() < 4.5  # the panel's rows are c0 … c4
    rows = np.round(coefficient).astype(int)
    # A steady tone has the same coefficients in every frame: each row band is one colour, and c0 is not c1.
    band_colours = [np.median(crop[rows == k], axis=0) for k in range(5)]
    assert np.abs(band_colours[0] - band_colours[1]).max() > 30


def test_griffin_lim_difference_panel_is_red_where_the_rebuilt_signal_is_louder_and_blue_where_quieter():
    y = synth.chirp(200, 6000, sr=SR, duration=1.0) + synth.noise(sr=SR, duration=1.0, amplitude=0.05)
    ex = GriffinLimExplorer(y, sr=SR, n_iter=1, momentum=0.0)
    original = np.abs(dsp.stft(ex.y, n_fft=ex.n_fft, hop_length=ex.hop_length))
    rebuilt = np.abs(dsp.stft(ex.audio, n_fft=ex.n_fft, hop_length=ex.hop_length))
    original_db = 20 * np.log10(np.maximum(original, 1e-5) / original.max())
    rebuilt_db = 20 * np.log10(np.maximum(rebuilt, 1e-5) / original.max())
    expected = 20 * np.log10(np.maximum(rebuilt, 1e-5) / np.maximum(original, 1e-5))
    audible = (original_db >= -60) | (rebuilt_db >= -60)
    expected[~audible] = 0.0
    np.testing.assert_allclose(ex.data["difference_db"], expected, atol=1e-3)
    assert ex.readouts["off_by_6db_percent"] == round(100 * np.mean(np.abs(expected[audible]) > 6))
    assert ex.readouts["off_by_6db_percent"] > 5  # one iteration from random phase: far from converged

    crop, frequency_of_row, time_of_column = pixels_in_axes(ex, "rebuilt − original", mode="RGB")
    bins = np.clip(np.round(frequency_of_row * ex.n_fft / SR).astype(int), 0, original.shape[0] - 1)
    frames = np.clip(np.round(time_of_column * SR / ex.hop_length).astype(int), 0, original.shape[1] - 1)
    at_pixel = expected[np.ix_(bins, frames)]
    redness = crop[..., 0] - crop[..., 2]
    assert (at_pixel > 10).sum() > 50 and (at_pixel < -10).sum() > 50
    assert np.median(redness[at_pixel > 10]) > 40
    assert np.median(redness[at_pixel < -10]) < -40


def test_griffin_lim_difference_panel_shows_and_counts_sound_the_rebuilt_signal_puts_into_a_silent_gap():
    # A tone, 0.3 s of digital silence, the tone again: a few iterations from a random phase smear energy into the
    # gap, where the original is far below -60 dB; that is an audible error, not "too quiet to matter".
    burst = synth.tone(TONE_HZ, sr=SR, duration=0.4)
    y = np.concatenate([burst, np.zeros(int(0.3 * SR)), burst])
    ex = GriffinLimExplorer(y, sr=SR, n_iter=2, momentum=0.0)
    original = np.abs(dsp.stft(ex.y, n_fft=ex.n_fft, hop_length=ex.hop_length))
    rebuilt = np.abs(dsp.stft(ex.audio, n_fft=ex.n_fft, hop_length=ex.hop_length))
    original_db = 20 * np.log10(np.maximum(original, 1e-10) / original.max())
    rebuilt_db = 20 * np.log10(np.maximum(rebuilt, 1e-10) / original.max())
    smeared = (original_db < -60) & (rebuilt_db >= -40)
    assert smeared.sum() > 20, smeared.sum()
    assert np.all(ex.data["difference_db"][smeared] > 20)  # shown as too loud, not painted white
    counted = (original_db >= -60) | (rebuilt_db >= -60)
    assert ex.readouts["off_by_6db_percent"] == round(100 * np.mean(np.abs(ex.data["difference_db"][counted]) > 6))
    only_where_the_original_is_loud = np.abs(ex.data["difference_db"][original_db >= -60]) > 6
    assert ex.readouts["off_by_6db_percent"] > round(100 * np.mean(only_where_the_original_is_loud))


def test_extreme_pooling_keeps_the_value_farthest_from_the_middle_either_side():
    lut = colormap_lut("RdBu_r")
    Z = np.array([[15.0, -18.0, 0.0, 2.0]])
    pixels = paint_image(Z, np.array([-0.5, 1.5, 3.5]), np.array([-0.5, 0.5]), vmin=-20, vmax=20, lut=lut,
                         pooling="extreme")
    by_max = paint_image(Z, np.array([-0.5, 1.5, 3.5]), np.array([-0.5, 0.5]), vmin=-20, vmax=20, lut=lut)
    level = lambda value: int(np.clip((value + 20) * 255 / 40, 0, 255))  # noqa: E731
    np.testing.assert_array_equal(pixels[0, 0], lut[level(-18.0)])
    np.testing.assert_array_equal(pixels[0, 1], lut[level(2.0)])
    np.testing.assert_array_equal(by_max[0, 0], lut[level(15.0)])
