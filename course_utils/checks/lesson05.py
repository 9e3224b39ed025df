"""Exercises of notebooks/05_decibels.ipynb."""

from __future__ import annotations

import math

import numpy as np

from . import Case, close, correct, exercise, function_exercise, wrong

# --- Exercise 1: a change of power in dB -------------------------------------------------------------------------

POWER_BEFORE = 2e-4
POWER_AFTER = 5e-2


def _reference_db_change():
    power_before = 2e-4
    power_after = 5e-2
    return 10 * np.log10(power_after / power_before)


@exercise(
    reference=_reference_db_change,
)
def db_change(got, expected):
    """A change in dB is 10·log10(after / before) for powers. Check: ×10 is +10 dB, ×100 is +20 dB, so ×250 is a bit
    more than +20."""
    ratio = POWER_AFTER / POWER_BEFORE
    if close(got, expected, rel=1e-3):
        return correct(f"+{expected:.2f} dB: the power grew {ratio:g}-fold, and 10·log10({ratio:g}) = {expected:.2f}.")
    if close(got, -expected, rel=1e-3):
        return wrong("The sign is flipped: the power went up, so the change is positive. Use after / before.")
    if close(got, 2 * expected, rel=1e-3):
        return wrong(f"{got:.2f} is twice too much: these are powers, so use 10·log10, not 20·log10 (that is for "
                     "amplitudes).")
    if close(got, 10 * math.log(ratio), rel=1e-3):
        return wrong("You used the natural logarithm (np.log). Decibels use log10.")
    if close(got, 10 * np.log10(POWER_AFTER - POWER_BEFORE), rel=1e-3) or close(got, POWER_AFTER - POWER_BEFORE):
        return wrong("Decibels compare a ratio, not a difference: 10·log10(after / before).")
    if close(got, ratio, rel=1e-3):
        return wrong(f"{ratio:g} is the ratio; now express it in dB with 10·log10.")
    return wrong(f"{got:g} is not it. The power went from {POWER_BEFORE:g} to {POWER_AFTER:g}: what is 10·log10 of "
                 "their ratio?")


# --- Exercise 2: power_to_db from scratch ------------------------------------------------------------------------


def _reference_my_power_to_db():
    def my_power_to_db(S, ref=1.0, amin=1e-10, top_db=80.0):
        if callable(ref):  # ref=np.max: the reference is computed from S itself
            ref = ref(S)
        S_db = 10 * np.log10(np.maximum(amin, S)) - 10 * np.log10(np.maximum(amin, ref))
        if top_db is not None:
            S_db = np.maximum(S_db, S_db.max() - top_db)
        return S_db

    return my_power_to_db


def _test_power():
    rng = np.random.default_rng(5)
    S = 10.0 ** rng.uniform(-12, 2, size=(16, 24))  # 140 dB of range, values above and below 1
    S[3, :5] = 0.0  # digital silence
    return S


# A correct float32 implementation (what librosa returns for float32 input) differs from the float64 reference by up
# to about 1e-5 dB: float32 resolves 1.5e-5 dB at the 140 dB this test power spans. 1e-4 dB accepts it; any real
# mistake differs by far more.
POWER_TO_DB_TOLERANCE = {"rtol": 0.0, "atol": 1e-4}
# Closer than this after every diagnosis has failed: the formula is right and the precision is not.
ROUNDING_DB = 0.1

POWER_TO_DB_CASES = [
    ("my_power_to_db(S, ref=1.0, top_db=None)", {"ref": 1.0, "top_db": None}),
    ("my_power_to_db(S, ref=1.0, amin=1e-6, top_db=None)", {"ref": 1.0, "amin": 1e-6, "top_db": None}),
    ("my_power_to_db(S, ref=1.0, top_db=80)", {"ref": 1.0, "top_db": 80.0}),
    ("my_power_to_db(S, ref=np.max)", {"ref": np.max}),
    ("my_power_to_db(S, ref=0.01, top_db=60)", {"ref": 0.01, "top_db": 60.0}),
    # np.min of S is 0 (its digital silence): the reference must be floored at amin too.
    ("my_power_to_db(S, ref=np.min, top_db=None)", {"ref": np.min, "top_db": None}),
]


