"""Exercises of notebooks/06_mfcc.ipynb."""

from __future__ import annotations

import math

import numpy as np

from . import Case, as_answer, as_function, close, correct, exercise, function_exercise, same, wrong

TOLERANCE = {"rtol": 1e-6, "atol": 1e-6}


# --- Exercise 1: the HTK lifter --------------------------------------------------------------------------------

LIFTER_CASES = [(13, 22), (20, 22), (12, 15), (5, 8)]


def _reference_htk_lifter():
    def htk_lifter(n_mfcc, L):
        n = np.arange(n_mfcc)  # HTK numbers the coefficients from 0: c0 keeps weight 1
        return 1 + (L / 2) * np.sin(np.pi * n / L)

    return htk_lifter


@function_exercise(
    reference=_reference_htk_lifter,
    cases=[Case(f"htk_lifter({n_mfcc}, {L})", (n_mfcc, L)) for n_mfcc, L in LIFTER_CASES],
    tolerance=TOLERANCE,
    success="Your weights match HTK's lifter (dsp.lifter_weights(..., convention='htk')) in all "
    f"{len(LIFTER_CASES)} cases.",
)
def htk_lifter(got, expected, case):
    """1 + (L / 2) * np.sin(np.pi * n / L) with n = np.arange(n_mfcc): HTK's first coefficient is c0 with n = 0."""
    n_mfcc, L = case.args
    call = case.name
    if got.shape != expected.shape:
        return f"{call} returned shape {got.shape}; expected one weight per coefficient, shape ({n_mfcc},)."
    n = np.arange(n_mfcc)
    if same(got, 1 + (L / 2) * np.sin(np.pi * (n + 1) / L), **TOLERANCE):
        return (f"{call}: you numbered the coefficients from 1, as librosa does. HTK numbers them from 0, so c0 keeps "
                "weight 1 and row i gets the weight of n = i.")
    if same(got, (L / 2) * np.sin(np.pi * n / L), **TOLERANCE):
        return f"{call}: the weights start at 1 — the lifter is 1 + (L/2)·sin(π n / L)."
    if same(got, 1 + L * np.sin(np.pi * n / L), **TOLERANCE):
        return f"{call}: the sine's amplitude is L/2, not L."
    for fixed_L in sorted({22} | {other for _, other in LIFTER_CASES} - {L}):
        if same(got, 1 + (fixed_L / 2) * np.sin(np.pi * n / fixed_L), **TOLERANCE):
            return (f"{call} returned the lifter for L = {fixed_L}: your function ignores its argument L. Use the L "
                    "it is given in both places, L/2 and π n / L.")
    if same(got, 1 + (L / 2) * np.cos(np.pi * n / L), **TOLERANCE):
        return f"{call}: the lifter uses a sine, which is 0 for c0 and largest around n = L/2."
    return (f"{call} returned {np.round(got[:4], 3)}…; expected {np.round(expected[:4], 3)}…. Hint: 1 + (L/2)·sin(π n "
            "/ L) with n = 0, 1, …, n_mfcc − 1.")


# --- Exercise 2: c0 without a DCT ------------------------------------------------------------------------------

def _reference_c0():
    def c0(log_mel_frame):
        # Row 0 of the orthonormal DCT is the constant 1 / sqrt(n_mels): c0 is a scaled sum (or mean) of the bands.
        log_mel_frame = np.asarray(log_mel_frame, dtype=float)
        return np.sum(log_mel_frame) / np.sqrt(len(log_mel_frame))

    return c0


def _c0_cases():
    rng = np.random.default_rng(6)
    return [Case(f"c0 of a {n}-band frame", (rng.uniform(-80, 0, size=n),)) for n in (40, 26, 13, 128)]


