"""The voice recorder in a real JupyterLab driven by headless Chromium.

- With Chromium's fake microphone (``--use-fake-device-for-media-stream --use-fake-ui-for-media-stream``): press
  ● Record, let the countdown end the take, and check in the *kernel* that the samples arrived at 16 kHz, with the
  exact length, as float32, and not silent; a second take keeps the first.
- Without a device, with permission denied, on an insecure page and without a kernel answering: the recorder
  shows the clear message for that case (and tells Python), instead of hanging.
- A take whose binary message is lost (as with some Colab versions) arrives through the base64 fallback; the
  upload and course-clip fallbacks add takes; a saved copy without its kernel shows the static text.

Self-contained: it starts its own JupyterLab (127.0.0.1, free port, random token, private settings/runtime folders,
always stopped) on a temporary folder, and never writes to the repository's recordings/ folder.
Run with ``make test-browser`` (which installs Debian's chromium and playwright when missing).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from harness import CHROMIUM, CHROMIUM_ARGS, LabServer

import playwright.sync_api as playwright_api  # installed by tests/browser/install.sh (make test-browser)

if not Path(CHROMIUM).exists():
    raise RuntimeError("Debian's chromium is missing: run the browser tests with make test-browser, which installs it")

FAKE_MIC = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
MAX_DURATION = 1.0
SR = 16000

RECORDER_CELL = f"""\
from course_utils.recorder import Recorder
rec = Recorder(sr={SR}, max_duration={MAX_DURATION}, labels=["yes", "no"])
rec"""


# The browser side alone: a widget with no Recorder behind it, so nothing in Python answers its handshake.
ORPHAN_CELL = """\
from course_utils.recorder import _widget_class
_widget_class()()"""


def _notebook(*sources: str) -> dict:
    return {
        "cells": [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {}, "outputs": [],
                   "source": source} for i, source in enumerate(sources)],
        "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                    "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5,
    }


@pytest.fixture(scope="module")
def recorder_lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("recorder-notebooks")
    (root / "recorder.ipynb").write_text(json.dumps(_notebook(RECORDER_CELL)))
    (root / "orphan.ipynb").write_text(json.dumps(_notebook(ORPHAN_CELL)))
    lab = LabServer(root, env={"AUDIO_COURSE_RECORDINGS": str(tmp_path_factory.mktemp("recordings"))}).start()
    try:
        yield lab
    finally:
        lab.stop()


@pytest.fixture(scope="module")
def browser_type(request):
    """Playwright's chromium launcher. Only one sync Playwright may run per process, so when the browser tests'
    shared ``chromium`` fixture (tests/browser/conftest.py) exists, launch through its Playwright."""
    try:
        shared = request.getfixturevalue("chromium")
    except pytest.FixtureLookupError:
        shared = None
    if shared is not None:
        yield shared.browser_type
        return
    with playwright_api.sync_playwright() as playwright:
        yield playwright.chromium


def open_notebook_run_all(browser_type, lab, notebook, extra_args, ready_selector, browsers, *,
                          init_script: str | None = None, viewport: dict | None = None):
    """Launch Chromium with ``extra_args``, open ``notebook`` in ``lab``, run all its cells and wait for
    ``ready_selector``; the browser is appended to ``browsers`` for the fixture to close. The page records console
    errors and uncaught exceptions in ``page.console_errors``."""
    browser = browser_type.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS + list(extra_args))
    browsers.append(browser)
    page = browser.new_page(viewport=viewport) if viewport else browser.new_page()
    page.console_errors = []
    page.on("console", lambda message: page.console_errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: page.console_errors.append(f"uncaught: {error}"))
    if init_script:
        page.add_init_script(init_script)
    page.goto(lab.notebook_url(lab.root / notebook))
    page.wait_for_function(JS_KERNEL_IDLE, timeout=120_000, polling=250)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_selector(ready_selector, timeout=60_000)
    return page


@pytest.fixture
def open_recorder(recorder_lab, browser_type):
    """open_recorder(extra_chromium_args, init_script=None) -> page with the recorder cell run and displayed."""
    browsers = []

    def opener(extra_args, *, init_script: str | None = None, notebook: str = "recorder.ipynb"):
        return open_notebook_run_all(browser_type, recorder_lab, notebook, extra_args, ".course-recorder", browsers,
                                     init_script=init_script)

    yield opener
    for browser in browsers:
        browser.close()


# Synchronous on purpose: wait_for_function does not await a returned Promise (a Promise is truthy at once).
JS_KERNEL_IDLE = """
() => {
  const app = window.jupyterapp;
  if (!app || !app.commands.hasCommand('notebook:run-all-cells')) return false;
  const panel = app.shell.currentWidget;
  if (!panel || !panel.sessionContext || !panel.context || !panel.content) return false;
  if (!panel.context.isReady || !panel.sessionContext.isReady) return false;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  return !!kernel && kernel.status === 'idle' && kernel.connectionStatus === 'connected';
}
"""

JS_KERNEL_RUN = """
async (code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = kernel.requestExecute({code, store_history: false});
  let out = "";
  future.onIOPub = (msg) => {
    if (msg.header.msg_type === 'stream') out += msg.content.text;
    if (msg.header.msg_type === 'error') out += `ERROR ${msg.content.ename}: ${msg.content.evalue}`;
  };
  await future.done;
  return out;
}
"""


def kernel_json(page, expression: str):
    """Evaluate a Python expression in the notebook's kernel and return it (JSON round trip)."""
    out = page.evaluate(JS_KERNEL_RUN, f"import json as _j\nprint(_j.dumps({expression}))")
    assert not out.startswith("ERROR"), out
    return json.loads(out)


