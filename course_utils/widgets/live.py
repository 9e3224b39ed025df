"""LiveSpectrogram: speak into the microphone and watch the spectrogram, mel, MFCC or TFLM features scroll, with
live keyword spotting.

Used in notebooks/00_start_here.ipynb (the first picture that moves), 03_stft.ipynb (live n_fft / hop_length),
04_mel_scale.ipynb (live mel), 06_mfcc.ipynb (live MFCC) and 08_tinyml.ipynb (live TFLM features and keyword
spotting).

How it works. The browser (``static/live.js``) captures the microphone at 16 kHz with the recorder's capture
(:mod:`course_utils.recorder.capture`, one capture path for both) and sends raw float32 blocks of about 20 ms.
Python feeds them to :class:`~course_utils.widgets.live_stream.LiveFeatures`, which computes only the new columns
with the course's own ``dsp`` and TFLM frontend, and sends each new column back as one byte per pixel row (colour
levels 0…255, pooled onto the picture's rows with :func:`~course_utils.widgets.raster.pool_max`); the browser
paints the last ``seconds`` from them. Controls are synced traits: a change applies from the next column on, and
the microphone stays open. Without a microphone, the same pipeline streams a course clip "as if live"
(:meth:`LiveSpectrogram.stream`, or the clip button in the view).

Without a kernel, or in a saved copy (GitHub, nbviewer, the course website), the output shows a PNG of the
picture as it was when the cell ran (:meth:`LiveSpectrogram.static_png`, a title saying the view needs a kernel,
labelled axes and a colour bar, alt text in its metadata) and a plain-text line; Python keeps the same pixel
columns the browser paints (:meth:`LiveSpectrogram.picture`) to draw it.

Bounded under load: Python measures how far behind it is: each block carries the time its newest sample arrived in
the browser, and the lag is how much longer this block took to reach Python than the fastest block so far (so
neither the clock offset between browser and kernel nor a slow audio clock counts). Beyond ``max_lag`` seconds it skips the display columns of the samples that arrive
(the picture shows a gap, :attr:`LiveSpectrogram.dropped_columns` counts them) but still computes every TFLM
feature and keyword-spotter run, which are cheap, so it catches up and the backlog stays bounded. The browser keeps
at most ``MAX_IN_FLIGHT`` (8, in ``static/live.js``) blocks unanswered and merges what arrives meanwhile into the
next block, so it does not flood a busy kernel either; nothing the keyword spotter needs is dropped.

Speed depends on the server. ``make lab`` (and the browser tests and benchmarks) start Jupyter with
``course_utils/jupyter_config/`` on ``JUPYTER_CONFIG_PATH``, where widget messages (``comm_msg``) are not kernel
activity. Otherwise ipykernel's busy/idle status around each of the 50 blocks a second makes JupyterLab's page
spend most of its time on them, and the picture lags by several hundred milliseconds. Plain ``jupyter lab`` and
Colab do not have this setting. Its cost: widget traffic no longer shows the kernel as busy, nor counts as activity
for culling idle kernels.
"""

from __future__ import annotations

import base64
import functools
import threading
import time
from pathlib import Path

import numpy as np

from .. import data, dsp
from ..errors import ParameterError, RecordingError
from ..recorder.capture import browser_rate, capture_widget_class, decode_pcm, message_payload
from ..recorder.takes import Take
from ..tinyml.reference import LABELS
from ..tinyml.tables import NUM_CHANNELS, SAMPLE_RATE
from ..validate import require_number
from .live_stream import DEFAULTS, N_FFT_OPTIONS, VIEWS, LiveFeatures
from .raster import colormap_lut, pool_max
from .spectrogram import skipped_samples_warning

STATIC = Path(__file__).resolve().parent / "static"
HEIGHT = 256                # pixel rows of the picture
LOG_FLOOR_HZ = 32.0
MFCC_RANGE = 60.0           # MFCC colour bar: -60 … 60 (c0, far below, is shown at the bottom colour)
STATIC_TEXT = "Live microphone view: it needs a running Python kernel. Run this notebook in Jupyter or Colab."
PX_SAMPLES = 160            # one pixel column of the picture = 10 ms (as PX_SAMPLES in static/live.js)
HOP_OPTIONS = (32, 48, 64, 80, 160, 256, 320, 512)  # 32-64: within half of n_fft = 128
TOP_DB_OPTIONS = (40.0, 60.0, 80.0, 100.0)