def _power_to_db_raised(error, case):
    if isinstance(error, TypeError) and callable(case.kwargs.get("ref")):
        return (f"{case.name} raised TypeError ({error}). ref may be a function such as np.max: if callable(ref), use "
                "ref(S) as the reference power.")
    if isinstance(error, TypeError) and "keyword argument" in str(error):
        return (f"{case.name} raised TypeError ({error}). Give your function librosa's parameters with their "
                "defaults: def my_power_to_db(S, ref=1.0, amin=1e-10, top_db=80.0).")
    if isinstance(error, TypeError) and ("0-dimensional" in str(error) or "length-1" in str(error)):
        return (f"{case.name} raised TypeError ({error}). math.log10 and the built-in max work on single numbers "
                "only; use np.log10 and np.maximum, which work element by element.")
    if isinstance(error, ValueError) and "truth value" in str(error):
        return (f"{case.name} raised ValueError ({error}). The built-in max compares single numbers; use "
                "np.maximum(amin, S), which floors element by element.")
    if isinstance(error, TypeError) and case.kwargs.get("top_db", 0) is None and "NoneType" in str(error):
        return f"{case.name} raised TypeError ({error}). top_db=None means: do not clip at all."
    return None


def _matches_natural_log(got, S, kwargs):
    ref, amin, top_db = kwargs.get("ref", 1.0), kwargs.get("amin", 1e-10), kwargs.get("top_db", 80.0)
    ref = ref(S) if callable(ref) else ref
    natural = 10 * np.log(np.maximum(amin, S)) - 10 * np.log(np.maximum(amin, ref))
    if top_db is not None:
        natural = np.maximum(natural, natural.max() - top_db)
    return np.allclose(got, natural, **POWER_TO_DB_TOLERANCE)


def _matches_added_amin(got, S, kwargs):
    ref, amin, top_db = kwargs.get("ref", 1.0), kwargs.get("amin", 1e-10), kwargs.get("top_db", 80.0)
    ref = ref(S) if callable(ref) else ref
    added = 10 * np.log10(S + amin) - 10 * np.log10(ref + amin)
    if top_db is not None:
        added = np.maximum(added, added.max() - top_db)
    return np.allclose(got, added, **POWER_TO_DB_TOLERANCE)


@function_exercise(
    reference=_reference_my_power_to_db,
    cases=lambda: [Case(name, (_test_power(),), kwargs) for name, kwargs in POWER_TO_DB_CASES],
    returns={"finite": False},
    tolerance=POWER_TO_DB_TOLERANCE,
    raised=_power_to_db_raised,
    success="Your power_to_db agrees with librosa's on 6 calls: floors, references (numbers, np.max and np.min) and top_db.",
)
def my_power_to_db(got, expected, case):
    """Four steps: (1) if ref is callable, ref = ref(S); (2) S_db = 10·log10(np.maximum(amin, S)) −
    10·log10(np.maximum(amin, ref)); (3) if top_db is not None, S_db = np.maximum(S_db, S_db.max() − top_db);
    (4) return S_db. np.maximum works element by element."""
    (S,), kwargs = case.args, case.kwargs
    if got.shape != S.shape:
        return f"{case.name} returned shape {got.shape}; expected {S.shape}, the shape of S."
    reference = _reference_my_power_to_db()

    def matches(**changed):
        return np.allclose(got, reference(S, **{**kwargs, **changed}), **POWER_TO_DB_TOLERANCE)

    said = f"{case.name} differs from librosa.power_to_db"
    if np.any(np.isposinf(got)):
        return (f"{said}: it has +inf: the reference power is 0 here (np.min of a clip with digital silence), and "
                "log10(0) is −inf. Floor the reference too: 10·log10(np.maximum(amin, ref)).")
    if np.any(np.isneginf(got)) or np.any(np.isnan(got)):
        return (f"{said}: it has -inf or nan where S is 0 (digital silence). Floor the power first: "
                "np.maximum(amin, S).")
    if np.allclose(got, 2 * expected, **POWER_TO_DB_TOLERANCE):
        return f"{said}: your values are twice too large. S is a power: 10·log10, not 20·log10."
    if _matches_natural_log(got, S, kwargs):
        return (f"{said}: your values are ln(10) = {np.log(10):.3f} times too large. You used the natural logarithm "
                "(np.log); decibels use np.log10.")
    if kwargs.get("ref") != 1.0 and matches(ref=1.0):
        return f"{said}: ref is ignored. Subtract 10·log10(ref), so that a power equal to ref is 0 dB."
    if "amin" in kwargs and matches(amin=1e-10):
        return (f"{said}: the amin argument is ignored (you used a fixed floor of 1e-10). Use the amin that is passed "
                "in.")
    if _matches_added_amin(got, S, kwargs):
        return (f"{said}: you added amin to S, log10(S + amin). Adding is not flooring: it raises every quiet value a "
                "little. Floor instead: np.maximum(amin, S).")
    if matches(amin=1e-30):
        return (f"{said}: amin is not used. Floor the power at amin before the logarithm, np.maximum(amin, S), so "
                "silence becomes 10·log10(amin) instead of −inf.")
    if kwargs.get("top_db") is not None:
        top = kwargs["top_db"]
        if matches(top_db=None):
            return (f"{said}: nothing is clipped. top_db={top:g} keeps values at most {top:g} dB below the maximum: "
                    "np.maximum(S_db, S_db.max() − top_db).")
        if np.allclose(got, np.maximum(reference(S, **{**kwargs, "top_db": None}), -top), **POWER_TO_DB_TOLERANCE):
            return (f"{said}: you clip at −{top:g} dB, but top_db is measured down from the loudest value: clip at "
                    f"S_db.max() − {top:g}.")
    largest_difference = np.nanmax(np.abs(got - expected))
    if largest_difference < ROUNDING_DB:
        return (f"{said} by at most {largest_difference:.2g} dB: that is rounding, not a wrong step. Does your function "
                "compute in float16 (or round its result)? Compute in float64, np.asarray(S, dtype=np.float64); "
                "float32 is accurate enough.")
    return (f"{said} (largest difference {largest_difference:.3g} dB). Floor with amin, 10·log10, "
            "subtract 10·log10(ref), then clip top_db below the maximum.")


