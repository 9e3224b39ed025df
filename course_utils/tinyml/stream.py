"""Streaming frontend: audio arrives 20 ms at a time, as from a microphone's DMA buffer, and each new 30 ms
frame is computed alone, keeping only a 480-sample ring buffer and the 40-channel noise estimate.

Taught in notebooks/08_tinyml.ipynb.
"""

from __future__ import annotations

import numpy as np

from ..errors import ParameterError
from ..validate import require_int
from .pipeline import process_frames
from .inputs import require_frame, require_frontend_sr, require_int16_audio
from .tables import NUM_CHANNELS, SAMPLE_RATE, WINDOW_SIZE, WINDOW_STEP


class StreamingFrontend:
    """The micro_speech frontend fed chunk by chunk; its output equals :func:`~course_utils.tinyml.frontend` exactly.

    Feed 320-sample hops with :meth:`push_hop` (one feature row per hop once the first 480 samples are in) or
    chunks of any size with :meth:`push`. :meth:`process_frame` takes a ready 480-sample frame, like TFLM's
    preprocessor model. Call :meth:`reset` before a new recording, as with ``interpreter.reset()``.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    sr : int
        Must be 16000.
    """

    def __init__(self, sr: int = SAMPLE_RATE):
        self.sr = require_frontend_sr(sr)
        self._ring = np.zeros(WINDOW_SIZE, dtype=np.int16)
        self.reset()

    def reset(self) -> None:
        """Forget the buffered audio and the noise estimate (start of a new clip)."""
        self._ring[:] = 0
        self._write_pos = 0
        self._until_next_frame = WINDOW_SIZE
        self._noise = np.zeros(NUM_CHANNELS, dtype=np.uint32)
        self.frames_emitted = 0

    @property
    def noise_estimate(self) -> np.ndarray:
        """Current noise-reduction state (uint32 per channel, 10 fractional bits)."""
        return self._noise.copy()

    def process_frame(self, frame) -> np.ndarray:
        """Features of one complete 480-sample frame, updating the noise estimate.

        Parameters
        ----------
        frame : numpy.ndarray of int16, shape (480,)

        Returns
        -------
        numpy.ndarray of int8, shape (40,)
        """
        frame = require_frame(frame)
        stages = process_frames(frame[None, :], self._noise)
        self._noise = stages["noise_estimate"][-1]
        self.frames_emitted += 1
        return stages["int8"][0]

    def _ordered_window(self) -> np.ndarray:
        # Oldest sample sits at the write position of a full ring.
        return np.concatenate([self._ring[self._write_pos :], self._ring[: self._write_pos]])

    def _write(self, samples: np.ndarray) -> None:
        first = min(len(samples), WINDOW_SIZE - self._write_pos)
        self._ring[self._write_pos : self._write_pos + first] = samples[:first]
        self._ring[: len(samples) - first] = samples[first:]
        self._write_pos = (self._write_pos + len(samples)) % WINDOW_SIZE

    def push(self, chunk) -> np.ndarray:
        """Append samples of any length; return the feature rows of every frame they complete.

        Parameters
        ----------
        chunk : numpy.ndarray of int16, shape (n,)
            The next samples of the stream (may be empty).

        Returns
        -------
        numpy.ndarray of int8, shape (n_new_frames, 40)
        """
        chunk = require_int16_audio(chunk, name="chunk", allow_empty=True)
        rows = []
        position = 0
        while position < chunk.size:
            take = min(chunk.size - position, self._until_next_frame)
            self._write(chunk[position : position + take])
            position += take
            self._until_next_frame -= take
            if self._until_next_frame == 0:
                rows.append(self.process_frame(self._ordered_window()))
                self._until_next_frame = WINDOW_STEP
        return np.array(rows, dtype=np.int8).reshape(-1, NUM_CHANNELS)

    def push_hop(self, hop) -> np.ndarray | None:
        """Append one 20 ms hop (320 samples); return its 40 features, or None while the first frame is filling.

        Parameters
        ----------
        hop : numpy.ndarray of int16, shape (320,)

        Returns
        -------
        numpy.ndarray of int8, shape (40,), or None
        """
        hop = require_int16_audio(hop, name="hop")
        if hop.size != WINDOW_STEP:
            raise ParameterError(
                f"hop must hold exactly {WINDOW_STEP} samples (20 ms at 16 kHz), got {hop.size}; "
                f"use push() for chunks of other sizes"
            )
        rows = self.push(hop)
        return rows[0] if len(rows) else None


def stream_features(y, chunk_size: int = WINDOW_STEP, sr: int = SAMPLE_RATE) -> np.ndarray:
    """Run a whole clip through :class:`StreamingFrontend` in chunks of ``chunk_size`` samples.

    Taught in notebooks/08_tinyml.ipynb.

    Parameters
    ----------
    y : numpy.ndarray of int16, shape (n,)
    chunk_size : int
        Samples per push (320 = one hop).
    sr : int
        Must be 16000.

    Returns
    -------
    numpy.ndarray of int8, shape (n_frames, 40)
    """
    chunk_size = require_int("chunk_size", chunk_size, minimum=1)
    y = require_int16_audio(y)
    stream = StreamingFrontend(sr)
    rows = [stream.push(y[start : start + chunk_size]) for start in range(0, y.size, chunk_size)]
    return np.concatenate(rows, axis=0)
