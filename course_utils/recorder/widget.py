"""The recorder widget: the :class:`Recorder` a lesson displays, and the messages between it and the browser.

The browser side is ``static/recorder.js`` and ``static/recorder.css`` (with the microphone capture of
``capture.py`` / ``static/capture.js``). Every message both ways is listed in ``PROTOCOL.md``; :meth:`Recorder._handle`
is the one place Python answers them.

Taught in notebooks/00_start_here.ipynb.
"""

from __future__ import annotations

import base64
import functools
import re
import warnings
from pathlib import Path

import numpy as np

from .. import data
from ..audio import resample
from ..errors import NoRecordingError, ParameterError, RecordingError
from ..validate import require_audio, require_int, require_number, require_sr
from .capture import STATIC, browser_rate, capture_widget_class, decode_pcm, message_payload
from .files import LAST_TAKE_NAME, save_last_take
from .takes import Take, decode_audio_file, fit_full_scale, limit_upload

DEFAULT_SR = 16000
DEFAULT_MAX_DURATION = 2.0
MAX_DURATION_LIMIT = 60.0          # seconds; longer takes belong in a file, not in a notebook widget
MAX_TAKES = 20                     # oldest takes are dropped beyond this many
STATIC_TEXT = "Voice recorder: it needs a running Python kernel. Run this notebook in Jupyter or Colab to record."


@functools.cache
def _widget_class():
    """The recorder's anywidget class (built on first use, so that importing the recorder stays cheap)."""
    import traitlets

    class _RecorderWidget(capture_widget_class()):
        _esm = STATIC / "recorder.js"
        _css = STATIC / "recorder.css"
        max_duration = traitlets.Float(DEFAULT_MAX_DURATION).tag(sync=True)
        next_label = traitlets.Unicode("take 1").tag(sync=True)
        clips = traitlets.List(traitlets.Unicode()).tag(sync=True)
        n_takes = traitlets.Int(0).tag(sync=True)

        def __repr__(self) -> str:  # the text/plain a static copy (GitHub, nbviewer) shows instead of the widget
            return STATIC_TEXT

    return _RecorderWidget


def _speech_clips() -> list[str]:
    try:
        return [clip.name for clip in data.manifest() if clip.category.startswith("speech")]
    except (data.DataNotFoundError, OSError):
        return []


def _safe_label(text, fallback: str) -> str:
    text = re.sub(r"\s+", " ", str(text or "")).strip()[:40]
    return text or fallback