@function_exercise(
    reference=_reference_c0,
    cases=_c0_cases,
    returns={"shape": ()},
    tolerance={"rtol": 1e-6, "atol": 1e-9},
    success="c0 = sum of the log-mel bands / √n_mels: the frame's overall level, scaled. Your function agrees with "
    "the orthonormal DCT for 13, 26, 40 and 128 bands.",
)
def c0(got, expected, case):
    """Look at row 0 of dct_basis: cos(0) = 1 in every column, times the orthonormal scale √(1/n_mels). So c0 is a
    weighted sum of the bands with all weights equal."""
    (frame,) = case.args
    n = len(frame)
    said = f"For a frame of {n} bands you returned {got:.4g}; expected {expected:.4g}."
    total, mean = np.sum(frame), np.mean(frame)
    if close(got, mean, rel=1e-6):
        return (f"{said} That is the mean. Row 0 of the orthonormal DCT is 1/√n_mels in every band, not 1/n_mels: "
                "c0 = sum / √n = mean · √n.")
    if close(got, total, rel=1e-6):
        return f"{said} That is the plain sum: the orthonormal DCT's row 0 also divides by √n_mels."
    if close(got, total * np.sqrt(2 / n), rel=1e-6):
        return (f"{said} That is HTK's scaling √(2/n) for every row. The orthonormal DCT (norm='ortho', librosa's "
                "default) gives row 0 an extra 1/√2: √(1/n).")
    if close(got, 2 * total, rel=1e-6):
        return f"{said} That is the unnormalised DCT-II (norm=None): 2·sum. We use norm='ortho'."
    if n != 40 and close(got, total / np.sqrt(40), rel=1e-6):
        return f"{said} Your function assumes 40 bands: use len(log_mel_frame) for n_mels."
    return f"{said} Hint: every entry of the DCT's row 0 equals 1/√n_mels."


# --- Exercise 3: dB versus natural log -------------------------------------------------------------------------

def _reference_log_factor():
    # 10·log10(x) = 10·ln(x) / ln(10): the dB coefficients are ln-coefficients times 10 / ln(10).
    return float(10 / np.log(10))


@exercise(
    reference=_reference_log_factor,
)
def log_factor(got, expected):
    """Change of base: log10(x) = ln(x) / ln(10). The DCT is linear, so a factor on every log-mel value becomes the
    same factor on every coefficient."""
    if close(got, expected, rel=1e-3):  # three significant digits (4.34) or more: the factor as the lesson prints it
        return correct(f"10 / ln(10) = {expected:.4f}: every librosa coefficient is {expected:.2f} times the "
                       "ln-based one, because the DCT is linear.")
    if close(got, expected, rel=0.012):  # 4.3, the factor rounded to two digits
        return wrong("Right idea, but give more digits: the factor is exact, so write it as an expression or round "
                     "it correctly to at least three significant digits.")
    said = f"{got:.4g} is not it."
    if close(got, 1 / expected, rel=1e-3):
        return wrong(f"{said} That is the inverse: it turns dB-based coefficients into ln-based ones. Which of the "
                     "two is larger?")
    if close(got, -expected, rel=1e-3) or close(got, -1 / expected, rel=1e-3):
        return wrong(f"{said} The factor is positive: ln(x) and log10(x) have the same sign for every x (both are "
                     "negative below 1 and positive above), so changing the base never flips a coefficient's sign.")
    if close(got, 2 * expected, rel=1e-3):
        return wrong(f"{said} 20 / ln(10) would be right for amplitude decibels (20·log10); librosa's MFCCs start "
                     "from power decibels, 10·log10.")
    if close(got, 10, rel=1e-3):
        return wrong(f"{said} 10·log10(x) is not 10·ln(x): change the base with log10(x) = ln(x) / ln(10).")
    if close(got, math.log(10), rel=1e-3):
        return wrong(f"{said} ln(10) converts log10 to ln but the dB scale also has the factor 10.")
    if close(got, math.log10(math.e), rel=1e-3):
        return wrong(f"{said} log10(e) = 1/ln(10) converts ln to log10, but the dB scale also has the factor 10.")
    return wrong(f"{said} Write 10·log10(x) with natural logarithms: log10(x) = ln(x) / ln(10).")