def wait_state(page, state: str, timeout_ms: int = 30_000):
    page.wait_for_selector(f".course-recorder[data-state='{state}']", timeout=timeout_ms)


def status(page) -> tuple[str, str]:
    node = page.locator(".course-recorder .cr-status")
    return node.get_attribute("data-code"), node.inner_text()


def test_fake_microphone_takes_arrive_in_python_at_16k_with_exact_length(open_recorder):
    page = open_recorder(FAKE_MIC)
    wait_state(page, "ready")
    assert page.locator(".course-recorder .cr-label").input_value() == "yes"

    page.click(".course-recorder .cr-record")
    wait_state(page, "stored")  # the countdown ended the take; Python acknowledged it
    n_expected = int(MAX_DURATION * SR)
    take = kernel_json(page, "dict(n=len(rec.y), sr=rec.sr, take_sr=rec.last.sr, dtype=str(rec.y.dtype), "
                             "peak=float(abs(rec.y).max()), rms=float((rec.y.astype('float64')**2).mean()**0.5), "
                             "label=rec.last.label, source=rec.last.source, notes=list(rec.last.notes), "
                             "errors=rec.errors)")
    assert take["n"] == n_expected, take
    assert take["sr"] == take["take_sr"] == SR
    resampled = [note for note in take["notes"] if note.startswith("resampled")]
    assert resampled == [], f"the browser did not record at {SR} Hz itself: {take['notes']}"
    # Chromium's fake beep overshoots full scale once the browser resamples it: the take is scaled to fit, not clipped
    assert take["peak"] <= 1.0
    assert all(note.startswith("scaled down") for note in take["notes"]), take["notes"]
    assert take["dtype"] == "float32"
    assert take["peak"] > 0.01 and take["rms"] > 1e-4, f"the fake microphone's take is silent: {take}"
    assert take["label"] == "yes" and take["source"] == "microphone"
    assert take["errors"] == []
    capture = page.locator(".course-recorder").get_attribute("data-capture")
    assert capture == "AudioWorklet"
    item = page.locator(".course-recorder .cr-take").first
    assert item.get_attribute("data-samples") == str(n_expected) and item.get_attribute("data-sr") == str(SR)
    assert "Stored in Python" in status(page)[1]
    assert Path(kernel_json(page, "str(rec.saved_to)")).name == "last_take.wav"

    # A second take ("no") keeps the first one.
    assert page.locator(".course-recorder .cr-label").input_value() == "no"
    page.click(".course-recorder .cr-record")
    page.wait_for_function("() => document.querySelectorAll('.course-recorder .cr-take').length === 2",
                           timeout=30_000)
    labels = kernel_json(page, "[t.label for t in rec.takes]")
    assert labels == ["yes", "no"]
    assert kernel_json(page, "[len(t.y) for t in rec.takes]") == [n_expected, n_expected]


def test_a_take_whose_binary_message_is_lost_arrives_as_base64(open_recorder):
    """Some Colab versions drop binary buffers: with no answer, the browser re-sends the take as base64 JSON."""
    page = open_recorder(FAKE_MIC)
    wait_state(page, "ready")
    page.evaluate(JS_KERNEL_RUN, """
seen = []
_handle = rec._handle
def _lossy(content, buffers):
    seen.append(content.get("encoding"))
    if content.get("type") == "take" and content.get("encoding") == "binary":
        return  # as if the binary part never arrived: no answer
    _handle(content, buffers)
rec._handle = _lossy
""")
    page.click(".course-recorder .cr-record")
    wait_state(page, "stored", 30_000)
    assert kernel_json(page, "[e for e in seen if e]") == ["binary", "base64"]
    assert kernel_json(page, "dict(n=len(rec.y), sr=rec.sr)") == {"n": int(MAX_DURATION * SR), "sr": SR}


def test_stop_button_ends_a_take_early(open_recorder):
    page = open_recorder(FAKE_MIC)
    wait_state(page, "ready")
    page.click(".course-recorder .cr-record")
    wait_state(page, "recording", 15_000)
    page.wait_for_timeout(300)
    page.click(".course-recorder .cr-stop")
    wait_state(page, "stored")
    n = kernel_json(page, "len(rec.y)")
    assert 0 < n < int(MAX_DURATION * SR)


