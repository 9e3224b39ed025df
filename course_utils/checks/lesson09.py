"""Exercises of notebooks/09_features_for_models.ipynb."""

from __future__ import annotations

import numpy as np

from . import Case, close, correct, exercise, function_exercise, same, wrong

TOLERANCE = {"rtol": 1e-6, "atol": 1e-9}


# --- Exercise 1: CMVN without leakage ---------------------------------------------------------------------------


def _reference_cmvn():
    def cmvn(features):
        mean = features.mean(axis=1, keepdims=True)  # each row (feature) over the frames of this one clip
        std = features.std(axis=1, keepdims=True)
        return (features - mean) / np.where(std > 0, std, 1.0)  # a constant row: 0 / 1 = 0, not 0 / 0

    return cmvn


def _cmvn_cases() -> list[Case]:
    rng = np.random.default_rng(90)
    wide = rng.normal(-40, 12, (6, 50)) + np.linspace(0, 30, 6)[:, None]
    with_constant = rng.normal(-30, 5, (4, 20))
    with_constant[2] = -100.0  # a band that is at the log floor in every frame
    return [Case("cmvn(6 bands × 50 frames)", (wide,)),
            Case("cmvn(4 bands × 20 frames, band 2 constant)", (with_constant,), about="constant"),
            Case("cmvn(3 bands × 7 frames)", (rng.normal(5, 2, (3, 7)),))]


@function_exercise(
    reference=_reference_cmvn,
    cases=_cmvn_cases,
    returns={"dtype": float, "finite": False},  # NaN from a constant row gets its own hint
    tolerance=TOLERANCE,
    keeps_inputs="Your function changed the caller's array (features -= … works in place). Return a new array.",
    success="Each row has mean 0 and standard deviation 1 over this clip's frames; a constant row is 0. Nothing "
    "but the clip itself was used.",
)
def cmvn(got, expected, case):
    """features.mean(axis=1, keepdims=True) and features.std(axis=1, keepdims=True) are each row's statistics over
    the frames; subtract the mean and divide by the std, using 1 where the std is 0."""
    (features,) = case.args
    if got.shape != features.shape:
        return f"{case.name} returned shape {got.shape}; expected the input's shape {features.shape}."
    if np.any(~np.isfinite(got)):
        return (f"{case.name} returned NaN or inf: a constant row has standard deviation 0, and 0 / 0 is NaN. Divide "
                "by np.where(std > 0, std, 1.0) so that the row becomes 0.")
    per_frame = (features - features.mean(axis=0)) / np.where(features.std(axis=0) > 0, features.std(axis=0), 1.0)
    if same(got, per_frame, **TOLERANCE):
        return (f"{case.name}: you normalized each frame (axis=0) across the bands. CMVN normalizes each feature row "
                "over time: axis=1.")
    if same(got, features - features.mean(axis=1, keepdims=True), **TOLERANCE):
        return f"{case.name}: the means are removed, but the variance is not: divide by each row's std too."
    whole = (features - features.mean()) / features.std()
    if same(got, whole, **TOLERANCE):
        return (f"{case.name}: one mean and one std for the whole array keeps the differences between rows. Use "
                "each row's own: keepdims=True with axis=1.")
    if same(got, (features - features.mean(axis=1, keepdims=True)) / features.std(axis=1, ddof=1, keepdims=True),
            **TOLERANCE):
        return f"{case.name}: that std has ddof=1; use the plain standard deviation (ddof=0), as np.std does."
    return (f"{case.name}: row 0 starts {np.round(got[0, :3], 3)}; expected {np.round(expected[0, :3], 3)}. Hint: "
            "(features − row mean) / row std, over axis=1.")


# --- Exercise 2: spot the leak ----------------------------------------------------------------------------------

PIPELINES = "ABCDE"
LEAK_EXPLANATIONS = {
    "A": "CMVN uses one clip's own frames, and the scaler only training clips: no test information reaches the model.",
    "B": "a scaler fitted on all clips has seen the test speaker's means and deviations (a small leak with ridge here, "
         "but a leak).",
    "C": "PCA fitted on all clips chose its directions with the test speaker's clips in view.",
    "D": "picking the best of six settings by their test scores, then quoting that score, is selection on the test "
         "folds: the number is optimistic.",
    "E": "each clip's PCEN uses only that clip's frames, as CMVN does: nothing crosses from test to training.",
}


def _reference_leaks():
    # A: per-clip CMVN + train-fold scaler       no leak
    # B: scaler fitted on all clips              leaks (the inputs' statistics)
    # C: PCA fitted on all clips                 leaks (the inputs' directions)
    # D: best n_mels chosen by its LOSO score    leaks (a choice made on the test folds)
    # E: PCEN per clip                           no leak
    return [False, True, True, True, False]


@exercise(
    reference=_reference_leaks,
    answer={"shape": (len(PIPELINES),), "dtype": bool},
)
def leaks(got, expected):
    """A step leaks if anything computed from the test speaker's clips — their values, statistics or scores —
    influences the model or a choice made about it. A step that uses only one clip at a time cannot leak."""
    wrong_letters = [letter for letter, g, e in zip(PIPELINES, got, expected) if g != e]
    if not wrong_letters:
        return correct("B, C and D leak; A and E do not. D is the one most often missed: a choice made by test "
                       "scores is fitted on the test folds too.")
    first = wrong_letters[0]
    said = "leaks" if got[PIPELINES.index(first)] else "does not leak"
    right = len(PIPELINES) - len(wrong_letters)
    return wrong(f"{right} of {len(PIPELINES)} right; check {', '.join(wrong_letters)}. {first} (you said it "
                 f"{said}): {LEAK_EXPLANATIONS[first]}")


