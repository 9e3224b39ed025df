"""Colour maps readable in grey and by colour-blind readers (issue 18).

The rule, for every ``cmap=`` (and ``"image.cmap"`` default) in the committed lessons and in ``course_utils``:

- a map for magnitudes (levels, dB, counts, errors) must get lighter or darker steadily: its CIELAB lightness L*
  is monotone from one end to the other and spans at least ``MIN_SPAN`` (viridis, magma, Blues, Reds, greys…).
  Printed in grey it keeps its order, and lightness is what colour-blind readers see best;
- a diverging map (L* rising then falling) is allowed only for signed data, and only the blue–red and
  purple–orange ones (no red–green pair). The call must centre it on zero: ``vmin=-x, vmax=x``, ``clim=(-x, x)``,
  or a ``CenteredNorm``/``TwoSlopeNorm``; otherwise the two signs do not meet at the middle colour;
- nothing else (rainbow, jet, hsv: their lightness goes up and down).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import matplotlib
import nbformat
import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
LESSONS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MIN_SPAN = 40.0  # L* units, of 100
MONOTONE_SLACK = 0.5  # L* steps the other way this small are rounding in the map's table
DIVERGING = {"RdBu", "RdBu_r", "coolwarm", "coolwarm_r", "bwr", "bwr_r", "PuOr", "PuOr_r"}
USAGE = re.compile(r"""\bcmap\s*=\s*["']([\w.]+)["']|["']image\.cmap["']\s*:\s*["']([\w.]+)["']""")

# Calls that break the rule in the committed lessons, by (lesson, cell id, map, function called): the lessons' owners
# fix them, then the entry goes (the test fails while an entry is fixed or gone).
KNOWN = {
}


def lightness(cmap_name: str, n: int = 256) -> np.ndarray:
    """CIELAB L* (0 black … 100 white, D65) along a matplotlib colour map."""
    rgb = matplotlib.colormaps[cmap_name](np.linspace(0, 1, n))[:, :3]
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    luminance = linear @ np.array([0.2126, 0.7152, 0.0722])
    f = np.where(luminance > (6 / 29) ** 3, np.cbrt(luminance), luminance / (3 * (6 / 29) ** 2) + 4 / 29)
    return 116 * f - 16


def is_sequential(cmap_name: str) -> bool:
    steps = np.diff(lightness(cmap_name))
    span = abs(lightness(cmap_name)[-1] - lightness(cmap_name)[0])
    monotone = np.all(steps >= -MONOTONE_SLACK) or np.all(steps <= MONOTONE_SLACK)
    return bool(monotone and span >= MIN_SPAN)


def enclosing_call(source: str, position: int) -> str:
    """The text of the innermost call ``f(...)`` around ``position`` (empty outside any call)."""
    depth, start = 0, None
    for i in range(position, -1, -1):
        if source[i] == ")":
            depth += 1
        elif source[i] == "(":
            if depth == 0:
                start = i
                break
            depth -= 1
    if start is None:
        return ""
    depth = 0
    for j in range(start, len(source)):
        depth += {"(": 1, ")": -1}.get(source[j], 0)
        if depth == 0:
            name = re.search(r"[\w.\[\]]*$", source[:start]).group(0)
            return name + source[start : j + 1]
    return source[start:]


def centred_on_zero(call: str) -> bool:
    vmin = re.search(r"\bvmin\s*=\s*-\s*([^,)\s]+)", call)
    vmax = re.search(r"\bvmax\s*=\s*([^,)\s]+)", call)
    if vmin and vmax and vmin.group(1) == vmax.group(1):
        return True
    clim = re.search(r"\bclim\s*=\s*\(\s*-\s*([^,\s]+)\s*,\s*([^)\s]+)\s*\)", call)
    return bool(clim and clim.group(1) == clim.group(2)) or bool(re.search(r"CenteredNorm|TwoSlopeNorm", call))


def usages() -> list[tuple[str, str, str, str]]:
    """(where, cell id or line, map, call) for every colour map the course names."""
    found = []
    for notebook in LESSONS:
        for cell in nbformat.read(notebook, as_version=4).cells:
            if cell.cell_type == "code":
                for m in USAGE.finditer(cell.source):
                    found.append((notebook.stem, cell.id, m.group(1) or m.group(2), enclosing_call(cell.source, m.start())))
    for module in sorted((REPO / "course_utils").rglob("*.py")):
        source = module.read_text(encoding="utf-8")
        for m in USAGE.finditer(source):
            line = source.count("\n", 0, m.start()) + 1
            found.append((str(module.relative_to(REPO)), f"line {line}", m.group(1) or m.group(2),
                          enclosing_call(source, m.start())))
    return found


def problem(cmap_name: str, call: str) -> str | None:
    if cmap_name not in matplotlib.colormaps:
        return f"{cmap_name} is not a matplotlib colour map"
    if is_sequential(cmap_name):
        return None
    if cmap_name not in DIVERGING:
        return f"{cmap_name}: lightness is neither monotone nor a blue-red/purple-orange diverging map"
    if not centred_on_zero(call):
        return f"{cmap_name} is diverging: only for signed data, centred with vmin=-x, vmax=x"
    return None


def test_the_lightness_computation_knows_its_maps():
    assert abs(lightness("gray")[0]) < 0.5 and abs(lightness("gray")[-1] - 100) < 0.5
    assert is_sequential("viridis") and is_sequential("magma") and is_sequential("Blues") and is_sequential("gray")
    assert not is_sequential("jet") and not is_sequential("hsv") and not is_sequential("coolwarm")
    coolwarm = lightness("coolwarm")
    assert coolwarm.argmax() not in (0, len(coolwarm) - 1)  # light in the middle: diverging


def test_the_centring_rule_reads_the_call():
    assert centred_on_zero('imshow(m, cmap="coolwarm", vmin=-limit, vmax=limit)')
    assert centred_on_zero('ImagePanel(ax, clim=(-1, 1), cmap="coolwarm")')
    assert not centred_on_zero('imshow(m, cmap="coolwarm", vmin=-1, vmax=2)')
    assert not centred_on_zero('specshow(mfcc, cmap="coolwarm")')


def test_the_course_names_colour_maps():
    found = usages()
    assert any(where.startswith("course_utils/session.py") for where, *_ in found), "the default map is not read"
    assert sum(1 for where, *_ in found if where[:2].isdigit()) >= 5


def function_called(call: str) -> str:
    return call.split("(", 1)[0]


def test_colour_maps_are_readable_in_grey_and_by_colour_blind_readers():
    bad, fixed = {}, []
    for where, cell, cmap_name, call in usages():
        reason = problem(cmap_name, call)
        key = (where, cell, cmap_name, function_called(call))
        if reason and key not in KNOWN:
            bad[key] = reason
        if not reason and key in KNOWN:
            fixed.append(key)
    assert not bad
    assert not fixed, "follows the rule now: remove these from KNOWN"
    present = {(where, cell, cmap_name, function_called(call)) for where, cell, cmap_name, call in usages()}
    assert set(KNOWN) <= present, f"gone: remove {sorted(set(KNOWN) - present)} from KNOWN"


def main() -> None:
    for where, cell, cmap_name, call in usages():
        span = lightness(cmap_name)[[0, -1]] if cmap_name in matplotlib.colormaps else (np.nan, np.nan)
        print(f"{where:<30} {cell:<10} {cmap_name:<10} {function_called(call):<26} L* {span[0]:5.1f} → {span[1]:5.1f}  "
              f"{problem(cmap_name, call) or 'ok'}")


if __name__ == "__main__":
    sys.exit(main())
