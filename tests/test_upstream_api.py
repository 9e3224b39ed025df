"""The parts of upstream APIs the lessons rely on. When a new librosa, ipywidgets, scipy or numpy release changes
one of them, the failure names it here instead of surfacing as a broken lesson or a student's bug report.

Both librosa series the course supports run these (0.11 on Python 3.11, 1.x on Python >= 3.12; README, "Supported
versions"): where the two differ, the test states what each does, because the lessons' pitfalls say it too.
"""

import inspect
import warnings

import numpy as np
import pytest

LIBROSA_PARAMETERS = {
    "load": ["path", "sr", "mono"],
    "stft": ["y", "n_fft", "hop_length", "win_length", "window", "center", "pad_mode"],
    "istft": ["stft_matrix", "hop_length", "win_length", "n_fft", "window", "center", "length"],
    "griffinlim": ["S", "n_iter", "hop_length", "win_length", "n_fft", "window", "center", "length", "momentum",
                   "init"],
    "power_to_db": ["S", "ref", "amin", "top_db"],
    "amplitude_to_db": ["S", "ref", "amin", "top_db"],
    "resample": ["y", "orig_sr", "target_sr", "res_type"],
    "pcen": ["S", "sr", "hop_length", "gain", "bias", "power", "time_constant", "eps"],
    "cqt": ["y", "sr", "hop_length", "fmin", "n_bins", "bins_per_octave"],
    "mel_frequencies": ["n_mels", "fmin", "fmax", "htk"],
    "hz_to_mel": ["frequencies", "htk"],
    "mel_to_hz": ["mels", "htk"],
    "filters.mel": ["sr", "n_fft", "n_mels", "fmin", "fmax", "htk", "norm"],
    "feature.melspectrogram": ["y", "sr", "S", "n_fft", "hop_length", "power"],
    "feature.mfcc": ["y", "sr", "S", "n_mfcc", "dct_type", "norm", "lifter"],
    "feature.delta": ["data", "width", "order", "axis", "mode"],
    "feature.inverse.mel_to_stft": ["M", "sr", "n_fft", "power"],
    "feature.inverse.mel_to_audio": ["M", "sr", "n_fft", "hop_length"],
    "feature.inverse.mfcc_to_audio": ["mfcc", "n_mels", "dct_type", "norm", "ref", "lifter"],
    "display.specshow": ["data", "x_axis", "y_axis", "sr", "hop_length", "fmax", "ax"],
    "util.frame": ["x", "frame_length", "hop_length"],
}


def resolve(module, dotted):
    target = module
    for part in dotted.split("."):
        target = getattr(target, part)
    return target


@pytest.mark.parametrize("name, parameters", sorted(LIBROSA_PARAMETERS.items()))
def test_librosa_function_keeps_the_parameters_lessons_use(name, parameters):
    import librosa
    import librosa.display  # noqa: F401  (a submodule librosa does not import by itself)

    function = resolve(librosa, name)
    missing = [p for p in parameters if p not in inspect.signature(function).parameters]
    assert not missing, f"librosa.{name} no longer takes {missing}"


def test_librosa_load_still_resamples_to_22050_by_default():
    import librosa

    assert inspect.signature(librosa.load).parameters["sr"].default == 22050  # lesson 01's pitfall 1


@pytest.mark.parametrize("widget", ["Image", "IntSlider", "FloatSlider", "SelectionSlider", "Dropdown", "ToggleButtons",
                                    "Checkbox", "HTML", "Output", "HBox", "VBox", "Layout", "Button", "Audio"])
def test_ipywidgets_core_widgets_exist(widget):
    import ipywidgets

    assert hasattr(ipywidgets, widget), f"ipywidgets {ipywidgets.__version__} has no {widget}"


def test_ipywidgets_interact_and_image_formats():
    import ipywidgets

    assert callable(ipywidgets.interact)
    image = ipywidgets.Image(format="jpeg", value=b"\xff\xd8\xff")
    assert image.format == "jpeg" and bytes(image.value).startswith(b"\xff\xd8")


def test_scipy_and_numpy_functions_lessons_use():
    import numpy as np
    import scipy.fft
    import scipy.signal

    assert {"nperseg", "noverlap", "window", "scaling", "mode", "detrend"} <= set(
        inspect.signature(scipy.signal.spectrogram).parameters)
    assert {"x", "type", "norm"} <= set(inspect.signature(scipy.fft.dct).parameters)
    assert callable(scipy.signal.check_COLA) and callable(scipy.signal.get_window)
    assert {"precision", "suppress", "legacy"} <= set(inspect.signature(np.set_printoptions).parameters)


