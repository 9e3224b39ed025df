"""The live microphone view in a real JupyterLab 4 and Notebook 7, each driven by headless Chromium.

- Chromium's fake microphone plays a WAV written here (``--use-file-for-fake-audio-capture``): a 200 → 3000 Hz
  chirp with clicks. The painted picture, read back from the page, has its peak frequency on the chirp within one
  FFT bin (plus one pixel row), column after column.
- A "yes" clip fed the same way is detected as "yes" by the keyword spotter.
- Without a device and with permission denied the view shows the capture's clear messages; the course-clip
  button then streams "as if live" through the same pipeline.
- The widget's pages log no console error and throw nothing uncaught beyond what the front end logs by itself on a
  notebook without the widget (measured per front end: Notebook 7.6 throws a TypeError of its own while loading its
  keyboard shortcuts, on every page, even its file browser).

Self-contained like test_recorder_browser.py: its own server per front end on a temporary folder.
"""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
import soundfile
from harness import LabServer
from test_recorder_browser import _notebook, browser_type, kernel_json, open_notebook_run_all  # noqa: F401

from course_utils import data

SR = 16000
N_FFT = 512
CHIRP_SECONDS = 4.0
F0, F1 = 200.0, 3000.0
LIVE_CELL = f"""\
from course_utils.widgets.live import LiveSpectrogram
live = LiveSpectrogram(view="linear", n_fft={N_FFT}, hop_length=160, kws=False)
live"""
MEL_CELL = """\
from course_utils.widgets.live import LiveSpectrogram
live = LiveSpectrogram(view="tflm", kws=True)
live"""
FRONTEND_NAMES = {"lab": "JupyterLab", "notebook": "Jupyter Notebook"}  # window.jupyterapp.name
PLAIN_CELL = 'print("a notebook without the live view")'


