"""SpectrogramExplorer: move n_fft, hop_length, the window and the frequency scale and watch the spectrogram change.

Used in notebooks/03_stft.ipynb (and again in 04_mel_scale.ipynb for the mel scale).
"""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError
from ..validate import require_audio, require_choice, require_int, require_number, require_sr
from .base import Explorer, Frame
from .common import quiet_call
from .mel import flat_spectrum_spread_db, flat_spectrum_tilt_db, format_spread
from .raster import ImagePanel, fft_bin_index

WINDOWS = ("hann", "hamming", "blackman", "bartlett", "boxcar")
WINDOW_LABELS = ("hann", "hamming", "blackman", "bartlett", "rectangular")
SCALES = ("linear", "log", "mel")
N_FFT_OPTIONS = (64, 128, 256, 512, 1024, 2048, 4096, 8192)
TOP_DB_OPTIONS = (None, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0, 120.0)
MEL_ONLY = ("htk", "norm")  # the filterbank's options: shown in the mel view only
LOG_FLOOR_HZ = 32.0  # a log axis cannot reach 0 Hz; start it here when fmin is lower


def top_db_labels(options):
    return ["off" if v is None else f"{v:g}" for v in options]


@functools.lru_cache(maxsize=64)
def main_lobe_bins(window: str, win_length: int) -> float:
    """Width of a window's main lobe at half amplitude (−6 dB), in bins of ``sr / win_length``; taught in lesson 03.

    Two equal tones closer than this merge into one peak. Measured on the window's continuous spectrum (its DTFT),
    not read from a table: 2 for the periodic Hann, about 1.21 for the rectangular window.

    Parameters
    ----------
    window : {"hann", "hamming", "blackman", "bartlett", "boxcar"}
        The window, as ``librosa.stft`` builds it (periodic).
    win_length : int
        Its length in samples.

    Returns
    -------
    float
        The full width, from the half-amplitude point below 0 Hz to the one above, in bins.
    """
    import scipy.optimize
    import scipy.signal

    require_choice("window", window, WINDOWS)
    win_length = require_int("win_length", win_length, minimum=2)
    w = scipy.signal.get_window(window, win_length, fftbins=True)
    n = np.arange(win_length)

    def amplitude(bins):
        return abs(np.sum(w * np.exp(-2j * np.pi * bins * n / win_length)))

    half = amplitude(0.0) / 2
    # Every window offered falls below half its peak before 2 bins, where a zero or a low side lobe lies.
    return 2 * scipy.optimize.brentq(lambda bins: amplitude(bins) - half, 0.0, 2.0, xtol=1e-12)


def mel_band_index(*, fmin: float, fmax: float, n_mels: int, htk: bool = False):
    """The function from frequency (Hz) to the (fractional) index of the mel band centred there (HTK or Slaney mels)."""
    import librosa

    mel_low, mel_high = librosa.hz_to_mel([fmin, fmax], htk=htk)
    step = (mel_high - mel_low) / (n_mels + 1)
    return lambda frequencies: (librosa.hz_to_mel(frequencies, htk=htk) - mel_low) / step - 1


def largest_even_hop(*, win_length: int, window: str = "hann") -> int:
    """The longest hop lesson 03 advises for a window: ``win_length`` if Σw stays even without overlap (the
    rectangular window), else ``win_length // 2`` (Hann, Hamming and Bartlett sum to a constant there, Blackman
    nearly)."""
    weakest, strongest = window_sum_range(window, win_length, win_length)
    return win_length if weakest >= strongest / 2 else win_length // 2