# --- Exercise 4: HTK-style deltas ------------------------------------------------------------------------------

def _reference_deltas():
    def deltas(features, N=2):
        features = np.asarray(features, dtype=float)
        n_frames = features.shape[1]
        padded = np.pad(features, ((0, 0), (N, N)), mode="edge")  # repeat the first and last frame N times
        numerator = np.zeros_like(features)
        for n in range(1, N + 1):
            ahead = padded[:, N + n : N + n + n_frames]   # c[t + n] for every frame t
            behind = padded[:, N - n : N - n + n_frames]  # c[t - n]
            numerator += n * (ahead - behind)
        return numerator / (2 * sum(n**2 for n in range(1, N + 1)))

    return deltas


def _delta_cases():
    rng = np.random.default_rng(60)
    features = np.cumsum(rng.standard_normal((3, 15)), axis=1)
    return [Case(f"deltas(features, N={N}) on features of shape {features.shape}", (features, N)) for N in (2, 1, 3)]


def _zero_padded_deltas(features, N):
    """The regression formula with zeros beyond the edges: a typical mistake."""
    n_frames = features.shape[1]
    padded = np.pad(features, ((0, 0), (N, N)))
    numerator = sum(n * (padded[:, N + n : N + n + n_frames] - padded[:, N - n : N - n + n_frames])
                    for n in range(1, N + 1))
    return numerator / (2 * sum(n**2 for n in range(1, N + 1)))


@function_exercise(
    reference=_reference_deltas,
    cases=_delta_cases,
    tolerance=TOLERANCE,
    success="Your deltas match HTK's regression formula for N = 1, 2 and 3, edges included.",
)
def deltas(got, expected, case):
    """Pad the frames with np.pad(features, ((0, 0), (N, N)), mode='edge'); then for n = 1…N add n · (c[t+n] −
    c[t−n]) for every frame t (two shifted slices of the padded array) and divide by 2 Σ n²."""
    features, N = case.args
    call = case.name
    if got.shape == features.shape[::-1]:
        return f"{call} returned shape {got.shape}, transposed: keep (coefficients, frames)."
    if got.ndim == 2 and got.shape[0] == features.shape[0] and got.shape[1] < features.shape[1]:
        return (f"{call} returned only {got.shape[1]} frames of {features.shape[1]}: near the edges, repeat the first "
                "and last frame (np.pad(..., mode='edge')) so every frame gets a delta.")
    if got.shape != expected.shape:
        return f"{call} returned shape {got.shape}; expected {expected.shape}, one delta per value."
    reference = _reference_deltas()
    denominator = 2 * sum(n**2 for n in range(1, N + 1))
    interior = slice(N, features.shape[1] - N)
    if same(got, _zero_padded_deltas(features, N), **TOLERANCE):
        return (f"{call}: the middle frames are right but the first and last {N} are not. Pad by repeating the edge "
                "frames (mode='edge'), not with zeros.")
    if same(got[:, interior], expected[:, interior], **TOLERANCE):
        return (f"{call}: the middle frames are right but the first and last {N} are not. HTK repeats the edge "
                "frames: pad with np.pad(..., mode='edge').")
    if same(got, -expected, **TOLERANCE):
        return f"{call}: the sign is flipped — the slope is c[t + n] − c[t − n], future minus past."
    if same(got, expected * denominator, **TOLERANCE):
        return f"{call}: divide by 2·Σ n² = {denominator} (for N={N}) to get a slope per frame."
    if same(got, expected * 2, **TOLERANCE):
        return f"{call}: the denominator is 2·Σ n², not Σ n²."
    if N != 2 and same(got, reference(features, 2), **TOLERANCE):
        return f"{call}: your function ignores N and always uses 2."
    if same(got, reference(features.T, N).T, **TOLERANCE):
        return f"{call}: you differentiated across coefficients; frames are the columns (axis 1)."
    return (f"{call} does not match. Hint: Σ_n n·(c[t+n] − c[t−n]) / (2 Σ_n n²), n = 1…N, with the edge frames "
            "repeated.")


