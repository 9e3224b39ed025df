"""How fast does the spectrogram explorer answer a slider, against the naive ``interact`` + ``specshow`` version?

Measures, in one run, on a 2 s 16 kHz clip at n_fft=2048, stepping hop_length by one slider step at a time:

(a) in-process: a control value changes → the new image bytes are ready (the explorer's real path: observer, render
    thread, image widget value), against the naive function (new figure, ``librosa.display.specshow``, colour bar,
    PNG as the inline backend makes it);
(b) end to end in JupyterLab and headless Chromium: key press on the slider → the new image is decoded and painted,
    for the explorer and for ``interact`` + ``specshow`` in the same notebook;
(c) a burst of key presses as fast as the browser sends them: how many frames each shows and how long after the
    last press the last one appears (the explorer drops stale values, ``interact`` renders every one).

Prints p50 and p95 of each, the ratios to the baseline, and whether the targets are met (end-to-end p50 ≤ 50 ms and
p95 ≤ 100 ms, in-process p50 ≤ 25 ms). ``--strict`` exits with 1 when a target is missed; ``--steps N`` changes the
number of key presses (at least 30). Part (b) needs ``bash tests/browser/install.sh`` (Debian chromium, playwright).
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

SR = 16000
N_FFT = 2048
HOP_START, HOP_STEP = 512, 16
TARGETS_MS = {"e2e_p50": 50.0, "e2e_p95": 100.0, "inprocess_p50": 25.0}



def make_clip() -> np.ndarray:
    """The benchmark clip: a 2 s chirp in light noise at 16 kHz (the benchmark notebook imports this too)."""
    from course_utils import synth

    return synth.mix(synth.chirp(200, 3000, sr=SR, duration=2.0), synth.noise(sr=SR, duration=2.0, amplitude=0.02))


def naive_spectrogram(y, sr, n_fft=2048, hop_length=512, *, show=True):
    """The baseline: what a notebook typically does in an ``interact`` callback — a new figure every time."""
    import librosa
    import librosa.display
    import matplotlib.pyplot as plt

    S_db = librosa.amplitude_to_db(np.abs(librosa.stft(y, n_fft=n_fft, hop_length=hop_length)), ref=np.max)
    fig, ax = plt.subplots(figsize=(9.0, 3.6))
    mesh = librosa.display.specshow(S_db, sr=sr, hop_length=hop_length, x_axis="time", y_axis="linear", ax=ax)
    fig.colorbar(mesh, ax=ax, format="%+2.0f dB")
    if show:
        plt.show()
    return fig


def percentiles(values) -> tuple[float, float]:
    return float(np.percentile(values, 50)), float(np.percentile(values, 95))


# ------------------------------------------------------------------------------------------------- in-process
def in_process(steps: int) -> dict:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import course_utils
    from course_utils.widgets import SpectrogramExplorer

    course_utils.setup(verbose=False)
    y = make_clip()
    explorer = SpectrogramExplorer(y, sr=SR, n_fft=N_FFT, hop_length=HOP_START)
    slider = explorer.controls["hop_length"]
    explorer_ms = []
    for step in range(steps + 3):
        shown = explorer.image_bytes
        start = time.perf_counter()
        slider.value = HOP_START + HOP_STEP * (step + 1)
        explorer.wait(timeout=10)
        ready = time.perf_counter()
        if explorer.image_bytes == shown:
            raise RuntimeError(f"moving hop_length to {slider.value} did not redraw the explorer")
        if step >= 3:  # the first renders warm caches up
            explorer_ms.append(1000 * (ready - start))

    naive_ms = []
    for step in range(steps + 3):
        start = time.perf_counter()
        figure = naive_spectrogram(y, SR, n_fft=N_FFT, hop_length=HOP_START + HOP_STEP * (step + 1), show=False)
        # What the inline backend does for plt.show(): print_figure with a tight bounding box.
        figure.savefig(io.BytesIO(), format="png", bbox_inches="tight")
        plt.close(figure)
        if step >= 3:
            naive_ms.append(1000 * (time.perf_counter() - start))
    plt.close("all")
    return {"explorer": explorer_ms, "naive": naive_ms}


# ------------------------------------------------------------------------------------------------- end to end
JS_WATCH = """
([imageSelector, boxSelector, key]) => {
  window.__latency = window.__latency || {};
  window.__latency[key] = [];
  let pressed = null;
  document.addEventListener('keydown', event => {
    if (event.key === 'ArrowRight') pressed = performance.now();
  }, true);
  const record = image => {
    const start = pressed;
    if (start === null) return;
    pressed = null;
    image.decode().catch(() => null).then(() =>
      requestAnimationFrame(() => window.__latency[key].push(performance.now() - start)));
  };
  if (imageSelector) {
    const image = document.querySelector(imageSelector);
    new MutationObserver(() => record(image)).observe(image, {attributes: true, attributeFilter: ['src']});
  } else {
    const box = document.querySelector(boxSelector);
    new MutationObserver(mutations => {
      for (const mutation of mutations) {
        for (const node of mutation.addedNodes) {
          const image = node.tagName === 'IMG' ? node : (node.querySelector ? node.querySelector('img') : null);
          if (image) { record(image); return; }
        }
      }
    }).observe(box, {childList: true, subtree: true});
  }
}
"""


def benchmark_notebook(folder: Path) -> Path:
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    cells = [
        new_code_cell("import sys\n"
                      f"sys.path.insert(0, {str(REPO / 'benchmarks')!r})\n"
                      "import course_utils\n"
                      "from widget_latency import make_clip, naive_spectrogram\n"
                      "rng = course_utils.setup(verbose=False)\n"
                      f"sr = {SR}\n"
                      "y = make_clip()"),
        new_code_cell("from course_utils.widgets import SpectrogramExplorer\n"
                      f"explorer = SpectrogramExplorer(y, sr, n_fft={N_FFT}, hop_length={HOP_START})\nexplorer"),
        new_code_cell("from ipywidgets import IntSlider, interact\n"
                      f"hop = IntSlider(value={HOP_START}, min=16, max=4096, step={HOP_STEP}, description='hop_length')\n"
                      "hop.add_class('naive-hop')\n"
                      "def show(hop_length):\n"
                      f"    naive_spectrogram(y, sr, {N_FFT}, hop_length)\n"
                      "_ = interact(show, hop_length=hop)"),
    ]
    path = folder / "widget_latency.ipynb"
    nbformat.write(new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                          "display_name": "Python 3"}}), path)
    return path


def press_and_measure(page, handle_selector: str, key: str, steps: int) -> list[float]:
    handle = page.locator(handle_selector)
    handle.scroll_into_view_if_needed()
    handle.focus()
    for step in range(steps):
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"window.__latency['{key}'].length > {step}", timeout=30_000, polling="raf")
        page.wait_for_timeout(150)  # let the kernel go idle, so each press starts from rest
    return page.evaluate(f"window.__latency['{key}']")


JS_COUNT = """
([imageSelector, boxSelector, key]) => {
  window.__changes = window.__changes || {};
  const log = window.__changes[key] = [];
  const note = () => log.push(performance.now());
  if (imageSelector) {
    new MutationObserver(note).observe(document.querySelector(imageSelector), {attributes: true, attributeFilter: ['src']});
  } else {
    new MutationObserver(mutations => {
      for (const mutation of mutations) {
        for (const node of mutation.addedNodes) {
          if (node.tagName === 'IMG' || (node.querySelector && node.querySelector('img'))) { note(); return; }
        }
      }
    }).observe(document.querySelector(boxSelector), {childList: true, subtree: true});
  }
}
"""
BURST_PRESSES = 20


def burst(page, handle_selector: str, key: str) -> dict:
    """Press the arrow key BURST_PRESSES times as fast as the browser takes them (a held-down key or a fast drag);
    count the frames shown and time from the last press to the last frame."""
    handle = page.locator(handle_selector)
    handle.focus()
    for _ in range(BURST_PRESSES):
        page.keyboard.press("ArrowRight")
    last_press = page.evaluate("performance.now()")
    seen, stable_since, deadline = -1, time.monotonic(), time.monotonic() + 120
    while time.monotonic() - stable_since < 2.0 and time.monotonic() < deadline:
        count = page.evaluate(f"window.__changes['{key}'].length")
        if count != seen:
            seen, stable_since = count, time.monotonic()
        time.sleep(0.05)
    changes = page.evaluate(f"window.__changes['{key}']")
    return {"frames": len(changes), "settle_ms": (changes[-1] - last_press) if changes else float("nan")}


def end_to_end(steps: int) -> dict:
    from harness import LabServer, launch_chromium, offline, open_notebook, run_all_cells
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="widget-latency-") as folder:
        notebook = benchmark_notebook(Path(folder))
        with LabServer(Path(folder)) as server, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                offline(context, server)
                page = context.new_page()
                open_notebook(page, server, notebook)
                state = run_all_cells(page)
                if state["errors"]:
                    raise RuntimeError(f"benchmark notebook failed: {state['errors']}")
                page.locator(".cu-explorer-SpectrogramExplorer .cu-image").wait_for()
                page.locator(".widget-interact .widget-output img").wait_for()
                page.evaluate(JS_WATCH, [".cu-explorer-SpectrogramExplorer .cu-image", None, "explorer"])
                explorer = press_and_measure(
                    page, ".cu-explorer-SpectrogramExplorer .cu-control-hop_length .noUi-handle", "explorer", steps)
                page.evaluate(JS_WATCH, [None, ".widget-interact .widget-output", "naive"])
                naive = press_and_measure(page, ".naive-hop .noUi-handle", "naive", steps)
                page.evaluate(JS_COUNT, [".cu-explorer-SpectrogramExplorer .cu-image", None, "explorer"])
                explorer_burst = burst(
                    page, ".cu-explorer-SpectrogramExplorer .cu-control-hop_length .noUi-handle", "explorer")
                page.evaluate(JS_COUNT, [None, ".widget-interact .widget-output", "naive"])
                naive_burst = burst(page, ".naive-hop .noUi-handle", "naive")
            finally:
                browser.close()
    return {"explorer": explorer, "naive": naive, "bursts": {"explorer": explorer_burst, "naive": naive_burst}}


# ------------------------------------------------------------------------------------------------- report
def report(title: str, results: dict) -> dict:
    """Print p50/p95 of both and their ratio; returns the explorer's numbers (and the bursts, when measured)."""
    explorer = percentiles(results["explorer"])
    naive = percentiles(results["naive"])
    print(f"\n{title} (n={len(results['explorer'])} steps each)")
    print(f"  {'':34s} {'p50':>9s} {'p95':>9s}")
    print(f"  {'SpectrogramExplorer':34s} {explorer[0]:7.1f}ms {explorer[1]:7.1f}ms")
    print(f"  {'naive interact + specshow':34s} {naive[0]:7.1f}ms {naive[1]:7.1f}ms")
    print(f"  {'speed-up (naive / explorer)':34s} {naive[0] / explorer[0]:8.1f}x {naive[1] / explorer[1]:8.1f}x")
    return {"p50": explorer[0], "p95": explorer[1], "bursts": results.get("bursts")}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=40, help="slider steps per measurement (>= 30)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--in-process-only", action="store_true", help="skip the JupyterLab measurement")
    args = parser.parse_args(argv)
    steps = max(30, args.steps)
    print(f"Spectrogram explorer latency: 2 s clip at {SR} Hz, n_fft={N_FFT}, hop_length stepped by {HOP_STEP}")

    measured = {}
    inner = report("(a) in-process: value change -> image bytes ready", in_process(steps))
    measured["inprocess_p50"] = inner["p50"]
    if not args.in_process_only:
        try:
            import playwright  # noqa: F401
        except ImportError:
            print("\n(b) end to end: skipped, run `bash tests/browser/install.sh` first (chromium, playwright)")
        else:
            outer = report("(b) end to end in JupyterLab + headless Chromium: key press -> new image painted",
                           end_to_end(steps))
            measured["e2e_p50"], measured["e2e_p95"] = outer["p50"], outer["p95"]
            print(f"\n(c) {BURST_PRESSES} key presses as fast as they come (latest value wins?)")
            for name, label in (("explorer", "SpectrogramExplorer"), ("naive", "naive interact + specshow")):
                result = outer["bursts"][name]
                print(f"  {label:34s} {result['frames']:3d} frames shown, last one {result['settle_ms']:7.0f} ms "
                      "after the last press")

    print("\ntargets")
    missed = []
    for name, limit in TARGETS_MS.items():
        if name in measured:
            ok = measured[name] <= limit
            missed += [] if ok else [name]
            print(f"  {name:14s} {measured[name]:7.1f} ms  (target <= {limit:g} ms)  {'met' if ok else 'MISSED'}")
    return 1 if (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
