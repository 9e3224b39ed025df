"""course_utils.dsp Griffin-Lim, mel inversion and reconstruction metrics.

Agreement metric: ``max|ours - librosa| <= 1e-5 * max|librosa|`` in float64.
"""

import copy
import inspect

import librosa
import numpy as np
import pytest
import scipy.optimize
import soundfile as sf

from course_utils import ParameterError, dsp
from dsp_support import assert_close, REPO_ROOT



@pytest.fixture(scope="module")
def speech():
    y, sr = sf.read(REPO_ROOT / "data" / "speech_commands" / "yes_439c84f4_nohash_1.wav", dtype="float64")
    return y, sr


def test_griffin_lim_signature_is_the_one_widgets_call():
    parameters = inspect.signature(dsp.griffin_lim).parameters
    assert list(parameters)[0] == "S"
    expected = dict(
        n_iter=32, hop_length=None, win_length=None, n_fft=None, window="hann", center=True, length=None,
        momentum=0.99, init="random", rng=0, return_convergence=False,
    )  # fmt: skip
    assert {name: parameters[name].default for name in expected} == expected
    assert all(parameters[name].kind is inspect.Parameter.KEYWORD_ONLY for name in expected)


# librosa 1.0 renamed random_state to rng (the old name warns, and goes in 1.2).
LIBROSA_SEED_KEYWORD = "rng" if "rng" in inspect.signature(librosa.griffinlim).parameters else "random_state"


@pytest.mark.parametrize("generator", [np.random.default_rng, np.random.RandomState], ids=["Generator", "RandomState"])
@pytest.mark.parametrize("momentum", [0.99, 0.0])
@pytest.mark.parametrize(("n_fft", "hop_length", "center"), [(512, 128, True), (1024, 256, False), (256, 100, True)])
def test_griffin_lim_matches_librosa_for_the_same_seed(speech, generator, momentum, n_fft, hop_length, center):
    y, _ = speech
    S = np.abs(librosa.stft(y, n_fft=n_fft, hop_length=hop_length, center=center))
    kwargs = dict(n_iter=16, hop_length=hop_length, momentum=momentum, center=center, length=len(y))
    ours_rng = generator(3)
    theirs_rng = copy.deepcopy(ours_rng)  # the same generator, in the same state, for each of the two calls
    ours = dsp.griffin_lim(S, rng=ours_rng, **kwargs)
    assert_close(ours, librosa.griffinlim(S, **{LIBROSA_SEED_KEYWORD: theirs_rng}, **kwargs))


def test_griffin_lim_int_seed_seeds_default_rng_and_generators_are_used_as_given(speech):
    y, _ = speech
    S = np.abs(dsp.stft(y, n_fft=512, hop_length=128))
    run = lambda rng: dsp.griffin_lim(S, n_iter=4, hop_length=128, rng=rng)  # noqa: E731
    seeded = run(7)
    np.testing.assert_array_equal(seeded, run(np.random.default_rng(7)))
    np.testing.assert_array_equal(seeded, run(7))
    assert not np.allclose(seeded, run(np.random.RandomState(7)))  # librosa 0.11's meaning of an int seed
    assert not np.allclose(seeded, run(8))
    shared = np.random.default_rng(7)
    first, second = run(shared), run(shared)  # the generator advances: the second call draws new phases
    np.testing.assert_array_equal(first, seeded)
    assert not np.allclose(first, second)
    assert not np.allclose(run(None), run(None))


def test_griffin_lim_zero_phase_start_matches_librosa(speech):
    y, _ = speech
    S = np.abs(librosa.stft(y, n_fft=512, hop_length=128))
    assert_close(dsp.griffin_lim(S, n_iter=8, init=None), librosa.griffinlim(S, n_iter=8, init=None))


def test_griffin_lim_converges_and_fast_version_converges_faster(speech):
    y, _ = speech
    S = np.abs(dsp.stft(y, n_fft=512, hop_length=128))
    y_fast, fast = dsp.griffin_lim(S, n_iter=40, length=len(y), return_convergence=True)
    _, plain = dsp.griffin_lim(S, n_iter=40, momentum=0.0, length=len(y), return_convergence=True)
    assert fast.shape == plain.shape == (40,)
    assert np.all(np.diff(plain) <= 1e-12)  # classic Griffin-Lim never increases the inconsistency
    assert fast[-1] < plain[-1] < plain[0] / 3
    final = dsp.spectral_convergence(S, np.abs(dsp.stft(y_fast, n_fft=512, hop_length=128)))
    assert final < 0.15
    assert y_fast.shape == y.shape


