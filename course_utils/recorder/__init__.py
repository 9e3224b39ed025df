"""Record your own voice in the notebook — JupyterLab, Jupyter Notebook 7 and Colab alike.

::

    from course_utils.recorder import Recorder
    rec = Recorder(labels=["yes", "no"])   # display it: ● record, ■ stop, level meter, countdown, takes
    rec                                    # (last expression of the cell)

    rec.y, rec.sr                          # the last take: float32 samples in [-1, 1] and 16000 Hz
    rec.takes                              # every take, oldest first: recording "no" keeps "yes"
    rec.take("yes").save("yes.wav")        # or rec.save("yes.wav", take="yes")

How it works. The browser side (``static/recorder.js``, an anywidget module) opens an ``AudioContext`` at the
recorder's sample rate — 16 kHz by default, so the browser resamples the microphone itself — and an
``AudioWorklet`` copies the raw float32 PCM blocks as they arrive (``static/capture.js``, the capture shared with
other widgets that listen). Nothing is compressed: when the take ends (the ■ button or the countdown), the samples
go to Python as one binary message, and Python answers with the stored take, so the take list you see is Python's.
If a binary message gets no answer (Colab's widget manager has dropped binary buffers in some versions) the browser
sends the same take once more, base64-encoded in JSON. ``PROTOCOL.md`` lists every message.

Failure is explained, never a hang: an insecure page (not https:// or localhost), no microphone, permission denied,
a busy device, a kernel that does not answer (a saved copy on GitHub, a stopped kernel) each show a message saying
what to do, and a fallback lets you upload a WAV file or pick a course clip from ``data/`` instead.

Recordings stay on your machine (on Colab: in your Colab runtime). The last take from the microphone or an upload
is also written to ``recordings/last_take.wav`` at the top of the course folder (ignored by git) so that the other
lessons can use your voice: :func:`own_voice_or` returns it, or a course clip when there is none. Set the
environment variable ``AUDIO_COURSE_RECORDINGS`` to another folder, or to ``off`` to ignore recordings (the
notebook tests do, so that their outputs never depend on who recorded what).

The modules: ``takes`` (a :class:`Take`, decoding uploads), ``capture`` (the microphone, shared), ``files`` (where
takes live, :func:`own_voice_or`), ``widget`` (the :class:`Recorder` and its messages).

Taught in notebooks/00_start_here.ipynb.
"""

from ..data import RECORDINGS_ENV_VAR, recordings_dir
from ..errors import NoRecordingError, RecordingError
from .capture import as_bytes, decode_pcm
from .files import LAST_TAKE_NAME, last_recording, own_voice_or
from .takes import MAX_UPLOAD_BYTES, MAX_UPLOAD_SECONDS, SILENCE_PEAK, Take, decode_audio_file
from .widget import (
    DEFAULT_MAX_DURATION,
    DEFAULT_SR,
    MAX_DURATION_LIMIT,
    MAX_TAKES,
    STATIC_TEXT,
    Recorder,
    _widget_class,
)

__all__ = [
    "DEFAULT_MAX_DURATION",
    "DEFAULT_SR",
    "LAST_TAKE_NAME",
    "MAX_DURATION_LIMIT",
    "MAX_TAKES",
    "MAX_UPLOAD_BYTES",
    "MAX_UPLOAD_SECONDS",
    "RECORDINGS_ENV_VAR",
    "SILENCE_PEAK",
    "STATIC_TEXT",
    "NoRecordingError",
    "Recorder",
    "RecordingError",
    "Take",
    "as_bytes",
    "decode_audio_file",
    "decode_pcm",
    "last_recording",
    "own_voice_or",
    "recordings_dir",
]
