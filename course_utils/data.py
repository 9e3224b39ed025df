"""The course's audio clips: list them, find them, load them, verify them.

Clips live in ``data/`` with ``data/MANIFEST.tsv`` (one row per clip: label, duration, sample rate, source, license,
attribution, sha256). ``data/`` is found by walking up from the working directory, then from this package's own
folder, so the same code works in a repository checkout, from an installed package run inside the checkout, and
on Colab after the set-up cell. Set the environment variable ``AUDIO_COURSE_DATA`` to a folder holding
``MANIFEST.tsv`` to use data stored elsewhere.

The Free Spoken Digit Dataset (2,940 recordings of the digits 0–9 by 6 speakers, CC BY-SA 4.0) lives in
``data/fsdd/`` with its own ``data/fsdd/MANIFEST.tsv`` (same columns), so that the lesson clips above stay a short
list: :func:`fsdd_clips` lists its recordings by digit and speaker (taught in notebooks/09_features_for_models.ipynb).

Taught in notebooks/01_sampling_quantization.ipynb.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import os
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .audio import resample
from .errors import AudioFileError, DataNotFoundError, ParameterError
from .validate import require_sr

DATA_ENV_VAR = "AUDIO_COURSE_DATA"
RECORDINGS_ENV_VAR = "AUDIO_COURSE_RECORDINGS"
_OFF_VALUES = {"off", "0", "no", "none", "false", "disable", "disabled"}
MANIFEST_NAME = "MANIFEST.tsv"
FSDD_FOLDER = "fsdd"
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3")


@dataclass(frozen=True)
class Clip:
    """One row of the manifest."""

    name: str
    file: str
    category: str
    label: str
    duration_s: float
    sample_rate: int
    channels: int
    bytes: int
    source: str
    license: str
    attribution: str
    sha256: str
    path: Path

    @property
    def credit(self) -> str:
        """A one-line attribution to print wherever the clip is used (CC BY requires it)."""
        return f"{self.file} — {self.attribution} — license: {self.license}"


def data_dir() -> Path:
    """Return the course's ``data/`` folder.

    Looks at ``$AUDIO_COURSE_DATA`` first, then walks up from the working directory, then from this package.

    Raises
    ------
    DataNotFoundError
        If no folder holding ``MANIFEST.tsv`` is found; the message says where it looked and how to fix it.
    """
    override = os.environ.get(DATA_ENV_VAR)
    if override:
        folder = Path(override).expanduser()
        if not (folder / MANIFEST_NAME).is_file():
            raise DataNotFoundError(f"${DATA_ENV_VAR} is {override!r}, but that folder has no {MANIFEST_NAME}")
        return folder.resolve()
    starts = [Path.cwd(), Path(__file__).resolve().parent]
    for start in starts:
        for folder in (start, *start.parents):
            if (folder / "data" / MANIFEST_NAME).is_file():
                return (folder / "data").resolve()
    raise DataNotFoundError(
        f"no data/{MANIFEST_NAME} above {starts[0]} or above the course_utils package. Run the notebook from "
        f"the course repository, or set ${DATA_ENV_VAR} to the folder holding {MANIFEST_NAME}"
    )


def recordings_dir() -> Path | None:
    """The folder for your own recordings: ``$AUDIO_COURSE_RECORDINGS``, else ``recordings/`` next to ``data/``.

    Returns ``None`` when ``$AUDIO_COURSE_RECORDINGS`` is ``off`` (recordings ignored, as the notebook tests do so
    that their outputs never depend on who recorded what). Falls back to ``./recordings`` when the course's
    ``data/`` folder cannot be found. The recorder (:mod:`course_utils.recorder`) keeps its takes there.
    """
    override = os.environ.get(RECORDINGS_ENV_VAR, "").strip()
    if override.lower() in _OFF_VALUES:
        return None
    if override:
        return Path(override).expanduser()
    try:
        return data_dir().parent / "recordings"
    except DataNotFoundError:
        return Path.cwd() / "recordings"


def manifest() -> list[Clip]:
    """Every clip in ``data/MANIFEST.tsv``, in manifest order."""
    folder = data_dir()
    return _read_manifest(folder, folder / MANIFEST_NAME)


def _read_manifest(folder: Path, manifest_path: Path) -> list[Clip]:
    with open(manifest_path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [
        Clip(
            name=Path(row["file"]).stem,
            file=row["file"],
            category=row["file"].split("/")[0],
            label=row["label"],
            duration_s=float(row["duration_s"]),
            sample_rate=int(row["sample_rate"]),
            channels=int(row["channels"]),
            bytes=int(row["bytes"]),
            source=row["source"],
            license=row["license"],
            attribution=row["attribution"],
            sha256=row["sha256"],
            path=folder / row["file"],
        )
        for row in rows
    ]


def fsdd_manifest() -> list[Clip]:
    """Every recording of the Free Spoken Digit Dataset (``data/fsdd/MANIFEST.tsv``): digit, then speaker, then index.

    Each clip's ``label`` is its digit as text (``"0"`` … ``"9"``); its name is ``{digit}_{speaker}_{index}``.
    Taught in notebooks/09_features_for_models.ipynb.

    Raises
    ------
    DataNotFoundError
        If ``data/`` has no ``fsdd/MANIFEST.tsv``.
    """
    folder = data_dir()
    path = folder / FSDD_FOLDER / MANIFEST_NAME
    if not path.is_file():
        raise DataNotFoundError(f"data/ has no {FSDD_FOLDER}/{MANIFEST_NAME}: the spoken-digit recordings are missing")
    return _read_manifest(folder, path)


def fsdd_speakers() -> list[str]:
    """The speakers of the Free Spoken Digit Dataset, sorted (read from the file names in its manifest)."""
    return sorted({clip.name.split("_")[1] for clip in fsdd_manifest()})


def fsdd_clips(*, digit: int | None = None, speaker: str | None = None) -> list[Clip]:
    """The Free Spoken Digit Dataset's recordings, optionally of one digit and/or one speaker.

    Parameters
    ----------
    digit : int or None
        0 … 9.
    speaker : str or None
        One of :func:`fsdd_speakers` (e.g. ``"jackson"``).

    Returns
    -------
    list of Clip
        In manifest order. ``int(clip.label)`` is the digit, ``clip.name.split("_")[1]`` the speaker.

    Raises
    ------
    ParameterError
        An unknown digit or speaker (the message lists the allowed ones).

    Taught in notebooks/09_features_for_models.ipynb.

    Examples
    --------
    >>> [clip.name for clip in fsdd_clips(digit=3, speaker="theo")][:2]
    ['3_theo_1', '3_theo_2']
    """
    clips = fsdd_manifest()
    if digit is not None:
        if isinstance(digit, bool) or not isinstance(digit, (int, np.integer)) or not 0 <= digit <= 9:
            raise ParameterError(f"digit must be a whole number from 0 to 9, got {digit!r}")
        clips = [clip for clip in clips if clip.label == str(int(digit))]
    if speaker is not None:
        known = sorted({clip.name.split("_")[1] for clip in fsdd_manifest()})
        _require_known("speaker", speaker, known)
        clips = [clip for clip in clips if clip.name.split("_")[1] == speaker]
    return clips


def categories() -> list[str]:
    """The clip categories (sub-folders of ``data/``), e.g. ``speech_commands``, ``music``."""
    return sorted({clip.category for clip in manifest()})


def labels(category: str | None = None) -> list[str]:
    """The labels in the manifest (e.g. ``yes``, ``no``, ``piano``), optionally within one category."""
    clips = manifest()
    if category is not None:
        _require_known("category", category, sorted({clip.category for clip in clips}))
    return sorted({clip.label for clip in clips if category is None or clip.category == category})


def list_clips(category: str | None = None, label: str | None = None) -> list[str]:
    """Names of the clips, optionally only one category and/or one label.

    Examples
    --------
    >>> list_clips(label="yes")[:2]
    ['yes_439c84f4_nohash_1', 'yes_51055bda_nohash_4']
    """
    clips = manifest()
    if category is not None:
        _require_known("category", category, sorted({clip.category for clip in clips}))
    if label is not None:
        _require_known("label", label, sorted({clip.label for clip in clips}))
    return [
        clip.name
        for clip in clips
        if (category is None or clip.category == category) and (label is None or clip.label == label)
    ]


def info(name: str) -> Clip:
    """The manifest row of a clip, by name (``yes_439c84f4_nohash_1``), file (``speech_commands/yes_….wav``)."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a clip name string such as 'yes_439c84f4_nohash_1', got {type(name).__name__}")
    key = name.removesuffix(".wav")
    clips = manifest()
    for clip in clips:
        if key in (clip.name, clip.file.removesuffix(".wav")):
            return clip
    close = difflib.get_close_matches(key, [clip.name for clip in clips], n=5, cutoff=0.5)
    suggestion = f" Did you mean: {', '.join(close)}?" if close else ""
    raise ParameterError(f"name {name!r} is not a clip in data/{MANIFEST_NAME}.{suggestion} See list_clips().")


