"""Hearing safety of the committed lessons' audio players (issue 18).

1. No player starts louder than its clip: every ``<audio>`` waits for a press (no autoplay, no volume or gain set by
   the page), no lesson asks for normalization (``normalize=True``, or IPython's ``Audio`` without
   ``normalize=False``), no player is scaled to full scale, and a player that holds a committed clip (same rate and
   length, the same samples up to a gain) plays it at most at the clip's own level unless its label says it was
   amplified or normalized.
2. Lessons that play loud or high-pitched test tones say so before the player. The rule is built from the players
   the lessons hold (run this file as a script to print the measurements):

   - a *test tone*: at least 95 % of its 32 ms frames are tonal, their three strongest spectral peaks (±2 bins,
     Hann window) holding 90 % of the frame's power. The synthetic tones, chords, sweeps and the piano note score
     0.99–1.00; speech and music score at most 0.80.
   - *high-pitched*: in at least 5 % of the frames, a peak at 4 kHz or above holds 10 % of the power.
   - *loud*: its sample peak is at −6 dBFS or above.

   A loud or high-pitched test tone needs a warning (volume, loud, shrill, piercing, turn … down) in the markdown
   right above its cell (the markdown cells after the previous code cell).
"""

from __future__ import annotations

import base64
import io
import re
import sys
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import numpy as np
import pytest
import soundfile

REPO = Path(__file__).resolve().parents[1]
LESSONS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))

FRAME_S = 0.032
TONAL_PEAKS = 3
TONAL_POWER = 0.9
TEST_TONE_FRAMES = 0.95
HIGH_HZ = 4000.0
HIGH_POWER = 0.1
HIGH_FRAMES = 0.05
LOUD_DBFS = -6.0
FULL_SCALE_DBFS = -0.1  # what normalize=True gives: 0 dBFS, up to the 16-bit rounding
ONE_LSB = 1 / 32767

WARNING = re.compile(r"\b(volume|shrill|piercing|loud)\b|\bturn\b[^.]{0,40}\bdown\b", re.IGNORECASE)
SAYS_AMPLIFIED = re.compile(r"amplif|normali[sz]|louder|\+\s*\d+(\.\d+)?\s*dB|×\s*\d|gain", re.IGNORECASE)

# Loud or high-pitched test tones whose lesson gives no warning before the player yet, by (lesson, cell id). The
# lessons' owners add the warning; then the entry goes (the test fails while an entry is warned or no longer flagged).
UNWARNED = {
}


@dataclass
class Player:
    lesson: str
    cell_id: str
    label: str
    attrs: dict
    y: np.ndarray
    sr: int
    before: str  # the markdown right above the player's cell

    @property
    def where(self) -> str:
        return f"{self.lesson} cell {self.cell_id} '{self.label}'"

    @property
    def peak_dbfs(self) -> float:
        return float(20 * np.log10(max(np.max(np.abs(self.y)), 1e-12)))


