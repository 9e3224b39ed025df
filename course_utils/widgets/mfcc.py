"""MFCCExplorer: keep the first n_mfcc cepstral coefficients, lifter them, and see what they still describe.

Used in notebooks/06_mfcc.ipynb.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError
from ..validate import require_audio, require_int, require_number, require_sr
from .base import Explorer, Frame
from .raster import ImagePanel


@dataclass(kw_only=True)
class MFCCFrame(Frame):
    """A :class:`Frame` with the three images: ``log_mel``, the ``kept`` coefficients (liftered) and the log-mel
    spectrogram ``rebuilt`` from them; ``unliftered`` are all coefficients before the lifter; ``frame_index`` is the
    frame the line plot shows."""

    log_mel: np.ndarray
    kept: np.ndarray
    unliftered: np.ndarray
    rebuilt: np.ndarray
    frame_index: int


class MFCCExplorer(Explorer):
    """Log-mel spectrogram → DCT → first ``n_mfcc`` coefficients (→ lifter), and back again.

    Used in notebooks/06_mfcc.ipynb.

    Left, top: the log-mel spectrogram (``course_utils.dsp``). Middle: the ``n_mfcc`` kept DCT coefficients per
    frame; lifter weights scale them. Bottom: the log-mel spectrogram rebuilt from the kept coefficients alone
    (lifter undone, inverse DCT): the smooth spectral envelope MFCCs describe, without the fine harmonic detail.
    Right: one frame (the dashed line on the left), its log-mel values against the ones rebuilt from its MFCCs.

    Parameters
    ----------
    y : numpy.ndarray
        Mono audio (any clip, including one you recorded).
    sr : int
        Its sample rate in Hz.
    n_mfcc : int
        Coefficients kept, 1 … n_mels.
    lifter : int
        Sinusoidal lifter length in coefficients (0 = none; 22 is the HTK choice).
    n_mels : int
        Mel bands of the spectrogram.
    n_fft, hop_length : int
        STFT settings (the power spectrogram is computed once).
    time : float or None
        Centre of the frame the line plot shows, in seconds, 0 … the last frame's centre; moved to the nearest
        frame. None: the loudest frame (the largest total power).
    presentation : bool or None
        Larger figure and fonts; None follows :func:`course_utils.set_presentation`.
    """

    figsize = (10.0, 5.4)

    def __init__(self, y, *, sr, n_mfcc=13, lifter=0, n_mels=40, n_fft=1024, hop_length=256, time=None,
                 presentation=None):
        from .. import dsp

        super().__init__(presentation=presentation)
        self.y = require_audio(y)
        self.sr = require_sr(sr)
        n_mels = require_int("n_mels", n_mels, minimum=2)
        n_mfcc = require_int("n_mfcc", n_mfcc, minimum=1, maximum=n_mels)
        lifter = require_int("lifter", lifter, minimum=0)
        self.n_fft = require_int("n_fft", n_fft, minimum=2)
        self.hop_length = require_int("hop_length", hop_length, minimum=1)
        self.power = np.abs(dsp.stft(self.y, n_fft=self.n_fft, hop_length=self.hop_length)) ** 2
        self.frame_seconds = self.hop_length / self.sr
        last_time = (self.power.shape[1] - 1) * self.frame_seconds
        if time is None:
            time = int(np.argmax(self.power.sum(axis=0))) * self.frame_seconds
        elif not 0 <= require_number("time", time) <= last_time:
            raise ParameterError(f"time must be between 0 and {last_time:g} s (the centres of the first and last "
                                 f"frames); got {time:g}")
        self._log_mel = {}
        self._int_slider("n_mfcc", n_mfcc, minimum=1, maximum=64)
        # Even lengths only: lifter=1 weights every coefficient by exactly 1 (sin(π·n) = 0), which looks broken.
        self._int_slider("lifter", lifter, minimum=0, maximum=60, step=2)
        self._int_slider("n_mels", n_mels, minimum=8, maximum=128, step=4, column=1)
        whole_centiseconds = np.isclose(100 * self.frame_seconds, round(100 * self.frame_seconds))
        self._float_slider("time", self._snap(time), minimum=0, maximum=last_time, step=self.frame_seconds,
                           description="frame at (s)", readout_format=".2f" if whole_centiseconds else ".3f", column=1)
        self._start()

    def _snap(self, time: float) -> float:
        """``time`` moved to the centre of the nearest frame."""
        return round(time / self.frame_seconds) * self.frame_seconds

    def _to_widget_value(self, name, value):
        value = super()._to_widget_value(name, value)
        return self._snap(value) if name == "time" else value

    def log_mel(self, n_mels: int) -> np.ndarray:
        """``power_to_db(melspectrogram(S=power, n_mels=n_mels))`` of the clip, cached per ``n_mels``."""
        from .. import dsp

        if n_mels not in self._log_mel:
            mel = dsp.melspectrogram(S=self.power, sr=self.sr, n_mels=n_mels)
            self._log_mel[n_mels] = dsp.power_to_db(mel, ref=np.max)
        return self._log_mel[n_mels]

    def _build(self, figure):
        grid = figure.add_gridspec(3, 2, width_ratios=(2.2, 1))
        top = figure.add_subplot(grid[0, 0])
        axes = [top] + [figure.add_subplot(grid[row, 0], sharex=top) for row in (1, 2)]
        duration = len(self.y) / self.sr
        titles = ("log-mel spectrogram (dB)", "kept DCT coefficients", "rebuilt from the kept MFCCs (dB)")
        for ax, title, ylabel in zip(axes, titles, ("mel band", "coefficient", "mel band")):
            ax.set(xlim=(0, duration), title=title, ylabel=ylabel)
        for ax in axes[:-1]:
            ax.tick_params(labelbottom=False)
        axes[-1].set_xlabel("time (s)")
        self._log_mel_panel = ImagePanel(axes[0], sr=self.sr, fraction=0.04)
        self._coefficient_panel = ImagePanel(axes[1], sr=self.sr, clim=(-1, 1), cmap="coolwarm", label="",
                                             fraction=0.04)
        self._rebuilt_panel = ImagePanel(axes[2], sr=self.sr, fraction=0.04)
        for name, ax in zip(("log_mel_marker", "coefficient_marker", "rebuilt_marker"), axes):
            self.artists[name] = self._animate(ax.axvline(0, color="white", ls="--", lw=1.0))

        frame_ax = figure.add_subplot(grid[:, 1])
        frame_ax.set(title="one frame (dashed line)", xlabel="mel band", ylabel="dB", ylim=(-85, 5))
        self.artists["frame_log_mel"] = self._animate(frame_ax.plot([], [], color="0.55", lw=2, label="log-mel")[0])
        self.artists["frame_rebuilt"] = self._animate(
            frame_ax.plot([], [], color="tab:red", lw=1.3, label="rebuilt from the kept MFCCs")[0])
        frame_ax.legend(loc="lower left")
        self._frame_ax = frame_ax

    def _compute(self, values):
        from .. import dsp

        n_mfcc, lifter, n_mels = values["n_mfcc"], values["lifter"], values["n_mels"]
        if n_mfcc > n_mels:
            raise ParameterError(f"n_mfcc={n_mfcc} must be <= n_mels={n_mels}: there are only n_mels coefficients")
        log_mel = self.log_mel(n_mels)
        all_coefficients = dsp.dct(log_mel, axis=0)
        mfccs = dsp.mfcc(S=log_mel, n_mfcc=n_mfcc, lifter=lifter)
        kept = np.zeros_like(log_mel)
        kept[:n_mfcc] = all_coefficients[:n_mfcc]  # what mfcc() keeps, before the lifter
        rebuilt = dsp.idct(kept, axis=0)
        frame_index = int(round(values["time"] / self.frame_seconds))
        frame_difference = rebuilt[:, frame_index] - log_mel[:, frame_index]
        weights = dsp.lifter_weights(n_mfcc, lifter) if lifter > 0 else np.ones(n_mfcc)
        readouts = {
            "mfcc_shape": mfccs.shape,
            "lifter_weights": (round(float(weights.min()), 3), round(float(weights.max()), 3)),
            "kept_percent": round(100 * n_mfcc / n_mels, 1),
            "rebuild_error_db": round(float(np.sqrt(np.mean((rebuilt - log_mel) ** 2))), 2),
            "frame_error_db": round(float(np.sqrt(np.mean(frame_difference**2))), 2),
        }
        return MFCCFrame(readouts=readouts, data={"mfcc": mfccs, "log_mel": log_mel, "rebuilt": rebuilt},
                         log_mel=log_mel, kept=mfccs, unliftered=all_coefficients, rebuilt=rebuilt,
                         frame_index=frame_index)

    def _draw(self, frame, values):
        n_mfcc, n_mels = values["n_mfcc"], values["n_mels"]
        for panel in (self._log_mel_panel, self._rebuilt_panel):
            panel.ax.set_ylim(-0.5, n_mels - 0.5)  # y data coordinates are row numbers: no rows= mapping needed
        self._coefficient_panel.ax.set_ylim(-0.5, n_mfcc - 0.5)
        title = f"the {n_mfcc} kept DCT coefficient{'s' if n_mfcc > 1 else ''}, of {n_mels}"
        self._coefficient_panel.ax.set_title(title)
        # c0 (overall loudness) dwarfs the rest: scale the colours to the other, unliftered coefficients, so their
        # pattern shows and a lifter visibly boosts (and saturates) the ones it weights up.
        spread = float(np.percentile(np.abs(frame.unliftered[1:]), 99)) or 1.0
        self._coefficient_panel.set_clim(-spread, spread)
        time = frame.frame_index * self.frame_seconds
        for name in ("log_mel_marker", "coefficient_marker", "rebuilt_marker"):
            self.artists[name].set_xdata([time, time])
        bands = np.arange(n_mels)
        self.artists["frame_log_mel"].set_data(bands, frame.log_mel[:, frame.frame_index])
        self.artists["frame_rebuilt"].set_data(bands, frame.rebuilt[:, frame.frame_index])
        self._frame_ax.set_xlim(-0.5, n_mels - 0.5)
        hop = self.hop_length
        self._paint(self._log_mel_panel.ax, self._log_mel_panel.painter(frame.log_mel, hop_length=hop))
        self._paint(self._coefficient_panel.ax, self._coefficient_panel.painter(frame.kept, hop_length=hop))
        self._paint(self._rebuilt_panel.ax, self._rebuilt_panel.painter(frame.rebuilt, hop_length=hop))
        return round(spread, 3), title

    def _readout_rows(self, readouts, values):
        time = round(values["time"] / self.frame_seconds) * self.frame_seconds
        return [
            ("MFCC shape (n_mfcc, frames)", str(readouts["mfcc_shape"])),
            ("kept n_mfcc / n_mels", f"{values['n_mfcc']} / {values['n_mels']} = {readouts['kept_percent']:g} %"),
            ("lifter weights 1 + (L/2)·sin(π·n/L)", "{:g} … {:g}".format(*readouts["lifter_weights"])),
            ("rebuild error (RMS)", f"{readouts['rebuild_error_db']:g} dB over the clip, "
                                    f"{readouts['frame_error_db']:g} dB in the frame at {time:.3g} s"),
        ]
