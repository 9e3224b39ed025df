"""DecibelExplorer: what ``power_to_db``'s ``ref``, ``amin`` and ``top_db`` do to a spectrogram and its values.

Used in notebooks/05_decibels.ipynb.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError
from ..validate import require_audio, require_int, require_number, require_sr
from .base import Explorer, Frame
from .raster import ImagePanel, fft_bin_index

REF_OPTIONS = (np.max, 1.0, np.median, np.min)
REF_LABELS = ("max", "1.0", "median", "min (a misuse)")
GAIN_OPTIONS = (-40.0, -30.0, -20.0, -10.0, 0.0, 10.0, 20.0)
VALUE_OPTIONS = ("power", "magnitude")
VALUE_LABELS = ("power |X|²", "magnitude |X| (a misuse)")
AMIN_OPTIONS = (1e-12, 1e-10, 1e-8, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2)
TOP_DB_OPTIONS = (None, 20.0, 40.0, 60.0, 80.0, 100.0, 120.0)


@dataclass(kw_only=True)
class DecibelFrame(Frame):
    """A :class:`Frame` with the dB spectrogram ``S_db`` and its lowest and highest values."""

    S_db: np.ndarray
    low: float
    high: float


class DecibelExplorer(Explorer):
    """A power spectrogram through ``course_utils.dsp.power_to_db``, with the histogram of the dB values.

    Used in notebooks/05_decibels.ipynb.

    ``ref`` chooses which power is 0 dB (the loudest bin, 1.0, the median, or the quietest bin, a common misuse);
    ``amin`` is the floor below which power counts as silence; ``top_db`` cuts everything more than that many dB
    below the loudest bin. The histogram shows where those floors pile values up. ``gain_db`` makes the recording
    louder or quieter (an ideal gain on the power, with no clipping): with ``ref="max"`` the picture stays the same
    and only the absolute level read out moves; with ``ref=1.0`` every value moves by the gain. ``values="magnitude"`` feeds ``|X|`` where
    ``power_to_db`` expects ``|X|²`` (the 10-versus-20 mistake): every range is halved.

    Parameters
    ----------
    y : numpy.ndarray
        Mono audio (any clip, including one you recorded).
    sr : int
        Its sample rate in Hz.
    ref : "max", "median", "min", callable or float
        Reference power: ``"max"`` (``np.max``), ``"median"`` (``np.median``), ``"min"`` (``np.min``), a function,
        or a positive number.
    amin : float
        Power floor, > 0.
    top_db : float or None
        Dynamic range kept below the maximum; None keeps all.
    gain_db : float
        Gain in dB, applied to the power spectrogram (``10 ** (gain_db / 10)``): an ideal gain, so nothing clips.
    values : "power" or "magnitude"
        What is passed to ``power_to_db``: the power ``|X|²`` (right) or the magnitude ``|X|`` (the misuse).
    n_fft, hop_length : int
        STFT used for the power spectrogram (computed once).
    presentation : bool or None
        Larger figure and fonts; None follows :func:`course_utils.set_presentation`.
    """

    figsize = (9.0, 3.4)

    def __init__(self, y, *, sr, ref="max", amin=1e-10, top_db=80.0, gain_db=0.0, values="power", n_fft=1024,
                 hop_length=256, presentation=None):
        from .. import dsp

        super().__init__(presentation=presentation)
        self.y = require_audio(y)
        self.sr = require_sr(sr)
        named = dict(zip(("max", "median", "min"), (np.max, np.median, np.min)))
        if isinstance(ref, str):
            if ref not in named:
                raise ParameterError(f"ref must be 'max', 'median', 'min', a function or a positive number; "
                                     f"got {ref!r}")
            ref = named[ref]
        elif not callable(ref):
            ref = require_number("ref", ref, above=0)
        amin = require_number("amin", amin, above=0)
        if top_db is not None:
            top_db = require_number("top_db", top_db, above=0)
        gain_db = require_number("gain_db", gain_db)
        if values not in VALUE_OPTIONS:
            raise ParameterError(f"values must be 'power' or 'magnitude'; got {values!r}")
        n_fft = require_int("n_fft", n_fft, minimum=2)
        hop_length = require_int("hop_length", hop_length, minimum=1)
        self.power = np.abs(dsp.stft(self.y, n_fft=n_fft, hop_length=hop_length)) ** 2
        self.n_fft, self.hop_length = n_fft, hop_length
        self._choice("ref", ref, REF_OPTIONS, labels=REF_LABELS)
        self._choice("amin", amin, AMIN_OPTIONS, labels=[f"{a:.0e}" for a in AMIN_OPTIONS], kind="slider")
        self._choice("top_db", top_db, TOP_DB_OPTIONS, labels=["off" if t is None else f"{t:g}" for t in TOP_DB_OPTIONS],
                     kind="slider")
        self._choice("gain_db", gain_db, GAIN_OPTIONS, labels=[f"{g:+g} dB" for g in GAIN_OPTIONS], kind="slider",
                     description="gain")
        self._choice("values", values, VALUE_OPTIONS, labels=VALUE_LABELS)
        self._start()

    def _build(self, figure):
        image_ax, histogram_ax = figure.subplots(1, 2, width_ratios=[2, 1])
        self._panel = ImagePanel(image_ax, sr=self.sr, label="dB")
        image_ax.set(xlim=(0, len(self.y) / self.sr), ylim=(0, self.sr / 2), xlabel="time (s)",
                     ylabel="frequency (Hz)", title="power_to_db(S, ref, amin, top_db)")
        histogram_ax.set(xlabel="dB", ylabel="share of bins (%)", title="values")
        histogram_ax.yaxis.tick_right()  # on the left, the label ran into the colour bar's "dB"
        histogram_ax.yaxis.set_label_position("right")
        self._histogram = histogram_ax.stairs([0], [0, 1], fill=True, color="tab:blue", alpha=0.7)
        self._animate(self._histogram)
        self._floor_line = self._animate(histogram_ax.axvline(0, color="tab:red", ls="--", lw=1.2))
        self._histogram_ax = histogram_ax
        self.artists = {"histogram": self._histogram, "floor": self._floor_line}

    def _compute(self, values):
        from .. import dsp

        ref, amin, top_db = values["ref"], values["amin"], values["top_db"]
        power = self.power * 10 ** (values["gain_db"] / 10)
        given = power if values["values"] == "power" else np.sqrt(power)
        S_db = dsp.power_to_db(given, ref=ref, amin=amin, top_db=top_db)
        ref_power = ref(given) if callable(ref) else ref
        floor_db = float(10 * np.log10(amin) - 10 * np.log10(max(amin, ref_power)))
        low, high = float(S_db.min()), float(S_db.max())
        readouts = {
            "level_re_1_db": round(float(10 * np.log10(max(amin, given.max()))), 2),
            "max_db": round(high, 2),
            "min_db": round(low, 2),
            "range_db": round(high - low, 2),
            "silence_db": round(floor_db, 2),
            "at_floor_percent": round(100 * float(np.mean(S_db <= low + 1e-9)), 2),
        }
        return DecibelFrame(readouts=readouts, data={"S_db": S_db}, S_db=S_db, low=low, high=high)

    def _draw(self, frame, values):
        S_db, low, high = frame.S_db, frame.low, frame.high
        vmax = high if high > low else low + 1.0
        panel = self._panel
        panel.set_clim(low, vmax)
        self._paint(panel.ax, panel.painter(S_db, hop_length=self.hop_length,
                                            rows=fft_bin_index(sr=self.sr, n_fft=self.n_fft)))
        counts, edges = np.histogram(S_db, bins=60, range=(low, vmax))
        self._histogram.set_data(100 * counts / S_db.size, edges)
        span = vmax - low
        self._histogram_ax.set_xlim(low - 0.05 * span, vmax + 0.05 * span)
        self._histogram_ax.set_ylim(0, 1.1 * float(100 * counts.max() / S_db.size))
        self._floor_line.set_xdata([low, low])
        return (round(low, 6), round(vmax, 6))

    def _readout_rows(self, readouts, values):
        return [
            ("loudest bin, re 1.0", f"{readouts['level_re_1_db']:g} dB"),
            ("loudest bin", f"{readouts['max_db']:g} dB"),
            ("quietest shown", f"{readouts['min_db']:g} dB (range {readouts['range_db']:g} dB)"),
            ("silence, 10·log10(amin / ref)", f"{readouts['silence_db']:g} dB"),
            ("bins at the floor", f"{readouts['at_floor_percent']:g} %"),
        ]
