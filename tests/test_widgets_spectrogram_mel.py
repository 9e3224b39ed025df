"""SpectrogramExplorer's mel view: the filterbank's htk and norm toggles and their readouts (notebooks/04_mel_scale.ipynb).

The toggles exist only in the mel view: elsewhere they are hidden and left out of summary(), so lesson 03's printed
numbers stay as they were.
"""

from __future__ import annotations

import librosa
import numpy as np
import pytest

from course_utils import dsp, synth
from course_utils.errors import ParameterError
from course_utils.widgets import SpectrogramExplorer
from course_utils.widgets import spectrogram as spectrogram_module

SR = 16000
N_FFT, HOP, N_MELS = 512, 256, 64


@pytest.fixture(scope="module")
def clip():
    return synth.mix(synth.chirp(200, 6000, sr=SR, duration=1.0), synth.noise(sr=SR, duration=1.0, amplitude=0.02))


def mel_power(y, *, htk, norm):
    """The mel power spectrogram computed here, independently of the explorer (librosa's STFT, dsp's filterbank)."""
    power = np.abs(librosa.stft(y, n_fft=N_FFT, hop_length=HOP)) ** 2
    return dsp.mel_filterbank(sr=SR, n_fft=N_FFT, n_mels=N_MELS, htk=htk, norm=norm) @ power


def tilt_db(weights):
    outputs = weights.sum(axis=1)
    caught = np.flatnonzero(outputs > 0)
    return 10 * np.log10(outputs[caught[-1]] / outputs[caught[0]])


def mel_explorer(y, **settings):
    return SpectrogramExplorer(y, sr=SR, n_fft=N_FFT, hop_length=HOP, scale="mel", n_mels=N_MELS, **settings)


@pytest.mark.parametrize("htk", [False, True])
@pytest.mark.parametrize("norm", ["slaney", None])
def test_each_setting_shows_that_mel_spectrogram_and_its_readouts(clip, htk, norm):
    ex = mel_explorer(clip, htk=htk, norm=norm, db=False)
    expected = mel_power(clip, htk=htk, norm=norm)
    np.testing.assert_allclose(ex.data["S"], expected / expected.max(), rtol=1e-5, atol=1e-9)
    weights = dsp.mel_filterbank(sr=SR, n_fft=N_FFT, n_mels=N_MELS, htk=htk, norm=norm)
    assert ex.readouts["flat_tilt_db"] == pytest.approx(tilt_db(weights), abs=0.05)
    outputs = weights.sum(axis=1)
    levels = 10 * np.log10(outputs[outputs > 0] / outputs[outputs > 0][-1])
    assert ex.readouts["flat_spread_db"] == pytest.approx((levels.min(), levels.max()), abs=0.05)
    assert ex.readouts["loudest_band_db"] == pytest.approx(10 * np.log10(expected.max()), abs=0.05)
    assert f"htk={htk} norm={norm}" in ex.summary()


def test_norm_toggle_changes_the_tilt_and_the_level_the_picture_hides(clip):
    ex = mel_explorer(clip)
    assert abs(ex.readouts["flat_tilt_db"]) < 1  # equal areas: a flat spectrum gives (nearly) flat bands
    slaney, image = dict(ex.readouts), ex.image_bytes
    ex.controls["norm"].value = 1  # the toggle the student clicks: None
    assert ex.wait(timeout=10)
    assert ex.values()["norm"] is None and ex.image_bytes != image
    assert ex.readouts["flat_tilt_db"] > 8  # peak height 1: the wide top bands add up many more bins
    # Without the division by half the band width (tens to hundreds of Hz) every band reads much louder.
    assert ex.readouts["loudest_band_db"] > slaney["loudest_band_db"] + 10
    assert "norm=None" in ex.summary() and "norm = None" in ex.alt_text()


def test_htk_toggle_changes_the_bands(clip):
    ex = mel_explorer(clip, norm=None)
    slaney, image = dict(ex.readouts), ex.image_bytes
    ex.controls["htk"].value = 1  # the toggle the student clicks: True
    assert ex.wait(timeout=10)
    assert ex.values()["htk"] is True and ex.image_bytes != image
    expected = dsp.mel_filterbank(sr=SR, n_fft=N_FFT, n_mels=N_MELS, htk=True, norm=None)
    assert ex.readouts["flat_tilt_db"] == pytest.approx(tilt_db(expected), abs=0.05)
    assert ex.readouts["flat_tilt_db"] != slaney["flat_tilt_db"]


def test_htk_rows_are_drawn_at_the_htk_band_centres(clip, monkeypatch):
    centres = dsp.mel_frequencies(N_MELS + 2, fmax=SR / 2, htk=True)[1:-1]
    index = spectrogram_module.mel_band_index(fmin=0.0, fmax=SR / 2, n_mels=N_MELS, htk=True)
    np.testing.assert_allclose(index(centres), np.arange(N_MELS), atol=1e-9)
    used = []
    original = spectrogram_module.mel_band_index
    monkeypatch.setattr(spectrogram_module, "mel_band_index", lambda **kw: used.append(kw["htk"]) or original(**kw))
    ex = mel_explorer(clip)
    ex.set(htk=True)
    assert used == [False, True]


def test_toggles_show_only_in_the_mel_view(clip):
    ex = SpectrogramExplorer(clip, sr=SR)
    hidden = {name: ex.controls[name].layout.display for name in ("htk", "norm")}
    assert hidden == {"htk": "none", "norm": "none"}
    assert "htk" not in ex.summary() and "norm" not in ex.summary() and "htk" not in repr(ex)
    assert "flat_tilt_db" not in ex.readouts and "htk" not in ex.alt_text()
    ex.controls["scale"].value = 2  # the toggle the student clicks: mel
    assert ex.wait(timeout=10)
    assert [ex.controls[name].layout.display for name in ("htk", "norm")] == [None, None]
    assert "htk=False norm=slaney" in ex.summary() and "flat_tilt_db=" in ex.summary()
    ex.set(scale="log")
    assert ex.controls["norm"].layout.display == "none" and "loudest_band_db" not in ex.summary()


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"htk": "yes"}, "htk must be True"),
        ({"htk": 1}, "htk must be True"),
        ({"norm": 2}, "norm must be one of 'slaney', None; got 2"),
        ({"norm": "l2"}, "norm must be one of"),
    ],
)
def test_constructor_names_a_bad_htk_or_norm(clip, kwargs, words):
    with pytest.raises(ParameterError, match=words):
        mel_explorer(clip, **kwargs)


def test_set_rejects_a_norm_the_toggle_does_not_offer(clip):
    ex = mel_explorer(clip)
    ex.set(norm=np.inf)
    assert "norm must be one of slaney, None" in ex.message and ex.values()["norm"] == "slaney"


def test_spread_readout_flags_bands_narrower_than_the_bins(clip):
    ex = mel_explorer(clip)
    ex.set(n_mels=128, n_fft=256, hop_length=128)
    low, high = ex.readouts["flat_spread_db"]
    assert abs(ex.readouts["flat_tilt_db"]) < 1 and high - low > 15  # flat top / lowest, ragged in between
    assert f"{low:+.1f} … {high:+.1f} dB" in ex._readouts_html.value