def skipped_samples_warning(*, hop_length: int, win_length: int, window: str = "hann") -> str:
    """The panel's warning when ``hop_length`` is longer than the advised hop, "" otherwise; taught in lesson 03.

    The advice (:func:`largest_even_hop`) is ``hop_length <= win_length / 2``, or ``<= win_length`` for the
    rectangular window. The warning gives the weight of a sample, Σw, the sum of all the shifted windows over it
    (lesson 03's COLA table), from the weakest to the strongest: for Hann it falls from 1.00 everywhere at half the
    window to 0.29 where two frames meet at ``3 · win_length / 4`` and to 0 at ``win_length``; a hop longer than the
    window leaves gaps no window covers.

    Parameters
    ----------
    hop_length, win_length : int
        Samples between frames, and the window's length.
    window : {"hann", "hamming", "blackman", "bartlett", "boxcar"}
        The window, periodic as ``librosa.stft`` builds it.

    Returns
    -------
    str
        The warning, with the measured Σw range and the largest hop to use; "" when ``hop_length`` is no longer
        than that.
    """
    largest_hop = largest_even_hop(win_length=win_length, window=window)
    if hop_length <= largest_hop:
        return ""
    advice = f"Keep hop_length <= {largest_hop} for this window."
    if hop_length > win_length:
        gap = hop_length - win_length
        return (f"hop_length={hop_length} > win_length={win_length}: {gap} of every {hop_length} samples "
                f"({100 * gap / hop_length:.0f} %) fall between two windows and are not analysed at all; a click "
                f"there vanishes. {advice}")
    weakest, strongest = window_sum_range(window, win_length, hop_length)
    share = weakest / strongest
    if share < 0.05:
        consequence = "a click there all but vanishes"
    elif share < 0.5:
        consequence = "a click there comes out much weaker"
    elif share < 0.9:
        consequence = "a click there comes out weaker"
    else:
        consequence = "still nearly even, but the weights fall apart fast as the hop grows"
    return (f"hop_length={hop_length} with a {win_length}-sample {window} window: the overlapping windows add up to "
            f"Σw = {weakest:.2f} … {strongest:.2f}, so a sample where two frames meet gets "
            f"{100 * share:.0f} % of the weight of one at a frame centre; {consequence}. {advice}")


