"""plots.spectrogram as drawn: time extent from hop_length and sr, a row's frequency, low frequencies at the bottom.

The figure is rendered with Agg and the bright row is found in its pixels, then mapped back to a frequency through
the axes' transform.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from course_utils import plots

SR = 16000
N_FFT = 128  # 65 rows: each several pixels tall, so the mesh cannot drop one
MARGIN = 2  # pixels kept clear of the axes' frame


def new_axes():
    figure = Figure(figsize=(6, 4), dpi=80)
    FigureCanvasAgg(figure)
    return figure.add_subplot()


def one_bright_row(k, n_frames=40):
    """A dB spectrogram of an N_FFT-point STFT: 0 dB in FFT bin ``k``, -80 dB elsewhere."""
    S = np.full((1 + N_FFT // 2, n_frames), -80.0)
    S[k] = 0.0
    return S


def lit_rows(ax):
    """The data y (pixel centres) of the rows of ``ax``'s data area brighter than half the brightest."""
    figure = ax.figure
    figure.canvas.draw()
    pixels = np.asarray(figure.canvas.buffer_rgba())[..., :3].astype(float)
    height = pixels.shape[0]
    box = ax.get_window_extent()
    rows = np.arange(height - round(box.y1) + MARGIN, height - round(box.y0) - MARGIN)
    columns = np.arange(round(box.x0) + MARGIN, round(box.x1) - MARGIN)
    profile = pixels[np.ix_(rows, columns)].mean(axis=(1, 2))
    lit = rows[profile > (profile.max() + np.median(profile)) / 2]
    centres = np.column_stack([np.full(len(lit), (box.x0 + box.x1) / 2), height - lit - 0.5])
    return ax.transData.inverted().transform(centres)[:, 1]


@pytest.mark.parametrize("hop_length", [64, 128, 300])
def test_time_extent_follows_hop_length_and_sr(hop_length):
    n_frames = 40
    ax = new_axes()
    mesh = plots.spectrogram(one_bright_row(10, n_frames), sr=SR, hop_length=hop_length, ax=ax, colorbar_label=None)
    x = mesh.get_coordinates()[..., 0]
    assert x.max() - x.min() == pytest.approx(n_frames * hop_length / SR)
    assert ax.get_xlim()[1] - ax.get_xlim()[0] == pytest.approx(n_frames * hop_length / SR)


@pytest.mark.parametrize("sr", [8000, 16000, 22050])
def test_frequency_axis_reaches_nyquist(sr):
    ax = new_axes()
    plots.spectrogram(one_bright_row(10), sr=sr, hop_length=128, ax=ax)
    assert ax.get_ylim()[1] == pytest.approx(sr / 2, rel=0.01)


@pytest.mark.parametrize("k", [4, 16, 50])
def test_a_bright_row_is_drawn_at_its_frequency_with_low_frequencies_at_the_bottom(k):
    ax = new_axes()
    plots.spectrogram(one_bright_row(k), sr=SR, hop_length=128, ax=ax)
    frequencies = lit_rows(ax)
    hz_per_pixel = (ax.get_ylim()[1] - ax.get_ylim()[0]) / ax.get_window_extent().height
    assert frequencies.size and np.ptp(frequencies) <= 3 * hz_per_pixel + SR / N_FFT  # one line, one bin thick
    assert abs(frequencies.mean() - k * SR / N_FFT) <= 2 * hz_per_pixel + SR / N_FFT / 2, frequencies


def test_log_axis_keeps_a_row_at_its_frequency():
    ax = new_axes()
    k = 8  # 1000 Hz
    plots.spectrogram(one_bright_row(k), sr=SR, hop_length=128, ax=ax, y_axis="log")
    frequencies = lit_rows(ax)
    assert frequencies.size and abs(np.log2(frequencies.mean() / (k * SR / N_FFT))) < 0.05, frequencies


def test_no_course_grid_line_crosses_the_image_and_time_has_its_unit():
    from course_utils.session import PLOT_STYLE

    with matplotlib.rc_context(PLOT_STYLE):
        ax = new_axes()
        plots.spectrogram(np.full((1 + N_FFT // 2, 40), -80.0), sr=SR, hop_length=128, ax=ax, colorbar_label=None)
        ax.figure.canvas.draw()
        pixels = np.asarray(ax.figure.canvas.buffer_rgba())[..., :3].astype(float)
    box = ax.get_window_extent()
    height = pixels.shape[0]
    inside = pixels[height - round(box.y1) + MARGIN:height - round(box.y0) - MARGIN,
                    round(box.x0) + MARGIN:round(box.x1) - MARGIN]
    assert np.ptp(inside) <= 8  # one colour up to the mesh's antialiasing (a grid line here differs by 84)
    assert ax.get_xlabel() == "time (s)"
