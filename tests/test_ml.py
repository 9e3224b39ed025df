import numpy as np
import pytest

from course_utils import ml
from course_utils.errors import ParameterError


def digits_like(seed=0, n_speakers=6, per_class=20, n_classes=4, n_features=8, speaker_offset=3.0):
    """Synthetic clips: each class has its own centre, each speaker shifts every feature by its own offset."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 2, (n_classes, n_features))
    X, labels, speakers = [], [], []
    for s in range(n_speakers):
        offset = rng.normal(0, speaker_offset, n_features)
        for c in range(n_classes):
            X.append(centres[c] + offset + rng.normal(0, 1, (per_class, n_features)))
            labels += [c] * per_class
            speakers += [f"speaker{s}"] * per_class
    return np.vstack(X), np.array(labels), np.array(speakers)


def test_pool_stats_is_mean_then_std_whatever_the_length():
    rng = np.random.default_rng(1)
    short, long = rng.normal(size=(5, 7)), rng.normal(size=(5, 300))
    for features in (short, long):
        pooled = ml.pool_stats(features)
        assert pooled.shape == (10,)
        np.testing.assert_allclose(pooled[:5], features.mean(axis=1))
        np.testing.assert_allclose(pooled[5:], features.std(axis=1))


def test_resize_frames_keeps_the_ends_and_the_order():
    features = np.array([[0.0, 1.0, 2.0, 3.0], [10.0, 10.0, 20.0, 20.0]])
    out = ml.resize_frames(features, n_frames=7).reshape(2, 7)
    np.testing.assert_allclose(out[0], np.linspace(0, 3, 7))
    assert out[1, 0] == 10 and out[1, -1] == 20 and np.all(np.diff(out[1]) >= 0)
    assert ml.resize_frames(features[:, :1], n_frames=3).tolist() == [0, 0, 0, 10, 10, 10]


@pytest.mark.parametrize("n_frames", [0, -2, 2.5, True, "8"])
def test_resize_frames_bad_n_frames(n_frames):
    with pytest.raises(ParameterError, match="n_frames must be a whole number"):
        ml.resize_frames(np.ones((2, 3)), n_frames=n_frames)


def test_cmvn_uses_each_row_of_the_one_clip():
    features = np.array([[1.0, 2.0, 3.0, 6.0], [5.0, 5.0, 5.0, 5.0]])
    out = ml.cmvn(features)
    np.testing.assert_allclose(out[0].mean(), 0, atol=1e-12)
    np.testing.assert_allclose(out[0].std(), 1)
    assert np.all(out[1] == 0)
    np.testing.assert_allclose(ml.cmvn(3 * features + 7), out, atol=1e-12)  # gain and offset are gone


@pytest.mark.parametrize("bad", [np.ones(4), np.ones((2, 0)), np.ones((2, 2, 2))])
def test_feature_matrices_must_be_2d(bad):
    with pytest.raises(ParameterError, match="features must be a"):
        ml.pool_stats(bad)


def test_speaker_folds_hold_out_each_speaker_once():
    _, _, speakers = digits_like()
    folds = ml.speaker_folds(speakers)
    assert [f.held_out for f in folds] == [f"speaker{s}" for s in range(6)]
    tested = np.concatenate([f.test for f in folds])
    assert sorted(tested.tolist()) == list(range(len(speakers)))
    for fold in folds:
        assert set(speakers[fold.test]) == {fold.held_out}
        assert fold.held_out not in set(speakers[fold.train])
        assert len(fold.train) + len(fold.test) == len(speakers)


def test_random_folds_mix_speakers_and_are_seeded():
    _, _, speakers = digits_like()
    folds = ml.random_folds(len(speakers), n_folds=6, seed=3)
    assert sorted(np.concatenate([f.test for f in folds]).tolist()) == list(range(len(speakers)))
    assert all(len(set(speakers[f.test])) == 6 for f in folds)
    again = ml.random_folds(len(speakers), n_folds=6, seed=3)
    assert all(np.array_equal(a.test, b.test) for a, b in zip(folds, again))
    other = ml.random_folds(len(speakers), n_folds=6, seed=4)
    assert not np.array_equal(folds[0].test, other[0].test)


@pytest.mark.parametrize("call, message", [
    (lambda: ml.speaker_folds(["a", "a"]), "at least 2 speakers"),
    (lambda: ml.random_folds(10, n_folds=1), "n_folds must be"),
    (lambda: ml.random_folds(3, n_folds=4), "n_folds must be"),
    (lambda: ml.make_classifier("svm"), "kind must be one of 'linear', 'forest'"),
    (lambda: ml.evaluate(np.ones((4, 2)), [0, 1, 0], []), "X must be"),
    (lambda: ml.evaluate(np.full((2, 2), np.nan), [0, 1], []), "NaN"),
    (lambda: ml.evaluate(np.ones((2, 2)), [0, 1], [], normalization="global"), "normalization must be one of"),
    (lambda: ml.mix_at_snr(np.ones(4), np.zeros(4), snr_db=10), "noise is silent"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ParameterError, match=message):
        call()


@pytest.mark.parametrize("classifier", ml.CLASSIFIERS)
def test_evaluate_learns_and_every_clip_is_tested_once(classifier):
    X, labels, speakers = digits_like(speaker_offset=0.5)
    result = ml.evaluate(X, labels, ml.speaker_folds(speakers), classifier=classifier)
    assert result.held_out == tuple(f"speaker{s}" for s in range(6))
    assert np.all(result.predicted >= 0)
    assert result.mean > 0.9 and len(result.fold_accuracy) == 6
    assert result.confusion(4).sum() == len(labels)
    assert np.trace(result.confusion(4)) == np.sum(result.predicted == labels)
    low, high = result.interval()
    assert low <= result.mean <= high and result.spread[0] <= result.mean <= result.spread[1]


def test_forest_has_the_documented_size():
    """Lesson 09 prints the forest's node count and cost for this size; the docstring names it."""
    from sklearn.ensemble import RandomForestClassifier

    forest = ml.make_classifier("forest")
    assert isinstance(forest, RandomForestClassifier)
    assert forest.n_estimators == 20 and forest.n_jobs == 1
    assert "a random forest of 20 trees" in ml.make_classifier.__doc__
    assert "random forest of 20 trees" in ml.evaluate.__doc__


