"""Plot helpers shared by the lessons. Each accepts ``ax=`` (a new figure is made when omitted) and returns what it
drew, so a lesson can restyle or annotate it. They only draw: computing a spectrum or spectrogram is the lessons' job.
`show` puts a finished figure in the notebook with its alternative text.

Taught in notebooks/01_sampling_quantization.ipynb (waveform), 02_fourier_transform.ipynb (spectrum),
03_stft.ipynb (spectrogram).
"""

from __future__ import annotations

import numpy as np

from .errors import ParameterError
from .validate import require_audio, require_sr


def _axes(ax):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.figure().add_subplot()


def show(fig=None, *, alt: str):
    """Display a finished figure with its alternative text, then close it (every lesson ends its figures with this).

    The alternative text is one sentence, built from the numbers the cell prints, saying what the figure shows. It
    is stored in the output's metadata (``{"image/png": {"alt": alt}}``), where screen readers' tools and the course
    website read it; the notebook shows the same PNG that ``plt.show()`` would.

    Parameters
    ----------
    fig : matplotlib.figure.Figure, optional
        The figure; by default the current one.
    alt : str
        The alternative text: a non-empty sentence.

    Returns nothing, so that a cell ending with it shows only the figure.
    """
    import io

    import matplotlib.pyplot as plt
    from IPython.display import display

    if not isinstance(alt, str) or not alt.strip():
        raise ParameterError(f"alt must be a non-empty sentence describing the figure, got {alt!r}")
    fig = plt.gcf() if fig is None else fig
    png = io.BytesIO()
    fig.savefig(png, format="png", dpi=fig.dpi, bbox_inches="tight")
    plt.close(fig)
    display({"image/png": png.getvalue(), "text/plain": f"<Figure: {alt}>"}, raw=True,
            metadata={"image/png": {"alt": alt}})


def waveform(y, *, sr, ax=None, offset: float = 0.0, label: str | None = None, **line_kwargs):
    """Draw samples against time in seconds. ``offset`` (s) shifts the time axis, e.g. to show a zoomed excerpt.

    Returns
    -------
    matplotlib.lines.Line2D
    """
    y = require_audio(y)
    sr = require_sr(sr)
    ax = _axes(ax)
    t = offset + np.arange(len(y)) / sr
    (line,) = ax.plot(t, y, label=label, **line_kwargs)
    ax.set(xlabel="time (s)", ylabel="amplitude", xlim=(t[0], t[-1]) if len(t) > 1 else None)
    return line


def spectrum(freqs, magnitude, *, ax=None, db: bool = False, label: str | None = None, **line_kwargs):
    """Draw a magnitude spectrum against frequency in Hz (``db=True`` labels the axis in dB).

    Returns
    -------
    matplotlib.lines.Line2D
    """
    freqs = np.asarray(freqs)
    magnitude = np.asarray(magnitude)
    if freqs.shape != magnitude.shape or freqs.ndim != 1:
        raise ParameterError(f"freqs and magnitude must be 1-D of equal length, got {freqs.shape} and {magnitude.shape}")
    ax = _axes(ax)
    (line,) = ax.plot(freqs, magnitude, label=label, **line_kwargs)
    ax.set(xlabel="frequency (Hz)", ylabel="magnitude (dB)" if db else "magnitude", xlim=(freqs[0], freqs[-1]))
    return line


def spectrogram(S, *, sr, hop_length, ax=None, y_axis: str = "linear", colorbar_label: str | None = "dB", **kwargs):
    """Show a spectrogram (frequency × frames) with time and frequency axes via ``librosa.display.specshow``.

    The time axis is labelled "time (s)" and the grid is off, so that no grid line hides the image's detail.

    Parameters
    ----------
    S : numpy.ndarray
        Values to show, usually in dB.
    y_axis : str
        ``"linear"``, ``"log"``, ``"mel"``, … as in librosa.display.specshow.
    colorbar_label : str or None
        Label of the colour bar; ``None`` draws none.

    Returns
    -------
    matplotlib.collections.QuadMesh
    """
    import librosa.display

    ax = _axes(ax)
    mesh = librosa.display.specshow(np.asarray(S), sr=require_sr(sr), hop_length=hop_length, x_axis="time",
                                    y_axis=y_axis, ax=ax, **kwargs)
    ax.grid(False)  # grid lines would hide the detail the image is drawn for
    ax.set_xlabel("time (s)")  # specshow writes "Time" with no unit
    if colorbar_label is not None:
        ax.figure.colorbar(mesh, ax=ax, label=colorbar_label)
    return mesh