# --- Exercise 4: the quietest 24-bit sample in dBFS --------------------------------------------------------------


def _reference_quietest_24_bit():
    bits = 24
    smallest_step = 2 / 2**bits  # 2**24 levels spread over [-1, 1): a step of 2 / 2**24 = 1 / 2**23
    return 20 * np.log10(smallest_step / 1.0)  # amplitude relative to full scale 1.0, so 20·log10


@exercise(
    reference=_reference_quietest_24_bit,
)
def quietest_24_bit(got, expected):
    """N bits give 2**N levels between −1 and 1, so the smallest non-zero sample is 2 / 2**N. A sample is an
    amplitude: its level is 20·log10(value / 1.0) dBFS."""
    if close(got, expected, rel=1e-3):
        return correct(f"{expected:.1f} dBFS: 24-bit audio reaches {-expected:.0f} dB below full scale, "
                       f"{-expected - 90.3:.0f} dB further than 16-bit (−90.3 dBFS).")
    if abs(got - expected) <= 0.5:
        return correct(f"{expected:.2f} dBFS, rounded: 24-bit audio reaches {-expected:.0f} dB below full scale, "
                       f"{-expected - 90.3:.0f} dB further than 16-bit (−90.3 dBFS).")
    if close(got, -expected, rel=1e-3):
        return wrong("Below full scale means negative dBFS: 0 dBFS is the loudest possible sample.")
    if close(got, expected / 2, rel=1e-3):
        return wrong(f"{got:.1f} is half the answer: a sample value is an amplitude, so use 20·log10, not 10·log10.")
    whole_span_db = 20 * np.log10(2.0**24)  # = 6.02·24: "6 dB per bit" counted over all 24 bits
    if abs(abs(got) - whole_span_db) <= 0.6:
        return wrong(f"{whole_span_db:.1f} dB (6.02 dB per bit × 24 bits, i.e. 20·log10(2**24)) counts steps across "
                     "the whole span from −1 to 1, which is 2 wide. Full scale is 1.0, half of that span, so the step "
                     f"is 2 / 2**24 = 2**−23 of full scale: 6.02·23 = {-expected:.1f} dB below it. (Adding 1.76 would not help: "
                     "6.02·N + 1.76 is the SNR of a full-scale sine, not the level of one step.)")
    if close(got, 20 * np.log10(2.0**-15), rel=1e-3):
        return wrong("−90.3 dBFS is 16-bit audio. Redo it with 24 bits.")
    if close(got, -(6.02 * 24 + 1.76), rel=1e-2) or close(got, 6.02 * 24 + 1.76, rel=1e-2):
        return wrong("6.02·N + 1.76 is the SNR of a full-scale sine (lesson 01), not the level of the smallest "
                     "sample. Compute 20·log10(step / 1).")
    return wrong(f"{got:g} is not it. The step is 2 / 2**24; its level is 20·log10(step / 1.0) dBFS.")


