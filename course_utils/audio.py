"""Audio in and out: resample, encode WAV, and show labelled audio players side by side.

One resampler (:func:`resample`) and one WAV encoder (:func:`wav_bytes`) serve the whole course: ``data.load`` and
the recorder both use them.

Full scale. Float samples are meant to lie in [-1, 1], and nothing beyond that range is ever clipped silently:

- reading and resampling keep every value (``data.load`` warns when a file holds samples beyond full scale;
  resampling a loud signal can overshoot a little, as any anti-aliasing filter does);
- :func:`wav_bytes` refuses samples beyond full scale with a ``ParameterError``, unless ``normalize=True`` scales
  the clip to fit;
- the recorder keeps each take inside full scale by scaling it down (never by clipping) and says so in the take's
  notes and in the description :func:`~course_utils.recorder.own_voice_or` prints.

Taught in notebooks/01_sampling_quantization.ipynb.
"""

from __future__ import annotations

import base64
import html
import io
import os
from pathlib import Path

import numpy as np

from .errors import ParameterError
from .validate import require_audio, require_sr


def resample(y, *, orig_sr, target_sr) -> np.ndarray:
    """Resample ``y`` from ``orig_sr`` to ``target_sr`` with an anti-aliasing filter.

    The filter is soxr's high-quality one, the same as ``librosa.load`` uses, and the result equals
    ``librosa.resample(y, orig_sr=orig_sr, target_sr=target_sr, res_type="soxr_hq")``.

    Parameters
    ----------
    y : numpy.ndarray, float
        Samples, 1-D, or ``(channels, samples)``; the last axis is time.
    orig_sr, target_sr : int > 0
        The rate of ``y`` and the rate wanted, in Hz.

    Returns
    -------
    numpy.ndarray
        ``ceil(len * target_sr / orig_sr)`` samples along the last axis, in ``y``'s dtype; ``y`` itself when the
        rates are equal. Values are never clipped: a signal near full scale can overshoot it a little.
    """
    y = require_audio(y, mono=False)
    orig_sr = require_sr(orig_sr, "orig_sr")
    target_sr = require_sr(target_sr, "target_sr")
    if orig_sr == target_sr:
        return y
    import librosa

    return librosa.resample(y, orig_sr=orig_sr, target_sr=target_sr, res_type="soxr_hq")


def wav_bytes(y, *, sr, normalize: bool = False) -> bytes:
    """Encode mono float samples as a 16-bit PCM WAV file in memory.

    ``normalize=False`` (the default) keeps the level, so quiet stays quiet — unlike ``IPython.display.Audio``,
    which scales every clip to full volume unless told ``normalize=False``. Samples must then lie in [-1, 1].
    """
    import soundfile

    y = require_audio(y)
    sr = require_sr(sr)
    peak = float(np.max(np.abs(y)))
    if normalize:
        y = y / peak if peak > 0 else y
    elif peak > 1.0:
        raise ParameterError(f"y peaks at {peak:.3g}, beyond [-1, 1]; scale it down or pass normalize=True")
    buffer = io.BytesIO()
    soundfile.write(buffer, np.asarray(y, dtype=np.float64), sr, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def write_wav(path, y, *, sr) -> Path:
    """Write mono float samples to ``path`` as a 16-bit PCM WAV file (folders are created); returns the path.

    The file holds exactly what :func:`wav_bytes` encodes, so samples beyond [-1, 1] are refused, not clipped.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file path such as 'recordings/yes.wav', got {type(path).__name__}")
    path = Path(path).expanduser()
    if path.suffix.lower() != ".wav":
        raise ParameterError(f"path must end in .wav (the file is written as WAV), got {str(path)!r}")
    content = wav_bytes(y, sr=sr)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def audio_tag(y, *, sr, normalize: bool = False) -> str:
    """An HTML ``<audio>`` element with the sound embedded (works in JupyterLab, Notebook, Colab and on GitHub)."""
    encoded = base64.b64encode(wav_bytes(y, sr=sr, normalize=normalize)).decode("ascii")
    return f'<audio controls preload="none" src="data:audio/wav;base64,{encoded}"></audio>'


class Players:
    """A row of labelled audio players; display it as the last expression of a cell."""

    def __init__(self, items, *, normalize: bool = False):
        self.items = list(items)
        if not self.items:
            raise ParameterError("players needs at least one (label, y, sr) item")
        self.normalize = normalize
        self.html = "".join(
            '<div style="display:inline-block;margin:0 1.5em 0.5em 0;vertical-align:top">'
            f"<div><b>{html.escape(str(label))}</b></div>{audio_tag(y, sr=sr, normalize=normalize)}</div>"
            for label, y, sr in self.items
        )

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return "Players(" + ", ".join(str(label) for label, _, _ in self.items) + ")"


def players(*items, normalize: bool = False) -> Players:
    """Labelled players side by side: ``players(("original", y, sr), ("2× faster", y, 2 * sr))``.

    Parameters
    ----------
    *items : tuple of (label, y, sr)
    normalize : bool
        Scale each clip to full volume. Off by default so that level differences stay audible.
    """
    return Players(items, normalize=normalize)
