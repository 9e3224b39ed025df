"""Explorers of notebooks/01_sampling_quantization.ipynb: aliasing of a tone, and quantization of a clip.

Used in notebooks/01_sampling_quantization.ipynb.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..validate import require_audio, require_choice, require_int, require_number, require_sr
from .base import Explorer, Frame

SAMPLE_RATES = (4000, 8000, 11025, 16000, 22050, 32000, 44100, 48000)
VIEW_MS = 5.0  # time window of the aliasing plot: a few periods of a 1 kHz tone
FADE_S = 0.01  # fade the tones in and out so the player does not click


def alias_frequency(freq: float, sr: int) -> float:
    """The frequency (Hz, 0 … sr/2) that samples of a ``freq`` Hz tone taken at ``sr`` Hz are indistinguishable from."""
    return abs(freq - sr * round(freq / sr))


@dataclass(kw_only=True)
class AliasingFrame(Frame):
    """A :class:`Frame` with the frequency heard when the tone is sampled."""

    heard: float


@dataclass(kw_only=True)
class QuantizationFrame(Frame):
    """A :class:`Frame` with the quantized clip and its SNR in dB."""

    quantized: np.ndarray
    snr: float


class AliasingExplorer(Explorer):
    """A tone sampled at ``sr``: above the Nyquist frequency ``sr / 2`` the samples describe a lower tone.

    Used in notebooks/01_sampling_quantization.ipynb.

    The left plot shows the tone, its samples and the one band-limited signal through those samples (what a
    digital-to-analogue converter plays back); the right plot is the folding diagram: heard frequency against tone
    frequency. The audio player plays the sampled tone.

    Parameters
    ----------
    sr : int
        Sample rate in Hz (initial value; the slider offers 4 kHz to 48 kHz).
    freq : float
        Tone frequency in Hz, from 0 to 24 kHz.
    presentation : bool or None
        Larger figure and fonts; None follows :func:`course_utils.set_presentation`.
    """

    figsize = (9.0, 3.2)
    has_audio = True

    def __init__(self, *, sr=8000, freq=1000.0, presentation=None):
        super().__init__(presentation=presentation)
        sr = require_sr(sr)
        freq = require_number("freq", freq, minimum=0, maximum=24000)
        self._float_slider("freq", freq, minimum=0, maximum=24000, step=50, description="tone (Hz)",
                           readout_format=".0f")
        self._choice("sr", sr, SAMPLE_RATES, kind="slider", description="sr (Hz)")
        self._start()

    def _build(self, figure):
        time_ax, fold_ax = figure.subplots(1, 2, width_ratios=[2, 1])
        # Head-room above the waves keeps the legend clear of the lines that are redrawn over it.
        time_ax.set(xlim=(0, VIEW_MS), ylim=(-1.2, 1.8), xlabel="time (ms)", ylabel="amplitude",
                    title="the tone, its samples, and what they play back")
        (self._tone_line,) = time_ax.plot([], [], color="0.6", lw=1.0, label="tone")
        (self._played_line,) = time_ax.plot([], [], color="tab:orange", lw=1.6, label="played back")
        (self._sample_dots,) = time_ax.plot([], [], "o", color="tab:blue", ms=4, label="samples")
        time_ax.legend(loc="upper right", ncol=3, framealpha=0.9)
        for artist in (self._tone_line, self._played_line, self._sample_dots):
            self._animate(artist)
        self.artists = {"tone": self._tone_line, "played_back": self._played_line, "samples": self._sample_dots}
        fold_ax.set(xlim=(0, 24000), xlabel="tone (Hz)", ylabel="heard (Hz)", title="folding at sr / 2")
        (self._fold_curve,) = fold_ax.plot([], [], color="0.4")
        self._nyquist_line = fold_ax.axvline(0, color="tab:red", ls="--", lw=1)
        (self._fold_point,) = fold_ax.plot([], [], "o", color="tab:orange", ms=7)
        self._animate(self._fold_point)
        self.artists["heard"] = self._fold_point
        self._fold_ax = fold_ax

    def _compute(self, values):
        from .. import synth

        freq, sr = values["freq"], values["sr"]
        heard = alias_frequency(freq, sr)
        audio = synth.tone(freq, sr=sr, duration=1.0, amplitude=0.5)
        fade = np.minimum(1.0, np.minimum(np.arange(len(audio)), np.arange(len(audio))[::-1]) / (FADE_S * sr))
        readouts = {
            "nyquist_hz": sr / 2,
            "heard_hz": heard,
            "aliased": freq > sr / 2,
            "samples_per_period": round(sr / freq, 3) if freq > 0 else None,
        }
        return AliasingFrame(readouts=readouts, audio=(audio * fade).astype(np.float32), audio_sr=sr, heard=heard)

    def _draw(self, frame, values):
        freq, sr = values["freq"], values["sr"]
        t_ms = np.linspace(0, VIEW_MS, 1500)
        self._tone_line.set_data(t_ms, np.sin(2 * np.pi * freq * t_ms / 1000))
        # The samples of the tone equal those of the signed alias f - k·sr, the only tone below sr/2 through them.
        signed_alias = freq - sr * round(freq / sr)
        self._played_line.set_data(t_ms, np.sin(2 * np.pi * signed_alias * t_ms / 1000))
        n = np.arange(int(np.floor(VIEW_MS / 1000 * sr)) + 1)
        self._sample_dots.set_data(1000 * n / sr, np.sin(2 * np.pi * freq * n / sr))
        tones = np.linspace(0, 24000, 2401)
        self._fold_curve.set_data(tones, np.abs(tones - sr * np.round(tones / sr)))
        self._nyquist_line.set_xdata([sr / 2, sr / 2])
        self._fold_ax.set_ylim(0, sr / 2 * 1.05)
        self._fold_point.set_data([freq], [frame.heard])
        return sr

    def _readout_rows(self, readouts, values):
        rows = [
            ("Nyquist frequency sr / 2", f"{readouts['nyquist_hz']:g} Hz"),
            ("heard frequency |f − sr·round(f / sr)|", f"{readouts['heard_hz']:g} Hz"),
            ("aliased (f > sr / 2)", "yes" if readouts["aliased"] else "no"),
        ]
        if readouts["samples_per_period"] is not None:
            ratio = f"{values['sr']} / {values['freq']:g} = {readouts['samples_per_period']:g}"
            rows.append(("samples per period sr / f", ratio))
        return rows


class QuantizationExplorer(Explorer):
    """Round a clip to ``bits`` bits like a PCM converter; see the steps, hear the noise, read the SNR.

    Used in notebooks/01_sampling_quantization.ipynb.

    Samples in [-1, 1) become integers ``round(y · 2^(bits-1))`` clipped to the ``2^bits`` two's-complement levels,
    then scaled back. Optional TPDF dither (±1 step, seeded) trades the distortion of coarse steps for steady hiss.
    The right plot compares the measured SNR of this clip with the rule of thumb ``6.02·bits + 1.76`` dB for a
    full-scale sine.

    Parameters
    ----------
    y : numpy.ndarray
        Mono audio in [-1, 1] (any clip, including one you recorded).
    sr : int
        Its sample rate in Hz.
    bits : int
        Bits per sample, 1 to 16.
    dither : bool
        Add triangular dither before rounding.
    presentation : bool or None
        Larger figure and fonts; None follows :func:`course_utils.set_presentation`.
    """

    figsize = (9.0, 3.2)
    has_audio = True
    max_bits = 16
    view_s = 0.02

    def __init__(self, y, *, sr, bits=8, dither=False, presentation=None):
        super().__init__(presentation=presentation)
        self.y = require_audio(y)
        self.sr = require_sr(sr)
        bits = require_int("bits", bits, minimum=1, maximum=self.max_bits)
        require_choice("dither", dither, (True, False))
        rng = np.random.default_rng(0)
        self._dither_lsb = rng.random(len(self.y)) - rng.random(len(self.y))  # triangular, ±1 step
        self._snr_curves = {}
        self._int_slider("bits", bits, minimum=1, maximum=self.max_bits)
        self._checkbox("dither", dither, description="TPDF dither")
        self._start()

    def quantize(self, bits: int, dither: bool) -> np.ndarray:
        """The clip rounded to ``bits`` bits (as float32 in [-1, 1)), with or without dither."""
        full_scale = 2.0 ** (bits - 1)
        scaled = self.y * full_scale + (self._dither_lsb if dither else 0.0)
        return (np.clip(np.round(scaled), -full_scale, full_scale - 1) / full_scale).astype(np.float32)

    def _snr(self, bits, dither):
        from .. import dsp

        return dsp.snr_db(self.y, self.quantize(bits, dither).astype(self.y.dtype))

    def _build(self, figure):
        wave_ax, snr_ax = figure.subplots(1, 2, width_ratios=[2, 1])
        # Zoom on the loudest stretch, where the steps are easiest to see against the waveform.
        n_view = max(2, int(self.view_s * self.sr))
        energy = np.convolve(self.y.astype(np.float64) ** 2, np.ones(n_view), mode="valid")
        start = int(np.argmax(energy)) if len(energy) else 0
        self._view = slice(start, min(len(self.y), start + n_view))
        t_ms = 1000 * np.arange(self._view.start, self._view.stop) / self.sr
        excerpt = self.y[self._view]
        peak = float(np.max(np.abs(excerpt))) or 1.0
        wave_ax.set(xlim=(t_ms[0], t_ms[-1]), ylim=(-1.2 * peak, 1.7 * peak), xlabel="time (ms)",
                    ylabel="amplitude", title="original and quantized (loudest 20 ms)")
        self._t_ms = t_ms
        wave_ax.plot(t_ms, excerpt, color="0.55", lw=1.0, label="original")
        (self._steps,) = wave_ax.plot([], [], drawstyle="steps-mid", color="tab:blue", lw=1.4, label="quantized")
        self._animate(self._steps)
        wave_ax.legend(loc="upper right", ncol=2, framealpha=0.9)
        bits = np.arange(1, self.max_bits + 1)
        snr_ax.plot(bits, 6.02 * bits + 1.76, color="0.6", ls="--", label="6.02·bits + 1.76")
        (self._snr_curve,) = snr_ax.plot([], [], color="tab:blue", label="this clip")
        (self._snr_point,) = snr_ax.plot([], [], "o", color="tab:orange", ms=7)
        self._animate(self._snr_point)
        self.artists = {"quantized": self._steps, "snr_curve": self._snr_curve, "snr": self._snr_point}
        snr_ax.set(xlim=(0.5, self.max_bits + 0.5), xlabel="bits", ylabel="SNR (dB)", title="signal-to-noise ratio")
        snr_ax.legend(loc="upper left", framealpha=0.9)

    def _compute(self, values):
        bits, dither = values["bits"], values["dither"]
        quantized = self.quantize(bits, dither)
        if dither not in self._snr_curves:
            self._snr_curves[dither] = np.array([self._snr(b, dither) for b in range(1, self.max_bits + 1)])
        snr = float(self._snr_curves[dither][bits - 1])
        readouts = {
            "bits": bits,
            "levels": 2**bits,
            "step": 2.0 / 2**bits,
            "snr_db": round(snr, 2),
            "rule_of_thumb_db": round(6.02 * bits + 1.76, 2),
        }
        return QuantizationFrame(readouts=readouts, data={"quantized": quantized, "error": quantized - self.y},
                                 audio=quantized, audio_sr=self.sr, quantized=quantized, snr=snr)

    def _draw(self, frame, values):
        bits, dither = values["bits"], values["dither"]
        self._steps.set_data(self._t_ms, frame.quantized[self._view])
        curve = self._snr_curves[dither]
        self._snr_curve.set_data(np.arange(1, self.max_bits + 1), curve)
        self._snr_point.set_data([bits], [frame.snr])
        finite = curve[np.isfinite(curve)]
        top = max(6.02 * self.max_bits + 1.76, float(finite.max()) if finite.size else 0.0)
        bottom = min(0.0, float(finite.min()) if finite.size else 0.0)
        self._snr_curve.axes.set_ylim(bottom - 5, top + 5)
        return dither

    def _readout_rows(self, readouts, values):
        bits = readouts["bits"]
        return [
            ("levels 2^bits", f"2^{bits} = {readouts['levels']}"),
            ("step 2 / 2^bits", f"{readouts['step']:.3g}"),
            ("measured SNR", f"{readouts['snr_db']:.2f} dB"),
            ("6.02·bits + 1.76 (full-scale sine)", f"{readouts['rule_of_thumb_db']:.2f} dB"),
        ]
