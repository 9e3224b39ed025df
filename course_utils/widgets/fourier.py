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
PHASE_STEP_DEG = 22.5  # 16 relative phases per turn, as in the lesson's two-tone experiment
VIEWS = ("full", "zoom")
VIEW_LABELS = ("0 to sr/2", "tone 1 ± 8 bins")
ZOOM_BINS = 8  # the zoomed view shows tone 1 ± this many bins of the n_fft-point DFT
ZOOM_YLIM = (-60.0, 10.0)  # and the top 70 dB, so that a dip of a few dB between close tones is visible
SHAPE_OVERSAMPLING = 64  # zero-padding factor used to measure a window's main lobe and side lobes
FLOOR_DB = -120.0
DIP_SPAN_BINS = ZOOM_BINS  # the dip readout is for tones at most this many bins apart: the ones the zoom shows
DIP_OVERSAMPLING = 16  # and is measured on a DFT this many times finer than the bins, whatever zero padding is drawn


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
    """A :class:`Frame` with the window, the windowed frame, its zero-padded spectrum in dB and, when a reference
    window is chosen, the same frame's spectrum through that window (None otherwise)."""

    window: np.ndarray
    windowed: np.ndarray
    frequencies: np.ndarray
    spectrum_db: np.ndarray
    reference_db: np.ndarray | None = None


def amplitude_spectrum_db(frame, window, n_points):
    """Spectrum in dB of ``frame · window`` on an ``n_points`` DFT, scaled so that a tone of amplitude 1 falling on a
    bin reads 0 dB for any window (divided by sum(window) / 2); floored at ``FLOOR_DB``."""
    magnitude = np.abs(np.fft.rfft(frame * window, n_points)) / (window.sum() / 2)
    return 20 * np.log10(np.maximum(magnitude, 10 ** (FLOOR_DB / 20)))


def dip_between_tones_db(tone1, tone2, window, *, sr, freq, freq2):
    """Depth in dB of the valley between the spectral peaks of two tones in one frame; None when there is no such
    question to answer.

    Used by :class:`WindowExplorer` (notebooks/02_fourier_transform.ipynb). The spectrum of ``(tone1 + tone2) ·
    window`` is taken on a DFT ``DIP_OVERSAMPLING`` times finer than the bins, whatever zero padding is drawn, so
    that a dip narrower than a bin is not missed. Each tone's peak is the local maximum nearest to the tone's
    frequency; the dip is the lower of the two peaks minus the lowest point between them, and 0 when both tones have
    the same nearest peak (they melt into one).

    The result is None when the tones are more than ``DIP_SPAN_BINS`` bins apart (two separate peaks are then not in
    question, and the "valley" would be the depth of a side-lobe null) and when the spectrum has no peak of tone 2's
    own: at the local maximum nearest tone 2, tone 1 alone is stronger than tone 2 alone. That maximum is then a
    side lobe of tone 1 (tone 2 is buried), even when it lies close to tone 2: side lobes are only a bin apart.

    Parameters
    ----------
    tone1, tone2 : numpy.ndarray
        The two tones' samples over the frame, each as long as ``window``.
    window : numpy.ndarray
        The window (its length is the frame length ``n_fft``).
    sr : int
        Sample rate in Hz.
    freq, freq2 : float
        The tones' frequencies in Hz.
    """
    if abs(freq2 - freq) > DIP_SPAN_BINS * sr / len(window):
        return None
    n_points = DIP_OVERSAMPLING * len(window)
    both, alone1, alone2 = (amplitude_spectrum_db(x, window, n_points) for x in (tone1 + tone2, tone1, tone2))
    frequencies = np.arange(len(both)) * sr / n_points
    padded = np.concatenate([[-np.inf], both, [-np.inf]])
    peaks = np.flatnonzero((padded[1:-1] > padded[:-2]) & (padded[1:-1] >= padded[2:]))
    first, second = (int(peaks[np.argmin(np.abs(frequencies[peaks] - f))]) for f in (freq, freq2))
    if first == second:
        return 0.0
    if alone2[second] <= alone1[second]:
        return None
    low, high = sorted((first, second))
    return float(min(both[low], both[high]) - both[low: high + 1].min())


