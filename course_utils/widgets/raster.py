"""Spectrogram-like images painted straight into an explorer's pixels, and the image panels that show them.

Used by the explorers of notebooks/03_stft.ipynb to 07_inversion.ipynb. matplotlib's own image path resamples the
whole array on every redraw; here each pixel of an axes' data area is coloured once per render:

1. :func:`paint_axes` finds the data coordinates of the pixel boundaries through the axes' transform (so linear,
   log and mel axes all work) and writes what a painter returns into the canvas, bottom row at the bottom;
2. a painter, usually :meth:`ImagePanel.painter`, maps those coordinates to indices of the array (frames of
   ``hop_length`` samples, FFT bins, mel bands) and calls :func:`paint_image`;
3. :func:`paint_image` clips the array to the colour bar's range, max-pools it onto the pixels
   (:func:`pool_max`, so a one-bin harmonic or a one-frame click stays visible) and looks the colours up in a
   table of the colormap (:func:`colormap_lut`).
"""

from __future__ import annotations

import numpy as np

from ..validate import require_choice

MEL_TICKS_HZ = (0, 250, 500, 1000, 2000, 4000, 8000, 16000, 24000)


def colormap_lut(name: str = "magma") -> np.ndarray:
    """A (256, 4) uint8 lookup table of a matplotlib colormap, for painting images without matplotlib's resampler."""
    import matplotlib

    return np.round(matplotlib.colormaps[name](np.linspace(0.0, 1.0, 256)) * 255).astype(np.uint8)


def pool_max(Z: np.ndarray, edges: np.ndarray, axis: int) -> np.ndarray:
    """Resample ``Z`` along ``axis`` onto pixels, keeping the largest value that falls in each pixel.

    ``edges`` are the pixel boundaries (one more than the pixels) in *index* coordinates of ``Z``: element ``k``
    covers ``[k - 0.5, k + 0.5)``. Where pixels are smaller than elements, each pixel shows its element, so
    coarse resolutions look blocky, as they should; where they are larger, the maximum keeps thin lines (a
    harmonic, a click) visible instead of letting them fall between sampled rows.
    """
    n = Z.shape[axis]
    starts = np.clip(np.floor(np.asarray(edges[:-1]) + 0.5).astype(np.intp), 0, n - 1)
    starts = np.maximum.accumulate(starts)
    stop = int(np.clip(np.floor(edges[-1] + 0.5), starts[-1] + 1, n))
    window = [slice(None)] * Z.ndim
    window[axis] = slice(0, stop)
    return np.maximum.reduceat(Z[tuple(window)], starts, axis=axis)


def paint_image(Z, x_index_edges, y_index_edges, *, vmin: float, vmax: float, lut: np.ndarray,
                pooling: str = "max") -> np.ndarray:
    """Colour a (rows = y, columns = x) array onto a pixel grid: clipped to [vmin, vmax], pooled, mapped by ``lut``.

    ``pooling="max"`` keeps the largest value that falls in each pixel (levels, where the loudest matters);
    ``"extreme"`` keeps the one farthest from the middle of [vmin, vmax], either side (signed data on a diverging
    map: a pixel holding +15 and −18 dB shows −18, where the maximum would hide every negative value next to a
    positive one).

    Returns an RGBA uint8 array of shape (len(y_index_edges) - 1, len(x_index_edges) - 1, 4), bottom row first.
    """
    require_choice("pooling", pooling, ("max", "extreme"))
    scale = 255.0 / (vmax - vmin) if vmax > vmin else 0.0
    # Scaling to colour levels is monotonic, so doing it before pooling gives the same picture on the smaller array.
    levels = np.clip((np.asarray(Z, dtype=np.float32) - vmin) * scale, 0, 255).astype(np.uint8)
    pooled = pool_max(pool_max(levels, y_index_edges, axis=0), x_index_edges, axis=1)
    if pooling == "extreme":
        lowest = 255 - pool_max(pool_max(255 - levels, y_index_edges, axis=0), x_index_edges, axis=1)
        pooled = np.where(pooled.astype(np.int16) - 128 >= 127 - lowest.astype(np.int16), pooled, lowest)
    # One 32-bit lookup per pixel instead of four byte lookups.
    colours = np.ascontiguousarray(lut).view(np.uint32).ravel()
    return colours[pooled].view(np.uint8).reshape(pooled.shape + (4,))


