"""WindowExplorer: spectral leakage of one frame of one or two tones, by window type, frame length and zero padding.

Used in notebooks/02_fourier_transform.ipynb (and recalled in 03_stft.ipynb when choosing the STFT window).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..validate import require_choice, require_int, require_number, require_sr
from .base import Explorer, Frame

WINDOWS = ("boxcar", "hann", "hamming", "blackman", "bartlett")
WINDOW_LABELS = ("rectangular", "hann", "hamming", "blackman", "bartlett")
N_FFT_OPTIONS = (32, 64, 128, 256, 512, 1024, 2048, 4096)
PADDING_OPTIONS = (1, 2, 4, 8, 16)
LEVEL_OPTIONS = (None, -100.0, -80.0, -60.0, -40.0, -20.0, 0.0)
SHAPE_OVERSAMPLING = 64  # zero-padding factor used to measure a window's main lobe and side lobes
FLOOR_DB = -120.0


def window_shape(window: str, n_fft: int) -> tuple[float, float]:
    """Main-lobe width (null to null, in bins of an ``n_fft`` DFT) and highest side lobe (dB) of a window."""
    from .. import dsp

    weights = dsp.get_window(window, n_fft)
    response = np.abs(np.fft.rfft(weights, SHAPE_OVERSAMPLING * n_fft))
    response_db = 20 * np.log10(np.maximum(response / response[0], 1e-15))
    rising = np.flatnonzero(np.diff(response_db) > 0)
    first_null = int(rising[0]) if rising.size else len(response_db) - 1
    sidelobe = float(response_db[first_null:].max()) if first_null < len(response_db) - 1 else FLOOR_DB
    return 2 * first_null / SHAPE_OVERSAMPLING, sidelobe


@dataclass(kw_only=True)
class WindowFrame(Frame):
    """A :class:`Frame` with the window, the windowed frame and its zero-padded spectrum in dB."""

    window: np.ndarray
    windowed: np.ndarray
    frequencies: np.ndarray
    spectrum_db: np.ndarray


class WindowExplorer(Explorer):
    """One frame of one or two tones, windowed and transformed: see how the window spreads a tone over bins.

    Used in notebooks/02_fourier_transform.ipynb.

    Left: the windowed frame and the window. Right: its magnitude spectrum in dB (0 dB = a full-scale tone), the
    zero-padded DFT as a line and the plain ``n_fft``-point DFT bins as dots: zero padding draws the same spectrum
    more finely, it does not separate close tones; a longer frame or a window with lower side lobes does. A weak
    second tone (``level2_db``) shows how side lobes can hide it.

    Parameters
    ----------
    sr : int
        Sample rate in Hz.
    window : {"boxcar", "hann", "hamming", "blackman", "bartlett"}
        Window function (``"boxcar"`` is rectangular, i.e. no window).
    n_fft : int
        Frame length in samples.
    zero_padding : int
        The DFT is ``zero_padding · n_fft`` points long.
    freq : float
        Frequency of the first tone (amplitude 1), in Hz.
    freq2 : float
        Frequency of the second tone, in Hz.
    level2_db : float or None
        Level of the second tone relative to the first; None leaves it out.
    presentation : bool or None
        Larger figure and fonts; None follows :func:`course_utils.set_presentation`.
    """

    figsize = (9.0, 3.4)

    def __init__(self, *, sr=16000, window="hann", n_fft=256, zero_padding=4, freq=1000.0, freq2=1500.0,
                 level2_db=-40.0, presentation=None):
        super().__init__(presentation=presentation)
        self.sr = require_sr(sr)
        nyquist = self.sr / 2
        require_choice("window", window, WINDOWS)
        n_fft = require_int("n_fft", n_fft, minimum=8)
        zero_padding = require_int("zero_padding", zero_padding, minimum=1, maximum=64)
        freq = require_number("freq", freq, minimum=0, maximum=nyquist)
        freq2 = require_number("freq2", freq2, minimum=0, maximum=nyquist)
        if level2_db is not None:
            level2_db = require_number("level2_db", level2_db, maximum=0)
        self._shapes = {}
        self._choice("window", window, WINDOWS, labels=WINDOW_LABELS)
        self._choice("n_fft", n_fft, N_FFT_OPTIONS, kind="slider")
        self._choice("zero_padding", zero_padding, PADDING_OPTIONS, kind="slider")
        step = 5.0 if nyquist <= 12000 else 10.0
        self._float_slider("freq", freq, minimum=0, maximum=nyquist, step=step, description="tone 1 (Hz)",
                           readout_format=".0f", column=1)
        self._float_slider("freq2", freq2, minimum=0, maximum=nyquist, step=step, description="tone 2 (Hz)",
                           readout_format=".0f", column=1)
        labels = ["off" if v is None else f"{v:g}" for v in LEVEL_OPTIONS]
        self._choice("level2_db", level2_db, LEVEL_OPTIONS, labels=labels, kind="slider",
                     description="tone 2 (dB)", column=1)
        self._start()

    def _build(self, figure):
        frame_ax, spectrum_ax = figure.subplots(1, 2, width_ratios=[1, 2])
        frame_ax.set(ylim=(-2.1, 2.1), xlabel="time (ms)", title="windowed frame")
        (self._window_line,) = frame_ax.plot([], [], color="0.5", ls="--", lw=1.0)
        (self._frame_line,) = frame_ax.plot([], [], color="tab:blue", lw=1.0)
        spectrum_ax.set(xlim=(0, self.sr / 2), ylim=(FLOOR_DB, 10), xlabel="frequency (Hz)",
                        ylabel="magnitude (dB re full-scale tone)", title="spectrum of the frame")
        self._tone_lines = [spectrum_ax.axvline(0, color="tab:red", ls=":", lw=1.2) for _ in range(2)]
        (self._spectrum_line,) = spectrum_ax.plot([], [], color="tab:blue", lw=1.2, label="zero-padded DFT")
        (self._bin_dots,) = spectrum_ax.plot([], [], "o", color="tab:orange", ms=3.5, label="n_fft-point DFT bins")
        spectrum_ax.legend(loc="upper right", framealpha=0.9)
        for artist in (self._window_line, self._frame_line, *self._tone_lines, self._spectrum_line, self._bin_dots):
            self._animate(artist)
        self.artists = {"window": self._window_line, "frame": self._frame_line, "tone_1": self._tone_lines[0],
                        "tone_2": self._tone_lines[1], "spectrum": self._spectrum_line, "bins": self._bin_dots}
        self._frame_ax = frame_ax

    def _compute(self, values):
        from .. import dsp

        sr, n_fft, padding = self.sr, values["n_fft"], values["zero_padding"]
        window = dsp.get_window(values["window"], n_fft)
        n = np.arange(n_fft)
        frame = np.sin(2 * np.pi * values["freq"] * n / sr)
        if values["level2_db"] is not None:
            frame = frame + 10 ** (values["level2_db"] / 20) * np.sin(2 * np.pi * values["freq2"] * n / sr)
        windowed = frame * window
        # Dividing by sum(window)/2 puts a full-scale tone that falls on a bin at exactly 0 dB, for every window.
        magnitude = np.abs(np.fft.rfft(windowed, padding * n_fft)) / (window.sum() / 2)
        spectrum_db = 20 * np.log10(np.maximum(magnitude, 10 ** (FLOOR_DB / 20)))
        frequencies = np.arange(len(spectrum_db)) * sr / (padding * n_fft)
        key = (values["window"], n_fft)
        if key not in self._shapes:
            self._shapes[key] = window_shape(*key)
        mainlobe_bins, sidelobe_db = self._shapes[key]
        readouts = {
            "bin_spacing_hz": sr / n_fft,
            "plotted_spacing_hz": sr / (padding * n_fft),
            "frame_ms": 1000 * n_fft / sr,
            "mainlobe_bins": round(mainlobe_bins, 2),
            "highest_sidelobe_db": round(sidelobe_db, 1),
            "peak_hz": round(float(frequencies[np.argmax(spectrum_db)]), 2),
        }
        return WindowFrame(readouts=readouts,
                           data={"frequencies": frequencies, "spectrum_db": spectrum_db, "windowed": windowed},
                           window=window, windowed=windowed, frequencies=frequencies, spectrum_db=spectrum_db)

    def _draw(self, frame, values):
        padding = values["zero_padding"]
        t_ms = 1000 * np.arange(values["n_fft"]) / self.sr
        self._window_line.set_data(t_ms, frame.window)
        self._frame_line.set_data(t_ms, frame.windowed)
        self._frame_ax.set_xlim(0, t_ms[-1] if len(t_ms) > 1 else 1)
        self._spectrum_line.set_data(frame.frequencies, frame.spectrum_db)
        self._bin_dots.set_data(frame.frequencies[::padding], frame.spectrum_db[::padding])
        self._tone_lines[0].set_xdata([values["freq"]] * 2)
        self._tone_lines[1].set_xdata([values["freq2"]] * 2)
        self._tone_lines[1].set_visible(values["level2_db"] is not None)
        return values["n_fft"]

    def _relevant(self, values):
        return {"freq2": values["level2_db"] is not None}

    def _readout_rows(self, readouts, values):
        return [
            ("bin spacing sr / n_fft", f"{self.sr} / {values['n_fft']} = {readouts['bin_spacing_hz']:.6g} Hz"),
            ("plotted every sr / (zero_padding · n_fft)", f"{readouts['plotted_spacing_hz']:.6g} Hz"),
            ("frame length n_fft / sr", f"{readouts['frame_ms']:.6g} ms"),
            ("main lobe, null to null", f"{readouts['mainlobe_bins']:g} bins"),
            ("highest side lobe", f"{readouts['highest_sidelobe_db']:g} dB"),
            ("spectrum peak", f"{readouts['peak_hz']:g} Hz"),
        ]
