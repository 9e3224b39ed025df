"""Bad input to course_utils.dsp fails early with ValueError (ParameterError) or TypeError naming the parameter."""

import numpy as np
import pytest

from course_utils import ParameterError, dsp

SR = 16000
Y = np.sin(2 * np.pi * 440 * np.arange(SR) / SR)


# --- STFT lengths --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n_fft", [0, -512])
def test_n_fft_must_be_positive(n_fft):
    for call in (
        lambda: dsp.stft(Y, n_fft=n_fft),
        lambda: dsp.mel_filterbank(sr=SR, n_fft=n_fft),
        lambda: dsp.melspectrogram(y=Y, sr=SR, n_fft=n_fft),
        lambda: dsp.fft_frequencies(sr=SR, n_fft=n_fft),
    ):
        with pytest.raises(ParameterError, match="n_fft must be >= 1"):
            call()


@pytest.mark.parametrize("n_fft", [512.0, "512", None, True])
def test_n_fft_must_be_an_int(n_fft):
    with pytest.raises(TypeError, match="n_fft must be an integer"):
        dsp.stft(Y, n_fft=n_fft)
    with pytest.raises(TypeError, match="n_fft must be an integer"):
        dsp.mfcc(y=Y, sr=SR, n_fft=n_fft)


@pytest.mark.parametrize("hop_length", [0, -1])
def test_hop_length_must_be_positive(hop_length):
    for call in (
        lambda: dsp.stft(Y, hop_length=hop_length),
        lambda: dsp.melspectrogram(y=Y, sr=SR, hop_length=hop_length),
        lambda: dsp.frame(Y, frame_length=512, hop_length=hop_length),
        lambda: dsp.istft(dsp.stft(Y, n_fft=256), hop_length=hop_length),
    ):
        with pytest.raises(ParameterError, match="hop_length must be >= 1"):
            call()


def test_win_length_cannot_exceed_n_fft():
    with pytest.raises(ParameterError, match="win_length=1024 must be <= n_fft=512"):
        dsp.stft(Y, n_fft=512, win_length=1024)
    with pytest.raises(ParameterError, match="win_length"):
        dsp.griffin_lim(np.ones((257, 10)), win_length=1024)


def test_uncentred_stft_needs_n_fft_samples():
    with pytest.raises(ParameterError, match="n_fft=2048 is longer than y"):
        dsp.stft(Y[:1000], n_fft=2048, center=False)


def test_istft_n_fft_must_match_the_rows():
    with pytest.raises(ParameterError, match="n_fft=1024 needs 513 frequency rows"):
        dsp.istft(dsp.stft(Y, n_fft=512), n_fft=1024)


@pytest.mark.parametrize("window", ["hannn", "kaiser"])
def test_unknown_window_is_named(window):
    with pytest.raises(ParameterError, match="window="):
        dsp.stft(Y, window=window)


def test_window_array_must_have_win_length_values():
    with pytest.raises(ParameterError, match="window has shape"):
        dsp.stft(Y, n_fft=512, window=np.ones(256))


def test_pad_mode_must_be_supported():
    with pytest.raises(ParameterError, match="pad_mode must be one of"):
        dsp.stft(Y, pad_mode="wrap")


def test_matrix_dft_has_a_size_limit():
    with pytest.raises(ParameterError, match="use rfft"):
        dsp.dft(Y)


# --- mel -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n_mels", [0, -3])
def test_n_mels_must_be_at_least_one(n_mels):
    with pytest.raises(ParameterError, match="n_mels must be >= 1"):
        dsp.mel_filterbank(sr=SR, n_mels=n_mels)
    with pytest.raises(ParameterError, match="n_mels must be >= 1"):
        dsp.melspectrogram(y=Y, sr=SR, n_mels=n_mels)


@pytest.mark.parametrize(("fmin", "fmax"), [(4000.0, 4000.0), (5000.0, 1000.0)])
def test_fmin_must_be_below_fmax(fmin, fmax):
    with pytest.raises(ParameterError, match="fmin=.* must be below fmax"):
        dsp.mel_filterbank(sr=SR, fmin=fmin, fmax=fmax)
    with pytest.raises(ParameterError, match="fmin=.* must be below fmax"):
        dsp.mel_frequencies(10, fmin=fmin, fmax=fmax)