def test_mel_to_stft_fits_the_bands_and_follows_the_level(speech):
    y, sr = speech
    S = np.abs(dsp.stft(y, n_fft=512, hop_length=128))
    W = dsp.mel_filterbank(sr=sr, n_fft=512, n_mels=40)
    mel = W @ S**2
    estimate = dsp.mel_to_stft(mel, sr=sr, n_fft=512)
    assert estimate.shape == S.shape and np.all(estimate >= 0)
    assert np.linalg.norm(W @ estimate**2 - mel) < 1e-6 * np.linalg.norm(mel)
    louder = dsp.mel_to_stft(100 * mel, sr=sr, n_fft=512)  # 20 dB louder in power: 10 times in magnitude
    assert np.max(np.abs(louder / 10 - estimate)) < 1e-6 * estimate.max()
    magnitude_mel = dsp.mel_to_stft(W @ S, sr=sr, n_fft=512, power=1.0)
    assert np.linalg.norm(W @ magnitude_mel - W @ S) < 1e-6 * np.linalg.norm(W @ S)


def test_mel_to_stft_is_the_smallest_norm_non_negative_fit():
    sr, n_fft = 16000, 512
    W = dsp.mel_filterbank(sr=sr, n_fft=n_fft, n_mels=40, htk=True, norm=None)
    # A spectrum in the span of the filters is what the pseudo-inverse returns, so it is the smallest-norm
    # solution; with non-negative weights it is also non-negative, so the constrained answer must be the same.
    coefficients = np.random.default_rng(0).random((40, 3))
    coefficients[:, 2] = 0  # and a silent frame stays silent
    power = W.T @ coefficients
    estimate = dsp.mel_to_stft(W @ power, sr=sr, n_fft=n_fft, htk=True, norm=None)
    assert np.max(np.abs(estimate**2 - power)) < 1e-6 * power.max()
    assert np.all(estimate[:, 2] == 0)
    # Another non-negative spectrum fits the same bands but has a larger norm ||p||: the answer is not it.
    sparse = np.stack([scipy.optimize.nnls(W, W @ power[:, t])[0] for t in range(2)], axis=1)
    assert np.allclose(W @ sparse, W @ power[:, :2])
    assert np.all(np.sum(estimate[:, :2] ** 4, axis=0) < np.sum(sparse**2, axis=0))


def test_mel_to_stft_rejects_what_is_not_a_mel_spectrogram():
    mel = np.ones((40, 5))
    with pytest.raises(ParameterError, match="M must be a mel spectrogram"):
        dsp.mel_to_stft(-mel, sr=16000, n_fft=512)
    with pytest.raises(ParameterError, match="M must be 2-D"):
        dsp.mel_to_stft(mel[:, 0], sr=16000, n_fft=512)
    with pytest.raises(ParameterError, match="power must be > 0"):
        dsp.mel_to_stft(mel, sr=16000, n_fft=512, power=0)


def test_spectral_convergence_and_snr_definitions():
    S = np.array([[3.0, 0.0], [0.0, 4.0]])
    assert dsp.spectral_convergence(S, S) == 0.0
    assert dsp.spectral_convergence(S, np.zeros_like(S)) == 1.0
    assert dsp.spectral_convergence(S, S * 1.1) == pytest.approx(0.1)
    reference = np.sin(np.linspace(0, 20, 1000))
    assert dsp.snr_db(reference, reference) == np.inf
    assert dsp.snr_db(reference, 0.9 * reference) == pytest.approx(20.0)
    assert dsp.snr_db(reference, np.zeros_like(reference)) == pytest.approx(0.0)


def test_stft_round_trip_has_very_high_snr(speech):
    y, _ = speech
    y_back = dsp.istft(dsp.stft(y, n_fft=1024, hop_length=256), hop_length=256, length=len(y))
    assert dsp.snr_db(y, y_back) > 200
