"""Microphone capture, Python side: what every widget that listens to the microphone shares.

The browser side is ``static/capture.js`` (open the microphone at a sample rate, stream raw float32 blocks, explain
every failure by a code) with its AudioWorklet ``static/capture-worklet.js``. A widget built on
:func:`capture_widget_class` receives both files as text in its model (``_capture_module``, ``_capture_worklet``)
and imports the module from a Blob URL, because anywidget loads one front-end file per widget. Its own front-end
file then calls ``openCapture({sampleRate, workletSource, onBlock, onProblem})``.

What arrives in Python is decoded here: samples as little-endian float32 (:func:`decode_pcm`), in a binary message
part or, where a front-end drops binary parts, as base64 text (:func:`message_payload`), at a rate the browser
reports (:func:`browser_rate`). The failure codes the browser reports are :data:`PROBLEM_CODES`. The messages
themselves are listed in ``PROTOCOL.md``.

Used by the recorder taught in notebooks/00_start_here.ipynb.
"""

from __future__ import annotations

import base64
import binascii
import functools
from pathlib import Path

import numpy as np

from ..errors import RecordingError

STATIC = Path(__file__).resolve().parent / "static"
CAPTURE_MODULE = STATIC / "capture.js"
CAPTURE_WORKLET = STATIC / "capture-worklet.js"

PROBLEM_CODES = ("insecure-context", "unsupported", "permission-denied", "no-device", "device-busy", "no-audio", "error")
"""What ``capture.js`` reports when the microphone cannot be used, in the ``code`` of an ``error`` message."""

BROWSER_SR_RANGE = (3000, 384000)  # Hz; any rate a browser's AudioContext can run at


def as_bytes(payload) -> bytes:
    """Binary data from the browser as ``bytes``.

    ipykernel hands binary message parts to Python as ``memoryview`` objects. They are only valid while the message
    is handled, and a traitlets ``Bytes`` trait silently refuses them, so convert before keeping anything.
    """
    if isinstance(payload, bytes):
        return payload
    if isinstance(payload, memoryview):
        return payload.tobytes()
    if isinstance(payload, (bytearray, np.ndarray)):
        return bytes(payload)
    raise RecordingError(f"expected binary data (bytes or memoryview), got {type(payload).__name__}")


def decode_pcm(payload, *, n_samples: int | None = None) -> np.ndarray:
    """Decode little-endian float32 PCM (what the browser's Web Audio API produces) to a float32 NumPy array.

    Parameters
    ----------
    payload : bytes, memoryview or bytearray
    n_samples : int, optional
        The count the browser announced; a different count means the message was damaged.

    Returns
    -------
    numpy.ndarray (float32)
        A copy that owns its memory, so it outlives the message.

    Raises
    ------
    RecordingError
        Empty data, a byte count that is not a whole number of samples, a wrong count or non-finite values.
    """
    raw = as_bytes(payload)
    if len(raw) == 0:
        raise RecordingError("the recording is empty: no samples arrived. Record again (speak after pressing ●)")
    if len(raw) % 4:
        raise RecordingError(f"{len(raw)} bytes is not a whole number of float32 samples (4 bytes each): "
                             "the message was damaged. Record again")
    y = np.frombuffer(raw, dtype="<f4").astype(np.float32)  # astype copies: the array owns its memory
    if n_samples is not None and len(y) != n_samples:
        raise RecordingError(f"the browser announced {n_samples} samples but {len(y)} arrived. Record again")
    if not np.all(np.isfinite(y)):
        raise RecordingError("the recording contains NaN or infinite values; the audio input is broken. "
                             "Record again, or upload a WAV file instead")
    return y


def message_payload(content: dict, buffers: list) -> bytes:
    """The binary data of a message: its first binary part, or its base64 ``data`` when ``encoding`` is base64."""
    if content.get("encoding") == "base64":
        raw = content.get("data")
        if not isinstance(raw, str):
            raise RecordingError("the base64 copy of the recording is missing. Record again")
        try:
            return base64.b64decode(raw.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError):
            raise RecordingError("the recording arrived as damaged base64 text. Record again") from None
    if not buffers:
        raise RecordingError("the recording's binary data did not arrive. Record again")
    return as_bytes(buffers[0])


def browser_rate(value) -> int:
    """The sample rate a browser reported (a JSON number), checked to be one an AudioContext can have."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    low, high = BROWSER_SR_RANGE
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise RecordingError(f"the browser reported an impossible sample rate {value!r}. Record again")
    return value


@functools.cache
def capture_widget_class():
    """The anywidget base class of every widget that captures the microphone (built on first use).

    It carries the capture rate ``sr``, the last problem the browser reported (``error_code``, one of
    :data:`PROBLEM_CODES`, and ``error``, the text the student saw) and the two capture files as text.
    Subclasses set ``_esm`` (and ``_css``) to their own front-end file.
    """
    import anywidget
    import traitlets

    class CaptureWidget(anywidget.AnyWidget):
        sr = traitlets.Int(16000).tag(sync=True)
        error = traitlets.Unicode("").tag(sync=True)
        error_code = traitlets.Unicode("").tag(sync=True)
        _capture_module = traitlets.Unicode(CAPTURE_MODULE.read_text(encoding="utf-8")).tag(sync=True)
        _capture_worklet = traitlets.Unicode(CAPTURE_WORKLET.read_text(encoding="utf-8")).tag(sync=True)

    return CaptureWidget