def test_anywidget_base_class():
    import anywidget

    assert hasattr(anywidget, "AnyWidget")


def librosa_major():
    import librosa

    return int(librosa.__version__.split(".")[0])


@pytest.fixture(scope="module")
def magnitude():
    import librosa

    tone = np.sin(2 * np.pi * 440 * np.arange(4000) / 8000)
    return np.abs(librosa.stft(tone, n_fft=256, hop_length=64))


def test_griffinlim_seed_keyword_and_int_seed_meaning(magnitude):
    """1.0 renamed random_state to rng (a FutureWarning until its removal in 1.2) and reads an int seed as
    np.random.default_rng(seed); 0.11 reads it as np.random.RandomState(seed). Lessons 06 and 07 teach this."""
    import librosa

    parameters = inspect.signature(librosa.griffinlim).parameters
    run = dict(n_iter=2, hop_length=64)
    if librosa_major() >= 1:
        assert "rng" in parameters
        by_int = librosa.griffinlim(magnitude, rng=3, **run)
        assert np.array_equal(by_int, librosa.griffinlim(magnitude, rng=np.random.default_rng(3), **run))
        with pytest.warns(FutureWarning, match="random_state"):
            librosa.griffinlim(magnitude, random_state=3, **run)
    else:
        assert "rng" not in parameters
        by_int = librosa.griffinlim(magnitude, random_state=3, **run)
        assert np.array_equal(by_int, librosa.griffinlim(magnitude, random_state=np.random.RandomState(3), **run))


def test_griffinlim_uses_a_generator_object_as_given(magnitude):
    """A np.random.Generator passed in is used as it is by both series: the way to get the same phases on both."""
    import librosa

    keyword = "rng" if librosa_major() >= 1 else "random_state"
    run = dict(n_iter=0, hop_length=64, length=4000)
    first = librosa.griffinlim(magnitude, **{keyword: np.random.default_rng(5)}, **run)
    phases = np.random.default_rng(5).random(magnitude.shape)
    expected = librosa.istft(magnitude * np.exp(2j * np.pi * phases), hop_length=64, length=4000)
    assert np.allclose(first, expected, rtol=0, atol=1e-12)


def test_mel_to_audio_and_mfcc_to_audio_take_no_seed():
    """Their Griffin-Lim starts from an unseeded phase on both series (lesson 07's pitfall)."""
    import librosa

    for function in (librosa.feature.inverse.mel_to_audio, librosa.feature.inverse.mfcc_to_audio):
        assert not {"rng", "random_state"} & set(inspect.signature(function).parameters)


def test_positional_arguments_are_errors():
    """Old tutorials call librosa.filters.mel(sr, n_fft) and librosa.stft(y, 512): errors since librosa 0.10."""
    import librosa

    with pytest.raises(TypeError):
        librosa.filters.mel(16000, 512)
    with pytest.raises(TypeError):
        librosa.stft(np.zeros(1024), 512)


def test_waveplot_is_gone_and_waveshow_replaces_it():
    """librosa.display.waveplot was removed in 0.10; old tutorials still call it."""
    import librosa.display

    assert not hasattr(librosa.display, "waveplot")
    assert callable(librosa.display.waveshow)


def test_power_to_db_top_db_scope():
    """1.0 applies ref=np.max and top_db per 2-D spectrogram of a stack (its new `axes`); 0.11 over the whole array."""
    import librosa

    loud, quiet = np.full((2, 3), 1.0), np.full((2, 3), 1e-12)
    stacked = librosa.power_to_db(np.stack([loud, quiet]), ref=np.max, top_db=80)
    if librosa_major() >= 1:
        assert np.allclose(stacked[1], 0.0)
    else:
        assert np.allclose(stacked[1], -80.0)
    assert np.allclose(librosa.power_to_db(np.concatenate([loud, quiet]), ref=np.max, top_db=80).min(), -80.0)


def test_no_deprecation_warnings_from_the_calls_lessons_make(magnitude):
    import librosa

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        librosa.feature.melspectrogram(S=magnitude**2, sr=8000, n_mels=20)
        librosa.feature.mfcc(S=librosa.power_to_db(librosa.feature.melspectrogram(S=magnitude**2, sr=8000,
                                                                                  n_mels=20)), n_mfcc=13)
        librosa.feature.inverse.mel_to_stft(librosa.feature.melspectrogram(S=magnitude**2, sr=8000, n_mels=20),
                                            sr=8000, n_fft=256)