def test_forest_is_seeded():
    X, labels, speakers = digits_like()
    folds = ml.speaker_folds(speakers)
    a = ml.evaluate(X, labels, folds, classifier="forest", seed=1)
    b = ml.evaluate(X, labels, folds, classifier="forest", seed=1)
    assert np.array_equal(a.predicted, b.predicted)


def test_train_only_normalization_never_looks_at_the_test_clips():
    """A test clip's prediction must not depend on the other test clips (they are not there when the scaler is
    fitted)."""
    X, labels, speakers = digits_like(speaker_offset=4.0)
    folds = ml.speaker_folds(speakers)
    for fold in folds:
        changed = X.copy()
        changed[fold.test[10:]] = changed[fold.test[10:]] * 50 + 100  # every test clip but the first ten
        kept = fold.test[:10]
        honest = [ml.evaluate(Z, labels, [fold], normalization="train").predicted[kept] for Z in (X, changed)]
        assert np.array_equal(*honest)


def test_leakage_measurably_changes_the_loso_result():
    """Fitting the scaler on every clip lets it adapt to the held-out speaker's offset: a different accuracy."""
    X, labels, speakers = digits_like(speaker_offset=4.0)
    folds = ml.speaker_folds(speakers)
    honest = ml.evaluate(X, labels, folds, normalization="train")
    leaky = ml.evaluate(X, labels, folds, normalization="all")
    assert not np.array_equal(honest.predicted, leaky.predicted)
    assert honest.mean != leaky.mean