def clip_path(name: str) -> Path:
    """Resolve a clip name to its file path in ``data/``."""
    return info(name).path


def load(source, *, sr: int | None = None, mono: bool = True, verbose: bool = True) -> tuple[np.ndarray, int]:
    """Load a clip (by name) or any audio file (by path) as float32 samples in [-1, 1].

    Parameters
    ----------
    source : str or path-like
        A clip name from :func:`list_clips` or a path to a WAV/FLAC/OGG file.
    sr : int or None
        ``None`` (default) keeps the file's own sample rate. A number resamples to that rate — only then — and
        prints one line saying so (unlike ``librosa.load``, which resamples to 22050 Hz unless told not to).
    mono : bool
        Average the channels into one. With ``mono=False`` the result has shape ``(channels, samples)``.
    verbose : bool
        Print the resampling line.

    Returns
    -------
    y : numpy.ndarray (float32)
    sr : int
        The sample rate of ``y``.

    Raises
    ------
    ParameterError
        Unknown clip name (with close matches).
    FileNotFoundError
        The path does not exist.
    AudioFileError
        The file is empty, truncated or not audio.
    """
    import soundfile

    path = _resolve(source)
    target_sr = None if sr is None else require_sr(sr)
    _check_wav_header(path)
    try:
        samples, native_sr = soundfile.read(path, dtype="float32", always_2d=True)
    except (soundfile.LibsndfileError, RuntimeError, TypeError) as error:
        raise AudioFileError(
            f"{path.name} is not an audio file soundfile can read ({error}). Use WAV, FLAC or OGG files"
        ) from None
    if samples.shape[0] == 0:
        raise AudioFileError(f"{path.name} holds no samples (a valid header with 0 frames)")
    y = samples.T
    peak = float(np.max(np.abs(y)))
    if peak > 1.0:
        warnings.warn(
            f"{path.name} has samples up to {peak:.3g}, beyond [-1, 1]; returned unchanged. "
            "Divide by np.abs(y).max() to normalize",
            stacklevel=2,
        )
    if mono:
        y = y.mean(axis=0) if y.shape[0] > 1 else y[0]
    if target_sr is not None and target_sr != native_sr:
        y = resample(y, orig_sr=native_sr, target_sr=target_sr)
        if verbose:
            print(f"Resampled {path.name} from {native_sr} Hz to {target_sr} Hz (asked for sr={target_sr}).")
        native_sr = target_sr
    return np.ascontiguousarray(y, dtype=np.float32), int(native_sr)