class WindowExplorer(Explorer):
    """One frame of one or two tones, windowed and transformed: see how the window spreads a tone over bins.

    Used in notebooks/02_fourier_transform.ipynb.

    Left: the windowed frame and the window. Right: its magnitude spectrum in dB (0 dB = a full-scale tone), the
    zero-padded DFT as a line and the plain ``n_fft``-point DFT bins as dots: zero padding draws the same spectrum
    more finely, it does not separate close tones; a longer frame or a window with lower side lobes does. A weak
    second tone (``level2_db``) shows how side lobes can hide it; its phase (``phase2_deg``) decides whether two
    close tones show a dip between them. A ``reference_window`` draws the same frame through a second window as a
    grey line, to compare two windows in one picture. The readout ``peak_bin_amplitude`` is the highest of the
    ``n_fft`` bins (the dots) in units of tone 1's amplitude: 1 for a tone on a bin, less between bins (the
    scalloping loss: about 0.85 for Hann at half a bin, 0.64 for the rectangular window). With tone 2 on, the readout
    ``dip_db`` is the depth of the valley between the two tones' peaks, measured 16 times finer than the bins whatever
    the zero padding (0 when they melt into one peak); it is None, shown as "n/a", when the tones are more than 8 bins
    apart or tone 2 has no peak of its own, buried in tone 1's side lobes (see :func:`dip_between_tones_db`).
    ``view="zoom"`` shows tone 1 ± 8 bins and the top 70 dB, where a dip of a few dB can be seen. The frequency sliders move in steps of sr / 8192 Hz (1.953125 Hz at 16 kHz), so every bin and
    every half bin of every ``n_fft`` can be reached.

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
    phase2_deg : float
        Starting phase of the second tone relative to the first, in degrees (both are sines), 0 to 360.
    reference_window : {None, "boxcar", "hann", "hamming", "blackman", "bartlett"}
        A second window whose spectrum of the same frame is drawn for comparison; None draws none.
    view : {"full", "zoom"}
        The spectrum from 0 to sr/2, or zoomed on tone 1 ± 8 bins and the top 70 dB (-60 to +10 dB).
    presentation : bool or None
        Larger figure and fonts; None follows :func:`course_utils.set_presentation`.
    """

    figsize = (9.0, 3.4)

    def __init__(self, *, sr=16000, window="hann", n_fft=256, zero_padding=4, freq=1000.0, freq2=1500.0,
                 level2_db=-40.0, phase2_deg=0.0, reference_window=None, view="full", presentation=None):
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
        phase2_deg = require_number("phase2_deg", phase2_deg, minimum=0, maximum=360)
        if reference_window is not None:
            require_choice("reference_window", reference_window, WINDOWS)
        require_choice("view", view, VIEWS)
        self._shapes = {}
        self._choice("window", window, WINDOWS, labels=WINDOW_LABELS)
        self._choice("n_fft", n_fft, N_FFT_OPTIONS, kind="slider")
        self._choice("zero_padding", zero_padding, PADDING_OPTIONS, kind="slider")
        self._choice("reference_window", reference_window, (None, *WINDOWS), labels=("off", *WINDOW_LABELS),
                     description="compare with")
        self._choice("view", view, VIEWS, labels=VIEW_LABELS, kind="toggle")
        step = self.sr / (2 * max(N_FFT_OPTIONS))  # divides every bin and every half bin of every n_fft
        self._float_slider("freq", freq, minimum=0, maximum=nyquist, step=step, description="tone 1 (Hz)",
                           readout_format=".2f", column=1)
        self._float_slider("freq2", freq2, minimum=0, maximum=nyquist, step=step, description="tone 2 (Hz)",
                           readout_format=".2f", column=1)
        labels = ["off" if v is None else f"{v:g}" for v in LEVEL_OPTIONS]
        self._choice("level2_db", level2_db, LEVEL_OPTIONS, labels=labels, kind="slider",
                     description="tone 2 (dB)", column=1)
        self._float_slider("phase2_deg", phase2_deg, minimum=0, maximum=360, step=PHASE_STEP_DEG,
                           description="tone 2 phase (°)", readout_format=".1f", column=1)
        self._start()

    def _build(self, figure):
        frame_ax, spectrum_ax = figure.subplots(1, 2, width_ratios=[1, 2])
        frame_ax.set(ylim=(-2.1, 2.1), xlabel="time (ms)", title="windowed frame")
        (self._window_line,) = frame_ax.plot([], [], color="0.5", ls="--", lw=1.0)
        (self._frame_line,) = frame_ax.plot([], [], color="tab:blue", lw=1.0)
        spectrum_ax.set(xlim=(0, self.sr / 2), ylim=(FLOOR_DB, 10), xlabel="frequency (Hz)",
                        ylabel="magnitude (dB re full-scale tone)", title="spectrum of the frame")
        self._tone_lines = [spectrum_ax.axvline(0, color="tab:red", ls=":", lw=1.2) for _ in range(2)]
        (self._reference_line,) = spectrum_ax.plot([], [], color="0.45", lw=1.0, label="reference window")
        (self._spectrum_line,) = spectrum_ax.plot([], [], color="tab:blue", lw=1.2, label="zero-padded DFT")
        (self._bin_dots,) = spectrum_ax.plot([], [], "o", color="tab:orange", ms=3.5, label="n_fft-point DFT bins")
        spectrum_ax.legend(handles=[self._spectrum_line, self._bin_dots], loc="upper right", framealpha=0.9)
        self._legend_reference = None  # the reference window the legend names
        for artist in (self._window_line, self._frame_line, *self._tone_lines, self._reference_line,
                       self._spectrum_line, self._bin_dots):
            self._animate(artist)
        self.artists = {"window": self._window_line, "frame": self._frame_line, "tone_1": self._tone_lines[0],
                        "tone_2": self._tone_lines[1], "reference": self._reference_line,
                        "spectrum": self._spectrum_line, "bins": self._bin_dots}
        self._spectrum_ax = spectrum_ax
        self._frame_ax = frame_ax

    def _compute(self, values):
        from .. import dsp

        sr, n_fft, padding = self.sr, values["n_fft"], values["zero_padding"]
        window = dsp.get_window(values["window"], n_fft)
        n = np.arange(n_fft)
        frame = tone1 = np.sin(2 * np.pi * values["freq"] * n / sr)
        if values["level2_db"] is not None:
            phase2 = np.deg2rad(values["phase2_deg"])
            tone2 = 10 ** (values["level2_db"] / 20) * np.sin(2 * np.pi * values["freq2"] * n / sr + phase2)
            frame = tone1 + tone2
        windowed = frame * window
        spectrum_db = amplitude_spectrum_db(frame, window, padding * n_fft)
        reference_db = None
        if values["reference_window"] is not None:
            reference = dsp.get_window(values["reference_window"], n_fft)
            reference_db = amplitude_spectrum_db(frame, reference, padding * n_fft)
        frequencies = np.arange(len(spectrum_db)) * sr / (padding * n_fft)
        peak_bin_db = float(spectrum_db[::padding].max())  # the n_fft-point bins only: what a plain DFT reads
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
            "peak_bin_amplitude": round(10 ** (peak_bin_db / 20), 3),
        }
        if values["level2_db"] is not None:
            dip = dip_between_tones_db(tone1, tone2, window, sr=sr, freq=values["freq"], freq2=values["freq2"])
            readouts["dip_db"] = None if dip is None else round(dip, 1)
        data = {"frequencies": frequencies, "spectrum_db": spectrum_db, "windowed": windowed}
        if reference_db is not None:
            data["reference_db"] = reference_db
        return WindowFrame(readouts=readouts, data=data, window=window, windowed=windowed, frequencies=frequencies,
                           spectrum_db=spectrum_db, reference_db=reference_db)

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
        if values["view"] == "zoom":
            half_width = ZOOM_BINS * self.sr / values["n_fft"]
            self._spectrum_ax.set(xlim=(values["freq"] - half_width, values["freq"] + half_width), ylim=ZOOM_YLIM)
        else:
            self._spectrum_ax.set(xlim=(0, self.sr / 2), ylim=(FLOOR_DB, 10))
        self._reference_line.set_visible(frame.reference_db is not None)
        if frame.reference_db is not None:
            self._reference_line.set_data(frame.frequencies, frame.reference_db)
        if values["reference_window"] != self._legend_reference:
            # The legend is background: remade (and the background redrawn) only when the reference changes.
            handles = [self._spectrum_line, self._bin_dots]
            if frame.reference_db is not None:
                label = WINDOW_LABELS[WINDOWS.index(values["reference_window"])]
                self._reference_line.set_label(f"{label} (reference)")
                handles.append(self._reference_line)
            self._spectrum_ax.legend(handles=handles, loc="upper right", framealpha=0.9)
            self._legend_reference = values["reference_window"]
        return values["n_fft"], values["reference_window"]

    def _relevant(self, values):
        second_tone = values["level2_db"] is not None
        return {"freq2": second_tone, "phase2_deg": second_tone}

    def _readout_rows(self, readouts, values):
        return [
            ("bin spacing sr / n_fft", f"{self.sr} / {values['n_fft']} = {readouts['bin_spacing_hz']:.6g} Hz"),
            ("plotted every sr / (zero_padding · n_fft)", f"{readouts['plotted_spacing_hz']:.6g} Hz"),
            ("frame length n_fft / sr", f"{readouts['frame_ms']:.6g} ms"),
            ("main lobe, null to null", f"{readouts['mainlobe_bins']:g} bins"),
            ("highest side lobe", f"{readouts['highest_sidelobe_db']:g} dB"),
            ("spectrum peak", f"{readouts['peak_hz']:g} Hz"),
            ("highest bin (dots), tone 1 = 1", f"{readouts['peak_bin_amplitude']:.3f}"),
        ] + ([("dip between the two peaks", self._dip_text(readouts["dip_db"], values))] if "dip_db" in readouts
             else [])

    def _dip_text(self, dip_db, values):
        if dip_db is not None:
            return f"{dip_db:g} dB"
        if abs(values["freq2"] - values["freq"]) > DIP_SPAN_BINS * self.sr / values["n_fft"]:
            return f"n/a: the tones are more than {DIP_SPAN_BINS} bins apart"
        return "n/a: no peak of tone 2's own (buried in tone 1's side lobes)"