def test_mix_at_snr_sets_the_power_ratio():
    rng = np.random.default_rng(5)
    y = np.sin(np.linspace(0, 60, 1000))
    noise = rng.normal(size=300)  # shorter than y: tiled
    for snr in (20, 10, 0, -5):
        noisy = ml.mix_at_snr(y, noise, snr_db=snr)
        added = noisy - y
        assert abs(10 * np.log10(np.mean(y**2) / np.mean(added**2)) - snr) < 1e-9


def test_clip_matrix_pads_cuts_and_names_the_rows():
    from course_utils import data

    clips = data.fsdd_clips(digit=3, speaker="theo")[:3] + data.fsdd_clips(digit=8, speaker="george")[:2]
    matrix = ml.clip_matrix(clips, length=4000)
    assert matrix.signals.shape == (5, 4000) and matrix.signals.dtype == np.float32 and matrix.sr == 8000
    assert matrix.labels.tolist() == [3, 3, 3, 8, 8]
    assert matrix.speakers.tolist() == ["theo"] * 3 + ["george"] * 2
    for row, clip in enumerate(clips):
        y, _ = data.load(clip.path, verbose=False)
        kept = min(len(y), 4000)
        assert matrix.lengths[row] == kept
        np.testing.assert_array_equal(matrix.signals[row, :kept], y[:kept])
        assert not np.any(matrix.signals[row, kept:])


@pytest.mark.parametrize("length", [0, 2.5, True])
def test_clip_matrix_bad_length(length):
    with pytest.raises(ParameterError, match="length must be"):
        ml.clip_matrix([], length=length)


def test_frame_counts_match_librosas_centred_stft():
    import librosa

    for length in (256, 320, 321, 4000, 8000):
        y = np.ones(length, dtype=np.float32)
        assert ml.frame_counts([length], hop_length=80)[0] == librosa.stft(y, n_fft=256, hop_length=80).shape[1]


def test_pool_stats_batch_uses_only_each_clips_own_frames():
    rng = np.random.default_rng(2)
    features = rng.normal(size=(4, 3, 30))
    counts = np.array([30, 12, 1, 5])
    padded = features.copy()
    for i, n in enumerate(counts):
        padded[i, :, n:] = -100.0  # what a log floor in the padding would add
    out = ml.pool_stats_batch(padded, counts)
    for i, n in enumerate(counts):
        np.testing.assert_allclose(out[i], ml.pool_stats(features[i, :, :n]), atol=1e-12)
    with pytest.raises(ParameterError, match="n_frames must hold one count"):
        ml.pool_stats_batch(features, [3, 3, 0, 3])


def test_resize_frames_batch_equals_resize_frames_clip_by_clip():
    rng = np.random.default_rng(3)
    features = rng.normal(size=(5, 3, 20))
    counts = np.array([20, 7, 1, 2, 13])
    out = ml.resize_frames_batch(features, counts, size=9)
    for i, n in enumerate(counts):
        np.testing.assert_allclose(out[i], ml.resize_frames(features[i, :, :n], n_frames=9), atol=1e-12)


def test_tflm_features_batch_equals_the_frontend_clip_by_clip():
    from course_utils import tinyml as tm

    rng = np.random.default_rng(4)
    lengths = np.array([16000, 5000, 480, 9000])
    pcm = np.zeros((4, 16000), dtype=np.int16)
    for i, n in enumerate(lengths):
        pcm[i, :n] = np.clip(rng.normal(0, 3000, n) * np.hanning(n), -32768, 32767).astype(np.int16)
    batched = ml.tflm_features_batch(pcm, lengths)
    for i, n in enumerate(lengths):
        alone = tm.frontend(pcm[i, :n])
        np.testing.assert_array_equal(batched[i, :len(alone)], alone)
        assert not np.any(batched[i, len(alone):])
    whole = ml.tflm_features_batch(pcm)
    assert all(np.array_equal(whole[i], tm.frontend(pcm[i])) for i in range(4))


