"""MelFilterbankExplorer's mel-formula (htk) and normalisation (norm) toggles (notebooks/04_mel_scale.ipynb)."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import dsp
from course_utils.widgets import MelFilterbankExplorer

SR = 16000


def drawn_heights(ex):
    """The top of every drawn (non-empty) triangle, relative to the tallest, as the picture shows them."""
    return np.array([segment[:, 1].max() for segment in ex.artists["filters"].get_segments()])


def flat_tilt_db(weights):
    outputs = weights.sum(axis=1)
    caught = np.flatnonzero(outputs > 0)
    return 10 * np.log10(outputs[caught[-1]] / outputs[caught[0]])


@pytest.mark.parametrize("htk", [False, True])
@pytest.mark.parametrize("norm", ["slaney", None])
def test_each_toggle_setting_shows_dsp_mel_filterbank(htk, norm):
    ex = MelFilterbankExplorer(sr=SR, n_fft=512, n_mels=40, htk=htk, norm=norm)
    expected = dsp.mel_filterbank(sr=SR, n_fft=512, n_mels=40, htk=htk, norm=norm)
    np.testing.assert_allclose(ex.data["weights"], expected, rtol=1e-12)
    edges = dsp.mel_frequencies(42, fmax=SR / 2, htk=htk)
    np.testing.assert_allclose(ex.data["edges_hz"], edges, rtol=1e-12)
    assert ex.readouts["narrowest_band_hz"] == round(float(np.min(edges[2:] - edges[:-2])), 2)
    assert ex.readouts["flat_tilt_db"] == pytest.approx(flat_tilt_db(expected), abs=0.05)
    np.testing.assert_allclose(drawn_heights(ex), expected.max(axis=1) / expected.max(), rtol=1e-12)
    assert f"htk={'htk' if htk else 'slaney'} norm={'slaney' if norm else 'none'}" in ex.summary()


def test_htk_toggle_moves_the_bands_and_narrows_the_lowest():
    ex = MelFilterbankExplorer(sr=SR, n_fft=256, n_mels=40)
    slaney_segments = [s.copy() for s in ex.artists["filters"].get_segments()]
    slaney_narrowest, image = ex.readouts["narrowest_band_hz"], ex.image_bytes
    ex.controls["htk"].value = 1  # the toggle the student clicks: "htk"
    assert ex.wait(timeout=10)
    assert ex.values()["htk"] is True
    assert ex.readouts["narrowest_band_hz"] < slaney_narrowest  # HTK's lowest bands are narrower
    assert ex.image_bytes != image
    htk_segments = ex.artists["filters"].get_segments()
    htk_highs = dsp.mel_frequencies(42, fmax=SR / 2, htk=True)[2:]
    np.testing.assert_allclose([s[-1, 0] for s in htk_segments], htk_highs, rtol=1e-12)  # each ends at its edge
    assert htk_segments[0][-1, 0] < 0.7 * slaney_segments[0][-1, 0]  # the lowest band ends at 92 Hz, not 147


def test_norm_toggle_shows_the_tilt_the_relative_heights_hide():
    ex = MelFilterbankExplorer(sr=SR, n_fft=512, n_mels=20)
    assert abs(ex.readouts["flat_tilt_db"]) < 0.5  # equal areas: a flat spectrum gives flat bands
    slaney_heights, image = drawn_heights(ex), ex.image_bytes
    assert slaney_heights[-1] < 0.3 * slaney_heights[0]  # wider triangles drawn lower
    ex.controls["norm"].value = 1  # the toggle the student clicks: "none"
    assert ex.wait(timeout=10)
    assert ex.values()["norm"] is None
    tilt = ex.readouts["flat_tilt_db"]
    assert tilt == pytest.approx(flat_tilt_db(dsp.mel_filterbank(sr=SR, n_fft=512, n_mels=20, norm=None)), abs=0.05)
    assert tilt > 6  # the lesson's +8.6 dB for 20 bands
    assert drawn_heights(ex).min() > 0.5 and ex.image_bytes != image
    assert f"{tilt:+.1f} dB" in ex._readouts_html.value  # the readout the student sees


def test_tilt_is_none_when_fewer_than_two_bands_catch_a_bin():
    ex = MelFilterbankExplorer(sr=SR, n_fft=64, n_mels=1, fmin=100.0, fmax=150.0)
    assert ex.readouts["empty_filters"] == 1 and ex.readouts["flat_tilt_db"] is None


def flat_levels_db(weights):
    """Every band's output for a flat spectrum, in dB re the top band, over the bands that catch a bin."""
    outputs = weights.sum(axis=1)
    caught = outputs[outputs > 0]
    return 10 * np.log10(caught / caught[-1])