def test_fmax_cannot_exceed_nyquist():
    with pytest.raises(ParameterError, match=r"fmax=9000 Hz must be <= sr / 2 = 8000 Hz"):
        dsp.mel_filterbank(sr=SR, fmax=9000.0)
    with pytest.raises(ParameterError, match="fmax"):
        dsp.mfcc(y=Y, sr=SR, fmax=11025.0)


def test_negative_fmin_is_rejected():
    with pytest.raises(ParameterError, match="fmin must be >= 0"):
        dsp.mel_filterbank(sr=SR, fmin=-10.0)


def test_norm_must_be_slaney_or_none():
    with pytest.raises(ParameterError, match="norm must be one of"):
        dsp.mel_filterbank(sr=SR, norm="l2")


def test_empty_mel_filters_warn_that_n_mels_is_too_high():
    with pytest.warns(UserWarning, match="n_mels is too high for n_fft"):
        dsp.melspectrogram(y=Y, sr=SR, n_fft=256, n_mels=128)


# --- sample rate ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("sr", [0, -16000])
def test_sr_must_be_positive(sr):
    for call in (
        lambda: dsp.mel_filterbank(sr=sr),
        lambda: dsp.melspectrogram(y=Y, sr=sr),
        lambda: dsp.mfcc(y=Y, sr=sr),
        lambda: dsp.fft_frequencies(sr=sr),
        lambda: dsp.frames_to_time(10, sr=sr),
    ):
        with pytest.raises(ParameterError, match="sr must be a positive sample rate"):
            call()


def test_sr_is_required():
    with pytest.raises(TypeError, match="sr must be a positive integer sample rate"):
        dsp.melspectrogram(y=Y)


# --- the signal ----------------------------------------------------------------------------------------------

Y_TAKING_FUNCTIONS = {
    "stft": lambda y: dsp.stft(y, n_fft=256),
    "spectrogram": lambda y: dsp.spectrogram(y, n_fft=256),
    "melspectrogram": lambda y: dsp.melspectrogram(y=y, sr=SR, n_fft=256, n_mels=20),
    "mfcc": lambda y: dsp.mfcc(y=y, sr=SR, n_fft=256, n_mels=20),
    "frame": lambda y: dsp.frame(y, frame_length=1, hop_length=1),
}


@pytest.mark.parametrize("function", sorted(Y_TAKING_FUNCTIONS))
def test_empty_y(function):
    with pytest.raises(ParameterError, match="y is empty"):
        Y_TAKING_FUNCTIONS[function](np.array([]))


@pytest.mark.parametrize("function", sorted(Y_TAKING_FUNCTIONS))
@pytest.mark.parametrize("bad_value", [np.nan, np.inf, -np.inf])
def test_non_finite_y(function, bad_value):
    y = Y.copy()
    y[100] = bad_value
    with pytest.raises(ParameterError, match="y contains 1 non-finite value"):
        Y_TAKING_FUNCTIONS[function](y)


@pytest.mark.parametrize("function", sorted(Y_TAKING_FUNCTIONS))
def test_stereo_y_says_how_to_make_it_mono(function):
    with pytest.raises(ParameterError, match=r"y must be mono .*y\.mean\(axis=0\)"):
        Y_TAKING_FUNCTIONS[function](np.stack([Y, Y]))


@pytest.mark.parametrize("function", sorted(Y_TAKING_FUNCTIONS))
def test_integer_y_says_how_to_convert(function):
    with pytest.raises(TypeError, match=r"y has integer dtype int16.*astype\(np\.float32\) / 32768"):
        Y_TAKING_FUNCTIONS[function]((Y * 30000).astype(np.int16))


def test_y_and_S_are_exclusive():
    S = np.abs(dsp.stft(Y, n_fft=512)) ** 2
    with pytest.raises(ParameterError, match="either y .* or S"):
        dsp.melspectrogram(y=Y, sr=SR, S=S)
    with pytest.raises(ParameterError, match="give y .* or S"):
        dsp.melspectrogram(sr=SR)
    with pytest.raises(ParameterError, match="either y .* or S"):
        dsp.mfcc(y=Y, sr=SR, S=dsp.power_to_db(dsp.melspectrogram(S=S, sr=SR)))


