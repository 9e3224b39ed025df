"""Takes: one recording with its label and origin, and the decoding of an uploaded audio file into one.

A take's samples are mono float32 inside full scale [-1, 1]. When samples arrive beyond it (a float WAV file, or the
small overshoot of resampling a loud take), :func:`fit_full_scale` scales the take down, never clips it, and the
take's ``notes`` say so (see the full-scale policy in :mod:`course_utils.audio`).

Taught in notebooks/00_start_here.ipynb.
"""

from __future__ import annotations

import html
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..audio import players, wav_bytes, write_wav
from ..errors import RecordingError
from .capture import as_bytes

SILENCE_PEAK = 1e-4                # a take whose peak stays below this is reported as silent (about -80 dBFS)
MAX_UPLOAD_BYTES = 20_000_000      # a 20 MB upload is about 2 minutes of 44.1 kHz stereo 16-bit WAV
MAX_UPLOAD_SECONDS = 60.0


@dataclass(frozen=True)
class Take:
    """One recording: mono float32 samples ``y`` at ``sr`` Hz, a ``label`` and where it came from."""

    y: np.ndarray
    sr: int
    label: str
    source: str = "microphone"
    number: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.y) / self.sr

    @property
    def peak(self) -> float:
        """Largest absolute sample value (1.0 is full scale)."""
        return float(np.max(np.abs(self.y))) if len(self.y) else 0.0

    @property
    def silent(self) -> bool:
        """True when the take is (nearly) digital silence: a muted microphone or a dead input."""
        return self.peak < SILENCE_PEAK

    def summary(self) -> str:
        """One deterministic line: label, duration, sample count, rate, peak, source."""
        quiet = " — silent: is the microphone muted?" if self.silent else ""
        return (f"take {self.number} {self.label!r}: {self.duration:.2f} s = {len(self.y)} samples at {self.sr} Hz, "
                f"peak {self.peak:.2f} ({self.source}){quiet}")

    def wav_bytes(self) -> bytes:
        """The take as a 16-bit PCM WAV file in memory (:func:`course_utils.audio.wav_bytes`)."""
        return wav_bytes(self.y, sr=self.sr)

    def save(self, path) -> Path:
        """Write the take to ``path`` as a 16-bit PCM WAV file (folders are created); returns the path."""
        return write_wav(path, self.y, sr=self.sr)

    def player(self):
        """A labelled audio player (``course_utils.audio.players``) at the take's real level."""
        return players((f"take {self.number}: {self.label}", self.y, self.sr))

    def _repr_html_(self) -> str:
        return self.player()._repr_html_() + f"<div><code>{html.escape(self.summary())}</code></div>"

    def __repr__(self) -> str:
        return f"Take({self.summary()})"


def fit_full_scale(y: np.ndarray) -> tuple[np.ndarray, str]:
    """``y`` as float32 inside [-1, 1]: unchanged when it fits, else scaled so that its peak is 1.0.

    Returns the samples and a note saying how much they were scaled ("" when they were not), so that a take never
    loses its loudest parts to clipping and never changes level without saying so.
    """
    y = np.asarray(y, dtype=np.float32)
    peak = float(np.max(np.abs(y))) if y.size else 0.0
    if peak <= 1.0:
        return y, ""
    scaled = (y / np.float32(peak)).astype(np.float32)
    return scaled, f"scaled down {20 * math.log10(peak):.1f} dB to fit full scale (its peak was {peak:.3g})"


def decode_audio_file(payload, *, name: str = "upload") -> tuple[np.ndarray, int]:
    """Decode an uploaded audio file (WAV, FLAC or OGG) to mono float32 at its own rate (values kept as they are)."""
    import soundfile

    raw = as_bytes(payload)
    if len(raw) == 0:
        raise RecordingError(f"{name} is empty (0 bytes). Choose a WAV file that holds audio")
    if len(raw) > MAX_UPLOAD_BYTES:
        raise RecordingError(f"{name} is {len(raw) / 1e6:.0f} MB; the limit is {MAX_UPLOAD_BYTES / 1e6:.0f} MB. "
                             "Upload a shorter clip")
    try:
        samples, file_sr = soundfile.read(io.BytesIO(raw), dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError, TypeError, ValueError) as error:
        raise RecordingError(f"{name} is not an audio file this course can read ({error}). "
                             "Upload a WAV file (FLAC and OGG work too; convert MP3/M4A to WAV first)") from None
    if samples.shape[0] == 0:
        raise RecordingError(f"{name} holds no samples")
    if not np.all(np.isfinite(samples)):
        raise RecordingError(f"{name} contains NaN or infinite samples. Upload a WAV file that holds audio")
    y = samples.mean(axis=1) if samples.shape[1] > 1 else samples[:, 0]
    return np.ascontiguousarray(y, dtype=np.float32), int(file_sr)


def limit_upload(y: np.ndarray, sr: int) -> tuple[np.ndarray, str]:
    """The first :data:`MAX_UPLOAD_SECONDS` of an upload, and a note saying so when the file was longer."""
    limit = int(MAX_UPLOAD_SECONDS * sr)
    if len(y) <= limit:
        return y, ""
    return y[:limit], f"cut to its first {MAX_UPLOAD_SECONDS:g} s (the file holds {len(y) / sr:.1f} s)"
