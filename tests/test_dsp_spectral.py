"""course_utils.dsp framing, Fourier and STFT functions agree with librosa, numpy and scipy.

Agreement metric throughout: ``max|ours - reference| <= 1e-5 * max|reference|`` (relative to the largest
reference value, so near-zero bins do not dominate), in float64.
"""


import librosa
import numpy as np
import pytest
import scipy.fft
import scipy.signal
from hypothesis import given, settings
from hypothesis import strategies as st

from course_utils import dsp
from dsp_support import assert_close, load_clip



def synthetic_chirp(sr=16000, seconds=1.5):
    t = np.arange(int(sr * seconds)) / sr
    noise = np.random.default_rng(0).standard_normal(len(t))
    return np.sin(2 * np.pi * (100 * t + 2000 * t**2)) + 0.05 * noise, sr


CLIPS = {
    "speech": lambda: load_clip("speech_commands/yes_439c84f4_nohash_1.wav"),
    "music": lambda: load_clip("music/brahms_hungarian_dance5_first10s_22k.wav"),
    "chirp": synthetic_chirp,
}


# --- framing -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("frame_length", "hop_length"), [(4, 1), (256, 64), (400, 160), (512, 700)])
def test_frame_matches_librosa(frame_length, hop_length):
    y, _ = CLIPS["chirp"]()
    ours = dsp.frame(y, frame_length=frame_length, hop_length=hop_length)
    np.testing.assert_array_equal(ours, librosa.util.frame(y, frame_length=frame_length, hop_length=hop_length))
    np.testing.assert_array_equal(ours[:, 3], y[3 * hop_length : 3 * hop_length + frame_length])


@pytest.mark.parametrize("window", ["hann", "hamming", "blackman", "boxcar", ("kaiser", 8.0), ("tukey", 0.25)])
@pytest.mark.parametrize("win_length", [255, 256, 1024])
def test_get_window_matches_librosa(window, win_length):
    np.testing.assert_array_equal(dsp.get_window(window, win_length), librosa.filters.get_window(window, win_length))
    symmetric = dsp.get_window(window, win_length, fftbins=False)
    np.testing.assert_array_equal(symmetric, scipy.signal.get_window(window, win_length, fftbins=False))


def test_get_window_accepts_arrays_and_functions():
    values = np.linspace(0, 1, 8)
    np.testing.assert_array_equal(dsp.get_window(values, 8), values)
    np.testing.assert_array_equal(dsp.get_window(np.hanning, 8), np.hanning(8))


@pytest.mark.parametrize(("n", "size"), [(3, 8), (4, 8), (8, 8)])
def test_pad_center_matches_librosa(n, size):
    data = np.arange(1.0, n + 1)
    np.testing.assert_array_equal(dsp.pad_center(data, size=size), librosa.util.pad_center(data, size=size))