@pytest.mark.parametrize(
    "args, init_script, code, words",
    [
        (["--use-fake-ui-for-media-stream"], None, "no-device", "No microphone was found"),
        (["--use-fake-device-for-media-stream", "--deny-permission-prompts"], None, "permission-denied",
         "permission was denied"),
        (FAKE_MIC, "Object.defineProperty(window, 'isSecureContext', {get: () => false, configurable: true});",
         "insecure-context", "secure pages"),
    ],
    ids=["no-device", "permission-denied", "insecure-context"],
)
def test_microphone_problems_show_a_clear_message_and_the_fallback(open_recorder, args, init_script, code, words):
    page = open_recorder(args, init_script=init_script)
    wait_state(page, "ready")
    started = time.monotonic()
    page.click(".course-recorder .cr-record")
    wait_state(page, "error", 15_000)
    assert time.monotonic() - started < 15
    shown_code, text = status(page)
    assert shown_code == code
    assert words in text and "upload a WAV file or pick a course clip" in text
    assert page.locator(".course-recorder details.cr-fallback").get_attribute("open") is not None
    assert not page.locator(".course-recorder .cr-record").is_disabled()  # the student can try again
    page.wait_for_function(JS_KERNEL_IDLE, timeout=10_000)
    reported = kernel_json(page, "rec.error")
    assert reported.startswith(code + ":"), reported


def test_course_clip_fallback_adds_a_take(open_recorder):
    page = open_recorder(["--use-fake-ui-for-media-stream"])
    wait_state(page, "ready")
    page.locator(".course-recorder details.cr-fallback summary").click()
    page.select_option(".course-recorder .cr-clip", "no_2f813234_nohash_1")
    page.click(".course-recorder .cr-use-clip")
    wait_state(page, "stored")
    take = kernel_json(page, "dict(n=len(rec.y), sr=rec.sr, source=rec.last.source)")
    assert take == {"n": 16000, "sr": SR, "source": "course clip no_2f813234_nohash_1"}


def test_wav_upload_fallback_adds_a_resampled_take(open_recorder, tmp_path):
    import numpy as np
    import soundfile

    wav = tmp_path / "my_voice.wav"
    soundfile.write(wav, 0.5 * np.sin(2 * np.pi * 440 * np.arange(22050) / 44100), 44100, subtype="PCM_16")
    page = open_recorder(["--use-fake-ui-for-media-stream"])
    wait_state(page, "ready")
    page.locator(".course-recorder details.cr-fallback summary").click()
    page.set_input_files(".course-recorder .cr-file", str(wav))
    wait_state(page, "stored")
    take = kernel_json(page, "dict(n=len(rec.y), sr=rec.sr, source=rec.last.source, peak=round(float(abs(rec.y).max()), 2))")
    assert take == {"n": 8000, "sr": SR, "source": "upload my_voice.wav", "peak": 0.5}


def test_without_a_kernel_the_recorder_says_so_instead_of_hanging(open_recorder):
    page = open_recorder(FAKE_MIC)
    wait_state(page, "ready")
    # Stop the kernel behind the widget's back: the view stays, Python can no longer answer.
    page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.shutdown()")
    page.click(".course-recorder .cr-record")
    page.wait_for_selector(".course-recorder .cr-status[data-code='kernel-silent'], "
                           ".course-recorder .cr-status[data-code='no-kernel']", timeout=30_000)
    assert "kernel" in status(page)[1]


def test_a_view_whose_python_side_never_answers_says_a_kernel_is_needed(open_recorder):
    """The browser side alone (no Recorder answering its handshake, as in a saved copy) explains itself."""
    page = open_recorder(FAKE_MIC, notebook="orphan.ipynb")
    started = time.monotonic()
    wait_state(page, "no-kernel", 20_000)
    assert time.monotonic() - started < 20
    assert status(page)[0] == "no-kernel"
    assert "needs a running Python kernel" in status(page)[1]
    assert page.locator(".course-recorder .cr-record").is_disabled()


def test_a_saved_copy_without_its_kernel_shows_the_static_text(recorder_lab, browser_type):
    """Opening an executed notebook whose kernel is gone shows the text/plain fallback, not a broken widget."""
    from course_utils.recorder import STATIC_TEXT

    saved = recorder_lab.root / "saved.ipynb"
    saved.write_text(json.dumps(_notebook(RECORDER_CELL)))
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
                    str(saved)], check=True, capture_output=True,
                   env=dict(os.environ, AUDIO_COURSE_RECORDINGS="off"))
    browser = browser_type.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    try:
        page = browser.new_page()
        page.goto(recorder_lab.notebook_url(recorder_lab.root / "saved.ipynb"))
        page.wait_for_function(JS_KERNEL_IDLE, timeout=120_000, polling=250)
        page.wait_for_function(
            "(text) => [...document.querySelectorAll('.jp-OutputArea-output')].some(n => n.innerText.includes(text))",
            arg=STATIC_TEXT, timeout=30_000)
    finally:
        browser.close()