class _AudioTags(HTMLParser):
    """The ``<audio>`` elements of an output, each with the bold label above it (``course_utils.audio.players``)."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []
        self.scripts = 0
        self._bold: list[str] = []
        self._in_bold = False
        self._label = ""
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "b":
            self._in_bold, self._bold = True, []
        elif tag == "audio":
            self.found.append((self._label, dict(attrs)))
        elif tag == "script":
            self.scripts += 1

    def handle_endtag(self, tag):
        if tag == "b":
            self._in_bold = False
            self._label = "".join(self._bold).strip()

    def handle_data(self, data):
        if self._in_bold:
            self._bold.append(data)


def _decode(src: str) -> tuple[np.ndarray, int]:
    kind, _, payload = src.partition(";base64,")
    assert kind in {"data:audio/wav", "data:audio/x-wav"}, f"a player that is not an embedded WAV: {kind}"
    y, sr = soundfile.read(io.BytesIO(base64.b64decode(payload)), dtype="float64")
    return (y if y.ndim == 1 else y.mean(axis=1)), sr


def html_outputs(cell) -> list[str]:
    return ["".join(o["data"]["text/html"]) for o in cell.get("outputs", []) if "text/html" in o.get("data", {})]


@cache
def lesson_players(notebook: Path) -> tuple[Player, ...]:
    found = []
    before: list[str] = []
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "markdown":
            before.append(cell.source)
            continue
        for html in html_outputs(cell):
            for label, attrs in _AudioTags(html).found:
                y, sr = _decode(attrs.get("src", ""))
                found.append(Player(notebook.stem, cell.id, label, attrs, y, sr, "\n".join(before)))
        before = []
    return tuple(found)


def frame_measures(y: np.ndarray, sr: int) -> tuple[float, float]:
    """(fraction of tonal frames, fraction of frames with a strong peak at ``HIGH_HZ`` or above) of a clip."""
    n = int(round(FRAME_S * sr))
    y = np.pad(y, (0, max(0, n - len(y))))
    frames = np.lib.stride_tricks.sliding_window_view(y, n)[:: n // 2]
    power = np.abs(np.fft.rfft(frames * np.hanning(n), axis=1)) ** 2
    total = power.sum(axis=1)
    power, total = power[total > 1e-3 * total.max()], total[total > 1e-3 * total.max()]
    freqs = np.fft.rfftfreq(n, d=1 / sr)
    in_peaks = np.zeros(len(power))
    high = np.zeros(len(power))
    rest = power.copy()
    rows = np.arange(len(power))
    for _ in range(TONAL_PEAKS):
        k = rest.argmax(axis=1)
        band = np.clip(k[:, None] + np.arange(-2, 3), 0, power.shape[1] - 1)
        band_power = rest[rows[:, None], band].sum(axis=1)
        in_peaks += band_power
        high += np.where(freqs[k] >= HIGH_HZ, band_power, 0.0)
        rest[rows[:, None], band] = 0.0
    return float(np.mean(in_peaks >= TONAL_POWER * total)), float(np.mean(high >= HIGH_POWER * total))


def needs_warning(player: Player) -> list[str]:
    """Why a player needs a warning before it (empty: it does not)."""
    tonal, high = frame_measures(player.y, player.sr)
    if tonal < TEST_TONE_FRAMES:
        return []
    reasons = []
    if high >= HIGH_FRAMES:
        reasons.append(f"a tone at {HIGH_HZ:.0f} Hz or above in {high:.0%} of its frames")
    if player.peak_dbfs >= LOUD_DBFS:
        reasons.append(f"peaks at {player.peak_dbfs:.1f} dBFS")
    return reasons


@cache
def committed_clips() -> dict[tuple[int, int], list[tuple[str, np.ndarray]]]:
    """The lesson clips of data/MANIFEST.tsv by (sample rate, length)."""
    clips: dict[tuple[int, int], list] = {}
    for line in (REPO / "data" / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        name = line.split("\t", 1)[0]
        y, sr = soundfile.read(REPO / "data" / name, dtype="float64")
        y = y if y.ndim == 1 else y.mean(axis=1)
        clips.setdefault((sr, len(y)), []).append((name, y))
    return clips


def clip_gain(player: Player) -> tuple[str, float] | None:
    """(clip, gain) when the player holds ``gain`` × a committed clip, else None."""
    for name, clip in committed_clips().get((player.sr, len(player.y)), []):
        energy = float(clip @ clip)
        if energy == 0:
            continue
        gain = float(player.y @ clip) / energy
        if np.max(np.abs(player.y - gain * clip)) <= 2 * ONE_LSB * max(1.0, abs(gain)):
            return name, gain
    return None


ALL = [p for nb in LESSONS for p in lesson_players(nb)]


def test_the_lessons_have_players():
    assert LESSONS and len(ALL) >= len(LESSONS)


@pytest.mark.parametrize("notebook", LESSONS, ids=[nb.stem for nb in LESSONS])
def test_players_wait_for_a_press_at_the_page_volume(notebook):
    for html in (h for cell in nbformat.read(notebook, as_version=4).cells for h in html_outputs(cell)):
        tags = _AudioTags(html)
        if tags.found:
            assert tags.scripts == 0, f"{notebook.stem}: a script beside a player may set its volume"
            assert not re.search(r"\.volume\s*=|createGain|AudioContext", html), notebook.stem
        for label, attrs in tags.found:
            assert "controls" in attrs, (notebook.stem, label)
            assert not {"autoplay", "volume", "muted"} & set(attrs), (notebook.stem, label, attrs)


@pytest.mark.parametrize("notebook", LESSONS, ids=[nb.stem for nb in LESSONS])
def test_no_lesson_asks_for_normalization(notebook):
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        assert not re.search(r"normalize\s*=\s*True", cell.source), f"{notebook.stem} cell {cell.id}"
        if any(_AudioTags(html).found for html in html_outputs(cell)):
            # IPython's Audio scales every clip to full scale unless told not to; reading its bytes (.data) plays nothing.
            for call in re.finditer(r"\bAudio\((?:[^()]|\([^()]*\))*\)(?!\.data)", cell.source):
                assert "normalize=False" in call.group(0), f"{notebook.stem} cell {cell.id}: {call.group(0)}"


def test_no_player_is_scaled_to_full_scale():
    loud = [(p.where, round(p.peak_dbfs, 2)) for p in ALL if p.peak_dbfs > FULL_SCALE_DBFS]
    assert not loud


def test_a_player_of_a_committed_clip_plays_it_at_its_own_level():
    matched = [(p, *m) for p in ALL if (m := clip_gain(p)) is not None]
    assert matched, "no player holds a committed clip: the level check compares nothing"
    louder = [(p.where, name, round(gain, 3)) for p, name, gain in matched
              if gain > 1 + ONE_LSB and not SAYS_AMPLIFIED.search(p.label)]
    assert not louder


def test_loud_or_high_test_tones_are_announced_before_the_player():
    unwarned, warned_listed = [], []
    flagged = set()
    for player in ALL:
        reasons = needs_warning(player)
        if not reasons:
            continue
        key = (player.lesson, player.cell_id)
        flagged.add(key)
        has_warning = bool(WARNING.search(player.before))
        if not has_warning and key not in UNWARNED:
            unwarned.append((player.where, reasons))
        if has_warning and key in UNWARNED:
            warned_listed.append(key)
    assert not unwarned, "say before the player that it is loud or high-pitched (e.g. 'turn the volume down')"
    assert not warned_listed, "warned now: remove these from UNWARNED"
    assert set(UNWARNED) <= flagged, f"no longer flagged: remove {sorted(set(UNWARNED) - flagged)} from UNWARNED"


def test_the_rule_tells_tones_from_speech():
    sr = 16000
    t = np.arange(sr) / sr
    rng = np.random.default_rng(0)
    whistle = 0.1 * np.sin(2 * np.pi * 6000 * t)
    loud_a = 0.6 * np.sin(2 * np.pi * 440 * t)
    quiet_a = 0.3 * np.sin(2 * np.pi * 440 * t)
    noise = 0.9 * rng.uniform(-1, 1, sr)
    make = lambda y: Player("synthetic", "x", "x", {}, y, sr, "")  # noqa: E731
    assert needs_warning(make(whistle)) and needs_warning(make(loud_a))
    assert not needs_warning(make(quiet_a)) and not needs_warning(make(noise))
    speech = [p for p in ALL if clip_gain(p) and "speech" in clip_gain(p)[0]]
    assert speech and not any(needs_warning(p) for p in speech)


def main() -> None:
    print(f"{'lesson':<26} {'cell':<14} {'peak dBFS':>9} {'tonal':>6} {'high':>5}  flag  label")
    for p in ALL:
        tonal, high = frame_measures(p.y, p.sr)
        flag = "warn" if needs_warning(p) and WARNING.search(p.before) else ("NONE" if needs_warning(p) else "")
        print(f"{p.lesson:<26} {p.cell_id:<14} {p.peak_dbfs:9.1f} {tonal:6.2f} {high:5.2f}  {flag:<4}  {p.label}")


if __name__ == "__main__":
    sys.exit(main())