# --- Fourier -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 7, 256, 1000, 2048])
def test_matrix_dft_matches_numpy_and_scipy(n):
    x = np.random.default_rng(n).standard_normal(n)
    ours = dsp.dft(x)
    assert_close(ours, np.fft.fft(x))
    assert_close(ours, scipy.fft.fft(x))
    assert_close(dsp.rfft(x), ours[: n // 2 + 1])


def test_dft_matrix_rows_are_orthogonal():
    W = dsp.dft_matrix(64)
    np.testing.assert_allclose(W @ W.conj().T, 64 * np.eye(64), atol=1e-10)


# --- STFT ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("clip", sorted(CLIPS))
@pytest.mark.parametrize("n_fft", [256, 512, 1024, 2048])
@pytest.mark.parametrize("hop_divisor", [4, 2, None])  # None: a hop of 100, which divides no n_fft
@pytest.mark.parametrize("center", [True, False])
def test_stft_matches_librosa(clip, n_fft, hop_divisor, center):
    y, _ = CLIPS[clip]()
    hop_length = 100 if hop_divisor is None else n_fft // hop_divisor
    ours = dsp.stft(y, n_fft=n_fft, hop_length=hop_length, center=center)
    assert ours.dtype == np.complex128
    assert_close(ours, librosa.stft(y, n_fft=n_fft, hop_length=hop_length, center=center))


@pytest.mark.parametrize("pad_mode", ["constant", "reflect", "edge", "symmetric"])
@pytest.mark.parametrize(("window", "win_length"), [("hann", None), ("hamming", 300), (("kaiser", 6.0), 512)])
def test_stft_options_match_librosa(pad_mode, window, win_length):
    y, _ = CLIPS["speech"]()
    kwargs = dict(n_fft=512, hop_length=128, win_length=win_length, window=window, pad_mode=pad_mode)
    assert_close(dsp.stft(y, **kwargs), librosa.stft(y, **kwargs))


def test_stft_default_hop_is_a_quarter_window():
    y, _ = CLIPS["chirp"]()
    assert_close(dsp.stft(y, n_fft=1024, win_length=800), librosa.stft(y, n_fft=1024, hop_length=200, win_length=800))


def test_stft_of_float32_audio_is_computed_in_float64():
    y, _ = CLIPS["speech"]()
    ours = dsp.stft(y.astype(np.float32), n_fft=512)
    assert ours.dtype == np.complex128
    assert_close(ours, dsp.stft(y.astype(np.float32).astype(np.float64), n_fft=512))


@pytest.mark.parametrize("clip", ["speech", "chirp"])
@pytest.mark.parametrize("n_fft", [256, 512, 1024, 2048])
@pytest.mark.parametrize("hop_divisor", [4, 2, None])
@pytest.mark.parametrize("center", [True, False])
def test_istft_matches_librosa(clip, n_fft, hop_divisor, center):
    y, _ = CLIPS[clip]()
    hop_length = 100 if hop_divisor is None else n_fft // hop_divisor
    D = librosa.stft(y, n_fft=n_fft, hop_length=hop_length, center=center)
    for length in (None, len(y) - 37, len(y) + 999):
        ours = dsp.istft(D, hop_length=hop_length, center=center, length=length)
        assert_close(ours, librosa.istft(D, hop_length=hop_length, center=center, length=length))


@pytest.mark.parametrize("power", [1.0, 2.0, 0.5])
def test_spectrogram_is_stft_magnitude_to_a_power(power):
    y, _ = CLIPS["speech"]()
    S, _ = librosa.magphase(librosa.stft(y, n_fft=1024, hop_length=256), power=power)
    assert_close(dsp.spectrogram(y, n_fft=1024, hop_length=256, power=power), S)


# Window / hop pairs whose overlap-added windows sum to a constant (COLA). Hops stay <= n_fft // 2 because with
# center=True a hop as long as the frame leaves the last samples in no frame at all.
COLA_SETTINGS = [("hann", 2), ("hann", 4), ("hamming", 2), ("hamming", 4), ("blackman", 3), ("boxcar", 2)]


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_samples=st.integers(1, 3000),
    n_fft=st.sampled_from([63, 64, 128, 256, 512]),
    window_and_divisor=st.sampled_from(COLA_SETTINGS),
)
def test_istft_inverts_stft_for_cola_windows(seed, n_samples, n_fft, window_and_divisor):
    window, divisor = window_and_divisor
    hop_length = max(n_fft // divisor, 1)
    y = np.random.default_rng(seed).uniform(-1, 1, n_samples)
    D = dsp.stft(y, n_fft=n_fft, hop_length=hop_length, window=window)
    y_back = dsp.istft(D, n_fft=n_fft, hop_length=hop_length, window=window, length=n_samples)
    np.testing.assert_allclose(y_back, y, atol=1e-10)


def test_istft_inverts_uncentred_stft_away_from_the_edges():
    y, _ = CLIPS["chirp"]()
    D = dsp.stft(y, n_fft=512, hop_length=128, center=False)
    y_back = dsp.istft(D, hop_length=128, center=False, length=len(y))
    interior = slice(512, len(y) - 1024)  # the ends are covered by too few frames to be recovered
    np.testing.assert_allclose(y_back[interior], y[interior], atol=1e-10)


# --- axes ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sr", [8000, 16000, 22050])
@pytest.mark.parametrize("n_fft", [255, 256, 2048])
def test_fft_frequencies_match_librosa(sr, n_fft):
    ours = dsp.fft_frequencies(sr=sr, n_fft=n_fft)
    np.testing.assert_array_equal(ours, librosa.fft_frequencies(sr=sr, n_fft=n_fft))
    assert ours[0] == 0 and ours[1] == sr / n_fft


@pytest.mark.parametrize("hop_length", [160, 512])
@pytest.mark.parametrize("n_fft", [None, 1024])
def test_frame_time_conversions_match_librosa(hop_length, n_fft):
    frames = np.arange(50)
    kwargs = dict(hop_length=hop_length, n_fft=n_fft)
    np.testing.assert_array_equal(
        dsp.frames_to_samples(frames, **kwargs), librosa.frames_to_samples(frames, **kwargs)
    )
    times = dsp.frames_to_time(frames, sr=16000, **kwargs)
    np.testing.assert_allclose(times, librosa.frames_to_time(frames, sr=16000, **kwargs), rtol=1e-12)
    query = np.linspace(0, 2, 101)
    np.testing.assert_array_equal(
        dsp.time_to_frames(query, sr=16000, **kwargs), librosa.time_to_frames(query, sr=16000, **kwargs)
    )


def test_frames_to_time_labels_stft_columns():
    y, sr = CLIPS["speech"]()
    D = dsp.stft(y, n_fft=512, hop_length=160)
    times = dsp.frames_to_time(np.arange(D.shape[1]), sr=sr, hop_length=160)
    assert times[0] == 0 and times[-1] <= len(y) / sr
