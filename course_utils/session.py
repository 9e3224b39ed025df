"""The one set-up call every lesson makes in its set-up cell, and the presentation (projector) mode.

Taught in notebooks/00_start_here.ipynb.
"""

from __future__ import annotations

import random
import warnings

import numpy as np

DEFAULT_SEED = 0
PRESENTATION_SCALE = 1.6

# The course's one plot style, used by setup() for the notebook's figures and by the explorers for theirs.
PLOT_STYLE = {
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "image.cmap": "magma",
}
# Its sizes: presentation mode multiplies these in the notebook's rcParams; explorers scale their dpi instead.
PLOT_SIZES = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "lines.linewidth": 1.2,
}

_state = {"presentation": False}


def _show_warning_on_stdout(message, category, filename, lineno, file=None, line=None):
    # stderr is compared by nbval and shows as a red box to students; one short line on stdout is kinder and stable.
    print(f"⚠ {category.__name__}: {message}")


def set_presentation(on: bool = True) -> None:
    """Switch presentation mode for every figure and explorer created from now on (larger fonts and figures)."""
    import matplotlib as mpl

    _state["presentation"] = bool(on)
    scale = PRESENTATION_SCALE if on else 1.0
    mpl.rcParams.update({"figure.figsize": (8.0 * scale, 3.0 * scale)})
    mpl.rcParams.update({name: size * scale for name, size in PLOT_SIZES.items()})


def is_presentation() -> bool:
    """True when presentation mode is on (see :func:`set_presentation`)."""
    return _state["presentation"]


def setup(*, seed: int = DEFAULT_SEED, presentation: bool = False, verbose: bool = True) -> np.random.Generator:
    """Prepare a notebook: seeded RNGs, stable NumPy printing, one plot style, a quiet stderr.

    Parameters
    ----------
    seed : int
        Seeds Python's and NumPy's global generators; the returned ``Generator`` uses it too.
    presentation : bool
        Larger fonts and figures for a projector. Can be switched later with :func:`set_presentation`.
    verbose : bool
        Print one line saying the course is ready and where the data is.

    Returns
    -------
    numpy.random.Generator
        A generator seeded with ``seed``, for lessons that need random numbers.
    """
    import matplotlib as mpl

    from .validate import require_int

    seed = require_int("seed", seed, minimum=0)
    random.seed(seed)
    np.random.seed(seed)

    # NumPy 2 prints scalars as np.float64(1.5); legacy="1.25" prints 1.5 as NumPy 1.x does, so outputs match on both.
    print_options = {"precision": 4, "suppress": True, "linewidth": 100}
    if int(np.__version__.split(".")[0]) >= 2:
        print_options["legacy"] = "1.25"
    np.set_printoptions(**print_options)

    mpl.rcParams.update(mpl.rcParamsDefault)
    mpl.rcParams.update({"figure.dpi": 80, "figure.constrained_layout.use": True, **PLOT_STYLE})
    set_presentation(presentation)

    warnings.resetwarnings()
    # Python's own policy: a deprecation is shown where the notebook's code causes it (an old librosa idiom in a
    # cell), not where one library deprecates something in another; FutureWarning is meant for users: always shown.
    for category in (DeprecationWarning, PendingDeprecationWarning):
        warnings.filterwarnings("ignore", category=category)
        warnings.filterwarnings("default", category=category, module="__main__")
    warnings.showwarning = _show_warning_on_stdout

    if verbose:
        from . import __version__, data

        try:
            where = f"{len(data.list_clips())} audio clips found"
        except data.DataNotFoundError as error:
            where = f"no data folder yet ({error})"
        mode = "on" if presentation else "off"
        print(f"course_utils {__version__} ready: {where}; presentation mode {mode}.")
    return np.random.default_rng(seed)