# --- decibels, cepstrum, inversion ---------------------------------------------------------------------------


@pytest.mark.parametrize("amin", [0.0, -1e-10])
def test_amin_must_be_positive(amin):
    with pytest.raises(ParameterError, match="amin must be > 0"):
        dsp.power_to_db(np.ones(4), amin=amin)
    with pytest.raises(ParameterError, match="amin must be > 0"):
        dsp.amplitude_to_db(np.ones(4), amin=amin)


def test_top_db_must_be_non_negative():
    with pytest.raises(ParameterError, match="top_db must be >= 0"):
        dsp.power_to_db(np.ones(4), top_db=-10)


def test_ref_must_be_positive_or_callable():
    with pytest.raises(ParameterError, match="ref must be > 0"):
        dsp.power_to_db(np.ones(4), ref=0)


def test_power_to_db_refuses_complex_input_and_says_what_to_do():
    with pytest.raises(TypeError, match=r"S is complex.*np\.abs\(S\)\*\*2"):
        dsp.power_to_db(dsp.stft(Y, n_fft=256))


def test_n_mfcc_limits_and_dct_type():
    with pytest.raises(ParameterError, match="n_mfcc must be >= 1"):
        dsp.mfcc(y=Y, sr=SR, n_mfcc=0)
    with pytest.raises(ParameterError, match="n_mfcc=30 must be <= n_mels=20"):
        dsp.mfcc(y=Y, sr=SR, n_mfcc=30, n_mels=20)
    with pytest.raises(ParameterError, match="dct_type must be one of 2"):
        dsp.mfcc(y=Y, sr=SR, dct_type=3)
    with pytest.raises(ParameterError, match="lifter must be >= 0"):
        dsp.mfcc(y=Y, sr=SR, lifter=-1)


@pytest.mark.parametrize(
    ("width", "message"), [(4, "width=4 must be odd"), (1, "width must be >= 3"), (99, "width=99 is more than")]
)
def test_delta_width(width, message):
    with pytest.raises(ParameterError, match=message):
        dsp.delta(np.ones((13, 50)), width=width)


def test_delta_order():
    with pytest.raises(ParameterError, match="order must be >= 1"):
        dsp.delta(np.ones((13, 50)), order=0)


def test_griffin_lim_needs_a_magnitude_spectrogram():
    D = dsp.stft(Y, n_fft=256)
    with pytest.raises(TypeError, match="S is complex"):
        dsp.griffin_lim(D)
    with pytest.raises(ParameterError, match="non-negative"):
        dsp.griffin_lim(-np.abs(D))
    with pytest.raises(ParameterError, match="momentum must be >= 0"):
        dsp.griffin_lim(np.abs(D), momentum=-0.5)
    with pytest.raises(ParameterError, match="init must be one of"):
        dsp.griffin_lim(np.abs(D), init="zeros")
    with pytest.raises(TypeError, match="rng must be None, an int seed or a NumPy random generator"):
        dsp.griffin_lim(np.abs(D), rng="seed")
    with pytest.raises(ParameterError, match="rng must be a seed >= 0"):
        dsp.griffin_lim(np.abs(D), rng=-1)


def test_griffin_lim_warns_for_momentum_above_one():
    with pytest.warns(UserWarning, match="momentum=1.5 > 1"):
        dsp.griffin_lim(np.abs(dsp.stft(Y[:2000], n_fft=256)), n_iter=2, momentum=1.5)


def test_metrics_need_matching_shapes():
    with pytest.raises(ParameterError, match="estimate has 999 samples but reference has 1000"):
        dsp.snr_db(Y[:1000], Y[:999])
    with pytest.raises(ParameterError, match="S_est has shape"):
        dsp.spectral_convergence(np.ones((3, 4)), np.ones((3, 5)))
    with pytest.raises(ParameterError, match="S_ref is all zeros"):
        dsp.spectral_convergence(np.zeros((3, 4)), np.ones((3, 4)))
