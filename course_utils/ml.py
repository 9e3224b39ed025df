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
    same answer on every CPU). ``"forest"``: a random forest of 50 trees, a small non-linear model.

    Taught in notebooks/09_features_for_models.ipynb.
    """
    if kind == "linear":
        from sklearn.linear_model import RidgeClassifier

        return RidgeClassifier(alpha=1.0, solver="cholesky")
    if kind == "forest":
        from sklearn.ensemble import RandomForestClassifier

        return RandomForestClassifier(n_estimators=50, min_samples_leaf=2, random_state=seed, n_jobs=1)
    raise ParameterError(f"kind must be one of {', '.join(repr(k) for k in CLASSIFIERS)}, got {kind!r}")


@dataclass(frozen=True)
class Evaluation:
    """Per-fold results of :func:`evaluate`."""

    fold_accuracy: np.ndarray
    held_out: tuple
    predicted: np.ndarray
    labels: np.ndarray

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
             seed: int = 0) -> Evaluation:
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
    normalization : {"none", "train", "all"}
        How each feature column is standardized (mean 0, standard deviation 1) before the classifier:
        ``"train"`` fits the mean and deviation on the fold's training rows only (correct); ``"all"`` fits them on
        every row, test rows included (the leakage bug); ``"none"`` leaves the features as they are.
    seed : int
        The classifier's seed.

    Returns
    -------
    Evaluation
        Every clip's prediction from the fold that tested it, and each fold's accuracy.

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
    make_classifier(classifier, seed=seed)  # an unknown kind fails before any training
    predicted = np.full(labels.shape, -1)
    accuracy = []
    for fold in folds:
        train, test = X[fold.train], X[fold.test]
        if normalization != "none":
            fitted_on = X if normalization == "all" else train
            mean, std = fitted_on.mean(axis=0), fitted_on.std(axis=0)
            std = np.where(std > 0, std, 1.0)
            train, test = (train - mean) / std, (test - mean) / std
        model = make_classifier(classifier, seed=seed).fit(train, labels[fold.train])
        predicted[fold.test] = model.predict(test)
        accuracy.append(float(np.mean(predicted[fold.test] == labels[fold.test])))
    return Evaluation(fold_accuracy=np.array(accuracy), held_out=tuple(f.held_out for f in folds),
                      predicted=predicted, labels=labels)


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
