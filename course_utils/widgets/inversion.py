"""GriffinLimExplorer: rebuild audio from a magnitude spectrogram; iterations, momentum, convergence, listening.

Used in notebooks/07_inversion.ipynb.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..validate import require_audio, require_choice, require_int, require_number, require_sr
from .base import Explorer, Frame
from .common import quiet_call
from .raster import ImagePanel, fft_bin_index

MAX_ITERATIONS = 100
CONVERGENCE_LIMITS = (0.01, 1.2)
DIFFERENCE_LIMIT_DB = 20.0
# Bins this far below the original's loudest are near-silent. A bin is shown as no difference only when the original
# *and* the rebuilt signal are that quiet there: a large dB difference between two near-silent levels is not audible,
# but energy that the rebuilt signal puts into a near-silent stretch (smeared into a pause, pre-echo) is.
QUIET_DB = -60.0


@dataclass(kw_only=True)
class GriffinLimFrame(Frame):
    """A :class:`Frame` with the spectral convergence ``dsp.griffin_lim`` measured at each iteration, the ``final``
    value (that of the returned audio), the dB spectrogram of the rebuilt signal (``estimate_db``) and its difference
    from the original's (``difference_db``)."""

    convergence: np.ndarray
    final: float
    estimate_db: np.ndarray
    difference_db: np.ndarray


class GriffinLimExplorer(Explorer):
    """Griffin-Lim phase reconstruction (``course_utils.dsp.griffin_lim``) of a clip's magnitude spectrogram.

    Used in notebooks/07_inversion.ipynb.

    Left: the spectral convergence ``‖S − |STFT(ŷ_k)|‖ / ‖S‖`` of the audio ŷ_k after k = 0, 1, …, ``n_iter``
    iterations (lower is better); the dot at k = ``n_iter`` is the audio in the player. ``dsp.griffin_lim`` measures
    ŷ_k inside its iteration k + 1, so the curve is its convergence values followed by that of the returned audio.
    Middle: the spectrogram of the rebuilt signal ŷ. Right: where it differs from the original,
    ``20 log10(|STFT(ŷ)| / S)`` in dB (red: too loud, blue: too quiet); a bin is shown as no difference only where
    both the original and ŷ are more than 60 dB below the original's loudest. The iteration axis always spans
    0 … 100, so the curve grows to the right as ``n_iter`` rises
    instead of being redrawn to a new scale. The player holds ŷ, so you can hear the phase artefacts fade as the
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

    figsize = (12.0, 3.4)
    has_audio = True

    def __init__(self, y, *, sr, n_iter=32, momentum=0.99, init="random", n_fft=512, hop_length=128,
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
        curve_ax, image_ax, difference_ax = figure.subplots(1, 3, width_ratios=[1, 1.4, 1.4])
        curve_ax.set(xlim=(0, MAX_ITERATIONS), ylim=CONVERGENCE_LIMITS, yscale="log", xlabel="iteration",
                     ylabel="spectral convergence", title="convergence (lower is better)")
        (self._curve,) = curve_ax.plot([], [], color="tab:blue", lw=1.4)
        (self._last_point,) = curve_ax.plot([], [], "o", color="tab:orange", ms=6)
        self._animate(self._curve)
        self._animate(self._last_point)
        self.artists = {"convergence": self._curve, "last_iteration": self._last_point}
        self._panel = ImagePanel(image_ax, sr=self.sr, label="dB re max")
        image_ax.set(xlim=(0, len(self.y) / self.sr), ylim=(0, self.sr / 2), xlabel="time (s)",
                     ylabel="frequency (Hz)", title="spectrogram of the rebuilt signal")
        self._difference_panel = ImagePanel(difference_ax, sr=self.sr, cmap="RdBu_r", label="dB, rebuilt − original",
                                            clim=(-DIFFERENCE_LIMIT_DB, DIFFERENCE_LIMIT_DB), pooling="extreme")
        difference_ax.set(xlim=(0, len(self.y) / self.sr), ylim=(0, self.sr / 2), xlabel="time (s)",
                          title="rebuilt − original")

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
        original_power = self.magnitude**2
        original_peak = float(original_power.max()) or 1.0
        original_db = dsp.power_to_db(original_power, ref=original_peak, top_db=None)
        rebuilt_db = dsp.power_to_db(power, ref=original_peak, top_db=None)
        difference_db = rebuilt_db - original_db
        audible = (original_db >= QUIET_DB) | (rebuilt_db >= QUIET_DB)
        difference_db[~audible] = 0.0
        readouts["off_by_6db_percent"] = round(100 * float(np.mean(np.abs(difference_db[audible]) > 6)))
        return GriffinLimFrame(readouts=readouts, data={"rebuilt": rebuilt, "convergence": convergence,
                                                        "difference_db": difference_db},
                               audio=rebuilt, audio_sr=self.sr, warning=warning, convergence=convergence,
                               final=final, estimate_db=dsp.power_to_db(power, ref=peak), difference_db=difference_db)

    def _draw(self, frame, values):
        # Point k is the audio after k iterations: griffin_lim measures it in iteration k + 1, the last one is final.
        after_iterations = np.append(frame.convergence, frame.final)
        self._curve.set_data(np.arange(len(after_iterations)), after_iterations)
        self._last_point.set_data([len(frame.convergence)], [frame.final])
        panel = self._panel
        rows = fft_bin_index(sr=self.sr, n_fft=self.n_fft)
        self._paint(panel.ax, panel.painter(frame.estimate_db, hop_length=self.hop_length, rows=rows))
        difference = self._difference_panel
        self._paint(difference.ax, difference.painter(frame.difference_db, hop_length=self.hop_length, rows=rows))
        return ()  # nothing drawn in the background depends on the settings

    def _readout_rows(self, readouts, values):
        return [
            ("iterations", str(readouts["n_iter"])),
            ("spectral convergence of ŷ", f"{readouts['spectral_convergence']:.4f}"),
            ("SNR of ŷ against y (phase counts too)", f"{readouts['snr_db']:.2f} dB"),
            ("bins more than 6 dB off (of those where y or ŷ is within 60 dB of y's loudest)",
             f"{readouts['off_by_6db_percent']} %"),
        ]