@functools.lru_cache(maxsize=256)
def window_sum_range(window: str, win_length: int, hop_length: int) -> tuple[float, float]:
    """Smallest and largest Σw, the sum of the windows shifted by ``hop_length``, away from the signal's ends."""
    import scipy.signal

    w = scipy.signal.get_window(window, win_length, fftbins=True)
    periods = -(-win_length // hop_length)
    total = np.pad(w, (0, periods * hop_length - win_length)).reshape(periods, hop_length).sum(axis=0)
    return max(float(total.min()), 0.0), float(total.max())


def frames_row(n_samples: int, n_fft: int, hop_length: int, n_frames: int) -> tuple[str, str]:
    """The readout row counting ``center=True`` frames: the shortcut ``1 + ⌊len(y) / hop_length⌋`` for an even
    ``n_fft``, the general rule with the padding ``2·⌊n_fft / 2⌋`` for an odd one (lesson 03, section 3)."""
    if n_fft % 2 == 0:
        return "frames = 1 + ⌊len(y) / hop_length⌋", f"1 + ⌊{n_samples} / {hop_length}⌋ = {n_frames}"
    padded = n_samples + 2 * (n_fft // 2)
    return ("frames = 1 + ⌊(len(y) + 2·⌊n_fft / 2⌋ − n_fft) / hop_length⌋",
            f"1 + ⌊({padded} − {n_fft}) / {hop_length}⌋ = {n_frames}")


@dataclass(kw_only=True)
class SpectrogramFrame(Frame):
    """A :class:`Frame` with the image: ``shown`` (frequency rows × frames) in colour limits ``vmin``…``vmax``."""

    shown: np.ndarray
    vmin: float
    vmax: float
    label: str


class SpectrogramExplorer(Explorer):
    """Interactive short-time Fourier transform of any clip: resolution in time versus frequency, live.

    Used in notebooks/03_stft.ipynb (n_fft, hop_length, win_length, window) and notebooks/04_mel_scale.ipynb
    (``scale="mel"``, n_mels, fmin, fmax, htk, norm).

    The readouts show the numbers the lesson derives: the bin spacing ``Δf = sr / n_fft``, the hop in time
    ``Δt = hop_length / sr``, the window duration, the frequency resolution (the main lobe's width at −6 dB,
    :func:`main_lobe_bins` · ``sr / win_length``, which ``n_fft`` alone does not change), and the output shape with
    the frame-count formula ``1 + ⌊(len(y) + 2·⌊n_fft / 2⌋ − n_fft) / hop_length⌋`` (``center=True``, as librosa
    does; ``1 + ⌊len(y) / hop_length⌋`` for an even ``n_fft``). A ``hop_length`` longer than the advised one, half
    the window for all but the rectangular window (:func:`skipped_samples_warning`), is drawn, with a warning in the
    panel giving the uneven weights Σw.

    In the mel view (and only there) the filterbank's two options appear, as in ``librosa.filters.mel``: ``htk``
    (the mel formula) and ``norm`` (``"slaney"``: equal areas; None: peak height 1). Because the picture is in dB
    re its own maximum, three readouts give what they change: ``flat_tilt_db``, the highest band's output over the
    lowest one's for a flat spectrum (:func:`course_utils.widgets.mel.flat_spectrum_tilt_db`, about 0 dB with
    ``norm="slaney"``); ``flat_spread_db``, the lowest and highest band's output re the top one
    (:func:`course_utils.widgets.mel.flat_spectrum_spread_db`: bands narrower than the bins scatter); and
    ``loudest_band_db``, the loudest mel value of the clip in dB re power 1, before the picture's ``ref=max``.

    Parameters
    ----------
    y : numpy.ndarray
        Mono audio, floating point (any clip, including one you recorded).
    sr : int
        Its sample rate in Hz.
    n_fft : int
        FFT length in samples (initial value; the slider offers powers of two from 64 to 8192).
    hop_length : int
        Samples between frames.
    win_length : int or None
        Window length in samples, at most ``n_fft``; None means ``n_fft``.
    window : {"hann", "hamming", "blackman", "bartlett", "boxcar"}
        Window function (``"boxcar"`` is the rectangular window).
    n_mels : int
        Mel bands when ``scale="mel"``.
    fmin, fmax : float
        Frequency range shown (and of the mel filterbank) in Hz; ``fmax=None`` means ``sr / 2``.
    htk : bool
        Mel bands from the HTK formula instead of Slaney's (``scale="mel"``).
    norm : {"slaney", None}
        Area normalisation of each mel triangle, or None for peak height 1 (``scale="mel"``).
    scale : {"linear", "log", "mel"}
        Frequency axis.
    db : bool
        Show power in dB relative to the maximum (``power_to_db(S, ref=np.max)``) instead of linear power.
    top_db : float or None
        Dynamic range shown in dB below the maximum; None shows all.
    presentation : bool or None
        Larger figure and fonts for a projector; None follows :func:`course_utils.set_presentation`.

    Examples
    --------
    >>> ex = SpectrogramExplorer(y, sr, n_fft=1024)   # doctest: +SKIP
    >>> ex                                            # doctest: +SKIP
    >>> ex.set(hop_length=256); ex.readouts["delta_t_ms"]   # doctest: +SKIP
    16.0
    """

    figsize = (9.0, 3.6)
    has_audio = True

    def __init__(
        self,
        y,
        *,
        sr,
        n_fft=2048,
        hop_length=512,
        win_length=None,
        window="hann",
        n_mels=128,
        fmin=0.0,
        fmax=None,
        htk=False,
        norm="slaney",
        scale="linear",
        db=True,
        top_db=80.0,
        presentation=None,
    ):
        super().__init__(presentation=presentation)
        self.y = require_audio(y)
        self.sr = require_sr(sr)
        nyquist = self.sr / 2
        n_fft = require_int("n_fft", n_fft, minimum=2)
        hop_length = require_int("hop_length", hop_length, minimum=1)
        win_length = n_fft if win_length is None else require_int("win_length", win_length, minimum=1)
        require_choice("window", window, WINDOWS)
        n_mels = require_int("n_mels", n_mels, minimum=1)
        fmin = require_number("fmin", fmin, minimum=0, maximum=nyquist)
        fmax = nyquist if fmax is None else require_number("fmax", fmax, above=0, maximum=nyquist)
        if not isinstance(htk, (bool, np.bool_)):
            raise ParameterError(f"htk must be True (HTK mel formula) or False (Slaney's); got {htk!r}")
        require_choice("norm", norm, ("slaney", None))
        require_choice("scale", scale, SCALES)
        require_choice("db", db, (True, False))
        if top_db is not None:
            top_db = require_number("top_db", top_db, above=0)
        self._stft_cache = (None, None)
        self._filterbank_cache = (None, None)

        self._choice("n_fft", n_fft, N_FFT_OPTIONS, kind="slider")
        self._int_slider("hop_length", hop_length, minimum=16, maximum=4096, step=16)
        self._int_slider("win_length", win_length, minimum=16, maximum=8192, step=16)
        self._choice("window", window, WINDOWS, labels=WINDOW_LABELS, kind="dropdown")
        self._choice("scale", scale, SCALES, kind="toggle", column=1)
        self._int_slider("n_mels", n_mels, minimum=8, maximum=256, step=8, column=1)
        step = 50.0 if nyquist <= 12000 else 100.0
        self._float_slider("fmin", fmin, minimum=0, maximum=nyquist, step=step, readout_format=".0f", column=1)
        self._float_slider("fmax", fmax, minimum=0, maximum=nyquist, step=step, readout_format=".0f", column=1)
        self._choice("htk", bool(htk), (False, True), kind="toggle", column=1)
        self._choice("norm", norm, ("slaney", None), kind="toggle", column=1)
        self._checkbox("db", db, description="dB (power_to_db, ref=max)", column=0)
        self._choice("top_db", top_db, TOP_DB_OPTIONS, labels=top_db_labels(TOP_DB_OPTIONS), kind="slider")
        # Registered before the base class's observers, so a render never sees the new n_fft with the old window.
        self.controls["n_fft"].observe(self._window_follows_n_fft, names="value")
        self._start()

    def _window_follows_n_fft(self, change):
        """Keep win_length = n_fft while they were equal (librosa's default), so moving n_fft alone stays valid."""
        old, new = (self._choices["n_fft"][change[key]] for key in ("old", "new"))
        slider = self.controls["win_length"]
        if slider.value == old:
            slider.max = max(slider.max, new)
            slider.value = new

    def _to_widget_value(self, name, value):
        """``set(window="rectangular")`` as well as ``"boxcar"``: the dropdown's label is accepted too."""
        if name == "window" and isinstance(value, str) and value in WINDOW_LABELS:
            value = WINDOWS[WINDOW_LABELS.index(value)]
        return super()._to_widget_value(name, value)

    def _build(self, figure):
        ax = figure.add_subplot()
        ax.set_xlabel("time (s)")
        ax.set_ylabel("frequency (Hz)")
        ax.set_xlim(0, len(self.y) / self.sr)
        self._panel = ImagePanel(ax, sr=self.sr, label="")

    def _power(self, n_fft, hop_length, win_length, window):
        import librosa

        key = (n_fft, hop_length, win_length, window)
        if self._stft_cache[0] != key:
            spectrum = librosa.stft(
                self.y, n_fft=n_fft, hop_length=hop_length, win_length=win_length, window=window, center=True
            )
            self._stft_cache = (key, np.abs(spectrum) ** 2)
        return self._stft_cache[1]

    def _filterbank(self, n_fft, n_mels, fmin, fmax, htk, norm):
        from .. import dsp

        key = (n_fft, n_mels, fmin, fmax, htk, norm)
        if self._filterbank_cache[0] != key:
            weights, warning = quiet_call(dsp.mel_filterbank, sr=self.sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin,
                                          fmax=fmax, htk=htk, norm=norm)
            self._filterbank_cache = (key, (weights, warning))
        return self._filterbank_cache[1]

    def _compute(self, values):
        import librosa

        sr, n = self.sr, len(self.y)
        n_fft, hop, win = values["n_fft"], values["hop_length"], values["win_length"]
        fmin, fmax, scale = values["fmin"], values["fmax"], values["scale"]
        if win > n_fft:
            raise ParameterError(f"win_length={win} must be <= n_fft={n_fft}: the window has to fit in the FFT frame")
        if fmin >= fmax:
            raise ParameterError(f"fmin={fmin:g} Hz must be below fmax={fmax:g} Hz")
        if scale == "log" and fmax <= LOG_FLOOR_HZ:
            raise ParameterError(f"the log scale starts at {LOG_FLOOR_HZ:g} Hz, so fmax must be above it")
        if n_fft > n:
            raise ParameterError(f"n_fft={n_fft} is longer than the clip ({n} samples); choose a smaller n_fft")
        power = self._power(n_fft, hop, win, values["window"])
        panel_warnings = [skipped_samples_warning(hop_length=hop, win_length=win, window=values["window"])]
        mel_readouts = {}
        if scale == "mel":
            weights, filter_warning = self._filterbank(n_fft, values["n_mels"], fmin, fmax, values["htk"], values["norm"])
            panel_warnings.append(filter_warning)
            shown = weights @ power
        else:
            shown = power
        peak = float(shown.max())
        if scale == "mel":
            mel_readouts = {
                "flat_tilt_db": flat_spectrum_tilt_db(weights),
                "flat_spread_db": flat_spectrum_spread_db(weights),
                "loudest_band_db": round(10 * np.log10(peak), 1) + 0.0 if peak > 0 else None,
            }
        if values["db"]:
            top_db = values["top_db"]
            shown = librosa.power_to_db(shown, ref=peak if peak > 0 else 1.0, amin=1e-10, top_db=top_db)
            vmin = -top_db if top_db is not None else float(shown.min())
            vmin, vmax = (vmin, 0.0) if vmin < 0 else (-1.0, 0.0)
            label = "dB re max"
        else:
            shown = shown / peak if peak > 0 else shown
            vmin, vmax, label = 0.0, 1.0, "power / max"
        n_frames = power.shape[1]
        rows = values["n_mels"] if scale == "mel" else 1 + n_fft // 2
        lobe_bins = main_lobe_bins(values["window"], win)
        readouts = {
            "delta_f_hz": sr / n_fft,
            "delta_t_ms": 1000 * hop / sr,
            "window_ms": 1000 * win / sr,
            "main_lobe_hz": float(f"{lobe_bins * sr / win:.5g}"),
            "n_frames": n_frames,
            "shape": (rows, n_frames),
            "shown_hz": (max(fmin, LOG_FLOOR_HZ) if scale == "log" else fmin, fmax),
            **mel_readouts,
        }
        return SpectrogramFrame(readouts=readouts, data={"S": shown, "power": power}, audio=self.y, audio_sr=sr,
                                warning=" ".join(w for w in panel_warnings if w), shown=shown, vmin=vmin, vmax=vmax, label=label)

    def _draw(self, frame, values):
        scale, fmin, fmax, n_fft, hop = (values[k] for k in ("scale", "fmin", "fmax", "n_fft", "hop_length"))
        low = max(fmin, LOG_FLOOR_HZ) if scale == "log" else fmin
        panel = self._panel
        panel.set_frequency_scale(scale, low, fmax)
        if scale == "mel":
            rows = mel_band_index(fmin=fmin, fmax=fmax, n_mels=values["n_mels"], htk=values["htk"])
        else:
            rows = fft_bin_index(sr=self.sr, n_fft=n_fft)
        panel.set_clim(frame.vmin, frame.vmax)
        self._paint(panel.ax, panel.painter(frame.shown, hop_length=hop, rows=rows))
        panel.colorbar.set_label(frame.label)
        panel.ax.set_title(("mel " if scale == "mel" else "") + "power spectrogram")
        return (scale, low, fmax, frame.vmin, frame.vmax, frame.label)

    def _relevant(self, values):
        return {"n_mels": values["scale"] == "mel", "top_db": values["db"]}

    def _shown(self, values):
        return {name: values["scale"] == "mel" for name in MEL_ONLY}

    def _readout_rows(self, readouts, values):
        n, sr = len(self.y), self.sr
        rows, frames = readouts["shape"]
        shape_rule = "n_mels" if values["scale"] == "mel" else "1 + n_fft // 2"
        table = [
            ("Δf = sr / n_fft", f"{sr} / {values['n_fft']} = {readouts['delta_f_hz']:.6g} Hz"),
            ("Δt = hop_length / sr", f"{values['hop_length']} / {sr} s = {readouts['delta_t_ms']:.6g} ms"),
            ("window = win_length / sr", f"{readouts['window_ms']:.6g} ms"),
            ("main lobe at −6 dB ≈ k · sr / win_length",
             f"{main_lobe_bins(values['window'], values['win_length']):.3g} · {sr} / {values['win_length']} = "
             f"{readouts['main_lobe_hz']:.5g} Hz"),
            frames_row(n, values["n_fft"], values["hop_length"], frames),
            (f"shape = ({html.escape(shape_rule)}, frames)", f"({rows}, {frames})"),
            ("frequencies shown", "{:g} … {:g} Hz".format(*readouts["shown_hz"])),
        ]
        if "flat_tilt_db" in readouts:
            tilt, loudest = readouts["flat_tilt_db"], readouts["loudest_band_db"]
            table += [
                (f"flat spectrum, top band / lowest (htk={values['htk']}, norm={values['norm']})",
                 "–" if tilt is None else f"{tilt:+.1f} dB"),
                ("flat spectrum, every band re top band", format_spread(readouts["flat_spread_db"])),
                ("loudest mel value, before ref=max", "–" if loudest is None else f"{loudest:.1f} dB re power 1"),
            ]
        return table