# --- Exercise 3: the dB spectrogram of a complex STFT ------------------------------------------------------------


def _reference_spectrogram_db():
    import librosa

    def spectrogram_db(D):
        power = np.abs(D) ** 2  # |D| is an amplitude; its square is the power
        return librosa.power_to_db(power, ref=np.max, top_db=80.0)
        # the same: librosa.amplitude_to_db(np.abs(D), ref=np.max, top_db=80.0)

    return spectrogram_db


def _test_stft():
    rng = np.random.default_rng(11)
    shape = (33, 20)
    magnitude = 10.0 ** rng.uniform(-5, 1, size=shape)  # 120 dB of power range
    phase = np.exp(2j * np.pi * rng.uniform(size=shape))
    return (magnitude * phase).astype(np.complex64)


@function_exercise(
    reference=_reference_spectrogram_db,
    cases=lambda: [Case("spectrogram_db(D)", (_test_stft(),))],
    returns={"finite": False, "complex_ok": True},
    tolerance={"rtol": 1e-4, "atol": 1e-3},
    success="Right: power_to_db(|D|², ref=np.max) — the same as amplitude_to_db(|D|, ref=np.max). 0 dB at the "
    "loudest bin, 80 dB of range.",
)
def spectrogram_db(got, expected, case):
    """D is complex. Is np.abs(D) an amplitude or a power, and which of power_to_db and amplitude_to_db wants
    which? 0 dB should be the loudest bin."""
    import librosa

    (D,) = case.args
    if np.iscomplexobj(got):
        return "The result is complex: take np.abs(D) before the logarithm."
    if got.shape != D.shape:
        return f"{case.name} returned shape {got.shape}; expected {D.shape}, the shape of D."
    magnitude = np.abs(D)
    power = magnitude**2

    def matches(values):
        return np.allclose(got, values, rtol=1e-4, atol=1e-3)

    if matches(librosa.power_to_db(magnitude, ref=np.max)):
        return ("You gave power_to_db a magnitude |D|: every dB difference comes out halved. Square it first "
                "(np.abs(D)**2), or use amplitude_to_db for magnitudes.")
    if matches(librosa.amplitude_to_db(power, ref=np.max)):
        return ("You gave amplitude_to_db a power |D|²: every dB difference comes out doubled. amplitude_to_db wants "
                "|D| itself.")
    if matches(librosa.power_to_db(power, ref=np.min)) or matches(librosa.power_to_db(power, ref=np.min, top_db=None)):
        return ("ref=np.min puts the quietest bin at 0 dB — a random, noisy bin. Use ref=np.max: the loudest bin is "
                "0 dB and everything else is below it.")
    if matches(librosa.power_to_db(power)) or matches(librosa.power_to_db(power, ref=1.0, top_db=80.0)):
        return ("With ref=1.0 the values are dB relative to a power of 1. The exercise asks for ref=np.max, so that "
                "the loudest bin is at 0 dB.")
    if matches(librosa.power_to_db(librosa.power_to_db(power, ref=np.max), ref=np.max)):
        return "You took decibels twice. Negative dB values are not powers: the second power_to_db floors them all."
    if matches(librosa.power_to_db(power, ref=np.max, top_db=None)):
        return "Almost: keep top_db=80, so nothing lies more than 80 dB below the maximum."
    clipped_range = float(np.nanmax(got) - np.nanmin(got))
    if matches(librosa.power_to_db(power, ref=np.max, top_db=clipped_range)):
        halved = (" A level difference in dB is the same whether you start from amplitudes (20·log10) or from powers "
                  "(10·log10), so amplitude_to_db takes top_db=80 too, not half of it."
                  if abs(clipped_range - 40.0) < 1e-3 else "")
        return (f"Your values stop {clipped_range:g} dB below the maximum; the exercise asks for librosa's default "
                f"top_db=80.{halved}")
    if np.nanmax(got) > 1e-6:
        return f"Your largest value is {np.nanmax(got):.3g} dB, but with ref=np.max the loudest bin is 0 dB."
    return ("The values differ from power_to_db(np.abs(D)**2, ref=np.max). Square the magnitude, then dB relative to "
            "the maximum.")