def test_spread_shows_the_ragged_bands_the_tilt_hides():
    # 128 bands from a 256-point FFT: many bands narrower than the 62.5 Hz bin spacing.
    ex = MelFilterbankExplorer(sr=SR, n_fft=256, n_mels=128)
    with pytest.warns(UserWarning, match="Empty filters"):
        levels = flat_levels_db(dsp.mel_filterbank(sr=SR, n_fft=256, n_mels=128))
    low, high = ex.readouts["flat_spread_db"]
    assert low == pytest.approx(levels.min(), abs=0.05) and high == pytest.approx(levels.max(), abs=0.05)
    assert abs(ex.readouts["flat_tilt_db"]) < 1  # top over lowest looks flat ...
    assert low < -10 and high > 3  # ... but single-bin bands differ by more than 13 dB
    assert f"{low:+.1f} … {high:+.1f} dB" in ex._readouts_html.value  # the row the student reads
    assert f"flat_spread_db=({low}, {high})" in ex.summary()


def test_spread_is_small_when_every_band_spans_several_bins():
    ex = MelFilterbankExplorer(sr=SR, n_fft=512, n_mels=40)
    low, high = ex.readouts["flat_spread_db"]
    assert -0.5 < low <= 0 <= high < 0.5  # equal areas: equal outputs while the triangles cover several bins
    ex.set(norm=None)
    low, high = ex.readouts["flat_spread_db"]
    assert high == 0 and low == pytest.approx(-ex.readouts["flat_tilt_db"], abs=0.15)  # the top band is the largest


def test_spread_is_none_when_no_band_catches_a_bin():
    ex = MelFilterbankExplorer(sr=SR, n_fft=64, n_mels=1, fmin=100.0, fmax=150.0)
    assert ex.readouts["flat_spread_db"] is None and "flat spectrum, every band re top band" in ex._readouts_html.value


def test_band_0_is_outlined_when_all_zero_though_the_warning_skips_it():
    # 128 bands from a 256-point FFT: band 0 runs from 0 to 94 Hz and its only bin, at 0 Hz, has weight 0.
    ex = MelFilterbankExplorer(sr=SR, n_fft=256, n_mels=128)
    with pytest.warns(UserWarning, match="Empty filters"):
        weights = dsp.mel_filterbank(sr=SR, n_fft=256, n_mels=128)
    all_zero = np.flatnonzero(weights.max(axis=1) == 0)
    assert all_zero[0] == 0 and ex.readouts["band0_all_zero"]
    assert ex.readouts["empty_filters"] == len(all_zero) - 1 and f"{len(all_zero) - 1} of n_mels=128" in ex.message
    (band0,) = ex.artists["band0_all_zero"].get_segments()
    edges = dsp.mel_frequencies(130, fmax=SR / 2)
    np.testing.assert_allclose(band0[[0, -1], 0], edges[[0, 2]], rtol=1e-12)  # drawn where band 0 would be
    red = len(ex.artists["empty_filters"].get_segments()) + len(ex.artists["band0_all_zero"].get_segments())
    assert red == len(all_zero) and len(ex.artists["filters"].get_segments()) == 128 - len(all_zero)
    assert "band 0 (from 0 Hz, dotted) is all zero too" in ex._readouts_html.value
    ex.set(n_fft=512)  # bins 31.25 Hz apart: band 0 catches the bin at 31.25 Hz
    assert not ex.readouts["band0_all_zero"] and len(ex.artists["band0_all_zero"].get_segments()) == 0
    assert "band 0" not in ex._readouts_html.value
    ex.set(n_fft=256, fmin=100.0)  # band 0 no longer starts at 0 Hz: the warning's own rule covers it
    assert not ex.readouts["band0_all_zero"]
