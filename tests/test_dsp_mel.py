"""course_utils.dsp mel scale, filterbank and mel spectrogram agree with librosa.

Agreement metric: ``max|ours - librosa| <= 1e-5 * max|librosa|`` in float64. librosa builds its filterbank in
float32 by default; the grid compares against that default (what a lesson calls), and one test against
``dtype=np.float64`` with a much tighter tolerance to show the arithmetic is the same.
"""

import warnings

import librosa
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import dsp
from dsp_support import assert_close, load_clip



def synthetic_tones(sr=22050, seconds=1.0):
    t = np.arange(int(sr * seconds)) / sr
    return sum(np.sin(2 * np.pi * f * t) / k for k, f in enumerate([220, 440, 1760, 7040], start=1)), sr


CLIPS = {
    "speech": lambda: load_clip("speech_sentences/arctic_aew_a0001.wav"),
    "piano": lambda: load_clip("music/piano_A4.wav"),
    "tones": synthetic_tones,
}


def call_recording_warnings(function, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = function(**kwargs)
    return result, [w for w in caught if issubclass(w.category, UserWarning)]


# --- mel scale -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("htk", [False, True])
def test_hz_mel_conversions_match_librosa(htk):
    hz = np.concatenate([[0.0, 999.999, 1000.0, 1000.001], np.geomspace(1, 24000, 200)])
    mels = dsp.hz_to_mel(hz, htk=htk)
    assert_close(mels, librosa.hz_to_mel(hz, htk=htk))
    assert_close(dsp.mel_to_hz(mels, htk=htk), librosa.mel_to_hz(mels, htk=htk))
    assert_close(dsp.mel_to_hz(mels, htk=htk), hz)


@pytest.mark.parametrize("htk", [False, True])
@pytest.mark.parametrize("hz", [0.0, 440.0, 1000.0, 8000.0])
def test_hz_mel_conversions_of_scalars_give_scalars(htk, hz):
    mel = dsp.hz_to_mel(hz, htk=htk)
    assert np.ndim(mel) == 0
    assert mel == pytest.approx(float(librosa.hz_to_mel(hz, htk=htk)), rel=1e-12)
    assert dsp.mel_to_hz(mel, htk=htk) == pytest.approx(hz, rel=1e-12, abs=1e-9)


def test_slaney_scale_is_linear_below_1khz_and_logarithmic_above():
    assert dsp.hz_to_mel(600.0) == pytest.approx(600 / (200 / 3))
    octave_steps = np.diff(dsp.hz_to_mel(np.array([1000.0, 2000.0, 4000.0, 8000.0])))
    np.testing.assert_allclose(octave_steps, octave_steps[0])


@pytest.mark.parametrize("htk", [False, True])
@pytest.mark.parametrize(("n_mels", "fmin", "fmax"), [(1, 0.0, 8000.0), (40, 20.0, 8000.0), (130, 300.0, 11025.0)])
def test_mel_frequencies_match_librosa(htk, n_mels, fmin, fmax):
    ours = dsp.mel_frequencies(n_mels, fmin=fmin, fmax=fmax, htk=htk)
    assert_close(ours, librosa.mel_frequencies(n_mels, fmin=fmin, fmax=fmax, htk=htk))
    assert ours[0] == pytest.approx(fmin, abs=1e-9)


def test_perceptual_table_is_sourced_and_close_to_the_htk_formula():
    hz, mel = np.array(dsp.PERCEPTUAL_MEL_TABLE, dtype=float).T
    assert len(hz) == 14 and np.all(np.diff(hz) > 0) and np.all(np.diff(mel) > 0)
    assert (1000, 1000) in dsp.PERCEPTUAL_MEL_TABLE
    assert "Stevens" in dsp.PERCEPTUAL_MEL_SOURCE
    audible = mel > 0
    relative_gap = np.abs(dsp.hz_to_mel(hz[audible], htk=True) - mel[audible]) / mel[audible]
    assert np.max(relative_gap) < 0.08  # the formula fits the listening data to within a few percent


# --- filterbank ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sr", [16000, 22050])
@pytest.mark.parametrize("n_fft", [256, 512, 1024, 2048])
@pytest.mark.parametrize("n_mels", [20, 40, 128])
@pytest.mark.parametrize("htk", [False, True])
@pytest.mark.parametrize("norm", [None, "slaney"])
def test_mel_filterbank_matches_librosa_and_warns_alike(sr, n_fft, n_mels, htk, norm):
    kwargs = dict(sr=sr, n_fft=n_fft, n_mels=n_mels, htk=htk, norm=norm)
    ours, our_warnings = call_recording_warnings(dsp.mel_filterbank, **kwargs)
    theirs, their_warnings = call_recording_warnings(librosa.filters.mel, **kwargs)
    assert_close(ours, theirs)
    assert len(our_warnings) == len(their_warnings)
    for caught in our_warnings:
        assert "n_mels is too high for n_fft" in str(caught.message)


@pytest.mark.parametrize("htk", [False, True])
@pytest.mark.parametrize("norm", [None, "slaney"])
def test_mel_filterbank_is_librosas_arithmetic_in_float64(htk, norm):
    kwargs = dict(sr=22050, n_fft=2048, n_mels=128, fmin=30.0, fmax=10000.0, htk=htk, norm=norm)
    assert_close(dsp.mel_filterbank(**kwargs), librosa.filters.mel(dtype=np.float64, **kwargs), rtol=1e-12)


def test_empty_filters_warn_with_advice():
    with pytest.warns(UserWarning, match="n_mels is too high for n_fft=256.*Lower n_mels or raise n_fft") as caught:
        dsp.mel_filterbank(sr=16000, n_fft=256, n_mels=128)
    # Widening fmin-fmax is no reliable fix (lesson 04: 100 -> 0 Hz takes 12 empty bands to 13), so no such advice.
    assert "fmin" not in str(caught[0].message)


@settings(max_examples=60, deadline=None)
@given(
    sr=st.sampled_from([8000, 16000, 22050, 44100]),
    n_fft=st.sampled_from([256, 512, 1024, 2048, 4096]),
    n_mels=st.integers(1, 96),
    band=st.tuples(st.floats(0, 1), st.floats(0, 1)).filter(lambda b: abs(b[0] - b[1]) > 0.05),
    htk=st.booleans(),
    norm=st.sampled_from([None, "slaney"]),
)
def test_filterbank_rows_are_non_negative_and_peak_inside_their_band(sr, n_fft, n_mels, band, htk, norm):
    fmin, fmax = sorted(fraction * sr / 2 for fraction in band)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # empty filters are allowed here; they are skipped below
        weights = dsp.mel_filterbank(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm)
    assert weights.shape == (n_mels, 1 + n_fft // 2)
    assert np.all(weights >= 0)
    if norm is None:
        assert np.all(weights <= 1 + 1e-12)
    edges = dsp.mel_frequencies(n_mels + 2, fmin=fmin, fmax=fmax, htk=htk)
    bin_frequencies = dsp.fft_frequencies(sr=sr, n_fft=n_fft)
    for i, row in enumerate(weights):
        if row.max() > 0:
            peak = bin_frequencies[np.argmax(row)]
            assert edges[i] <= peak <= edges[i + 2]
            assert np.all(row[(bin_frequencies < edges[i]) | (bin_frequencies > edges[i + 2])] == 0)


# --- mel spectrogram -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("clip", sorted(CLIPS))
@pytest.mark.parametrize("n_fft", [256, 512, 1024, 2048])
@pytest.mark.parametrize("n_mels", [20, 40, 128])
@pytest.mark.parametrize(("htk", "norm"), [(False, "slaney"), (True, None)])
def test_melspectrogram_matches_librosa(clip, n_fft, n_mels, htk, norm):
    y, sr = CLIPS[clip]()
    kwargs = dict(n_fft=n_fft, hop_length=n_fft // 4, n_mels=n_mels, htk=htk, norm=norm)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # both warn about empty filters at n_fft=256, n_mels=128
        ours = dsp.melspectrogram(y=y, sr=sr, **kwargs)
        theirs = librosa.feature.melspectrogram(y=y, sr=sr, **kwargs)
    assert_close(ours, theirs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        dict(hop_length=160, win_length=400, n_fft=512, window="hamming", center=False, power=1.0),
        dict(fmin=60.0, fmax=7600.0, htk=True, norm="slaney", pad_mode="reflect"),
    ],
)
def test_melspectrogram_options_and_defaults_match_librosa(kwargs):
    y, sr = CLIPS["speech"]()
    assert_close(dsp.melspectrogram(y=y, sr=sr, **kwargs), librosa.feature.melspectrogram(y=y, sr=sr, **kwargs))


def test_melspectrogram_from_a_spectrogram_matches_librosa():
    y, sr = CLIPS["piano"]()
    S = np.abs(librosa.stft(y, n_fft=1024, hop_length=256)) ** 2
    assert_close(dsp.melspectrogram(sr=sr, S=S, n_mels=40), librosa.feature.melspectrogram(sr=sr, S=S, n_mels=40))