@functools.cache
def _widget_class():
    import traitlets

    class _LiveWidget(capture_widget_class()):
        _esm = STATIC / "live.js"
        _css = STATIC / "live.css"
        view = traitlets.Unicode(DEFAULTS["view"]).tag(sync=True)
        n_fft = traitlets.Int(DEFAULTS["n_fft"]).tag(sync=True)
        hop_length = traitlets.Int(DEFAULTS["hop_length"]).tag(sync=True)
        n_mels = traitlets.Int(DEFAULTS["n_mels"]).tag(sync=True)
        n_mfcc = traitlets.Int(DEFAULTS["n_mfcc"]).tag(sync=True)
        top_db = traitlets.Float(DEFAULTS["top_db"]).tag(sync=True)
        fmax = traitlets.Float(0.0).tag(sync=True)  # 0 means sr / 2
        frozen = traitlets.Bool(False).tag(sync=True)
        presentation = traitlets.Bool(False).tag(sync=True)
        seconds = traitlets.Float(8.0).tag(sync=True)
        kws = traitlets.Bool(True).tag(sync=True)
        clips = traitlets.List(traitlets.Unicode()).tag(sync=True)
        options = traitlets.Dict().tag(sync=True)
        lut = traitlets.Unicode("").tag(sync=True)
        debug = traitlets.Bool(False).tag(sync=True)  # live.js keeps every latency (benchmarks/live_latency.py)

        def __repr__(self) -> str:
            return STATIC_TEXT

    return _LiveWidget


def _speech_clips() -> list[str]:
    try:
        return [clip.name for clip in data.manifest() if clip.category.startswith("speech")]
    except (data.DataNotFoundError, OSError):
        return []


def _hz_label(hz: float) -> str:
    return f"{hz / 1000:g}k" if hz >= 1000 else f"{hz:g}"


