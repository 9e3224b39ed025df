"""course_utils.dsp DCT, MFCC, lifter and delta features agree with scipy and librosa.

Agreement metric: ``max|ours - reference| <= 1e-5 * max|reference|`` in float64.
"""

import warnings

import librosa
import numpy as np
import pytest
import scipy.fft
import scipy.signal

from course_utils import dsp
from dsp_support import assert_close, load_clip



def synthetic_vowel(sr=16000, seconds=1.0):
    # A 120 Hz pulse train through two resonances, roughly an /a/.
    pulses = np.zeros(int(sr * seconds))
    pulses[:: sr // 120] = 1.0
    for centre, bandwidth in [(700, 130), (1200, 70)]:
        b, a = scipy.signal.iirpeak(centre, centre / bandwidth, fs=sr)
        pulses = scipy.signal.lfilter(b, a, pulses)
    return pulses, sr


CLIPS = {
    "command": lambda: load_clip("speech_commands/yes_439c84f4_nohash_1.wav"),
    "violin": lambda: load_clip("music/violin_A4.wav"),
    "vowel": synthetic_vowel,
}


# --- DCT -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("norm", ["ortho", None])
@pytest.mark.parametrize("shape_and_axis", [((1,), -1), ((13,), 0), ((128, 40), 0), ((40, 128), -1), ((3, 20, 7), 1)])
def test_dct_matches_scipy(norm, shape_and_axis):
    shape, axis = shape_and_axis
    x = np.random.default_rng(0).standard_normal(shape)
    assert_close(dsp.dct(x, norm=norm, axis=axis), scipy.fft.dct(x, type=2, norm=norm, axis=axis))


@pytest.mark.parametrize("axis", [0, -1])
def test_idct_matches_scipy_and_inverts_dct(axis):
    X = np.random.default_rng(1).standard_normal((40, 30))
    assert_close(dsp.idct(X, axis=axis), scipy.fft.idct(X, type=2, norm="ortho", axis=axis))
    assert_close(dsp.idct(dsp.dct(X, axis=axis), axis=axis), X)


def test_orthonormal_dct_matrix_is_orthogonal():
    C = dsp.dct_matrix(40)
    np.testing.assert_allclose(C @ C.T, np.eye(40), atol=1e-12)


# --- MFCC ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("clip", sorted(CLIPS))
@pytest.mark.parametrize("n_fft", [256, 512, 1024, 2048])
@pytest.mark.parametrize(("n_mels", "n_mfcc"), [(20, 13), (40, 20), (128, 40)])
@pytest.mark.parametrize("lifter", [0, 22])
def test_mfcc_matches_librosa(clip, n_fft, n_mels, n_mfcc, lifter):
    y, sr = CLIPS[clip]()
    kwargs = dict(n_mfcc=n_mfcc, lifter=lifter, n_fft=n_fft, hop_length=n_fft // 4, n_mels=n_mels)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # both warn about empty mel filters at n_fft=256, n_mels=128
        ours = dsp.mfcc(y=y, sr=sr, **kwargs)
        theirs = librosa.feature.mfcc(y=y, sr=sr, **kwargs)
    assert_close(ours, theirs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        dict(norm=None),
        dict(mel_norm=None, htk=True, fmin=20.0, fmax=7600.0),
        dict(center=False, window="hamming", win_length=400, n_fft=512, hop_length=160),
    ],
)
def test_mfcc_options_and_defaults_match_librosa(kwargs):
    y, sr = CLIPS["command"]()
    assert_close(dsp.mfcc(y=y, sr=sr, **kwargs), librosa.feature.mfcc(y=y, sr=sr, **kwargs))


def test_mfcc_from_log_mel_spectrogram_matches_librosa():
    y, sr = CLIPS["violin"]()
    S_db = librosa.power_to_db(librosa.feature.melspectrogram(y=y, sr=sr, n_mels=64))
    assert_close(dsp.mfcc(S=S_db, n_mfcc=24, lifter=10), librosa.feature.mfcc(S=S_db, n_mfcc=24, lifter=10))


def test_lifter_convention_librosa_numbers_from_one_and_htk_from_zero():
    librosa_weights = dsp.lifter_weights(13, 22)
    htk_weights = dsp.lifter_weights(13, 22, convention="htk")
    np.testing.assert_allclose(librosa_weights, 1 + 11 * np.sin(np.pi * np.arange(1, 14) / 22))
    assert htk_weights[0] == 1.0  # HTK leaves c0 alone; librosa scales it by 1 + 11 sin(pi / 22)
    np.testing.assert_allclose(htk_weights[1:], librosa_weights[:-1])
    # librosa.feature.mfcc applies the librosa numbering:
    S_db = librosa.power_to_db(librosa.feature.melspectrogram(y=CLIPS["vowel"]()[0], sr=16000, n_mels=40))
    unliftered = librosa.feature.mfcc(S=S_db, n_mfcc=13)
    assert_close(librosa.feature.mfcc(S=S_db, n_mfcc=13, lifter=22), unliftered * librosa_weights[:, None])
    assert not np.allclose(librosa.feature.mfcc(S=S_db, n_mfcc=13, lifter=22), unliftered * htk_weights[:, None])


# --- deltas --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("width", [3, 5, 9])
@pytest.mark.parametrize("order", [1, 2])
@pytest.mark.parametrize("axis", [-1, 0])
def test_delta_matches_librosa(width, order, axis):
    y, sr = CLIPS["command"]()
    features = librosa.feature.mfcc(y=y, sr=sr, n_mfcc=13)
    if axis == 0:
        features = features.T.copy()
    ours = dsp.delta(features, width=width, order=order, axis=axis)
    assert_close(ours, librosa.feature.delta(features, width=width, order=order, axis=axis))


def test_delta_is_the_regression_slope():
    ramp = np.arange(20.0) * 3 + np.array([[0.0], [5.0]])  # slope 3 in every row
    np.testing.assert_allclose(dsp.delta(ramp, width=5), 3.0)
    parabola = np.arange(15.0) ** 2
    np.testing.assert_allclose(dsp.delta(parabola, width=7, order=2), 2.0, atol=1e-10)
    np.testing.assert_allclose(dsp.delta(parabola, width=3)[1:-1], 2 * np.arange(1.0, 14.0))