def paint_axes(pixels: np.ndarray, ax, painter) -> None:
    """Fill the data area of ``ax`` in ``pixels`` (the canvas' RGBA buffer, top row first) with ``painter``'s image.

    ``painter(x_edges, y_edges)`` gets the data coordinates of the pixel boundaries along the bottom and left edges
    of the axes and returns an RGBA uint8 array, bottom row first (as :func:`paint_image` makes it).
    """
    height = pixels.shape[0]
    box = ax.get_window_extent()
    x0, x1, y0, y1 = (round(v) for v in (box.x0, box.x1, box.y0, box.y1))
    if x1 <= x0 or y1 <= y0:
        return
    inverse = ax.transData.inverted()
    x_edges = inverse.transform(np.column_stack([np.arange(x0, x1 + 1), np.full(x1 - x0 + 1, y0)]))[:, 0]
    y_edges = inverse.transform(np.column_stack([np.full(y1 - y0 + 1, x0), np.arange(y0, y1 + 1)]))[:, 1]
    # Display coordinates grow upwards, buffer rows downwards: the painter's bottom row goes to the lowest row.
    pixels[height - y1 : height - y0, x0:x1] = painter(x_edges, y_edges)[::-1]


def fft_bin_index(*, sr: float, n_fft: int):
    """The function from frequency (Hz) to the (fractional) FFT bin index of an ``n_fft``-point STFT at ``sr``."""
    return lambda frequencies: np.asarray(frequencies) * n_fft / sr


class ImageAxes:
    """An axes whose data area an explorer paints pixel by pixel, with a switchable frequency scale.

    The grid is off (it would sit on top of the image). The frequency axis can be linear, logarithmic (octaves) or
    mel, switching only when it changes because a scale change resets ticks and forces a full redraw.
    """

    def __init__(self, ax):
        self.ax = ax
        ax.grid(False)
        self._scale = None

    def set_frequency_scale(self, scale: str, low: float, high: float) -> None:
        import librosa
        from matplotlib.ticker import FixedLocator, FuncFormatter

        ax = self.ax
        if scale != self._scale:
            if scale == "log":
                ax.set_yscale("log", base=2)
                ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
            elif scale == "mel":
                ax.set_yscale("function", functions=(librosa.hz_to_mel, librosa.mel_to_hz))
                ax.yaxis.set_major_locator(FixedLocator(MEL_TICKS_HZ))
            else:
                ax.set_yscale("linear")
            ax.set_ylabel("frequency (Hz)" if scale == "linear" else f"frequency (Hz, {scale} scale)")
            self._scale = scale
        ax.set_ylim(low, high)


class ImagePanel(ImageAxes):
    """An image axes and its colour bar: a (rows × frames) array, such as a dB spectrogram, painted in place.

    Used by SpectrogramExplorer, DecibelExplorer, MFCCExplorer and GriffinLimExplorer (notebooks/03_stft.ipynb to
    07_inversion.ipynb). The image always uses the colour bar's limits (:meth:`set_clim`), so the two agree.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes to paint; x is time in seconds.
    sr : int
        Sample rate of the audio behind the array, in Hz.
    clim : (float, float)
        Initial colour-bar limits (dB for a spectrogram).
    cmap : str
        matplotlib colormap.
    label : str
        Colour-bar label.
    fraction : float
        Share of the axes' width the colour bar takes.
    pooling : {"max", "extreme"}
        How several values sharing a pixel are shown (:func:`paint_image`): "extreme" for signed data on a diverging
        map.
    """

    def __init__(self, ax, *, sr, clim=(-80.0, 0.0), cmap="magma", label="dB", fraction=0.05, pooling="max"):
        import matplotlib as mpl

        super().__init__(ax)
        self.sr = sr
        self.pooling = require_choice("pooling", pooling, ("max", "extreme"))
        self.mappable = mpl.cm.ScalarMappable(norm=mpl.colors.Normalize(*clim), cmap=cmap)
        self.colorbar = ax.figure.colorbar(self.mappable, ax=ax, pad=0.01, fraction=fraction, label=label)
        self.lut = colormap_lut(cmap)

    def set_clim(self, vmin: float, vmax: float) -> None:
        """Set the colour bar's limits, and so the values painted darkest and brightest."""
        self.mappable.set_clim(vmin, vmax)

    def painter(self, Z, *, hop_length: int, rows=None):
        """A painter (for ``Explorer._paint``) showing ``Z`` in the current colour-bar limits.

        Column ``k`` of ``Z`` is the frame centred at ``k * hop_length / sr`` seconds. ``rows`` maps y data
        coordinates to row indices of ``Z``, e.g. ``fft_bin_index(sr=sr, n_fft=n_fft)`` when y is frequency in
        Hz and the rows are FFT bins; None means the y coordinates are row numbers.
        """
        vmin, vmax = self.mappable.get_clim()
        sr, lut, pooling = self.sr, self.lut, self.pooling

        def paint(x_edges, y_edges):
            y_index_edges = y_edges if rows is None else rows(y_edges)
            return paint_image(Z, x_edges * sr / hop_length, y_index_edges, vmin=vmin, vmax=vmax, lut=lut,
                               pooling=pooling)

        return paint