class LiveSpectrogram:
    """A live, scrolling picture of the microphone: spectrogram (linear or log frequency), mel, MFCC or TFLM features.

    Used in notebooks/00, 03, 04, 06 and 08 (see the module docstring). Display it as the last expression of a cell and
    press ● Listen; or, without a microphone, stream a course clip through the same pipeline.

    Parameters
    ----------
    view : {"linear", "log", "mel", "mfcc", "tflm"}
    n_fft, hop_length, n_mels, n_mfcc, top_db, fmax
        Initial settings (see :meth:`LiveFeatures.set <course_utils.widgets.live_stream.LiveFeatures.set>`).
    kws : bool
        Run the micro_speech keyword spotter on the TFLM features and show its scores and the detected word.
    seconds : float
        Seconds of history the picture shows (5 to 10).
    keep_seconds : float
        Seconds of audio kept in Python, :attr:`y`.
    max_lag : float
        Seconds behind real time beyond which display columns are skipped (features never are).
    presentation : bool
        Larger picture and fonts for a projector.

    Attributes
    ----------
    features : LiveFeatures
        The streaming core.
    dropped_columns : int
        Display columns skipped because Python fell behind.
    detections : list of Recognition
        Every keyword detected since the stream started.
    """

    def __init__(self, *, view="mel", n_fft=512, hop_length=160, n_mels=64, n_mfcc=20, top_db=80.0, fmax=None,
                 kws=True, seconds=8.0, keep_seconds=10.0, max_lag=0.25, presentation=False):
        self.seconds = require_number("seconds", seconds, minimum=5, maximum=10)
        self.max_lag = require_number("max_lag", max_lag, above=0, maximum=10)
        self.features = LiveFeatures(keep_seconds=keep_seconds, kws=kws, view=view, n_fft=n_fft,
                                     hop_length=hop_length, n_mels=n_mels, n_mfcc=n_mfcc, top_db=top_db, fmax=fmax)
        self.kws = bool(kws)
        self.presentation = bool(presentation)
        self.errors: list[str] = []
        self.source = ""
        self.max_lag_seen = 0.0
        self._lock = threading.RLock()
        self._widget = None
        self._transit: float | None = None  # fastest arrival-to-handling time seen: the reference for the lag
        self._scores = np.full(len(LABELS), -128, dtype=np.int8)
        self._recognition = None
        self._thread: threading.Thread | None = None
        self._stop_stream = threading.Event()
        self._pixels = np.zeros((int(round(self.seconds * SAMPLE_RATE / PX_SAMPLES)), HEIGHT), np.uint8)
        self._head = -1  # newest pixel column painted (10 ms units since the stream began), -1 before any
        self._shown_warning = ""  # the hop warning the status line shows now

    # ---- the widget
    @property
    def widget(self):
        """The anywidget that runs in the browser."""
        if self._widget is None:
            s = self.features.settings
            lut = colormap_lut("magma")[:, :3].tobytes()
            widget = _widget_class()(
                sr=SAMPLE_RATE, view=s["view"], n_fft=s["n_fft"], hop_length=s["hop_length"], n_mels=s["n_mels"],
                n_mfcc=s["n_mfcc"], top_db=s["top_db"], fmax=float(s["fmax"] or 0.0), seconds=self.seconds,
                kws=self.kws, presentation=self.presentation, clips=_speech_clips(),
                options={"view": list(VIEWS), "n_fft": list(N_FFT_OPTIONS), "hop_length": list(HOP_OPTIONS),
                         "top_db": list(TOP_DB_OPTIONS), "labels": list(LABELS)},
                lut=base64.b64encode(lut).decode("ascii"))
            widget.on_msg(self._on_message)
            widget.observe(self._on_setting, names=["view", "n_fft", "hop_length", "n_mels", "n_mfcc", "top_db",
                                                    "fmax"])
            self._widget = widget
        return self._widget

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The live widget for Jupyter, plus a PNG of the current picture (with its alt text) and a text line for
        viewers without a kernel (GitHub, nbviewer, the course website, an untrusted notebook)."""
        data = {
            "text/plain": f"{STATIC_TEXT} {self.alt_text()}",
            "image/png": base64.b64encode(self.static_png()).decode("ascii"),
            "application/vnd.jupyter.widget-view+json": {"version_major": 2, "version_minor": 0,
                                                         "model_id": self.widget.model_id},
        }
        return data, {"image/png": {"alt": self.alt_text()}}

    def __repr__(self) -> str:
        s = self.features.settings
        return (f"LiveSpectrogram(view={s['view']!r}, n_fft={s['n_fft']}, hop_length={s['hop_length']}, "
                f"kws={self.kws})")

    # ---- settings
    def set(self, **settings) -> None:
        """Change settings from Python (the controls follow); they apply from the next column on."""
        with self._lock:
            self.features.set(**settings)
        if self._widget is not None:
            s = self.features.settings
            with self._widget.hold_sync():
                for key in settings:
                    value = s[key]
                    setattr(self._widget, key, float(value or 0.0) if key == "fmax" else value)
        self._send_layout()

    def _on_setting(self, change) -> None:
        key, value = change["name"], change["new"]
        if key == "fmax":
            value = None if not value else float(value)
        try:
            with self._lock:
                self.features.set(**{key: value})
        except ParameterError as error:
            self.errors.append(str(error))
            in_use = self.features.settings[key]  # the control goes back to what the picture still uses
            setattr(change["owner"], key, float(in_use or 0.0) if key == "fmax" else in_use)
            self._send({"type": "status", "kind": "error", "text": str(error)})
            return
        self._send_layout()

    # ---- what the picture shows
    def readouts(self) -> dict:
        """Δf, Δt and columns per second of the current settings."""
        f = self.features
        s = f.settings
        if s["view"] == "tflm":
            n_fft, hop = 512, 320  # TFLM: a 30 ms window zero-padded to a 512-point FFT, 20 ms hop
        else:
            n_fft, hop = s["n_fft"], s["hop_length"]
        return {"delta_f_hz": SAMPLE_RATE / n_fft, "delta_t_ms": 1000 * hop / SAMPLE_RATE,
                "columns_per_s": SAMPLE_RATE / hop}

    def layout(self) -> dict:
        """The picture's axes: pixel rows, ticks, labels and colour-bar range for the current view."""
        s = self.features.settings
        view = s["view"]
        fmax = s["fmax"] or SAMPLE_RATE / 2
        e = np.arange(HEIGHT + 1) / HEIGHT
        if view in ("linear", "log"):
            low = 0.0 if view == "linear" else LOG_FLOOR_HZ
            hz = low + e * (fmax - low) if view == "linear" else low * (fmax / low) ** e
            edges = hz * s["n_fft"] / SAMPLE_RATE
            ticks_hz = [v for v in (0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000) if v <= fmax] \
                if view == "linear" else [v for v in (32, 63, 125, 250, 500, 1000, 2000, 4000, 8000) if v <= fmax]
            ticks = [[float(np.interp(v, hz, e)), _hz_label(v)] for v in ticks_hz]
            ylabel = "frequency (Hz)" if view == "linear" else "frequency (Hz, log scale)"
            clim, clabel = (-s["top_db"], 0.0), "dB re full-scale 1 kHz sine"
        elif view == "mel":
            n = s["n_mels"]
            edges = e * n - 0.5
            centres = dsp.mel_frequencies(n + 2, fmax=fmax)[1:-1]
            ticks = [[float((np.interp(v, centres, np.arange(n)) + 0.5) / n), _hz_label(v)]
                     for v in (250, 500, 1000, 2000, 4000, 8000) if centres[0] <= v <= centres[-1]]
            ylabel, clim, clabel = "frequency (Hz, mel scale)", (-s["top_db"], 0.0), "dB re full-scale 1 kHz sine"
        else:
            n = s["n_mfcc"] if view == "mfcc" else NUM_CHANNELS
            edges = e * n - 0.5
            step = 5 if n > 20 else 2 if n > 8 else 1
            ticks = [[(k + 0.5) / n, str(k)] for k in range(0, n, step)]
            if view == "mfcc":
                ylabel, clim, clabel = "MFCC coefficient", (-MFCC_RANGE, MFCC_RANGE), "MFCC"
            else:
                ylabel, clim, clabel = "TFLM channel (mel-like)", (-128.0, 127.0), "int8 feature"
        return {"type": "layout", "view": view, "height": HEIGHT, "edges": edges, "ticks": ticks, "ylabel": ylabel,
                "vmin": clim[0], "vmax": clim[1], "clabel": clabel, "readouts": self.readouts()}

    def levels(self, columns: np.ndarray, layout: dict | None = None) -> np.ndarray:
        """Colour levels (0…255, uint8) of columns pooled onto the picture's rows: shape (HEIGHT, n), bottom first."""
        layout = layout or self.layout()
        if columns.shape[1] == 0:
            return np.zeros((HEIGHT, 0), np.uint8)
        vmin, vmax = layout["vmin"], layout["vmax"]
        level = np.clip((columns - vmin) * (255.0 / (vmax - vmin)), 0, 255).astype(np.uint8)
        return pool_max(level, layout["edges"], axis=0)

    # ---- the picture, as the browser paints it
    def _paint(self, start: int, hop: int, first: int, levels: np.ndarray) -> None:
        """Paint columns into the picture's ring of 10 ms pixel columns, as ``paintColumns`` in live.js does."""
        width = len(self._pixels)
        for j in range(levels.shape[1]):
            center = start + (first + j) * hop
            p0 = int(np.floor((center - hop / 2) / PX_SAMPLES))
            p1 = max(p0, int(np.floor((center + hop / 2 - 1) / PX_SAMPLES)))
            for p in range(max(p0, 0, self._head - width + 1), p1 + 1):
                if p > self._head:
                    gap = np.arange(max(self._head + 1, p - width + 1), p)
                    self._pixels[gap % width] = 0
                    self._head = p
                self._pixels[p % width] = levels[:, j]

    def picture(self) -> np.ndarray:
        """The picture the browser shows: colour levels (0…255) of shape (HEIGHT, seconds / 10 ms), bottom row first,
        the newest 10 ms pixel column last (zeros where nothing was painted)."""
        with self._lock:
            width = len(self._pixels)
            p = self._head - width + 1 + np.arange(width)
            columns = np.where((p >= 0)[:, np.newaxis], self._pixels[p % width], 0)
        return np.ascontiguousarray(columns.T)

    def draw_picture(self, ax):
        """Draw :meth:`picture` on ``ax`` with the view's axes, ticks and colour bar; returns the AxesImage."""
        layout = self.layout()
        vmin, vmax = layout["vmin"], layout["vmax"]
        values = vmin + self.picture() * ((vmax - vmin) / 255.0)
        image = ax.imshow(values, origin="lower", aspect="auto", cmap="magma", vmin=vmin, vmax=vmax,
                          extent=(-self.seconds, 0.0, 0.0, 1.0), interpolation="nearest")
        ax.set_yticks([fraction for fraction, _ in layout["ticks"]], [text for _, text in layout["ticks"]])
        ax.set_ylabel(layout["ylabel"])
        ax.set_xlabel("time (s), 0 = the newest column")
        ax.figure.colorbar(image, ax=ax, label=layout["clabel"])
        return image

    def static_png(self) -> bytes:
        """The current picture as a PNG (title, labelled axes, colour bar), for saved copies without a kernel."""
        import io

        from matplotlib.figure import Figure

        fig = Figure(figsize=(8.0, 3.2), dpi=80)
        ax = fig.add_subplot()
        self.draw_picture(ax)
        ax.set_title("Live view: needs a running Python kernel. The picture when the cell last ran:", fontsize=10)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()

    def alt_text(self) -> str:
        """One sentence describing :meth:`static_png`, from the numbers it shows."""
        layout, s = self.layout(), self.features.settings
        painted = int(np.count_nonzero(self.picture().any(axis=0)))
        settings = {"linear": f"n_fft = {s['n_fft']}, hop_length = {s['hop_length']}",
                    "log": f"n_fft = {s['n_fft']}, hop_length = {s['hop_length']}",
                    "mel": f"n_fft = {s['n_fft']}, hop_length = {s['hop_length']}, n_mels = {s['n_mels']}",
                    "mfcc": f"n_fft = {s['n_fft']}, hop_length = {s['hop_length']}, n_mfcc = {s['n_mfcc']}",
                    "tflm": "40 channels every 20 ms"}[s["view"]]
        words = ", ".join(label for label, _ in self.summary_numbers()["detections"]) or "none"
        return (f"Still picture of the live {s['view']} view ({settings}): the last {self.seconds:g} s, "
                f"{layout['ylabel']} against time, colour {layout['vmin']:g} to {layout['vmax']:g} "
                f"({layout['clabel']}); {painted} of {len(self._pixels)} 10 ms columns painted; "
                f"words detected: {words}.")

    # ---- feeding
    def _process(self, y, *, t=None, echo=None, seq=None, source: str = "microphone") -> dict:
        """One block through the pipeline: lag check, features, columns; returns (and sends) the update message."""
        with self._lock:
            now = time.perf_counter()
            lag = 0.0
            if t is not None:  # seconds on the sender's clock when the block's newest sample arrived
                transit = now - t
                self._transit = transit if self._transit is None else min(self._transit, transit)
                lag = transit - self._transit  # how much later than the fastest block this one is handled
            self.max_lag_seen = max(self.max_lag_seen, lag)
            frozen = self._widget is not None and self._widget.frozen
            update = self.features.push(y, display=lag <= self.max_lag and not frozen)
            self.source = source
            for scores, recognition in update.recognitions:
                self._scores, self._recognition = scores, recognition
            layout = self.layout()
            levels = self.levels(update.columns, layout)
            self._paint(update.start_sample, update.hop_length, update.first_column, levels)
            message = {"type": "columns", "view": update.view, "start": update.start_sample, "hop": update.hop_length,
                       "first": update.first_column, "n": levels.shape[1], "height": HEIGHT,
                       "dropped": update.dropped, "end": self.features.n_samples, "t": echo, "seq": seq,
                       "lag_ms": round(1000 * max(lag, 0.0), 1)}
            if self.kws:
                r = self._recognition
                message["kws"] = {"scores": [int(v) + 128 for v in self._scores],
                                  "average": list(r.average) if r else [0] * len(LABELS),
                                  "word": r.label if r else "", "score": r.score if r else 0,
                                  "detected": [d.label for d in update_detections(update)]}
        self._send(message, [np.ascontiguousarray(levels.T).tobytes()])
        return message

    def push(self, y, *, source: str = "Python") -> dict:
        """Feed samples (float in [-1, 1] or int16, 16 kHz) from Python, as the browser's blocks are fed."""
        return self._process(np.asarray(y), source=source)

    def stream(self, y, sr: int = SAMPLE_RATE, *, realtime: bool = False, block: int = 320,
               source: str = "Python") -> dict:
        """Stream a whole clip through the pipeline "as if live", in blocks of ``block`` samples; then flush.

        Parameters
        ----------
        y : numpy.ndarray
            Mono audio (resampled to 16 kHz when ``sr`` differs).
        realtime : bool
            Pace the blocks at the speed of real time (what the view's clip button does); False runs at full speed.
        block : int
            Samples per block (320 = 20 ms, the browser's block size).

        Returns
        -------
        dict
            :meth:`summary_numbers` at the end.
        """
        from ..audio import resample

        y = np.asarray(y, dtype=np.float32)
        if sr != SAMPLE_RATE:
            y = resample(y, orig_sr=sr, target_sr=SAMPLE_RATE).astype(np.float32)
        self.restart()
        start = time.perf_counter()
        for offset in range(0, len(y), block):
            if self._stop_stream.is_set():
                break
            arrival = None
            if realtime:  # the block is "captured" when its last sample would have been spoken
                arrival = start + min(offset + block, len(y)) / SAMPLE_RATE
                wait = arrival - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
            self._process(y[offset : offset + block], t=arrival, source=source)
        with self._lock:
            tail = self.features.flush()
            levels = self.levels(tail.columns)
            self._paint(tail.start_sample, tail.hop_length, tail.first_column, levels)
        self._send({"type": "columns", "view": tail.view, "start": tail.start_sample, "hop": tail.hop_length,
                    "first": tail.first_column, "n": levels.shape[1], "height": HEIGHT, "dropped": 0,
                    "end": self.features.n_samples, "t": None, "seq": None, "lag_ms": 0.0},
                   [np.ascontiguousarray(levels.T).tobytes()])
        return self.summary_numbers()

    def stream_clip(self, name: str, *, realtime: bool = True, background: bool = True):
        """Stream a course clip "as if live" (the no-microphone path); in a background thread by default."""
        y, sr = data.load(name, sr=SAMPLE_RATE, verbose=False)
        if not background:
            return self.stream(y, sr, realtime=realtime, source=f"course clip {name}")
        self.stop_stream()
        self._stop_stream.clear()
        self._thread = threading.Thread(target=self.stream, args=(y, sr),
                                        kwargs={"realtime": realtime, "source": f"course clip {name}"},
                                        name="course-utils-live-clip", daemon=True)
        self._thread.start()
        return self._thread

    def stop_stream(self) -> None:
        """Stop a clip streamed in the background."""
        self._stop_stream.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self._thread = None

    def restart(self) -> None:
        """Start a new stream: empty history, fresh TFLM state and keyword spotter."""
        with self._lock:
            self.features.reset()
            self._transit = None
            self.max_lag_seen = 0.0
            self._scores = np.full(len(LABELS), -128, dtype=np.int8)
            self._recognition = None
            self._pixels[:] = 0
            self._head = -1
        self._send({"type": "restart"})
        self._send_layout()

    # ---- results
    @property
    def dropped_columns(self) -> int:
        return self.features.dropped_columns

    @property
    def detections(self) -> list:
        return list(self.features.spotter.detections) if self.kws else []

    @property
    def y(self) -> np.ndarray:
        """The last ``keep_seconds`` of audio (float32, 16 kHz), oldest first."""
        return self.features.y

    @property
    def sr(self) -> int:
        return SAMPLE_RATE

    @property
    def takes(self) -> list[Take]:
        """The kept audio as a one-take list, so that ``own_voice_or(clip, recorder=live)`` uses it."""
        y = self.y
        if len(y) == 0:
            return []
        source = "microphone" if self.source == "microphone" else (self.source or "Python")
        if not source.startswith("course clip") and source != "microphone":
            source = f"live {source}"
        return [Take(y=y, sr=SAMPLE_RATE, label="live", source=source)]

    def summary_numbers(self) -> dict:
        """Deterministic numbers about the stream so far (for printed outputs)."""
        s = self.features.settings
        return {"view": s["view"], "samples": self.features.n_samples, "feature_rows": self.features.frontend.frames_emitted,
                "dropped_columns": self.dropped_columns,
                "detections": [(d.label, d.time_ms) for d in self.detections]}

    # ---- messages
    def _send(self, content: dict, buffers=None) -> None:
        if self._widget is None:
            return
        try:
            self._widget.send(content, buffers)
        except Exception as error:  # noqa: BLE001 — a closed comm: the browser's timeout explains it
            self.errors.append(f"could not reach the browser: {error}")

    def hop_warning(self) -> str:
        """The explorer's warning (lesson 03) when hop_length is longer than half the Hann window, "" otherwise."""
        s = self.features.settings
        if s["view"] == "tflm":
            return ""  # its own fixed 30 ms window and 20 ms hop
        return skipped_samples_warning(hop_length=s["hop_length"], win_length=s["n_fft"], window="hann")

    def _send_layout(self) -> None:
        if self._widget is not None:
            layout = self.layout()
            self._send({**layout, "edges": None})
            warning = self.hop_warning()
            if warning != self._shown_warning:  # said once in the status line, and taken back once
                s = self.features.settings
                text = (f"⚠ {warning}" if warning else
                        f"hop_length={s['hop_length']} is at most half of n_fft={s['n_fft']}: the weights are even "
                        "enough again.")
                self._send({"type": "status", "kind": "info", "text": text})
                self._shown_warning = warning

    def handle_message(self, content: dict, buffers=()) -> None:
        """Process one browser message as the widget would (for tests and tools)."""
        self._on_message(None, content, buffers)

    def _on_message(self, widget, content, buffers) -> None:
        try:
            self._handle(content if isinstance(content, dict) else {}, list(buffers or []))
        except Exception as error:  # noqa: BLE001 — the kernel must never see an exception from here
            self.errors.append(f"{type(error).__name__}: {error}")
            self._send({"type": "status", "kind": "error", "text": f"Python could not use it ({error})"})

    def _handle(self, content: dict, buffers: list) -> None:
        kind = content.get("type")
        if kind == "hello":
            self._send({"type": "hello"})
            self._shown_warning = ""  # a new page: its status line shows no warning yet
            self._send_layout()
        elif kind == "start":
            self.stop_stream()
            self.restart()
        elif kind == "block":
            rate = browser_rate(content.get("sr"))
            n = content.get("n")
            y = decode_pcm(message_payload(content, buffers), n_samples=n if isinstance(n, int) else None)
            if rate != SAMPLE_RATE:
                raise RecordingError(f"the browser captures at {rate} Hz; the live view needs {SAMPLE_RATE} Hz")
            t = content.get("t")
            t = float(t) / 1000 if isinstance(t, (int, float)) else None  # performance.now() is in ms
            self._process(y, t=t, echo=content.get("t"), seq=content.get("seq"), source="microphone")
        elif kind == "clip":
            name = str(content.get("name", ""))
            try:
                data.info(name)
            except (ParameterError, data.DataNotFoundError, TypeError) as error:
                raise RecordingError(str(error)) from None
            self.stream_clip(name)
        elif kind == "stop":
            self.stop_stream()
        elif kind == "error":
            code, message = str(content.get("code", "error")), str(content.get("message", ""))
            self.errors.append(f"{code}: {message}")
            if self._widget is not None:
                self._widget.error_code, self._widget.error = code, message


def update_detections(update) -> list:
    """The recognitions of an update that are new detections."""
    return [r for _, r in update.recognitions if r.is_new and r.label != LABELS[0]]