def test_tflm_features_batch_blocks_give_the_same_frames(monkeypatch):
    # Frames go through the integer stages in blocks, and clips through the noise estimate: blocks of 7 frames and
    # of 2 clips make clips straddle blocks.
    from course_utils import tinyml as tm

    rng = np.random.default_rng(5)
    lengths = np.array([16000, 3000, 8000])
    pcm = np.zeros((3, 16000), dtype=np.int16)
    for i, n in enumerate(lengths):
        pcm[i, :n] = np.clip(rng.normal(0, 2000, n), -32768, 32767).astype(np.int16)
    monkeypatch.setattr(ml, "_FRAMES_PER_BLOCK", 7)
    monkeypatch.setattr(ml, "_CLIPS_PER_BLOCK", 2)
    batched = ml.tflm_features_batch(pcm, lengths)
    for i, n in enumerate(lengths):
        alone = tm.frontend(pcm[i, :n])
        np.testing.assert_array_equal(batched[i, :len(alone)], alone)


def test_stft_power_batch_equals_librosa_on_the_whole_rows():
    import librosa

    rng = np.random.default_rng(6)
    lengths = np.array([8000, 0, 1, 1200, 3361, 4000, 5555, 7999, 256, 900])
    y = np.zeros((len(lengths), 8000), dtype=np.float32)
    for i, n in enumerate(lengths):
        y[i, :n] = rng.normal(0, 0.1, n)
    for settings in [dict(n_fft=256, hop_length=80), dict(n_fft=512, win_length=256, hop_length=80),
                     dict(n_fft=128, hop_length=240)]:
        expected = np.abs(librosa.stft(y, **settings)) ** 2
        for n_groups in (1, 3, 10):
            got = ml.stft_power_batch(y, lengths, n_groups=n_groups, **settings)
            assert got.dtype == expected.dtype
            np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(("call", "message"), [
    (lambda y: ml.stft_power_batch(y, [100, 200], n_fft=256, hop_length=80), "zero after each clip"),
    (lambda y: ml.stft_power_batch(y, [100, 2001], n_fft=256, hop_length=80), "lengths must hold"),
    (lambda y: ml.stft_power_batch(y, [100], n_fft=256, hop_length=80), "lengths must hold"),
    (lambda y: ml.stft_power_batch(y[0], [100], n_fft=256, hop_length=80), "y must be"),
    (lambda y: ml.stft_power_batch(y, [100, 250], n_fft=256, hop_length=0), "hop_length"),
    (lambda y: ml.stft_power_batch(y, [100, 250], n_fft=256, hop_length=80, n_groups=0), "n_groups"),
])
def test_stft_power_batch_bad_input(call, message):
    y = np.zeros((2, 2000), dtype=np.float32)
    y[0, :100], y[1, :250] = 0.1, 0.1
    with pytest.raises(ParameterError, match=message):
        call(y)


def test_tflm_features_batch_wants_int16_clips():
    with pytest.raises(ParameterError, match="pcm must be an int16"):
        ml.tflm_features_batch(np.zeros((2, 1000)))


def test_evaluate_tests_on_x_test_and_trains_on_x():
    X, labels, speakers = digits_like(speaker_offset=0.5)
    folds = ml.speaker_folds(speakers)
    clean = ml.evaluate(X, labels, folds)
    noisy_test = X + np.random.default_rng(8).normal(0, 6, X.shape)
    noisy = ml.evaluate(X, labels, folds, X_test=noisy_test)
    assert noisy.mean < clean.mean - 0.2
    swapped = ml.evaluate(noisy_test, labels, folds, X_test=X)  # trained on noise, tested clean: not the same
    assert not np.array_equal(swapped.predicted, noisy.predicted)


def test_augmented_copies_train_only_on_the_training_rows():
    """A copy whose test rows are garbage must not change anything: only its training rows are used."""
    X, labels, speakers = digits_like(speaker_offset=0.5)
    folds = ml.speaker_folds(speakers)
    copy = X + np.random.default_rng(9).normal(0, 0.5, X.shape)
    with_copy = ml.evaluate(X, labels, folds, augmented=[copy])
    for fold in folds:
        spoiled = copy.copy()
        spoiled[fold.test] = 1e6
        alone = ml.evaluate(X, labels, [fold], augmented=[spoiled])
        np.testing.assert_array_equal(alone.predicted[fold.test], with_copy.predicted[fold.test])
    assert not np.array_equal(with_copy.predicted, ml.evaluate(X, labels, folds).predicted)
    with pytest.raises(ParameterError, match="augmented\\[0\\] must be finite and shaped like X"):
        ml.evaluate(X, labels, folds, augmented=[X[:5]])


