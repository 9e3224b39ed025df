"""Where takes live on disk, and your own voice in the other lessons.

The recorder writes the last good take from the microphone or an upload to ``last_take.wav`` in the recordings
folder (:func:`course_utils.data.recordings_dir`: ``recordings/`` next to ``data/``, or
``$AUDIO_COURSE_RECORDINGS``; ``off`` ignores recordings). :func:`last_recording` reads it back in any notebook,
after any restart, and :func:`own_voice_or` gives a lesson that take, or a course clip when there is none.

Taught in notebooks/00_start_here.ipynb.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .. import data
from ..audio import resample, write_wav
from ..errors import RecordingError
from ..validate import require_sr
from .takes import Take, decode_audio_file, fit_full_scale

if TYPE_CHECKING:
    from .widget import Recorder

LAST_TAKE_NAME = "last_take.wav"


def last_take_path() -> Path | None:
    """``last_take.wav`` in the recordings folder, or ``None`` when recordings are switched off."""
    folder = data.recordings_dir()
    return None if folder is None else folder / LAST_TAKE_NAME


def save_last_take(take: Take) -> Path | None:
    """Write ``take`` to :func:`last_take_path` for the other lessons; returns the path (``None`` when off)."""
    path = last_take_path()
    return None if path is None else write_wav(path, take.y, sr=take.sr)


def last_recording() -> Take | None:
    """Your latest take saved by a :class:`Recorder` (``recordings/last_take.wav``), or ``None`` if there is none.

    Works across notebooks and kernel restarts: every take from the microphone or an upload is written there.
    """
    path = last_take_path()
    if path is None or not path.is_file():
        return None
    try:
        y, sr = decode_audio_file(path.read_bytes(), name=LAST_TAKE_NAME)
    except (OSError, RecordingError):
        return None
    return Take(y=y, sr=sr, label="your last take", source=f"recordings/{LAST_TAKE_NAME}", number=0)


def own_voice_or(clip: str, *, sr: int | None = None, recorder: Recorder | None = None) -> tuple[np.ndarray, int, str]:
    """Your own recording if there is one, else the course clip ``clip``: returns ``(y, sr, description)``.

    Looks first at ``recorder``'s last take (when given), then at :func:`last_recording`. ``sr`` resamples the
    result (``None`` keeps its rate); a recording that would overshoot full scale after resampling is scaled to
    fit, and the description says so. The description says which one you got, so print it.
    """
    if sr is not None:
        sr = require_sr(sr)
    take = None
    if recorder is not None and recorder.takes:
        take = recorder.takes[-1]
        if take.source.startswith("course clip"):
            take = None  # a course clip picked in the recorder is not "your voice"
    if take is None and recorder is None:
        take = last_recording()
    if take is not None and not take.silent:
        y, rate, note = take.y, take.sr, ""
        if sr is not None and sr != rate:
            y, note = fit_full_scale(resample(y, orig_sr=rate, target_sr=sr))
            rate = sr
        note = f"; {note}" if note else ""
        return y, rate, f"your recording {take.label!r} ({len(y) / rate:.2f} s at {rate} Hz, {take.source}{note})"
    y, rate = data.load(clip, sr=sr, verbose=False)
    return y, rate, (f"course clip {clip} ({len(y) / rate:.2f} s at {rate} Hz): no recording of yours yet "
                     "(make one with the recorder in 00_start_here.ipynb)")