class Recorder:
    """A microphone recorder for the notebook; display it as the last expression of a cell.

    Parameters
    ----------
    sr : int
        Sample rate of every take, 16000 Hz by default (what the lessons use). The browser records at this rate;
        uploads and clips are resampled to it.
    max_duration : float
        Longest take in seconds (2.0 by default); the countdown stops the recording there.
    labels : sequence of str, optional
        Names for the next takes in order, e.g. ``["yes", "no"]``; later takes are called "take N".
    autosave : bool
        Also write each take from the microphone or an upload to ``recordings/last_take.wav`` so that other
        lessons can use it (:func:`own_voice_or`). Nothing leaves your machine either way.

    Attributes
    ----------
    takes : list of Take
        Every take, oldest first (up to 20).
    y, sr
        The last take's samples (float32) and the sample rate.
    error : str
        The last problem the browser reported ("" when none).
    """

    def __init__(self, sr: int = DEFAULT_SR, max_duration: float = DEFAULT_MAX_DURATION, *, labels=(),
                 autosave: bool = True):
        self.sr = require_sr(sr)
        if not 8000 <= self.sr <= 96000:
            raise ParameterError(f"sr must be between 8000 and 96000 Hz (browsers record in that range), got {sr}")
        self.max_duration = require_number("max_duration", max_duration, above=0, maximum=MAX_DURATION_LIMIT)
        if isinstance(labels, str):
            labels = [labels]
        self.labels = [_safe_label(label, "") for label in labels]
        if not all(self.labels):
            raise ParameterError("labels must be non-empty strings, e.g. labels=['yes', 'no']")
        self.autosave = bool(autosave)
        self.errors: list[str] = []
        self.saved_to: Path | None = None
        self._takes: list[Take] = []
        self._seen: set[str] = set()
        self._count = 0
        self._widget = None
        self._in_message = False

    # ---- the widget (created lazily, so the Python side works without a front-end)
    @property
    def widget(self):
        """The anywidget that runs in the browser."""
        if self._widget is None:
            widget = _widget_class()(sr=self.sr, max_duration=self.max_duration, next_label=self._suggest_label(),
                                     clips=_speech_clips(), n_takes=len(self._takes))
            widget.on_msg(self._on_message)
            self._widget = widget
        return self._widget

    def _ipython_display_(self, **kwargs):
        from IPython.display import display

        display(self.widget)

    def __repr__(self) -> str:
        return f"Recorder(sr={self.sr}, max_duration={self.max_duration:g}, takes={len(self._takes)})"

    @property
    def error(self) -> str:
        """The last problem reported by the browser (no microphone, permission denied…), or ""."""
        return self.errors[-1] if self.errors else ""

    # ---- takes
    @property
    def takes(self) -> list[Take]:
        """Every take, oldest first."""
        return list(self._takes)

    @property
    def last(self) -> Take | None:
        """The most recent take, or ``None``."""
        return self._takes[-1] if self._takes else None

    @property
    def y(self) -> np.ndarray:
        """The most recent take's samples (float32 in [-1, 1], at :attr:`sr`)."""
        return self.take(-1).y

    def take(self, which=-1) -> Take:
        """A take by position (``0`` oldest, ``-1`` newest) or by label (the newest take with that label)."""
        if not self._takes:
            raise NoRecordingError("no take yet: press ● Record in the recorder above (or use its fallback to "
                                   "upload a WAV file or pick a course clip), then run this cell again")
        if isinstance(which, str):
            for take in reversed(self._takes):
                if take.label == which:
                    return take
            known = ", ".join(repr(t.label) for t in self._takes)
            raise NoRecordingError(f"no take labelled {which!r}; the takes are {known}")
        index = require_int("which", which)
        if not -len(self._takes) <= index < len(self._takes):
            raise NoRecordingError(f"take {index} does not exist: there are {len(self._takes)} takes "
                                   f"(use 0 … {len(self._takes) - 1}, or -1 for the newest)")
        return self._takes[index]

    def save(self, path, take=-1) -> Path:
        """Write a take (the newest by default) to ``path`` as a 16-bit WAV file; returns the path."""
        return self.take(take).save(path)

    def save_all(self, folder=None) -> list[Path]:
        """Save every take as ``<label>.wav`` in ``folder`` (default: the recordings folder); returns the paths.

        Labels become file names (unsafe characters replaced by ``_``); a repeated label gets ``_2``, ``_3``….
        """
        if folder is None:
            folder = data.recordings_dir() or Path("recordings")
        folder = Path(folder)
        paths, used = [], set()
        for take in self._takes:
            stem = re.sub(r"[^\w-]+", "_", take.label).strip("_") or f"take_{take.number}"
            name, k = stem, 1
            while name in used:
                k += 1
                name = f"{stem}_{k}"
            used.add(name)
            paths.append(take.save(folder / f"{name}.wav"))
        return paths

    def player(self):
        """Labelled players for every take, oldest first."""
        from ..audio import players

        if not self._takes:
            raise NoRecordingError("no take yet: press ● Record in the recorder above first")
        return players(*[(f"take {t.number}: {t.label}", t.y, t.sr) for t in self._takes])

    def summary(self) -> str:
        """Deterministic text: one line per take, or a line saying there is none yet."""
        if not self._takes:
            return "no takes yet"
        return "\n".join(take.summary() for take in self._takes)

    def clear(self) -> None:
        """Forget every take (files already saved stay)."""
        self._takes.clear()
        self._count = 0
        self._refresh_widget()

    def add(self, y, sr: int, *, label: str | None = None, source: str = "Python", notes=()) -> Take:
        """Add samples as a take (resampled to :attr:`sr`); what the browser's takes go through too.

        ``notes`` are kept with the take (what happened to it, e.g. an upload cut to its first minute); the
        resampling adds one. A take is kept inside full scale: samples beyond [-1, 1] scale the whole take down (never clip it), which
        the take's ``notes`` say, and, for samples added from Python, a warning.
        """
        y = require_audio(np.asarray(y) if not isinstance(y, np.ndarray) else y, name="y")
        rate = require_sr(sr)
        notes = [note for note in notes if note]
        if rate != self.sr:
            y = resample(y, orig_sr=rate, target_sr=self.sr)
            notes.append(f"resampled from {rate} Hz")
        y, scaled = fit_full_scale(y)
        if scaled:
            notes.append(scaled)
            if not self._in_message:  # from the browser, the note goes back to the browser's status line
                warnings.warn(f"the take {scaled}", stacklevel=2)
        y.setflags(write=False)
        label = _safe_label(label, self._suggest_label())
        self._count += 1
        take = Take(y=y, sr=self.sr, label=label, source=source, number=self._count, notes=tuple(notes))
        self._takes.append(take)
        del self._takes[:-MAX_TAKES]
        if self.autosave and not take.silent and (source == "microphone" or source.startswith("upload")):
            self._autosave(take)
        self._refresh_widget()
        return take

    def add_file(self, path, *, label: str | None = None) -> Take:
        """Add a WAV/FLAC/OGG file from disk as a take (the Python-side fallback to the upload button)."""
        path = Path(path)
        y, rate = decode_audio_file(path.read_bytes(), name=path.name)
        y, cut = limit_upload(y, rate)
        return self.add(y, rate, label=label, source=f"upload {path.name}", notes=[cut])

    def add_clip(self, name: str, *, label: str | None = None) -> Take:
        """Add a course clip from ``data/`` as a take (the fallback when there is no microphone)."""
        y, rate = data.load(name, verbose=False)
        return self.add(y, rate, label=label or data.info(name).label, source=f"course clip {name}")

    # ---- internals
    def _suggest_label(self) -> str:
        if self._count < len(self.labels):
            return self.labels[self._count]
        return f"take {self._count + 1}"

    def _autosave(self, take: Take) -> None:
        try:
            self.saved_to = save_last_take(take) or self.saved_to
        except OSError as error:  # a read-only folder must not lose the take, which stays in memory
            self.errors.append(f"could not write {LAST_TAKE_NAME} to {data.recordings_dir()}: {error}")

    def _takes_payload(self) -> list[dict]:
        return [{"n": len(t.y), "sr": t.sr, "text": t.summary(),
                 "wav": "data:audio/wav;base64," + base64.b64encode(t.wav_bytes()).decode("ascii")} for t in self._takes]

    def _refresh_widget(self) -> None:
        if self._widget is not None:
            self._widget.n_takes = len(self._takes)
            self._widget.next_label = self._suggest_label()
            if not self._in_message:  # changed from Python (add_file, clear…): show the browser the new list
                self._reply({"type": "takes", "takes": self._takes_payload()})

    def _reply(self, content: dict) -> None:
        if self._widget is not None:
            try:
                self._widget.send(content)
            except Exception as error:  # noqa: BLE001 — a closed comm: the browser's timeout explains it
                self.errors.append(f"could not answer the browser: {error}")

    def _on_message(self, widget, content, buffers) -> None:
        """Handle a message from the browser. Never raises: problems go back to the browser as text."""
        self._in_message = True
        try:
            self._handle(content if isinstance(content, dict) else {}, list(buffers or []))
        except Exception as error:  # noqa: BLE001 — the kernel must never see an exception from here
            self._reply({"type": "take_rejected", "uid": (content or {}).get("uid", ""),
                         "message": f"Python could not store it ({type(error).__name__}: {error})",
                         "takes": self._takes_payload()})
        finally:
            self._in_message = False

    def handle_message(self, content: dict, buffers=()) -> None:
        """Process one browser message as the widget would (for tests and tools); see :meth:`_on_message`."""
        self._on_message(None, content, buffers)

    def _handle(self, content: dict, buffers: list) -> None:
        kind = content.get("type")
        if kind == "hello":
            self._reply({"type": "hello", "takes": self._takes_payload()})
            return
        if kind == "error":
            code = str(content.get("code", "error"))
            message = str(content.get("message", ""))
            self.errors.append(f"{code}: {message}")
            if self._widget is not None:
                self._widget.error_code = code
                self._widget.error = message
            return
        if kind not in ("take", "upload", "clip"):
            return
        uid = str(content.get("uid", ""))
        if uid and uid in self._seen:  # the base64 re-send of a take that did arrive: answer again, store once
            self._reply({"type": "take_added", "uid": uid, "text": self._takes[-1].summary() if self._takes else "",
                         "takes": self._takes_payload()})
            return
        try:
            take = self._decode(kind, content, buffers)
        except (RecordingError, ParameterError, OSError) as error:
            if uid:
                self._seen.add(uid)
            self.errors.append(f"rejected: {error}")
            self._reply({"type": "take_rejected", "uid": uid, "message": str(error), "takes": self._takes_payload()})
            return
        if uid:
            self._seen.add(uid)
        if self._widget is not None:
            self._widget.error_code = ""
            self._widget.error = ""
        warning = "silent: is the microphone muted or the wrong input selected?" if take.silent else ""
        if take.notes:
            warning = "; ".join([*take.notes, warning] if warning else take.notes)
        self._reply({"type": "take_added", "uid": uid, "text": take.summary(), "warning": warning,
                     "takes": self._takes_payload()})

    def _decode(self, kind: str, content: dict, buffers: list) -> Take:
        label = content.get("label")
        if kind == "clip":
            name = str(content.get("name", ""))
            try:
                data.info(name)
            except (ParameterError, data.DataNotFoundError, TypeError) as error:
                raise RecordingError(str(error)) from None
            return self.add_clip(name, label=label)
        payload = message_payload(content, buffers)
        if kind == "upload":
            name = Path(str(content.get("name", "upload.wav"))).name
            y, rate = decode_audio_file(payload, name=name)
            y, cut = limit_upload(y, rate)
            return self.add(y, rate, label=label, source=f"upload {name}", notes=[cut])
        rate = browser_rate(content.get("sr"))
        n = content.get("n")
        y = decode_pcm(payload, n_samples=n if isinstance(n, int) else None)
        limit = int(round(self.max_duration * rate))
        if len(y) > limit:
            y = y[:limit]
        return self.add(y, rate, label=label, source="microphone")
