"""WindowExplorer (lesson 02): the peak-bin readout (scalloping), tone 2's phase and the reference-window overlay.

The readouts common to every explorer and the first leakage readouts are in tests/test_widgets.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import dsp
from course_utils.errors import ParameterError
from course_utils.widgets import WindowExplorer

SR = 16000
N_FFT = 256
BIN_HZ = SR / N_FFT  # 62.5 Hz


def plain_dft_peak(window, freq, n_fft=N_FFT):
    """Independent reading of the highest bin of a windowed unit sine, in units of its amplitude."""
    w = dsp.get_window(window, n_fft)
    x = np.sin(2 * np.pi * freq * np.arange(n_fft) / SR)
    return 2 * np.abs(np.fft.rfft(x * w)).max() / w.sum()


@pytest.mark.parametrize("window, low, high", [("hann", 0.84, 0.86), ("boxcar", 0.63, 0.66), ("blackman", 0.87, 0.9)])
def test_peak_bin_amplitude_shows_the_scalloping_loss_at_half_a_bin(window, low, high):
    ex = WindowExplorer(sr=SR, window=window, n_fft=N_FFT, zero_padding=4, freq=16 * BIN_HZ, level2_db=None)
    assert ex.readouts["peak_bin_amplitude"] == pytest.approx(1.0, abs=1e-3)  # on a bin: no loss
    ex.set(freq=16.5 * BIN_HZ)
    reading = ex.readouts["peak_bin_amplitude"]
    assert low < reading < high
    assert reading == round(plain_dft_peak(window, 16.5 * BIN_HZ), 3)
    # The zero-padded curve has a point on the tone itself; the readout must not use it.
    assert 10 ** (ex.data["spectrum_db"].max() / 20) > reading + 0.1
    assert f"peak_bin_amplitude={reading:g}" in ex.summary()
    assert "peak_bin_amplitude" in ex.alt_text()


def test_tone_2_phase_moves_the_spectrum_and_decides_the_dip():
    ex = WindowExplorer(sr=SR, window="hann", n_fft=64, zero_padding=16, freq=16 * SR / 64,
                        freq2=18 * SR / 64, level2_db=0.0, phase2_deg=0.0)
    n = np.arange(64)
    w = dsp.get_window("hann", 64)
    for phase_deg in (0.0, 90.0, 180.0):
        ex.set(phase2_deg=phase_deg)
        x = np.sin(2 * np.pi * 16 * n / 64) + np.sin(2 * np.pi * 18 * n / 64 + np.deg2rad(phase_deg))
        expected = 20 * np.log10(np.maximum(np.abs(np.fft.rfft(x * w, 16 * 64)) / (w.sum() / 2), 1e-6))
        np.testing.assert_allclose(ex.data["spectrum_db"], expected, atol=1e-9)
    # Two equal Hann tones 2 bins apart: in phase they melt into one peak, in opposite phase a deep dip appears.
    between = slice(16 * 16, 18 * 16 + 1)
    ex.set(phase2_deg=0.0)
    in_phase_dip = ex.data["spectrum_db"][between].max() - ex.data["spectrum_db"][17 * 16]
    ex.set(phase2_deg=180.0)
    opposite_dip = ex.data["spectrum_db"][between].max() - ex.data["spectrum_db"][17 * 16]
    assert in_phase_dip < 0.5 and opposite_dip > 20
    ex.set(level2_db=None)
    assert ex.controls["phase2_deg"].disabled
    ex.set(phase2_deg=400.0)
    assert "phase2_deg must be between 0 and 360" in ex.message
    with pytest.raises(ParameterError, match="phase2_deg"):
        WindowExplorer(sr=SR, phase2_deg=-10)


def test_reference_window_overlay_draws_the_same_frame_through_a_second_window():
    ex = WindowExplorer(sr=SR, window="boxcar", n_fft=N_FFT, zero_padding=4, freq=1030.0, freq2=2530.0,
                        level2_db=-60.0)
    assert not ex.artists["reference"].get_visible() and "reference_db" not in ex.data
    legend = [t.get_text() for t in ex.artists["spectrum"].axes.get_legend().get_texts()]
    assert legend == ["zero-padded DFT", "n_fft-point DFT bins"]
    ex.set(reference_window="blackman")
    n = np.arange(N_FFT)
    w = dsp.get_window("blackman", N_FFT)
    x = np.sin(2 * np.pi * 1030 * n / SR) + 1e-3 * np.sin(2 * np.pi * 2530 * n / SR)
    expected = 20 * np.log10(np.maximum(np.abs(np.fft.rfft(x * w, 4 * N_FFT)) / (w.sum() / 2), 1e-6))
    line = ex.artists["reference"]
    assert line.get_visible()
    np.testing.assert_allclose(line.get_ydata(), expected, atol=1e-9)
    np.testing.assert_allclose(ex.data["reference_db"], expected, atol=1e-9)
    legend = [t.get_text() for t in line.axes.get_legend().get_texts()]
    assert legend[-1] == "blackman (reference)"
    # The main spectrum is still the rectangular window's: the weak tone is buried there, visible in the reference.
    near_weak = np.abs(ex.data["frequencies"] - 2530) < 40
    assert ex.data["reference_db"][near_weak].max() == pytest.approx(-60, abs=1)
    assert ex.data["spectrum_db"][near_weak].max() > -45
    assert "reference_window=blackman" in ex.summary()
    ex.set(reference_window=None)
    assert not ex.artists["reference"].get_visible() and "reference_db" not in ex.data
    with pytest.raises(ParameterError, match="reference_window"):
        WindowExplorer(sr=SR, reference_window="kaiser")


def independent_dip_db(window, n_fft, padding, freq, freq2, level2_db, phase2_deg):
    """The valley between two tones' peaks, measured with scipy's peak finder on a spectrum computed here."""
    import scipy.signal

    n = np.arange(n_fft)
    w = dsp.get_window(window, n_fft)
    x = np.sin(2 * np.pi * freq * n / SR) + 10 ** (level2_db / 20) * np.sin(
        2 * np.pi * freq2 * n / SR + np.deg2rad(phase2_deg))
    spectrum = 20 * np.log10(np.maximum(np.abs(np.fft.rfft(x * w, padding * n_fft)) / (w.sum() / 2), 1e-6))
    f = np.arange(len(spectrum)) * SR / (padding * n_fft)
    peaks, _ = scipy.signal.find_peaks(spectrum)
    a, b = sorted(peaks[np.argmin(np.abs(f[peaks] - tone))] for tone in (freq, freq2))
    return 0.0 if a == b else min(spectrum[a], spectrum[b]) - spectrum[a: b + 1].min()


@pytest.mark.parametrize("window", ["hann", "boxcar", "blackman"])
@pytest.mark.parametrize("bins_apart", [0.75, 1.5, 3.0])
def test_dip_readout_is_the_valley_between_the_two_peaks(window, bins_apart):
    ex = WindowExplorer(sr=SR, window=window, n_fft=N_FFT, zero_padding=16, freq=1031.25,
                        freq2=1031.25 + bins_apart * BIN_HZ, level2_db=0.0)
    readings = []
    for phase in np.arange(8) * 45.0:
        ex.set(phase2_deg=phase)
        expected = independent_dip_db(window, N_FFT, 16, 1031.25, 1031.25 + bins_apart * BIN_HZ, 0.0, phase)
        assert ex.readouts["dip_db"] == pytest.approx(expected, abs=0.051)
        readings.append(ex.readouts["dip_db"])
    assert max(readings) > 3  # some phase shows a clear dip …
    if window != "boxcar" and bins_apart <= 1.5:
        assert min(readings) == 0  # … and at another the tapered windows melt the tones into one peak


def test_dip_readout_and_row_appear_only_with_tone_2():
    ex = WindowExplorer(sr=SR, window="hann", n_fft=N_FFT, zero_padding=16, freq=1031.25, freq2=1156.25,
                        level2_db=0.0, phase2_deg=90.0)
    assert ex.readouts["dip_db"] == 3.0  # Hann, 2 bins apart, a quarter turn: 3 dB
    assert "dip_db=3" in ex.summary() and "dip between the two peaks" in ex._readouts_html.value
    ex.set(phase2_deg=0.0)
    assert ex.readouts["dip_db"] == pytest.approx(0.2, abs=0.051)  # in phase: barely a dip
    ex.set(level2_db=None)
    assert "dip_db" not in ex.readouts and "dip between" not in ex._readouts_html.value


def test_zoom_view_shows_tone_1_and_eight_bins_each_side():
    ex = WindowExplorer(sr=SR, window="hann", n_fft=N_FFT, freq=1031.25, freq2=1156.25, level2_db=0.0)
    ax = ex.artists["spectrum"].axes
    assert ax.get_xlim() == (0, SR / 2) and ax.get_ylim() == (-120, 10)
    full_image = ex.image_bytes
    ex.set(view="zoom")
    assert ax.get_xlim() == (1031.25 - 8 * BIN_HZ, 1031.25 + 8 * BIN_HZ) and ax.get_ylim() == (-60, 10)
    assert ex.image_bytes != full_image
    ex.set(n_fft=64)  # the zoom follows the bin spacing
    assert ax.get_xlim() == (1031.25 - 8 * SR / 64, 1031.25 + 8 * SR / 64)
    ex.set(view="full")
    assert ax.get_xlim() == (0, SR / 2)
    with pytest.raises(ParameterError, match="view"):
        WindowExplorer(sr=SR, view="wide")


@pytest.mark.parametrize("sr", [8000, 16000, 22050, 44100])
def test_frequency_sliders_reach_every_bin_and_half_bin(sr):
    from course_utils.widgets.fourier import N_FFT_OPTIONS

    ex = WindowExplorer(sr=sr, level2_db=None)
    for name in ("freq", "freq2"):
        step = ex.controls[name].step
        for n_fft in N_FFT_OPTIONS:
            half_bin_in_steps = sr / (2 * n_fft) / step
            assert half_bin_in_steps == round(half_bin_in_steps)
    if sr == 16000:
        assert 1031.25 / ex.controls["freq"].step == 528  # half a bin above bin 16 of a 256-point DFT


def test_spectrum_axes_hold_only_the_lines_drawn():
    ex = WindowExplorer(sr=SR, level2_db=-20.0)
    lines = ex.artists["spectrum"].axes.get_lines()
    assert len(lines) == 5  # two tone markers, the reference, the spectrum and the bin dots; no orphan line
    assert all(line in ex.artists.values() for line in lines)


def test_dip_readout_does_not_depend_on_the_zero_padding_drawn():
    """The dip is measured on a spectrum 16 times finer than the bins: at zero_padding=1 the dots alone would miss it."""
    freq2 = 1031.25 + 2 * BIN_HZ
    ex = WindowExplorer(sr=SR, window="hann", n_fft=N_FFT, zero_padding=16, freq=1031.25, freq2=freq2,
                        level2_db=0.0, phase2_deg=135.0)
    fine = ex.readouts["dip_db"]
    assert fine == pytest.approx(independent_dip_db("hann", N_FFT, 16, 1031.25, freq2, 0.0, 135.0), abs=0.051)
    assert fine > 8
    for padding in (1, 2, 4, 8):
        ex.set(zero_padding=padding)
        assert ex.readouts["dip_db"] == fine
    ex.set(zero_padding=1)
    assert independent_dip_db("hann", N_FFT, 1, 1031.25, freq2, 0.0, 135.0) < 2  # what the drawn dots show


def test_dip_readout_reaches_the_floor_when_the_tones_cancel_exactly():
    """Two equal tones 2 bins apart in opposite phase cancel exactly midway: the valley sits on the -120 dB floor."""
    from course_utils.widgets.fourier import FLOOR_DB

    ex = WindowExplorer(sr=SR, window="hann", n_fft=N_FFT, zero_padding=4, freq=1031.25, freq2=1031.25 + 2 * BIN_HZ,
                        level2_db=0.0, phase2_deg=180.0)
    midway = np.argmin(np.abs(ex.data["frequencies"] - (1031.25 + BIN_HZ)))
    assert ex.data["spectrum_db"][midway] == FLOOR_DB
    lower_peak = independent_dip_db("hann", N_FFT, 16, 1031.25, 1031.25 + 2 * BIN_HZ, 0.0, 180.0) + FLOOR_DB
    assert 0 < lower_peak < 0.5 and ex.readouts["dip_db"] == round(lower_peak - FLOOR_DB, 1)


@pytest.mark.parametrize("window", ["boxcar", "hann", "hamming", "blackman"])
def test_dip_readout_is_none_for_tones_more_than_eight_bins_apart(window):
    """Far apart, the "valley" would be a side-lobe null (e.g. 56.9 dB for Hann at the lesson's start): no readout."""
    ex = WindowExplorer(sr=SR, window=window, n_fft=N_FFT, zero_padding=4, freq=1030.0, freq2=2530.0, level2_db=-60.0)
    assert ex.readouts["dip_db"] is None
    assert "dip_db=None" in ex.summary() and "dip_db = None" in ex.alt_text()
    assert "n/a: the tones are more than 8 bins apart" in ex._readouts_html.value
    ex.set(level2_db=0.0)  # even a tone as strong as tone 1
    assert ex.readouts["dip_db"] is None
    ex.set(freq=1031.25, freq2=1031.25 + 8 * BIN_HZ)  # 8 bins apart: still the question
    assert ex.readouts["dip_db"] is not None and ex.readouts["dip_db"] > 3
    ex.set(freq2=1031.25 + 8 * BIN_HZ + ex.controls["freq2"].step)
    assert ex.readouts["dip_db"] is None
    ex.set(n_fft=512)  # the span is in bins: 8.03 bins of 256 points are 16.06 bins of 512, 4.02 of 128
    assert ex.readouts["dip_db"] is None
    ex.set(n_fft=128)
    assert ex.readouts["dip_db"] is not None


def test_dip_readout_is_none_for_a_tone_buried_in_side_lobes():
    """Tone 2 at -60 dB, 6 bins above tone 1: through the rectangular window a side lobe of tone 1 lies half a bin
    from it, so a peak "near tone 2" exists, but it is tone 1's; through Blackman tone 2 has a peak of its own."""
    import scipy.signal

    freq2 = 1031.25 + 6 * BIN_HZ
    ex = WindowExplorer(sr=SR, window="boxcar", n_fft=N_FFT, zero_padding=16, freq=1031.25, freq2=freq2,
                        level2_db=-60.0)
    f, spectrum = ex.data["frequencies"], ex.data["spectrum_db"]
    peaks, _ = scipy.signal.find_peaks(spectrum)
    nearest = peaks[np.argmin(np.abs(f[peaks] - freq2))]
    assert abs(f[nearest] - freq2) <= BIN_HZ / 2  # the trap: a local maximum right beside tone 2 ...
    tone1_alone = WindowExplorer(sr=SR, window="boxcar", n_fft=N_FFT, zero_padding=16, freq=1031.25, level2_db=None)
    assert abs(spectrum[nearest] - tone1_alone.data["spectrum_db"][nearest]) < 0.5  # ... that tone 1 makes alone
    assert ex.readouts["dip_db"] is None
    assert "n/a: no peak of tone 2's own" in ex._readouts_html.value
    for window in ("hann", "hamming"):
        ex.set(window=window)
        assert ex.readouts["dip_db"] is None
    ex.set(window="blackman")
    expected = independent_dip_db("blackman", N_FFT, 16, 1031.25, freq2, -60.0, 0.0)
    assert ex.readouts["dip_db"] == pytest.approx(expected, abs=0.051) and expected > 3
    for level in (-80.0, -100.0):  # lower still, even Blackman's side lobes bury it
        ex.set(level2_db=level)
        assert ex.readouts["dip_db"] is None


@pytest.mark.parametrize("window", ["boxcar", "hann", "hamming", "blackman"])
def test_dip_readout_always_reads_a_number_for_equal_close_tones(window):
    """Two equal tones are never buried: within 8 bins every distance and phase gives a number (0 = one peak)."""
    ex = WindowExplorer(sr=SR, window=window, n_fft=N_FFT, zero_padding=4, freq=1031.25, level2_db=0.0)
    for bins_apart in (-5.0, -0.5, 0.25, 1.0, 2.5, 4.75, 7.5):
        ex.set(freq2=1031.25 + bins_apart * BIN_HZ)
        for phase in (0.0, 90.0, 180.0, 270.0):
            ex.set(phase2_deg=phase)
            assert ex.readouts["dip_db"] is not None, (bins_apart, phase)
    ex.set(freq2=1031.25 + 0.5 * BIN_HZ, level2_db=-40.0)  # a weak tone inside tone 1's main lobe melts into it
    assert ex.readouts["dip_db"] == 0
