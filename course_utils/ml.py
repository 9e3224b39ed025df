"""From features to model inputs: fixed-size pooling, speaker-independent folds, seeded classifiers, evaluation.

The plumbing of lesson 09: every clip's feature matrix (features × frames, any length) becomes one fixed-size
vector; folds leave one speaker out; the feature scaling is fitted on the training folds only (or, to measure the
bug, on everything); and the same seeded classifier is trained and scored on each fold.

Taught in notebooks/09_features_for_models.ipynb.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import ParameterError

CLASSIFIERS = ("linear", "forest")
NORMALIZATIONS = ("none", "train", "all")


def pool_stats(features: np.ndarray) -> np.ndarray:
    """Mean and standard deviation of each feature over the frames: a ``(2 · n_features,)`` vector for any length.

    Pooling forgets the order of the frames (which sound came first), and keeps each feature's level and spread.

    Parameters
    ----------
    features : numpy.ndarray, shape (n_features, n_frames)

    Taught in notebooks/09_features_for_models.ipynb.
    """
    features = _require_matrix(features)
    return np.concatenate([features.mean(axis=1), features.std(axis=1)])


def resize_frames(features: np.ndarray, *, n_frames: int) -> np.ndarray:
    """Stretch or squeeze the time axis to ``n_frames`` by linear interpolation, then flatten (feature-major).

    Keeps the order of the sounds in a clip at the cost of a fixed time resolution: a long clip is squeezed and a
    short one stretched, so its speed is lost.

    Parameters
    ----------
    features : numpy.ndarray, shape (n_features, n_frames_in)
    n_frames : int
        The number of frames of the result, ≥ 1.

    Returns
    -------
    numpy.ndarray, shape (n_features · n_frames,)

    Taught in notebooks/09_features_for_models.ipynb.
    """
    features = _require_matrix(features)
    if isinstance(n_frames, bool) or not isinstance(n_frames, (int, np.integer)) or n_frames < 1:
        raise ParameterError(f"n_frames must be a whole number ≥ 1, got {n_frames!r}")
    source = np.linspace(0.0, 1.0, features.shape[1])
    target = np.linspace(0.0, 1.0, int(n_frames))
    if features.shape[1] == 1:
        return np.repeat(features, n_frames, axis=1).ravel()
    return np.stack([np.interp(target, source, row) for row in features]).ravel()


@dataclass(frozen=True)
class ClipMatrix:
    """Clips of different lengths in one zero-padded matrix, with what each row is."""

    signals: np.ndarray
    lengths: np.ndarray
    sr: int
    names: tuple
    labels: np.ndarray
    speakers: np.ndarray


def clip_matrix(clips, *, length: int) -> ClipMatrix:
    """Load clips into one ``(n_clips, length)`` float32 matrix: shorter ones zero-padded at the end, longer ones cut.

    Parameters
    ----------
    clips : list of course_utils.data.Clip
        E.g. :func:`course_utils.data.fsdd_clips`; all at one sample rate. ``int(clip.label)`` is the class and the
        second part of the name (``{digit}_{speaker}_{index}``) the speaker.
    length : int
        Samples per row, ≥ 1.

    Returns
    -------
    ClipMatrix
        ``lengths`` holds each clip's samples kept (≤ ``length``), so frames after the end can be left out.

    Taught in notebooks/09_features_for_models.ipynb.
    """
    import soundfile as sf

    if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 1:
        raise ParameterError(f"length must be a whole number of samples ≥ 1, got {length!r}")
    clips = list(clips)
    if not clips:
        raise ParameterError("clips is empty: pass e.g. data.fsdd_clips()")
    rates = {clip.sample_rate for clip in clips}
    if len(rates) != 1:
        raise ParameterError(f"clips must share one sample rate, got {sorted(rates)}")
    signals = np.zeros((len(clips), int(length)), dtype=np.float32)
    lengths = np.zeros(len(clips), dtype=np.int64)
    for row, clip in enumerate(clips):
        y, _ = sf.read(clip.path, dtype="float32", always_2d=False)
        kept = y[:length]
        signals[row, :kept.size] = kept
        lengths[row] = kept.size
    return ClipMatrix(signals=signals, lengths=lengths, sr=rates.pop(), names=tuple(c.name for c in clips),
                      labels=np.array([int(c.label) for c in clips]),
                      speakers=np.array([c.name.split("_")[1] for c in clips]))


def frame_counts(lengths, *, hop_length: int) -> np.ndarray:
    """Frames of a centred STFT (librosa's default) that start before each clip's end: ``1 + length // hop``.

    Taught in notebooks/09_features_for_models.ipynb.
    """
    if isinstance(hop_length, bool) or not isinstance(hop_length, (int, np.integer)) or hop_length < 1:
        raise ParameterError(f"hop_length must be a whole number of samples ≥ 1, got {hop_length!r}")
    return 1 + np.asarray(lengths, dtype=np.int64) // int(hop_length)


def stft_power_batch(y: np.ndarray, lengths, *, n_fft: int, hop_length: int, win_length: int | None = None,
                     n_groups: int = 16) -> np.ndarray:
    """``np.abs(librosa.stft(y, ...)) ** 2`` of zero-padded clips, without computing the frames of the padding.

    A frame whose window starts at or after its clip's end holds only zeros, and its power is exactly 0. So the
    clips are sorted by length and cut into ``n_groups`` groups; each group's STFT runs only as far as its longest
    clip reaches (plus half a window), and every later frame is left 0. Every frame equals the one librosa computes
    on the whole matrix: most spoken digits fill half of their one-second row, so this does about half the work.

    Parameters
    ----------
    y : numpy.ndarray, shape (n_clips, n_samples)
        Clips, each zero after its length (as :func:`clip_matrix` makes them).
    lengths : array of int, shape (n_clips,)
        Samples of each clip before its padding, 0 … n_samples.
    n_fft, hop_length, win_length : int
        As for ``librosa.stft`` (centred, zero-padded at both ends: its defaults).
    n_groups : int
        Length groups, ≥ 1: more cut closer to each clip's length, fewer call librosa less often.

    Returns
    -------
    numpy.ndarray, shape (n_clips, 1 + n_fft // 2, 1 + n_samples // hop_length)

    Taught in notebooks/09_features_for_models.ipynb.
    """
    import librosa

    y = np.asarray(y)
    if y.ndim != 2 or y.shape[0] == 0:
        raise ParameterError(f"y must be a (n_clips, n_samples) matrix of clips, got shape {y.shape}")
    for name, value in [("n_fft", n_fft), ("hop_length", hop_length), ("n_groups", n_groups)]:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ParameterError(f"{name} must be a whole number ≥ 1, got {value!r}")
    lengths = np.asarray(lengths)
    if lengths.shape != (y.shape[0],) or not np.issubdtype(lengths.dtype, np.integer) or \
            np.any((lengths < 0) | (lengths > y.shape[1])):
        raise ParameterError(f"lengths must hold one whole number 0 … {y.shape[1]} per clip ({y.shape[0]}), got "
                             f"{lengths}")
    if np.any(y[np.arange(y.shape[1]) >= lengths[:, None]]):
        raise ParameterError("y must be zero after each clip's length (the padding), as clip_matrix makes it")
    order = np.argsort(lengths, kind="stable")
    groups = np.array_split(order, min(int(n_groups), len(order)))
    out = None
    for rows in groups:
        # Frames from 1 + reach // hop_length on start at or after every clip's end in this group: all 0.
        reach = min(y.shape[1], max(int(n_fft), int(lengths[rows].max()) + int(n_fft) // 2))
        part = np.abs(librosa.stft(y[rows, :reach], n_fft=n_fft, hop_length=hop_length, win_length=win_length)) ** 2
        if out is None:
            out = np.zeros((y.shape[0], part.shape[1], 1 + y.shape[1] // int(hop_length)), dtype=part.dtype)
        out[rows, :, :part.shape[2]] = part
    return out


def pool_stats_batch(features: np.ndarray, n_frames) -> np.ndarray:
    """:func:`pool_stats` of many clips at once, each over its first ``n_frames[i]`` frames only (the rest is padding).

    Parameters
    ----------
    features : numpy.ndarray, shape (n_clips, n_features, max_frames)
    n_frames : array of int, shape (n_clips,)
        Frames that belong to each clip, ≥ 1 (counts above max_frames mean all of them).

    Returns
    -------
    numpy.ndarray, shape (n_clips, 2 · n_features)

    Taught in notebooks/09_features_for_models.ipynb.
    """
    features = np.asarray(features)
    if features.ndim != 3:
        raise ParameterError(f"features must be (n_clips, n_features, max_frames), got shape {features.shape}")
    n_frames = np.minimum(np.asarray(n_frames, dtype=np.int64), features.shape[2])
    if n_frames.shape != (features.shape[0],) or np.any(n_frames < 1):
        raise ParameterError(f"n_frames must hold one count ≥ 1 per clip ({features.shape[0]}), got {n_frames}")
    weights = (np.arange(features.shape[2]) < n_frames[:, None]) / n_frames[:, None]   # (clips, frames)
    mean = np.einsum("nft,nt->nf", features, weights)
    variance = np.einsum("nft,nt->nf", (features - mean[:, :, None]) ** 2, weights)
    return np.concatenate([mean, np.sqrt(variance)], axis=1)


def tflm_features_batch(pcm: np.ndarray, lengths=None) -> np.ndarray:
    """TFLM's int8 micro_speech features of many 16 kHz int16 clips at once, each from a reset frontend.

    Equal to ``course_utils.tinyml.frontend(clip)`` for every row: all stages but the noise estimate treat frames
    independently, so every clip's frames go through them together, a block at a time; the noise estimate runs
    along time for a block of clips side by side (its even/odd channel pattern repeats every 40 channels). Padding
    after a clip's end only changes frames after it.

    Parameters
    ----------
    pcm : numpy.ndarray of int16, shape (n_clips, n_samples), n_samples ≥ 480
    lengths : array of int, shape (n_clips,), optional
        Samples of each clip before its zero padding: only the frames that lie wholly inside a clip are computed,
        as ``frontend(clip[:length])`` would; the others stay 0 (which saves the time of the padding). Default:
        every row is all clip.

    Returns
    -------
    numpy.ndarray of int8, shape (n_clips, n_frames, 40)

    Taught in notebooks/09_features_for_models.ipynb.
    """
    from .tinyml import pipeline
    from .tinyml.tables import NUM_CHANNELS

    pcm = np.asarray(pcm)
    if pcm.ndim != 2 or pcm.dtype != np.int16 or pcm.shape[1] < pipeline.WINDOW_SIZE:
        raise ParameterError(f"pcm must be an int16 (n_clips, n_samples ≥ {pipeline.WINDOW_SIZE}) matrix, got "
                             f"{pcm.dtype} {pcm.shape}")
    frames = np.lib.stride_tricks.sliding_window_view(pcm, pipeline.WINDOW_SIZE, axis=1)[:, ::pipeline.WINDOW_STEP]
    n_clips, n_frames, _ = frames.shape
    lengths = np.full(n_clips, pcm.shape[1]) if lengths is None else np.asarray(lengths, dtype=np.int64)
    if lengths.shape != (n_clips,):
        raise ParameterError(f"lengths must hold one length per clip ({n_clips}), got shape {lengths.shape}")
    inside = np.arange(n_frames) * pipeline.WINDOW_STEP + pipeline.WINDOW_SIZE <= lengths[:, None]  # whole frames
    channels = NUM_CHANNELS
    amplitude = np.zeros((n_clips, n_frames, channels), dtype=np.uint32)
    amplitude[inside] = np.concatenate([_tflm_amplitude(block) for block in _blocks(frames[inside])])
    cleaned, noise = np.zeros_like(amplitude), np.zeros_like(amplitude)
    for start in range(0, n_clips, _CLIPS_PER_BLOCK):
        rows = slice(start, start + _CLIPS_PER_BLOCK)
        side_by_side = amplitude[rows].transpose(1, 0, 2).reshape(n_frames, -1)
        block = [a.reshape(n_frames, -1, channels).transpose(1, 0, 2) for a in pipeline.noise_reduction(side_by_side)]
        cleaned[rows], noise[rows] = block
    cleaned, noise = cleaned[inside], noise[inside]  # frame-wise from here
    int8 = np.zeros((n_clips, n_frames, channels), dtype=np.int8)
    int8[inside] = np.concatenate([pipeline.quantize_features(pipeline.filterbank_log(pipeline.pcan(c, n)))
                                   for c, n in zip(_blocks(cleaned), _blocks(noise))])
    return int8


# The integer stages run on blocks of frames (and the noise estimate on blocks of clips): a block's temporaries
# stay in the CPU cache, which makes lesson 09's 60 000 frames about three times faster than whole-array passes.
_FRAMES_PER_BLOCK = 1024
_CLIPS_PER_BLOCK = 64


def _blocks(frames):
    return [frames[start:start + _FRAMES_PER_BLOCK] for start in range(0, max(len(frames), 1), _FRAMES_PER_BLOCK)]


def _tflm_amplitude(frames):
    # Lesson 08's stages 1–6 (window to square root) on a block of 480-sample frames: (frames, 40) uint32.
    from .tinyml import pipeline

    scaled, shift = pipeline.fft_auto_scale(pipeline.apply_window(frames))
    return pipeline.filterbank_sqrt(pipeline.filterbank(pipeline.spectrum_energy(pipeline.rfft_q15(scaled))), shift)


def resize_frames_batch(features: np.ndarray, n_frames, *, size: int) -> np.ndarray:
    """:func:`resize_frames` of many clips at once, each stretched from its own first ``n_frames[i]`` frames.

    Parameters
    ----------
    features : numpy.ndarray, shape (n_clips, n_features, max_frames)
    n_frames : array of int, shape (n_clips,)
        Frames that belong to each clip, ≥ 1 (counts above max_frames mean all of them).
    size : int
        Frames of each result, ≥ 1.

    Returns
    -------
    numpy.ndarray, shape (n_clips, n_features · size), feature-major like :func:`resize_frames`

    Taught in notebooks/09_features_for_models.ipynb.
    """
    features = np.asarray(features)
    if features.ndim != 3:
        raise ParameterError(f"features must be (n_clips, n_features, max_frames), got shape {features.shape}")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ParameterError(f"size must be a whole number ≥ 1, got {size!r}")
    n_frames = np.minimum(np.asarray(n_frames, dtype=np.int64), features.shape[2])
    if n_frames.shape != (features.shape[0],) or np.any(n_frames < 1):
        raise ParameterError(f"n_frames must hold one count ≥ 1 per clip ({features.shape[0]}), got {n_frames}")
    position = np.linspace(0.0, 1.0, int(size))[None, :] * (n_frames[:, None] - 1)   # (clips, size), in frames
    left = np.floor(position).astype(np.int64)
    right = np.minimum(left + 1, n_frames[:, None] - 1)
    fraction = (position - left)[:, None, :]
    rows = np.arange(features.shape[0])[:, None]
    before, after = features[rows, :, left].transpose(0, 2, 1), features[rows, :, right].transpose(0, 2, 1)
    return ((1 - fraction) * before + fraction * after).reshape(features.shape[0], -1)


def cmvn(features: np.ndarray) -> np.ndarray:
    """Per-utterance cepstral mean and variance normalization: each feature row to mean 0, standard deviation 1.

    Uses this one clip only, so it cannot leak anything between training and test data. A row that is constant
    over time becomes 0.

    Taught in notebooks/09_features_for_models.ipynb.
    """
    features = _require_matrix(features)
    mean = features.mean(axis=1, keepdims=True)
    std = features.std(axis=1, keepdims=True)
    return (features - mean) / np.where(std > 0, std, 1.0)


@dataclass(frozen=True)
class Fold:
    """One train/test split: the row indices of each side, and the speaker held out (``None`` for a random fold)."""

    train: np.ndarray
    test: np.ndarray
    held_out: str | None


def speaker_folds(speakers) -> list[Fold]:
    """Leave-one-speaker-out folds: one fold per speaker (sorted by name), testing on that speaker's clips only.

    Taught in notebooks/09_features_for_models.ipynb.
    """
    speakers = np.asarray(speakers)
    if speakers.ndim != 1 or speakers.size == 0:
        raise ParameterError(f"speakers must be a non-empty 1-D list of speaker names, got shape {speakers.shape}")
    names = sorted(set(speakers.tolist()))
    if len(names) < 2:
        raise ParameterError(f"speakers must name at least 2 speakers to leave one out, got {names}")
    rows = np.arange(speakers.size)
    return [Fold(train=rows[speakers != name], test=rows[speakers == name], held_out=name) for name in names]


def random_folds(n_clips: int, *, n_folds: int = 6, seed: int = 0) -> list[Fold]:
    """``n_folds`` folds of a seeded random permutation of the clips: every speaker ends up on both sides.

    Taught in notebooks/09_features_for_models.ipynb.
    """
    if isinstance(n_folds, bool) or not isinstance(n_folds, (int, np.integer)) or not 2 <= n_folds <= n_clips:
        raise ParameterError(f"n_folds must be a whole number from 2 to n_clips = {n_clips}, got {n_folds!r}")
    order = np.random.default_rng(seed).permutation(n_clips)
    parts = np.array_split(order, n_folds)
    return [Fold(train=np.sort(np.concatenate(parts[:k] + parts[k + 1:])), test=np.sort(part), held_out=None)
            for k, part in enumerate(parts)]


def make_classifier(kind: str = "linear", *, seed: int = 0):
    """A seeded scikit-learn classifier.

    ``"linear"``: ridge regression on one-hot labels (``RidgeClassifier``, solved in closed form, so it gives the
    same answer on every CPU). ``"forest"``: a random forest of 20 trees, a small non-linear model.

    Taught in notebooks/09_features_for_models.ipynb.
    """
    if kind == "linear":
        from sklearn.linear_model import RidgeClassifier

        return RidgeClassifier(alpha=1.0, solver="cholesky")
    if kind == "forest":
        from sklearn.ensemble import RandomForestClassifier

        return RandomForestClassifier(n_estimators=20, min_samples_leaf=2, random_state=seed, n_jobs=1)
    raise ParameterError(f"kind must be one of {', '.join(repr(k) for k in CLASSIFIERS)}, got {kind!r}")


@dataclass(frozen=True)
class Evaluation:
    """Per-fold results of :func:`evaluate`."""

    fold_accuracy: np.ndarray
    held_out: tuple
    predicted: np.ndarray
    labels: np.ndarray
    closest_call: float | None = None
    """Ridge only: the smallest gap between a test clip's two highest class scores, over every test clip. Float
    rounding (another BLAS kernel) moves the scores by about 1e-12; a larger gap means no prediction can flip."""

    @property
    def mean(self) -> float:
        """The mean of the per-fold accuracies (each fold counts once, whatever its size)."""
        return float(np.mean(self.fold_accuracy))

    @property
    def spread(self) -> tuple[float, float]:
        """The lowest and the highest fold accuracy."""
        return float(np.min(self.fold_accuracy)), float(np.max(self.fold_accuracy))

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """A t-interval for the mean fold accuracy (the folds taken as a sample of speakers), clipped to [0, 1]."""
        from scipy import stats

        k = len(self.fold_accuracy)
        half = stats.t.ppf(0.5 + level / 2, k - 1) * np.std(self.fold_accuracy, ddof=1) / np.sqrt(k)
        return max(0.0, self.mean - half), min(1.0, self.mean + half)

    def confusion(self, n_classes: int = 10) -> np.ndarray:
        """Counts: row = true class, column = predicted class, over every test clip of every fold."""
        matrix = np.zeros((n_classes, n_classes), dtype=int)
        np.add.at(matrix, (self.labels, self.predicted), 1)
        return matrix


def evaluate(X: np.ndarray, labels, folds: list[Fold], *, classifier: str = "linear", normalization: str = "train",
             seed: int = 0, X_test: np.ndarray | None = None, augmented=()) -> Evaluation:
    """Train and test the same seeded classifier on each fold.

    Parameters
    ----------
    X : numpy.ndarray, shape (n_clips, n_features)
        One fixed-size vector per clip (:func:`pool_stats` or :func:`resize_frames`).
    labels : array of int, shape (n_clips,)
        Class numbers 0 … n_classes − 1.
    folds : list of Fold
        From :func:`speaker_folds` or :func:`random_folds`.
    classifier : {"linear", "forest"}
        ``"linear"`` gives the predictions of :func:`make_classifier`'s ``RidgeClassifier`` (to float rounding),
        solved from each fold's sums of products (``XᵀX``, ``XᵀY``): the folds share one pass over all rows, so a
        leave-one-speaker-out run costs about two fits instead of six. ``"forest"``: its random forest of 20 trees,
        fitted fold by fold.
    normalization : {"none", "train", "all"}
        How each feature column is standardized (mean 0, standard deviation 1) before the classifier:
        ``"train"`` fits the mean and deviation on the fold's training rows only (correct); ``"all"`` fits them on
        every row, test rows included (the leakage bug); ``"none"`` leaves the features as they are.
    seed : int
        The classifier's seed.
    X_test : numpy.ndarray, shape like X, optional
        The features each clip has when it is tested (e.g. of a noisy copy); ``X`` is still what the model trains
        on. Default: ``X``.
    augmented : sequence of numpy.ndarray, each shaped like X
        Extra training copies (e.g. of noisy or masked clips): each fold trains on its training rows of ``X`` and
        of every array here, and never on a copy of a test clip.

    Returns
    -------
    Evaluation
        Every clip's prediction from the fold that tested it, and each fold's accuracy; for ``"linear"`` also its
        ``closest_call``, the smallest gap between a test clip's two best class scores.

    Taught in notebooks/09_features_for_models.ipynb.
    """
    X = np.asarray(X, dtype=np.float64)
    labels = np.asarray(labels)
    if X.ndim != 2 or labels.shape != (X.shape[0],):
        raise ParameterError(f"X must be (n_clips, n_features) and labels (n_clips,), got {X.shape} and "
                             f"{labels.shape}")
    if not np.all(np.isfinite(X)):
        raise ParameterError("X holds NaN or infinite values: take the log of power + a floor (e.g. 1e-10)")
    if normalization not in NORMALIZATIONS:
        raise ParameterError(f"normalization must be one of {', '.join(repr(n) for n in NORMALIZATIONS)}, "
                             f"got {normalization!r}")
    X_test = X if X_test is None else np.asarray(X_test, dtype=np.float64)
    augmented = [np.asarray(copy, dtype=np.float64) for copy in augmented]
    for name, array in [("X_test", X_test)] + [(f"augmented[{k}]", a) for k, a in enumerate(augmented)]:
        if array.shape != X.shape or not np.all(np.isfinite(array)):
            raise ParameterError(f"{name} must be finite and shaped like X {X.shape}, got {array.shape}")
    make_classifier(classifier, seed=seed)  # an unknown kind fails before any training
    if classifier == "linear":
        predicted, closest_call = _ridge_predictions(X, labels, folds, normalization=normalization, X_test=X_test,
                                                     augmented=augmented)
        accuracy = [float(np.mean(predicted[fold.test] == labels[fold.test])) for fold in folds]
        return Evaluation(fold_accuracy=np.array(accuracy), held_out=tuple(f.held_out for f in folds),
                          predicted=predicted, labels=labels, closest_call=closest_call)
    predicted = np.full(labels.shape, -1)
    accuracy = []
    for fold in folds:
        train = np.concatenate([X[fold.train]] + [copy[fold.train] for copy in augmented])
        train_labels = np.tile(labels[fold.train], 1 + len(augmented))
        test = X_test[fold.test]
        if normalization != "none":
            fitted_on = np.concatenate([train, test]) if normalization == "all" else train
            mean, std = fitted_on.mean(axis=0), fitted_on.std(axis=0)
            std = np.where(std > 0, std, 1.0)
            train, test = (train - mean) / std, (test - mean) / std
        model = make_classifier(classifier, seed=seed).fit(train, train_labels)
        predicted[fold.test] = model.predict(test)
        accuracy.append(float(np.mean(predicted[fold.test] == labels[fold.test])))
    return Evaluation(fold_accuracy=np.array(accuracy), held_out=tuple(f.held_out for f in folds),
                      predicted=predicted, labels=labels)


def _ridge_predictions(X, labels, folds, *, normalization, X_test, augmented, alpha=1.0) -> tuple[np.ndarray, float]:
    """RidgeClassifier(alpha, fit_intercept=True) on every fold, from sums: train = all rows − the fold's others.

    Targets are ±1 one-hot columns, as scikit-learn's. Standardizing a column by (mean, std) and centring it for
    the intercept only rescale the sums, so the raw sums of every array serve all three normalizations. Every sum
    is taken about X's overall mean, which keeps the subtractions well conditioned.
    """
    classes = np.unique(labels)
    targets = np.where(labels[:, None] == classes[None, :], 1.0, -1.0)       # (n_clips, n_classes)
    centre = X.mean(axis=0)
    copies = [X - centre] + [copy - centre for copy in augmented]
    test_copy = X_test - centre

    def sums(rows):
        # n, Σx, Σxxᵀ, Σx·yᵀ, Σy over these rows of every training copy.
        parts = [copy[rows] for copy in copies]
        stacked = np.concatenate(parts) if len(parts) > 1 else parts[0]
        y = np.tile(targets[rows], (len(parts), 1))
        return (len(stacked), stacked.sum(axis=0), stacked.T @ stacked, stacked.T @ y, y.sum(axis=0))

    everything = sums(np.arange(len(labels)))
    predicted = np.full(labels.shape, -1)
    closest_call = np.inf
    for fold in folds:
        others = np.setdiff1d(np.arange(len(labels)), fold.train)
        if len(others) < len(fold.train):
            n, sx, sxx, sxy, sy = (a - b for a, b in zip(everything, sums(others)))
        else:
            n, sx, sxx, sxy, sy = sums(fold.train)
        mean, y_mean = sx / n, sy / n
        if normalization == "none":
            std = np.ones_like(mean)
        else:
            count, first, second = n, sx, np.diag(sxx)
            if normalization == "all":
                tested = test_copy[fold.test]
                count, first, second = n + len(tested), sx + tested.sum(axis=0), second + (tested**2).sum(axis=0)
            variance = np.maximum(second / count - (first / count) ** 2, 0.0)
            std = np.where(variance > 0, np.sqrt(variance), 1.0)
        gram = (sxx - n * np.outer(mean, mean)) / np.outer(std, std)          # centred, scaled XᵀX
        cross = (sxy - n * np.outer(mean, y_mean)) / std[:, None]             # centred, scaled XᵀY
        weights = np.linalg.solve(gram + alpha * np.eye(len(gram)), cross)
        scores = ((test_copy[fold.test] - mean) / std) @ weights + y_mean
        predicted[fold.test] = classes[np.argmax(scores, axis=1)]
        top_two = np.sort(scores, axis=1)[:, -2:]
        closest_call = min(closest_call, float(np.min(top_two[:, 1] - top_two[:, 0])))
    return predicted, closest_call


def mix_at_snr(y: np.ndarray, noise: np.ndarray, *, snr_db: float) -> np.ndarray:
    """Add ``noise`` to ``y`` scaled so that 10·log10(P_y / P_noise) = ``snr_db`` (P = mean square).

    The noise is tiled or cut to ``len(y)``. Taught in notebooks/09_features_for_models.ipynb.
    """
    y = np.asarray(y, dtype=np.float64)
    noise = np.resize(np.asarray(noise, dtype=np.float64), y.shape)
    noise_power = np.mean(noise**2)
    if noise_power == 0:
        raise ParameterError("noise is silent (all zeros): it cannot be mixed at a given SNR")
    gain = np.sqrt(np.mean(y**2) / (noise_power * 10 ** (snr_db / 10)))
    return y + gain * noise


def _require_matrix(features) -> np.ndarray:
    features = np.asarray(features, dtype=np.float64)
    if features.ndim != 2 or features.shape[1] == 0:
        raise ParameterError(f"features must be a (n_features, n_frames) matrix with ≥ 1 frame, got shape "
                             f"{features.shape}")
    return features
