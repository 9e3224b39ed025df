"""GriffinLimExplorer: rebuild audio from a magnitude spectrogram; iterations, momentum, convergence, listening.

Used in notebooks/07_inversion.ipynb.
"""

from __future__ import annotations

import numpy as np

from ..validate import require_audio, require_choice, require_int, require_number, require_sr
from .base import Explorer, colormap_lut, paint_image
from .common import ImageAxes, quiet_call

MAX_ITERATIONS = 100
CONVERGENCE_LIMITS = (0.01, 1.2)


class GriffinLimExplorer(Explorer):
    """Griffin-Lim phase reconstruction (``course_utils.dsp.griffin_lim``) of a clip's magnitude spectrogram.

    Used in notebooks/07_inversion.ipynb.

    Left: the spectral convergence ``‖S − |STFT(ŷ)|‖ / ‖S‖`` after each iteration (lower is better). Right: the
    spectrogram of the rebuilt signal ŷ. The player holds ŷ, so you can hear the phase artefacts fade as the
    iterations add up; ``momentum`` (fast Griffin-Lim) gets there in fewer iterations, and above 1 may diverge.

    Parameters
    ----------
    y : numpy.ndarray
        Mono audio (any clip, including one you recorded); it is trimmed to ``max_seconds`` to keep renders quick.
    sr : int
        Its sample rate in Hz.
    n_iter : int
        Iterations, 0 … 100.
    momentum : float
        Fast Griffin-Lim momentum, 0 … 1.5 (0 is the original algorithm, 0.99 librosa's default).
    init : {"random", None}
        Initial phase: seeded random, or zero.
    n_fft, hop_length : int
        STFT settings of the magnitude spectrogram.
    max_seconds : float
        Longest stretch of ``y`` used.
    presentation : bool or None
        Larger figure and fonts; None follows :func:`course_utils.set_presentation`.
    """

    figsize = (9.0, 3.4)
    has_audio = True

    def __init__(self, y, sr, *, n_iter=32, momentum=0.99, init="random", n_fft=512, hop_length=128,
                 max_seconds=4.0, presentation=None):
        from .. import dsp

        super().__init__(presentation=presentation)
        y = require_audio(y)
        self.sr = require_sr(sr)
        max_seconds = require_number("max_seconds", max_seconds, above=0)
        self.y = y[: max(1, int(max_seconds * self.sr))]
        n_iter = require_int("n_iter", n_iter, minimum=0, maximum=MAX_ITERATIONS)
        momentum = require_number("momentum", momentum, minimum=0)
        require_choice("init", init, ("random", None))
        self.n_fft = require_int("n_fft", n_fft, minimum=2)
        self.hop_length = require_int("hop_length", hop_length, minimum=1)
        self.magnitude = np.abs(dsp.stft(self.y, n_fft=self.n_fft, hop_length=self.hop_length))
        self._cache = {}
        self._int_slider("n_iter", n_iter, minimum=0, maximum=MAX_ITERATIONS)
        self._float_slider("momentum", momentum, minimum=0, maximum=1.5, step=0.01)
        self._choice("init", init, ("random", None), labels=("random", "zeros"), kind="toggle",
                     description="initial phase", column=1)
        self._start()

    def _build(self, figure):
        import matplotlib as mpl

        curve_ax, image_ax = figure.subplots(1, 2, width_ratios=[1, 1.6])
        curve_ax.set(xlim=(0, MAX_ITERATIONS), ylim=CONVERGENCE_LIMITS, yscale="log", xlabel="iteration",
                     ylabel="spectral convergence", title="convergence (lower is better)")
        (self._curve,) = curve_ax.plot([], [], color="tab:blue", lw=1.4)
        (self._last_point,) = curve_ax.plot([], [], "o", color="tab:orange", ms=6)
        self._animate(self._curve)
        self._animate(self._last_point)
        self._axes = ImageAxes(self, image_ax)
        image_ax.set(xlim=(0, len(self.y) / self.sr), ylim=(0, self.sr / 2), xlabel="time (s)",
                     ylabel="frequency (Hz)", title="spectrogram of the rebuilt signal")
        figure.colorbar(mpl.cm.ScalarMappable(norm=mpl.colors.Normalize(-80, 0), cmap="magma"), ax=image_ax,
                        pad=0.01, fraction=0.05, label="dB re max")
        self._lut = colormap_lut("magma")

    def _reconstruct(self, n_iter, momentum, init):
        """Run Griffin-Lim (cached: going back to a setting seen before is instant)."""
        from .. import dsp

        key = (n_iter, momentum, init)
        if key not in self._cache:
            (rebuilt, convergence), warning = quiet_call(
                dsp.griffin_lim, self.magnitude, n_iter=n_iter, hop_length=self.hop_length, n_fft=self.n_fft,
                momentum=momentum, init=init, rng=0, length=len(self.y), return_convergence=True,
            )
            estimate = np.abs(dsp.stft(rebuilt, n_fft=self.n_fft, hop_length=self.hop_length))
            self._cache = {key: (rebuilt, convergence, estimate, warning)}  # one entry: memory stays bounded
        return self._cache[key]

    def _compute(self, values):
        from .. import dsp

        rebuilt, convergence, estimate, warning = self._reconstruct(values["n_iter"], values["momentum"],
                                                                    values["init"])
        final = dsp.spectral_convergence(self.magnitude, estimate)
        readouts = {
            "n_iter": values["n_iter"],
            "spectral_convergence": round(final, 4),
            "snr_db": round(dsp.snr_db(self.y.astype(np.float64), rebuilt), 2),
        }
        power = estimate**2
        peak = float(power.max()) or 1.0
        return {"convergence": convergence, "final": final, "estimate_db": dsp.power_to_db(power, ref=peak),
                "readouts": readouts, "warning": warning, "audio": rebuilt,
                "data": {"rebuilt": rebuilt, "convergence": convergence}}

    def _draw(self, result):
        convergence = result["convergence"]
        iterations = np.arange(1, len(convergence) + 1)
        self._curve.set_data(iterations, convergence)
        self._last_point.set_data([len(convergence)], [result["final"]])
        estimate_db, lut, sr, hop, n_fft = result["estimate_db"], self._lut, self.sr, self.hop_length, self.n_fft
        self._paint(self._axes.ax, lambda x_edges, y_edges: paint_image(
            estimate_db, x_edges * sr / hop, y_edges * n_fft / sr, vmin=-80.0, vmax=0.0, lut=lut))
        return ()  # nothing drawn in the background depends on the settings

    def _readout_rows(self, readouts):
        return [
            ("iterations", str(readouts["n_iter"])),
            ("spectral convergence of ŷ", f"{readouts['spectral_convergence']:.4f}"),
            ("SNR of ŷ against y (phase counts too)", f"{readouts['snr_db']:.2f} dB"),
        ]