# --- Exercise 3: the gain that mixes at a given SNR -------------------------------------------------------------


def _reference_noise_gain():
    def noise_gain(y, noise, snr_db):
        power_y = np.mean(np.square(y))  # mean squares: y and noise may differ in length
        power_noise = np.mean(np.square(noise))
        return np.sqrt(power_y / (power_noise * 10 ** (snr_db / 10)))  # SNR is a power ratio: 10·log10, then √

    return noise_gain


def _noise_gain_cases() -> list[Case]:
    rng = np.random.default_rng(93)
    speech = rng.normal(0, 0.1, 4000) * np.hanning(4000)
    noise = rng.normal(0, 0.3, 9000)
    return [Case(f"noise_gain(y, noise, {snr})", (speech, noise, snr)) for snr in (10, 0, 20, -5)]


@function_exercise(
    reference=_reference_noise_gain,
    cases=_noise_gain_cases,
    returns={"shape": ()},
    tolerance={"rtol": 1e-6, "atol": 0},
    success="With that gain, 10·log10(P_y / P_(g·noise)) is exactly the SNR asked for, whatever the lengths.",
)
def noise_gain(got, expected, case):
    """P_y = np.mean(y**2), P_n = np.mean(noise**2). The mixed noise has power g²·P_n, and the SNR asks for
    P_y / (g²·P_n) = 10**(snr_db / 10): solve for g."""
    y, noise, snr_db = case.args
    power_y, power_noise = np.mean(y**2), np.mean(noise**2)
    said = f"{case.name} returned {got:.4g}; expected {expected:.4g}."
    if close(got, expected**2, rel=1e-6):
        return f"{said} That is g²: the noise power's factor. The samples are multiplied by its square root."
    if close(got, np.sqrt(power_y / (power_noise * 10 ** (snr_db / 20))), rel=1e-6) and snr_db != 0:
        return (f"{said} SNR in dB is 10·log10 of a power ratio, so the ratio is 10**(snr/10), not 10**(snr/20) "
                "(that one is for amplitudes).")
    if close(got, 1 / expected, rel=1e-6) or close(got, np.sqrt(power_noise * 10 ** (snr_db / 10) / power_y),
                                                      rel=1e-6):
        return f"{said} The ratio is upside down: SNR = signal power over noise power."
    if close(got, np.sqrt(np.sum(y**2) / (np.sum(noise**2) * 10 ** (snr_db / 10))), rel=1e-6):
        return (f"{said} Sums depend on the lengths ({len(y)} and {len(noise)} samples here): use mean squares, the "
                "power per sample.")
    if close(got, np.sqrt(power_y / power_noise) * 10 ** (snr_db / 20), rel=1e-6) and snr_db != 0:
        return f"{said} A higher SNR needs *less* noise: divide by 10**(snr/20), do not multiply."
    return f"{said} Hint: g = sqrt(P_y / (P_n · 10**(snr_db / 10))) with P = mean square."


# --- Exercise 4: a SpecAugment time mask ------------------------------------------------------------------------


def _reference_time_mask():
    def time_mask(features, start, width):
        masked = features.copy()  # a copy: the original clip stays as it was
        masked[:, start:start + width] = features.mean()  # frames start … start + width − 1, every band
        return masked

    return time_mask


def _mask_cases() -> list[Case]:
    rng = np.random.default_rng(94)
    log_mel = rng.normal(-50, 15, (8, 30))
    return [Case("time_mask(features, 5, 4)", (log_mel, 5, 4)),
            Case("time_mask(features, 0, 1)", (log_mel, 0, 1)),
            Case("time_mask(features, 27, 3)", (log_mel, 27, 3))]


@function_exercise(
    reference=_reference_time_mask,
    cases=_mask_cases,
    returns={"dtype": float},
    tolerance=TOLERANCE,
    keeps_inputs="Your function changed the caller's array: features[...] = … writes into it. Start from "
    "features.copy() and mask the copy.",
    success="Frames start … start + width − 1 hold the mean in every band, and the input is untouched.",
)
def time_mask(got, expected, case):
    """Copy features; the columns (axis 1) are the frames: masked[:, start:start + width] = features.mean()."""
    features, start, width = case.args
    if got.shape != features.shape:
        return f"{case.name} returned shape {got.shape}; expected the input's shape {features.shape}."
    mean = features.mean()
    for w in (width + 1, width - 1):
        variant = features.copy()
        variant[:, start:start + max(w, 0)] = mean
        if same(got, variant, **TOLERANCE):
            return (f"{case.name}: {'one frame too many' if w > width else 'one frame too few'}. The slice "
                    "start:start + width holds exactly width frames.")
    rows = features.copy()
    rows[start:start + width] = mean
    if same(got, rows, **TOLERANCE):
        return f"{case.name}: you masked bands (rows). A time mask hides frames: the columns, [:, start:start + width]."
    zeros = features.copy()
    zeros[:, start:start + width] = 0.0
    if same(got, zeros, **TOLERANCE):
        return (f"{case.name}: the frames are set to 0, which in dB is a loud value next to −50 dB. Use the mean of "
                "the whole array, as SpecAugment does on features normalized to mean 0.")
    return f"{case.name}: hint: masked = features.copy(); masked[:, start:start + width] = features.mean()."
