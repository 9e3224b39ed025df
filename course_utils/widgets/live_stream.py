"""The streaming core of the live microphone view: audio in, only the new columns out, batch and stream equal.

Used by :class:`course_utils.widgets.live.LiveSpectrogram` (notebooks 00, 03, 04, 06 and 08).

Feed :meth:`LiveFeatures.push` chunks of any size (float samples in [-1, 1] or int16 PCM). Each call computes

- the columns of the current **view** whose frames the new samples complete, with the course's own code
  (:mod:`course_utils.dsp`): ``"linear"`` and ``"log"`` (power spectrogram in dB; the two differ only in the
  frequency axis they are drawn on), ``"mel"`` (mel power in dB) and ``"mfcc"``;
- the **int8 micro_speech features** of every new 20 ms hop (:class:`course_utils.tinyml.StreamingFrontend`), and,
  when keyword spotting is on, one model run per new row (:class:`course_utils.tinyml.recognize.KeywordSpotter`).

Framing is librosa's ``center=True`` with zero padding: column ``t`` is centred on sample ``t * hop_length``, the
samples before the start count as zeros, and :meth:`LiveFeatures.flush` pads the end with zeros. So the columns of
a whole clip streamed in any chunks equal ``dsp.stft`` / ``dsp.melspectrogram`` / ``dsp.mfcc`` of the clip, and the
TFLM rows equal ``tinyml.frontend`` exactly. Decibels use a fixed reference (a full-scale 1 kHz sine reads 0 dB in
the linear and mel views; ``ref=1`` for MFCC, as librosa) because a stream cannot know its loudest moment yet; for
the same reason ``top_db`` floors the log-mel of MFCC at ``top_db`` below that full-scale level instead of below
the clip's maximum.

**Bounded under load.** The samples of the last ``keep_seconds`` live in a fixed ring (:attr:`LiveFeatures.y`), the
display framing needs at most ``n_fft`` of them, and the TFLM frontend keeps its own 480. ``push(..., display=False)``
(what the widget does when Python falls behind real time) skips the display columns those samples complete:
they are counted in :attr:`LiveFeatures.dropped_columns`, never computed, and the next column is the first one
the next displayed push completes. The TFLM features and keyword spotting are never skipped. (They are computed
only while the TFLM view or keyword spotting is on; switched on later, the TFLM frontend starts afresh there.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .. import dsp
from ..errors import ParameterError
from ..tinyml.qformat import to_q15
from ..tinyml.stream import StreamingFrontend
from ..tinyml.tables import NUM_CHANNELS, SAMPLE_RATE, WINDOW_SIZE, WINDOW_STEP
from ..validate import require_choice, require_int, require_number

VIEWS = ("linear", "log", "mel", "mfcc", "tflm")
N_FFT_OPTIONS = (128, 256, 512, 1024, 2048)
DEFAULTS = {"view": "mel", "n_fft": 512, "hop_length": 160, "n_mels": 64, "n_mfcc": 20, "top_db": 80.0, "fmax": None}
REFERENCE_HZ = 1000.0  # 0 dB in the spectrogram views: a full-scale sine at this frequency
MFCC_AMIN = 1e-10


@dataclass
class Update:
    """What one :meth:`LiveFeatures.push` produced.

    Attributes
    ----------
    view : str
        The view the columns belong to.
    columns : numpy.ndarray, shape (rows, n)
        The new display columns (dB, or MFCC coefficients, or int8 TFLM features as float).
    first_column : int
        Index of the first new column since the current settings apply (column ``k`` is centred at
        ``start_sample + k * hop_length``).
    start_sample : int
        Stream sample on which column 0 of the current settings is centred.
    hop_length : int
    dropped : int
        Display columns skipped by this push (``display=False``).
    features : numpy.ndarray of int8, shape (n_rows, 40)
        The new TFLM micro_speech feature rows.
    recognitions : list
        ``(int8 scores, Recognition)`` per new feature row, when keyword spotting is on.
    """

    view: str
    columns: np.ndarray
    first_column: int
    start_sample: int
    hop_length: int
    dropped: int = 0
    features: np.ndarray = field(default_factory=lambda: np.zeros((0, NUM_CHANNELS), np.int8))
    recognitions: list = field(default_factory=list)


def _check_settings(settings: dict, sr: int) -> dict:
    s = dict(settings)
    require_choice("view", s["view"], VIEWS)
    s["n_fft"] = require_int("n_fft", s["n_fft"], minimum=16, maximum=8192)
    s["hop_length"] = require_int("hop_length", s["hop_length"], minimum=1, maximum=s["n_fft"])
    s["n_mels"] = require_int("n_mels", s["n_mels"], minimum=1, maximum=256)
    s["n_mfcc"] = require_int("n_mfcc", s["n_mfcc"], minimum=1)
    if s["view"] == "mfcc" and s["n_mfcc"] > s["n_mels"]:  # other views ignore n_mfcc: any n_mels is fine there
        raise ParameterError(f"n_mfcc={s['n_mfcc']} must be <= n_mels={s['n_mels']} in the MFCC view")
    s["top_db"] = require_number("top_db", s["top_db"], above=0, maximum=200)
    if s["fmax"] is not None:
        s["fmax"] = require_number("fmax", s["fmax"], above=0, maximum=sr / 2)
    return s


class LiveFeatures:
    """Streaming spectrogram / mel / MFCC / TFLM features: push chunks, get only the new columns.

    Used by the live view of notebooks/03_stft.ipynb and notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    sr : int
        Sample rate; 16000 (the TFLM frontend's and the microphone capture's).
    keep_seconds : float
        Length of the ring of recent samples, :attr:`y` (1 to 60 s).
    kws : bool
        Run the micro_speech keyword spotter on every new feature row.
    view, n_fft, hop_length, n_mels, n_mfcc, top_db, fmax
        Initial settings, see :meth:`set`.
    """

    def __init__(self, sr: int = SAMPLE_RATE, *, keep_seconds: float = 10.0, kws: bool = False, spotter=None,
                 **settings):
        if sr != SAMPLE_RATE:
            raise ParameterError(f"sr must be {SAMPLE_RATE} Hz (the micro_speech frontend's rate), got {sr!r}")
        self.sr = SAMPLE_RATE
        keep_seconds = require_number("keep_seconds", keep_seconds, minimum=1, maximum=60)
        self._ring = np.zeros(int(round(keep_seconds * self.sr)), dtype=np.float32)
        unknown = set(settings) - set(DEFAULTS)
        if unknown:
            raise ParameterError(f"unknown setting(s) {sorted(unknown)}; the settings are {sorted(DEFAULTS)}")
        self.settings = _check_settings({**DEFAULTS, **settings}, self.sr)
        self.kws = bool(kws)
        self._spotter = spotter
        self.frontend = StreamingFrontend(self.sr)
        self.reset()

    # ---- state
    def reset(self) -> None:
        """Start a new stream: no samples, column 0 centred on sample 0, fresh TFLM noise estimate."""
        self._ring[:] = 0
        self.n_samples = 0
        self.dropped_columns = 0
        self.frontend.reset()
        self._frontend_origin = 0  # stream sample where the TFLM frontend's own stream began
        if self._spotter is not None:
            self._spotter.reset()
        self._restart_columns(0)

    @property
    def spotter(self):
        """The :class:`~course_utils.tinyml.recognize.KeywordSpotter` (created on first use)."""
        if self._spotter is None:
            from ..tinyml.recognize import KeywordSpotter

            self._spotter = KeywordSpotter()
        return self._spotter

    @property
    def needs_features(self) -> bool:
        """Whether the TFLM features are computed: for the TFLM view and for keyword spotting."""
        return self.kws or self.settings["view"] == "tflm"

    @property
    def keep_samples(self) -> int:
        return len(self._ring)

    @property
    def y(self) -> np.ndarray:
        """The last ``keep_seconds`` of samples (fewer at the start), oldest first, float32."""
        n = min(self.n_samples, len(self._ring))
        return self._samples(self.n_samples - n, self.n_samples)

    def _samples(self, start: int, stop: int) -> np.ndarray:
        """Stream samples ``start:stop``; positions before 0 or after the last sample are zeros."""
        out = np.zeros(stop - start, dtype=np.float32)
        lo, hi = max(start, 0, self.n_samples - len(self._ring)), min(stop, self.n_samples)
        if hi > lo:
            idx = np.arange(lo, hi) % len(self._ring)
            out[lo - start : hi - start] = self._ring[idx]
        return out

    def set(self, **settings) -> None:
        """Change settings; they apply from the next column on, centred where the next column would have been.

        Parameters
        ----------
        view : {"linear", "log", "mel", "mfcc", "tflm"}
        n_fft : int
            FFT length (16 … 8192).
        hop_length : int
            Samples between columns (1 … n_fft).
        n_mels, n_mfcc : int
            Mel bands (mel and MFCC views) and coefficients kept (MFCC), ``n_mfcc <= n_mels``.
        top_db : float
            Dynamic range shown, in dB below a full-scale 1 kHz sine (also the MFCC log-mel floor).
        fmax : float or None
            Highest frequency shown and of the mel filters; None means sr / 2.
        """
        unknown = set(settings) - set(DEFAULTS)
        if unknown:
            raise ParameterError(f"unknown setting(s) {sorted(unknown)}; the settings are {sorted(DEFAULTS)}")
        new = _check_settings({**self.settings, **settings}, self.sr)
        if new != self.settings:
            next_center = self._start + self._next * self._hop
            self.settings = new
            self._restart_columns(next_center)

    def _restart_columns(self, center: int) -> None:
        s = self.settings
        self._start, self._next = center, 0
        if s["view"] == "tflm":
            # Columns are the feature rows computed from now on; row k is centred on sample k * 320 + 240.
            self._hop, self._n_fft = WINDOW_STEP, WINDOW_SIZE
            self._start = self._frontend_origin + self.frontend.frames_emitted * WINDOW_STEP + WINDOW_SIZE // 2
            self.reference_power = 1.0
            return
        self._hop, self._n_fft = s["hop_length"], s["n_fft"]
        self._window = dsp.pad_center(dsp.get_window("hann", self._n_fft), size=self._n_fft)
        fmax = s["fmax"] if s["fmax"] is not None else self.sr / 2
        self._mel = None
        if s["view"] in ("mel", "mfcc"):
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # empty bands are shown as such, not warned about
                self._mel = dsp.mel_filterbank(sr=self.sr, n_fft=self._n_fft, n_mels=s["n_mels"], fmax=fmax)
            self._dct = dsp.dct_matrix(s["n_mels"])[: s["n_mfcc"]]
        self.reference_power = self._reference_power()

    def _reference_power(self) -> float:
        """The view's power (before dB) of a full-scale 1 kHz sine: what reads 0 dB."""
        t = np.arange(self._n_fft) / self.sr
        power = np.abs(np.fft.rfft(self._window * np.sin(2 * np.pi * REFERENCE_HZ * t))) ** 2
        if self._mel is not None:
            power = self._mel @ power
        return float(power.max())

    # ---- the display columns, from the course's dsp
    def _power_columns(self, frames: np.ndarray) -> np.ndarray:
        return np.abs(np.fft.rfft(self._window[:, np.newaxis] * frames, axis=0)) ** 2

    def transform(self, power: np.ndarray) -> np.ndarray:
        """Turn power columns (``|stft|**2``) into the current view's columns."""
        view = self.settings["view"]
        if view in ("linear", "log"):
            return dsp.power_to_db(power, ref=self.reference_power, top_db=None)
        mel = self._mel @ power
        if view == "mel":
            return dsp.power_to_db(mel, ref=self.reference_power, top_db=None)
        log_mel = dsp.power_to_db(mel, amin=MFCC_AMIN, top_db=None)
        floor = 10 * np.log10(max(self.reference_power, MFCC_AMIN)) - self.settings["top_db"]
        return self._dct @ np.maximum(log_mel, floor)

    def _columns(self, end_center: int, display: bool) -> tuple[np.ndarray, int, int]:
        """Columns centred up to ``end_center`` (inclusive) that are complete; returns (columns, first, dropped)."""
        first = self._next
        half = self._n_fft // 2
        last = (end_center - self._start) // self._hop
        n = max(0, last - first + 1)
        self._next = first + n
        if n == 0:
            return np.zeros((self._rows(), 0)), first, 0
        if not display:
            self.dropped_columns += n
            return np.zeros((self._rows(), 0)), self._next, n
        centers = self._start + self._hop * np.arange(first, first + n)
        samples = self._samples(int(centers[0]) - half, int(centers[-1]) - half + self._n_fft)
        frames = np.lib.stride_tricks.sliding_window_view(samples, self._n_fft)[:: self._hop][:n].T
        return self.transform(self._power_columns(frames.astype(np.float64))), first, 0

    def _rows(self) -> int:
        view = self.settings["view"]
        if view == "tflm":
            return NUM_CHANNELS
        if view == "mfcc":
            return self.settings["n_mfcc"]
        if view == "mel":
            return self.settings["n_mels"]
        return 1 + self._n_fft // 2

    # ---- feeding
    def _append(self, y: np.ndarray) -> None:
        kept = y[-len(self._ring):]
        self._ring[(self.n_samples + len(y) - len(kept) + np.arange(len(kept))) % len(self._ring)] = kept
        self.n_samples += len(y)

    def push(self, chunk, *, display: bool = True) -> Update:
        """Append samples; return the new columns of the view, TFLM feature rows and keyword-spotter results.

        Parameters
        ----------
        chunk : numpy.ndarray, shape (n,)
            float samples in [-1, 1] or int16 PCM (``int16 / 32768`` for the dsp views).
        display : bool
            False skips (and counts) the display columns; features and keyword spotting still run.

        Returns
        -------
        Update
        """
        chunk = np.asarray(chunk)
        if chunk.ndim != 1:
            raise ParameterError(f"chunk must be mono (1-D), got shape {chunk.shape}")
        if chunk.dtype == np.int16:
            pcm, y = chunk, chunk.astype(np.float32) / 32768
        elif np.issubdtype(chunk.dtype, np.floating):
            y = chunk.astype(np.float32)
            if not np.all(np.isfinite(y)):
                raise ParameterError("chunk contains NaN or infinite samples")
            pcm = to_q15(y)
        else:
            raise ParameterError(f"chunk must be float samples in [-1, 1] or int16 PCM, got dtype {chunk.dtype}")
        self._append(y)
        features = np.zeros((0, NUM_CHANNELS), np.int8)
        if self.needs_features:
            features = self.frontend.push(pcm)
        else:  # nobody uses them: the frontend restarts here when the TFLM view or keyword spotting comes on
            self.frontend.reset()
            self._frontend_origin = self.n_samples
            if self._spotter is not None:
                self._spotter.reset()
        # A column centred on c needs samples c - n_fft // 2 … c - n_fft // 2 + n_fft - 1.
        return self._update(features, display, end_center=self.n_samples - self._n_fft + self._n_fft // 2)

    def flush(self) -> Update:
        """End the stream: the columns that the zero padding after the last sample completes (``center=True``)."""
        end_center = self.n_samples + 2 * (self._n_fft // 2) - self._n_fft
        return self._update(np.zeros((0, NUM_CHANNELS), np.int8), True, end_center=end_center)

    def _update(self, features: np.ndarray, display: bool, *, end_center: int) -> Update:
        recognitions = self.spotter.push(features) if self.kws and len(features) else []
        if self.settings["view"] == "tflm":
            first, self._next = self._next, self._next + len(features)
            if display:
                columns, dropped = features.T.astype(np.float64), 0
            else:
                columns, dropped, first = np.zeros((NUM_CHANNELS, 0)), len(features), self._next
                self.dropped_columns += dropped
        else:
            columns, first, dropped = self._columns(end_center, display)
        return Update(self.settings["view"], columns, first, self._start, self._hop, dropped, features, recognitions)