def chirp_with_clicks() -> np.ndarray:
    t = np.arange(int(CHIRP_SECONDS * SR)) / SR
    rate = (F1 - F0) / CHIRP_SECONDS
    y = 0.5 * np.sin(2 * np.pi * (F0 * t + rate / 2 * t**2))
    y[:: SR // 2][1:] = 0.9  # a click every 0.5 s
    return y


@pytest.fixture(scope="module", params=["lab", "notebook"], ids=["JupyterLab", "Notebook7"])
def live_lab(request, tmp_path_factory):
    """A private server on the test notebooks, once per front end: JupyterLab 4 and Notebook 7."""
    root = tmp_path_factory.mktemp("live-notebooks")
    (root / "live.ipynb").write_text(json.dumps(_notebook(LIVE_CELL)))
    (root / "kws.ipynb").write_text(json.dumps(_notebook(MEL_CELL)))
    (root / "plain.ipynb").write_text(json.dumps(_notebook(PLAIN_CELL)))
    soundfile.write(root / "chirp.wav", chirp_with_clicks(), SR, subtype="PCM_16")
    y, _ = data.load("yes_439c84f4_nohash_1", verbose=False)
    soundfile.write(root / "yes.wav", np.concatenate([np.zeros(SR), y, np.zeros(SR)]), SR, subtype="PCM_16")
    lab = LabServer(root, env={"AUDIO_COURSE_RECORDINGS": "off"}, frontend=request.param).start()
    try:
        yield lab
    finally:
        lab.stop()


@pytest.fixture
def open_live(live_lab, browser_type):  # noqa: F811 — the recorder tests' launcher fixture
    browsers = []

    def opener(extra_args, notebook="live.ipynb"):
        page = open_notebook_run_all(browser_type, live_lab, notebook, extra_args, ".course-live[data-state='ready']",
                                     browsers, viewport={"width": 1300, "height": 900})
        assert page.evaluate("() => window.jupyterapp.name") == FRONTEND_NAMES[live_lab.frontend]
        return page

    yield opener
    for browser in browsers:
        browser.close()


@pytest.fixture(scope="module")
def front_end_errors(live_lab, browser_type):  # noqa: F811
    """The console errors the front end logs by itself: on a notebook without the live view, run like the others."""
    browsers = []
    try:
        page = open_notebook_run_all(browser_type, live_lab, "plain.ipynb", [],
                                     ".jp-OutputArea-output:has-text('without the live view')", browsers)
        return list(page.console_errors)
    finally:
        for browser in browsers:
            browser.close()


def widget_errors(page, front_end_errors):
    return [error for error in page.console_errors if error not in front_end_errors]


def fake_file(live_lab, name):
    return ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-audio-capture={live_lab.root / name}"]


JS_LAYOUT = """
() => {
  const box = document.querySelector('.course-live');
  const canvas = box.querySelector('.cl-canvas').getBoundingClientRect();
  return {figure_display: getComputedStyle(box.querySelector('.cl-figure')).display, box_width: box.getBoundingClientRect().width,
          canvas_width: canvas.width, canvas_height: canvas.height};
}
"""

JS_PICTURE = """
() => {
  const s = document.querySelector('.course-live').__live;
  return {levels: Array.from(s.levels), head: s.head, width: s.width, height: s.height};
}
"""


JS_CANVAS = """
() => {
  const box = document.querySelector('.course-live');
  const canvas = box.querySelector('.cl-canvas');
  const rgba = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  return {rgba: Array.from(rgba), lut: Array.from(box.__live.lut)};
}
"""


def expected_canvas(picture, lut):
    """The RGB picture the ring of levels should show: oldest column on the left, level 0 where nothing was
    painted yet, the highest frequency row at the top."""
    W, H, head = picture["width"], picture["height"], picture["head"]
    levels = np.array(picture["levels"], dtype=np.uint8).reshape(W, H)
    pixels = np.arange(head - W + 1, head + 1)
    shown = np.where((pixels >= 0)[:, None], levels[pixels % W], 0)  # (W, H), bottom row first
    return np.asarray(lut, dtype=np.uint8).reshape(256, 3)[shown.T[::-1]]  # (H, W, 3)


def test_the_painted_peak_follows_a_chirp_from_the_fake_microphone(open_live, live_lab, front_end_errors):
    page = open_live(fake_file(live_lab, "chirp.wav"))
    layout = page.evaluate(JS_LAYOUT)
    assert layout["figure_display"] == "grid", layout  # live.css reached the page
    assert layout["canvas_width"] > layout["box_width"] / 2 and layout["canvas_height"] > 0, layout
    page.click(".course-live .cl-listen")
    page.wait_for_selector(".course-live[data-state='listening']", timeout=15_000)
    try:
        page.wait_for_function("() => Number(document.querySelector('.course-live').dataset.columns || 0) > 500",
                               timeout=30_000)
    except Exception:
        box = page.locator(".course-live")
        pytest.fail(f"columns {box.get_attribute('data-columns')}, state {box.get_attribute('data-state')}, "
                    f"status {page.locator('.course-live .cl-status').inner_text()!r}, "
                    f"python {kernel_json(page, 'dict(n=live.features.n_samples, errors=live.errors, dropped=live.dropped_columns, lag=live.max_lag_seen, transit=live._transit)')}")
    picture = page.evaluate(JS_PICTURE)
    W, H = picture["width"], picture["height"]
    levels = np.array(picture["levels"], dtype=np.uint8).reshape(W, H)
    head = picture["head"]
    pixels = np.arange(max(0, head - W + 1), head + 1)  # absolute 10 ms pixel columns, oldest first
    pixels = pixels[levels[pixels % W].max(axis=1) > 0]  # painted ones (not before the microphone started)
    assert len(pixels) > 400
    columns = levels[pixels % W]
    peak_hz = (np.argmax(columns, axis=1) + 0.5) / H * SR / 2
    # Where in the looping chirp each column is: the chirp's frequency says so, up to one unknown offset.
    rate = (F1 - F0) / CHIRP_SECONDS
    t = pixels * 0.01
    phase = np.mod(t - (peak_hz - F0) / rate, CHIRP_SECONDS)
    offset = np.median(phase)
    expected = F0 + rate * np.mod(t - offset, CHIRP_SECONDS)
    error = np.abs(peak_hz - expected)
    steady = (np.mod(t - offset, CHIRP_SECONDS) > 0.1) & (np.mod(t - offset, CHIRP_SECONDS) < CHIRP_SECONDS - 0.1)
    within = error[steady] <= SR / N_FFT + SR / 2 / H   # one FFT bin + one pixel row
    assert within.mean() > 0.9, (within.mean(), np.percentile(error[steady], [50, 90]))
    live = kernel_json(page, "dict(n=live.features.n_samples, source=live.source, errors=live.errors)")
    assert live["n"] > 3 * SR and live["source"] == "microphone" and live["errors"] == []
    latency = float(page.locator(".course-live").get_attribute("data-latency-p50"))
    assert 0 < latency < 2000
    # Python keeps the picture the browser painted (what the output shows without a kernel): the same ring.
    page.click(".course-live .cl-stop")
    page.wait_for_function("() => document.querySelector('.course-live').__live.inFlight === 0", timeout=10_000)
    time.sleep(0.5)
    painted = page.evaluate(JS_PICTURE)
    kept = kernel_json(page, "dict(head=live._head, levels=live._pixels.ravel().tolist())")
    assert kept["head"] == painted["head"] and kept["levels"] == painted["levels"]
    # The canvas on screen, read back pixel by pixel, shows exactly the columns Python sent, in their places.
    shown = page.evaluate(JS_CANVAS)
    rgba = np.array(shown["rgba"], dtype=np.uint8).reshape(painted["height"], painted["width"], 4)
    expected = expected_canvas(painted, shown["lut"])
    assert (rgba[..., 3] == 255).all()
    mismatched = np.argwhere((rgba[..., :3] != expected).any(axis=2))
    assert len(mismatched) == 0, f"{len(mismatched)} pixels differ, first (row, column): {mismatched[:5].tolist()}"
    assert len(np.unique(expected.reshape(-1, 3), axis=0)) > 50  # a real picture, not one flat colour
    assert widget_errors(page, front_end_errors) == []


def test_yes_from_the_fake_microphone_is_spotted(open_live, live_lab, front_end_errors):
    page = open_live(fake_file(live_lab, "yes.wav"), notebook="kws.ipynb")
    page.click(".course-live .cl-listen")
    page.wait_for_selector(".course-live[data-word]", timeout=30_000)
    assert page.locator(".course-live").get_attribute("data-word") == "yes"
    assert "yes" in page.locator(".course-live .cl-word").inner_text()
    assert widget_errors(page, front_end_errors) == []


@pytest.mark.parametrize("args, code, words", [
    (["--use-fake-ui-for-media-stream"], "no-device", "No microphone was found"),
    (["--use-fake-device-for-media-stream", "--deny-permission-prompts"], "permission-denied", "permission was denied"),
], ids=["no-device", "permission-denied"])
def test_without_a_microphone_the_message_is_clear_and_a_clip_streams_as_if_live(open_live, front_end_errors, args,
                                                                                 code, words):
    page = open_live(args)
    page.click(".course-live .cl-listen")
    page.wait_for_selector(".course-live[data-state='error']", timeout=15_000)
    status = page.locator(".course-live .cl-status")
    assert status.get_attribute("data-code") == code and words in status.inner_text()
    assert "as if live" in status.inner_text()
    page.select_option(".course-live .cl-clip", "yes_439c84f4_nohash_1")
    page.click(".course-live .cl-use-clip")
    page.wait_for_function("() => Number(document.querySelector('.course-live').dataset.columns || 0) > 50",
                           timeout=30_000)
    deadline = time.monotonic() + 10
    while kernel_json(page, "live.features.n_samples") < SR and time.monotonic() < deadline:
        time.sleep(0.2)
    assert kernel_json(page, "live.source") == "course clip yes_439c84f4_nohash_1"
    assert kernel_json(page, "live.errors[0].split(':')[0]") == code
    assert widget_errors(page, front_end_errors) == []