# --- Exercise 5: standardise with the training statistics ------------------------------------------------------

def _reference_standardize():
    def standardize(train, test):
        mean = train.mean(axis=0)  # one mean and one spread per feature (column), from the training rows only
        std = train.std(axis=0)
        return (train - mean) / std, (test - mean) / std

    return standardize


def _standardize_case():
    rng = np.random.default_rng(66)
    train = rng.normal([3.0, -40.0, 0.5], [1.0, 10.0, 0.1], size=(12, 3))
    test = rng.normal([5.0, -20.0, 0.8], [2.0, 5.0, 0.3], size=(5, 3))
    return Case("standardize(train, test)", (train, test))


@exercise(
    reference=_reference_standardize,
    answer=as_function,
)
def standardize(student, reference):
    """Compute mean = train.mean(axis=0) and std = train.std(axis=0) — one per feature, from the training rows only
    — and apply (x − mean) / std to both arrays."""
    case = _standardize_case()
    train, test = case.args
    result = case.copy().call(student)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        return wrong("standardize(train, test) should return two arrays: (train_z, test_z).")
    train_z, test_z = as_answer(result[0], name="train_z"), as_answer(result[1], name="test_z")
    if train_z.shape != train.shape or test_z.shape != test.shape:
        return wrong(f"Shapes {train_z.shape} and {test_z.shape}; expected {train.shape} and {test.shape}: "
                     "standardize each value, keep the arrays' shapes.")
    mean, std = train.mean(axis=0), train.std(axis=0)
    sample_std = train.std(axis=0, ddof=1)  # the sample standard deviation is as good
    for expected in (reference(train, test), ((train - mean) / sample_std, (test - mean) / sample_std)):
        if same(train_z, expected[0], **TOLERANCE) and same(test_z, expected[1], **TOLERANCE):
            return correct("Both sets are scaled with the training set's mean and standard deviation, as a "
                           "deployed model would have to.")
    if same(train_z, (train - mean) / std, **TOLERANCE):
        own = [(test - test.mean(axis=0)) / test.std(axis=0, ddof=ddof) for ddof in (0, 1)]
        if any(same(test_z, z, **TOLERANCE) for z in own):
            return wrong("The test set was scaled with its own mean and std. Use the training statistics for both: a "
                         "deployed model meets one clip at a time and cannot know the test set's mean.")
        return wrong("train_z is right but test_z is not: apply the same (test − train mean) / train std.")
    both = np.vstack([train, test])
    if same(train_z, (train - both.mean(axis=0)) / both.std(axis=0), **TOLERANCE):
        return wrong("You computed the mean and std on train and test together: the test clips leak into the "
                     "scaling. Use the training rows only.")
    if same(train_z, train - mean, **TOLERANCE):
        return wrong("You subtracted the mean but did not divide by the standard deviation.")
    if same(train_z, (train - mean) / train.var(axis=0), **TOLERANCE):
        return wrong("Divide by the standard deviation (np.std), not the variance.")
    if same(train_z, (train - train.mean(axis=1, keepdims=True)) / train.std(axis=1, keepdims=True), **TOLERANCE):
        return wrong("You standardized each row (clip). Standardize each column (feature): axis=0.")
    if same(train_z, (train - train.mean()) / train.std(), **TOLERANCE):
        return wrong("You used one mean and std for all features. Each feature (column) needs its own: axis=0.")
    return wrong("Not quite. Hint: mean = train.mean(axis=0), std = train.std(axis=0); return "
                 "((train − mean) / std, (test − mean) / std).")
