import warnings

import matplotlib as mpl
import numpy as np
import pytest

import course_utils


@pytest.fixture(autouse=True)
def restore_state():
    filters = warnings.filters[:]
    showwarning = warnings.showwarning
    printoptions = np.get_printoptions()
    yield
    warnings.filters[:] = filters
    warnings.showwarning = showwarning
    np.set_printoptions(**printoptions)
    course_utils.set_presentation(False)


def test_setup_seeds_and_returns_a_generator(capsys, repo_root):
    rng = course_utils.setup(seed=7)
    first = np.random.rand(3)
    assert np.allclose(rng.random(3), np.random.default_rng(7).random(3))
    course_utils.setup(seed=7)
    np.testing.assert_array_equal(np.random.rand(3), first)
    clips = len((repo_root / "data" / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()) - 1  # minus the header
    assert f"course_utils 0.1.0 ready: {clips} audio clips found; presentation mode off." in capsys.readouterr().out


def test_numpy_scalars_print_like_numpy_1(capsys):
    course_utils.setup(verbose=False)
    assert repr(np.float64(0.5)) == "0.5"
    assert str(np.array([1 / 3, 2.0])) == "[0.3333 2.    ]"


def test_warnings_go_to_one_stdout_line(capsys):
    course_utils.setup(verbose=False)
    warnings.warn("n_mels is too high", UserWarning)
    warnings.warn("random_state has been renamed to rng", FutureWarning)
    captured = capsys.readouterr()
    assert captured.out == ("⚠ UserWarning: n_mels is too high\n"
                            "⚠ FutureWarning: random_state has been renamed to rng\n") and captured.err == ""


def test_deprecations_show_only_where_the_notebook_causes_them(capsys):
    course_utils.setup(verbose=False)
    warnings.warn_explicit("inside a library", DeprecationWarning, "lib.py", 1, module="some_library")
    warnings.warn_explicit("old idiom in a cell", DeprecationWarning, "<cell>", 1, module="__main__")
    assert capsys.readouterr().out == "⚠ DeprecationWarning: old idiom in a cell\n"


def test_presentation_mode_scales_fonts_and_figures():
    course_utils.setup(verbose=False)
    normal_font, normal_size = mpl.rcParams["font.size"], mpl.rcParams["figure.figsize"]
    course_utils.set_presentation(True)
    assert course_utils.is_presentation()
    assert mpl.rcParams["font.size"] == pytest.approx(normal_font * 1.6)
    assert mpl.rcParams["figure.figsize"][0] == pytest.approx(normal_size[0] * 1.6)
    course_utils.setup(presentation=True, verbose=False)
    assert course_utils.is_presentation()
    course_utils.setup(verbose=False)
    assert not course_utils.is_presentation() and mpl.rcParams["font.size"] == normal_font


def test_setup_rejects_bad_seed():
    with pytest.raises(course_utils.ParameterError, match="seed must be >= 0"):
        course_utils.setup(seed=-1)