def verify() -> list[str]:
    """Check every clip against its manifest (the lesson clips' and the spoken digits'): present, size, sha256.

    Returns
    -------
    list of str
        One line per problem; empty when everything matches.
    """
    problems = []
    clips = manifest()
    if (data_dir() / FSDD_FOLDER / MANIFEST_NAME).is_file():
        clips += fsdd_manifest()
    for clip in clips:
        if not clip.path.is_file():
            problems.append(f"{clip.file}: missing")
            continue
        content = clip.path.read_bytes()
        if len(content) != clip.bytes:
            problems.append(f"{clip.file}: {len(content)} bytes, manifest says {clip.bytes}")
        digest = hashlib.sha256(content).hexdigest()
        if digest != clip.sha256:
            problems.append(f"{clip.file}: sha256 {digest[:12]}… does not match the manifest's {clip.sha256[:12]}…")
    return problems


def _require_known(parameter: str, value: str, known: list[str]) -> None:
    if value not in known:
        close = difflib.get_close_matches(str(value), known, n=3, cutoff=0.5)
        suggestion = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise ParameterError(f"{parameter} {value!r} is unknown.{suggestion} Known: {', '.join(known)}")


def _resolve(source) -> Path:
    """An existing file wins; then a clip name; anything path-like that is neither is a missing file."""
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"source must be a clip name or a file path, got {type(source).__name__}")
    path = Path(source)
    if path.is_file():
        return path
    if isinstance(source, str):
        try:
            return info(source).path
        except ParameterError:
            if path.suffix.lower() not in AUDIO_SUFFIXES and len(path.parts) == 1:
                raise
    raise FileNotFoundError(f"audio file {str(source)!r} does not exist")


def _check_wav_header(path: Path) -> None:
    """Catch what libsndfile would read without complaint: empty files and WAVs cut short."""
    size = path.stat().st_size
    if size == 0:
        raise AudioFileError(f"{path.name} is empty (0 bytes)")
    with open(path, "rb") as handle:
        head = handle.read(12)
        if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return
        while True:
            chunk = handle.read(8)
            if len(chunk) < 8:
                raise AudioFileError(f"{path.name} is truncated: its WAV header has no data chunk")
            chunk_id, chunk_size = struct.unpack("<4sI", chunk)
            if chunk_id == b"data":
                present = size - handle.tell()
                if chunk_size > present:
                    raise AudioFileError(
                        f"{path.name} is truncated: its header announces {chunk_size} bytes of audio "
                        f"but only {present} are present"
                    )
                return
            handle.seek(chunk_size + (chunk_size & 1), os.SEEK_CUR)
