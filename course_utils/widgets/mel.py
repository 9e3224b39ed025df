"""MelFilterbankExplorer: the triangular mel filters over the FFT bins, and when some of them come out empty.

Used in notebooks/04_mel_scale.ipynb.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..validate import require_choice, require_int, require_number, require_sr
from .base import Explorer, Frame
from .common import quiet_call

N_FFT_OPTIONS = (64, 128, 256, 512, 1024, 2048, 4096)
EMPTY_OUTLINE_HEIGHT = 0.3


def flat_spectrum_tilt_db(weights):
    """What a filterbank's normalisation does to a flat spectrum, in dB; taught in lesson 04.

    The output of the highest band over the lowest band that catches an FFT bin, for power 1 in every bin: about
    0 dB with ``norm="slaney"`` (equal areas) while each band spans several bins, several dB with ``norm=None``
    (the wide top triangles add up more bins). Two bands only: `flat_spectrum_spread_db` looks at all of them.

    Parameters
    ----------
    weights : numpy.ndarray, shape (n_mels, 1 + n_fft // 2)
        The filterbank, e.g. from ``course_utils.dsp.mel_filterbank``.

    Returns
    -------
    float or None
        The tilt rounded to 0.1 dB, or None when fewer than two bands catch a bin.
    """
    flat_outputs = np.asarray(weights).sum(axis=1)  # each band's output for a flat spectrum, power 1 in every bin
    caught = np.flatnonzero(flat_outputs > 0)
    if len(caught) < 2:
        return None
    return round(10 * float(np.log10(flat_outputs[caught[-1]] / flat_outputs[caught[0]])), 1) + 0.0


def flat_spectrum_spread_db(weights):
    """How unequal a filterbank's bands are for a flat spectrum: the lowest and highest output, in dB re the top band.

    Taught in lesson 04. Equal areas (``norm="slaney"``) give equal outputs only while each triangle spans several
    FFT bins; bands narrower than the bin spacing catch one bin or two at arbitrary weights, so their outputs
    scatter by many dB, which the top-over-lowest tilt of `flat_spectrum_tilt_db` can miss.

    Parameters
    ----------
    weights : numpy.ndarray, shape (n_mels, 1 + n_fft // 2)
        The filterbank, e.g. from ``course_utils.dsp.mel_filterbank``.

    Returns
    -------
    tuple of float or None
        ``(lowest, highest)`` over the bands that catch a bin, each rounded to 0.1 dB re the highest such band;
        None when no band catches a bin.
    """
    flat_outputs = np.asarray(weights).sum(axis=1)  # each band's output for power 1 in every bin
    caught = flat_outputs[flat_outputs > 0]  # empty bands are counted apart, as empty filters
    if len(caught) == 0:
        return None
    levels = 10 * np.log10(caught / caught[-1])
    return round(float(levels.min()), 1) + 0.0, round(float(levels.max()), 1) + 0.0


def format_spread(spread):
    """The spread readout as both explorers of lesson 04 print it: "–" or "-13.9 … +4.2 dB"."""
    return "–" if spread is None else f"{spread[0]:+.1f} … {spread[1]:+.1f} dB"


@dataclass(kw_only=True)
class FilterbankFrame(Frame):
    """A :class:`Frame` with the filterbank ``weights`` (bands × FFT bins), the band ``edges`` in Hz, which
    bands are ``empty`` (the warning's count), and whether band 0, starting at 0 Hz, is all zero too
    (``band0_all_zero``)."""

    weights: np.ndarray
    edges: np.ndarray
    empty: np.ndarray
    band0_all_zero: bool


class MelFilterbankExplorer(Explorer):
    """The mel filterbank ``course_utils.dsp.mel_filterbank`` builds, drawn over the FFT bin frequencies.

    Used in notebooks/04_mel_scale.ipynb.

    Each triangle is one mel band, drawn through the weights it has at the FFT bins; the ticks along the bottom are
    the bins (``sr / n_fft`` apart). When a band is narrower than the bin spacing it may catch no bin at all: such
    empty filters are outlined in red and the panel shows the filterbank's warning. The warning, like librosa's,
    does not count band 0 when it starts at 0 Hz; that band is all zero when its only bin is the 0 Hz bin on its
    lower edge, and is then outlined in dotted red, since its output is always 0 as well. Heights are relative to the
    tallest filter; with ``norm="slaney"`` the triangles shrink as they widen so each has the same area. The
    ``htk`` toggle switches the mel formula (band edges and widths change), the ``norm`` toggle the normalisation;
    since relative heights hide how much the bands' outputs differ, the readout ``flat_tilt_db`` gives it: the
    output of the highest band over the lowest one that catches a bin, for a flat spectrum, in dB (about 0 with
    ``norm="slaney"`` while the bands span several bins; ``None`` when fewer than two bands catch a bin), and
    ``flat_spread_db`` the lowest and highest output of all such bands, re the top one
    (:func:`flat_spectrum_spread_db`): narrow bands that catch one bin or two scatter by many dB.

    Parameters
    ----------
    sr : int
        Sample rate in Hz.
    n_fft : int
        FFT length the filters are made for.
    n_mels : int
        Number of mel bands.
    fmin, fmax : float
        Lowest and highest edge in Hz; ``fmax=None`` means ``sr / 2``.
    htk : bool
        Use the HTK mel formula instead of Slaney's.
    norm : {"slaney", None}
        Area normalisation of each triangle, or None for peak height 1.
    presentation : bool or None
        Larger figure and fonts; None follows :func:`course_utils.set_presentation`.
    """

    figsize = (9.0, 3.3)

    def __init__(self, *, sr=16000, n_fft=512, n_mels=40, fmin=0.0, fmax=None, htk=False, norm="slaney",
                 presentation=None):
        super().__init__(presentation=presentation)
        self.sr = require_sr(sr)
        nyquist = self.sr / 2
        n_fft = require_int("n_fft", n_fft, minimum=2)
        n_mels = require_int("n_mels", n_mels, minimum=1)
        fmin = require_number("fmin", fmin, minimum=0, maximum=nyquist)
        fmax = nyquist if fmax is None else require_number("fmax", fmax, above=0, maximum=nyquist)
        require_choice("htk", htk, (False, True))
        require_choice("norm", norm, ("slaney", None))
        self._int_slider("n_mels", n_mels, minimum=1, maximum=256)
        self._choice("n_fft", n_fft, N_FFT_OPTIONS, kind="slider")
        step = 50.0 if nyquist <= 12000 else 100.0
        self._float_slider("fmin", fmin, minimum=0, maximum=nyquist, step=step, readout_format=".0f", column=1)
        self._float_slider("fmax", fmax, minimum=0, maximum=nyquist, step=step, readout_format=".0f", column=1)
        self._choice("htk", htk, (False, True), labels=("slaney", "htk"), kind="toggle", description="mel formula")
        self._choice("norm", norm, ("slaney", None), labels=("slaney", "none"), kind="toggle")
        self._start()

    def _build(self, figure):
        from matplotlib.collections import LineCollection

        ax = figure.add_subplot()
        ax.set(xlim=(0, self.sr / 2), ylim=(-0.08, 1.08), xlabel="frequency (Hz)",
               ylabel="weight (relative to tallest)", title="mel filterbank over the FFT bins")
        self._filters = self._animate(ax.add_collection(LineCollection([], colors="tab:blue", linewidths=1.0)))
        self._empty = self._animate(ax.add_collection(LineCollection([], colors="tab:red", linewidths=1.5,
                                                                     linestyles="--")))
        self._band0_all_zero = self._animate(ax.add_collection(LineCollection([], colors="tab:red", linewidths=1.5,
                                                                              linestyles=":")))
        self._bins = self._animate(ax.add_collection(LineCollection([], colors="0.35", linewidths=0.8)))
        self.artists = {"filters": self._filters, "empty_filters": self._empty,
                        "band0_all_zero": self._band0_all_zero, "bins": self._bins}

    def _compute(self, values):
        from .. import dsp

        sr, n_fft, n_mels = self.sr, values["n_fft"], values["n_mels"]
        fmin, fmax, htk, norm = values["fmin"], values["fmax"], values["htk"], values["norm"]
        # mel_filterbank raises ParameterError for fmin >= fmax: the base class shows it in the panel.
        weights, warning = quiet_call(dsp.mel_filterbank, sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax,
                                      htk=htk, norm=norm)
        edges = dsp.mel_frequencies(n_mels + 2, fmin=fmin, fmax=fmax, htk=htk)
        # The same rule as mel_filterbank's warning: a band starting at 0 Hz may rightly have zero weight.
        empty = (edges[:-2] > 0) & (weights.max(axis=1) <= 0)
        # ... yet it is just as dead when its only bin is that 0 Hz bin, at weight 0.
        band0_all_zero = bool(edges[0] <= 0 and weights[0].max() <= 0)
        widths = edges[2:] - edges[:-2]
        readouts = {
            "n_mels": n_mels,
            "n_bins": 1 + n_fft // 2,
            "delta_f_hz": sr / n_fft,
            "empty_filters": int(empty.sum()),
            "band0_all_zero": band0_all_zero,
            "narrowest_band_hz": round(float(widths.min()), 2),
            "widest_band_hz": round(float(widths.max()), 2),
            # The norm switch's effect, which the relative heights of the picture hide: about 0 dB with "slaney".
            "flat_tilt_db": flat_spectrum_tilt_db(weights),
            # Equal areas are not equal outputs once bands are narrower than the bins: every band, not two.
            "flat_spread_db": flat_spectrum_spread_db(weights),
        }
        return FilterbankFrame(readouts=readouts, data={"weights": weights, "edges_hz": edges}, warning=warning,
                               weights=weights, edges=edges, empty=empty, band0_all_zero=band0_all_zero)

    def _draw(self, frame, values):
        edges, weights, empty = frame.edges, frame.weights, frame.empty
        n_fft = values["n_fft"]
        bin_frequencies = np.arange(1 + n_fft // 2) * self.sr / n_fft
        tallest = float(weights.max()) or 1.0
        filled, hollow, band0_outline = [], [], []
        for band in range(len(weights)):
            low, centre, high = edges[band : band + 3]
            # Where the band would be, for bands whose weights are all zero.
            outline = [(low, 0.0), (centre, EMPTY_OUTLINE_HEIGHT), (high, 0.0)]
            if empty[band]:
                hollow.append(outline)
                continue
            if band == 0 and frame.band0_all_zero:
                band0_outline.append(outline)
                continue
            inside = (bin_frequencies > low) & (bin_frequencies < high)
            # The weights the filterbank really has: its triangle sampled at the bins it contains.
            xs = np.concatenate([[low], bin_frequencies[inside], [high]])
            ys = np.concatenate([[0.0], weights[band, inside] / tallest, [0.0]])
            filled.append(np.column_stack([xs, ys]))
        self._filters.set_segments(filled)
        self._empty.set_segments(hollow)
        self._band0_all_zero.set_segments(band0_outline)
        self._bins.set_segments([[(f, -0.08), (f, -0.02)] for f in bin_frequencies])
        return ()  # nothing drawn in the background depends on the settings

    def _readout_rows(self, readouts, values):
        return [
            ("bin spacing sr / n_fft", f"{readouts['delta_f_hz']:.6g} Hz ({readouts['n_bins']} bins)"),
            ("band widths", f"{readouts['narrowest_band_hz']:g} … {readouts['widest_band_hz']:g} Hz"),
            ("empty filters", f"{readouts['empty_filters']} of {readouts['n_mels']}"
             + (", and band 0 (from 0 Hz, dotted) is all zero too" if readouts["band0_all_zero"] else "")),
            ("flat spectrum, top band / lowest", "–" if readouts["flat_tilt_db"] is None
             else f"{readouts['flat_tilt_db']:+.1f} dB"),
            ("flat spectrum, every band re top band", format_spread(readouts["flat_spread_db"])),
        ]