@pytest.mark.parametrize("normalization", ml.NORMALIZATIONS)
@pytest.mark.parametrize("n_classes", [2, 4])
def test_linear_evaluate_predicts_what_ridgeclassifier_predicts(normalization, n_classes):
    """The fold-sum ridge must equal scikit-learn's RidgeClassifier fitted fold by fold, for every option."""
    X, labels, speakers = digits_like(seed=3, n_classes=n_classes, per_class=4, speaker_offset=2.0)
    unbalanced = labels != 0
    unbalanced[np.flatnonzero(labels == 0)[::2]] = True  # class 0 has half the clips: the intercepts differ
    X, labels, speakers = X[unbalanced], labels[unbalanced], speakers[unbalanced]
    X = X * np.linspace(0.01, 100, X.shape[1]) + 50  # columns of very different scales and a large mean
    folds = ml.speaker_folds(speakers)
    X_test = X + np.random.default_rng(4).normal(0, 1.5, X.shape)
    copy = X + np.random.default_rng(5).normal(0, 1.0, X.shape)
    for kwargs in ({}, {"X_test": X_test}, {"augmented": [copy]}):
        got = ml.evaluate(X, labels, folds, normalization=normalization, **kwargs)
        test_X = kwargs.get("X_test", X)
        for fold in folds:
            train = np.concatenate([X[fold.train]] + [c[fold.train] for c in kwargs.get("augmented", [])])
            train_labels = np.tile(labels[fold.train], 1 + len(kwargs.get("augmented", [])))
            test = test_X[fold.test]
            if normalization != "none":
                fitted = np.concatenate([train, test]) if normalization == "all" else train
                mean, std = fitted.mean(axis=0), fitted.std(axis=0)
                train, test = (train - mean) / std, (test - mean) / std
            expected = ml.make_classifier("linear").fit(train, train_labels).predict(test)
            np.testing.assert_array_equal(got.predicted[fold.test], expected)


@pytest.mark.parametrize("normalization", ml.NORMALIZATIONS)
def test_closest_call_is_the_smallest_gap_between_the_two_best_ridge_scores(normalization):
    """Lesson 09 prints it to show that no prediction is close enough to a tie for float rounding to flip it."""
    X, labels, speakers = digits_like(seed=8)
    folds = ml.speaker_folds(speakers)
    got = ml.evaluate(X, labels, folds, normalization=normalization)
    gaps = []
    for fold in folds:
        train, test = X[fold.train], X[fold.test]
        if normalization != "none":
            fitted = np.concatenate([train, test]) if normalization == "all" else train
            mean, std = fitted.mean(axis=0), fitted.std(axis=0)
            train, test = (train - mean) / std, (test - mean) / std
        scores = np.sort(ml.make_classifier("linear").fit(train, labels[fold.train]).decision_function(test), axis=1)
        gaps.append(np.min(scores[:, -1] - scores[:, -2]))
    assert got.closest_call == pytest.approx(min(gaps), rel=1e-9)
    assert got.closest_call > 0
    assert ml.evaluate(X, labels, folds, classifier="forest").closest_call is None


def test_linear_evaluate_with_a_single_fold_and_partial_folds():
    X, labels, speakers = digits_like(seed=6)
    fold = ml.speaker_folds(speakers)[2]
    half = ml.Fold(train=fold.train[::2], test=fold.test, held_out=fold.held_out)  # fewer train rows than others
    for chosen in (fold, half):
        got = ml.evaluate(X, labels, [chosen], normalization="none").predicted[chosen.test]
        expected = ml.make_classifier("linear").fit(X[chosen.train], labels[chosen.train]).predict(X[chosen.test])
        np.testing.assert_array_equal(got, expected)
