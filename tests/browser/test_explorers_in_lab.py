"""The explorers in a real JupyterLab, driven with headless Chromium like a student would.

For the fixture notebook (every explorer) and every lesson notebook that creates an explorer: open it, run all
cells, then move every control of every explorer with the keyboard or mouse and check that the figure and the
readouts respond, audio players update, presentation mode enlarges the figure, no cell fails and the browser
console stays free of errors. A second test checks what readers without a kernel see: a PNG of each figure.
"""

from __future__ import annotations

import time

import pytest
from harness import REPO, notebooks_with_explorers, open_notebook, run_all_cells

from course_utils import widgets

DEMO = REPO / "tests" / "browser" / "explorers_demo.ipynb"
ALL_EXPLORERS = set(widgets.__all__) - {"Explorer"}  # the fixture notebook shows every one the package exports
AUDIO_FOLLOWS_CONTROLS = {"AliasingExplorer", "QuantizationExplorer", "GriffinLimExplorer"}
RESPONSE_TIMEOUT_S = 20.0
SETTLE_S = 0.2

JS_SNAPSHOT = """
el => {
  const image = el.querySelector('.cu-image');
  const audio = el.querySelector('.cu-audio');
  return {
    image: image ? image.getAttribute('src') : null,
    width: image ? image.naturalWidth : 0,
    readouts: el.querySelector('.cu-readouts').innerText,
    message: el.querySelector('.cu-message').innerText,
    audio: audio ? audio.getAttribute('src') : null,
  };
}
"""


def snapshot(explorer) -> dict:
    return explorer.evaluate(JS_SNAPSHOT)


def wait_for_response(explorer, before: dict, what: str) -> dict:
    """Wait until the image, readouts or message differ from ``before``, then until the panel stops changing."""
    deadline = time.monotonic() + RESPONSE_TIMEOUT_S
    keys = ("image", "readouts", "message", "width")
    now = snapshot(explorer)
    while all(now[k] == before[k] for k in keys):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: the explorer did not respond within {RESPONSE_TIMEOUT_S:.0f} s")
        time.sleep(0.03)
        now = snapshot(explorer)
    stable_since = time.monotonic()
    while time.monotonic() - stable_since < SETTLE_S:
        time.sleep(0.05)
        latest = snapshot(explorer)
        if latest != now:
            now, stable_since = latest, time.monotonic()
    return now


def control_names(explorer) -> list[str]:
    classes = explorer.evaluate(
        "el => Array.from(el.querySelectorAll('[class*=\"cu-control-\"]')).map(c => c.className)"
    )
    names = []
    for class_list in classes:
        names += [c.removeprefix("cu-control-") for c in class_list.split() if c.startswith("cu-control-")]
    return names


def move(page, control) -> str:
    """Change a control by one step the way a person would; returns what was done."""
    handle = control.locator(".noUi-handle")
    if handle.count():
        readout = control.locator(".widget-readout")
        handle.focus()
        start = readout.inner_text()
        # Left first: from the initial settings a smaller value stays valid (win_length <= n_fft, n_mfcc <= n_mels).
        page.keyboard.press("ArrowLeft")
        if readout.inner_text() == start:
            page.keyboard.press("ArrowRight")
        return f"slider {start} -> {readout.inner_text()}"
    select = control.locator("select")
    if select.count():
        current = select.evaluate("s => s.selectedIndex")
        count = select.locator("option").count()
        select.select_option(index=(current + 1) % count)
        return f"dropdown option {current} -> {(current + 1) % count}"
    buttons = control.locator("button:not(.mod-active)")
    if buttons.count():
        label = buttons.first.inner_text()
        buttons.first.click()
        return f"toggle -> {label}"
    checkbox = control.locator("input[type=checkbox]")
    checkbox.click()
    return f"checkbox -> {checkbox.is_checked()}"


def drive_explorer(page, explorer) -> str:
    """Move every control of one explorer and check the responses; returns the explorer's class name."""
    kind = next(c for c in explorer.get_attribute("class").split() if c.startswith("cu-explorer-"))
    kind = kind.removeprefix("cu-explorer-")
    began = time.monotonic()
    explorer.scroll_into_view_if_needed()
    first = before = snapshot(explorer)
    assert before["image"], f"{kind}: no image shown after running the notebook"
    changed = {"image": False, "readouts": False, "audio": False}
    for name in control_names(explorer):
        control = explorer.locator(f".cu-control-{name}")
        if name == "presentation" or not control.is_visible() or \
                control.evaluate("el => el.querySelector('[disabled]') !== null"):
            continue  # presentation is checked below; a hidden or greyed-out control has no effect in this setting
        started = time.monotonic()
        action = move(page, control)
        after = wait_for_response(explorer, before, f"{kind}.{name} ({action})")
        print(f"{kind}.{name}: {action}, answered in {time.monotonic() - started - SETTLE_S:.2f} s")
        assert "could not draw" not in after["message"], f"{kind}.{name}: {after['message']}"
        for key in changed:
            changed[key] |= after[key] != before[key]
        before = after
    assert changed["image"], f"{kind}: moving the controls never changed the image"
    assert changed["readouts"] or first["readouts"] == "", f"{kind}: moving the controls never changed the readouts"
    if kind in AUDIO_FOLLOWS_CONTROLS:
        assert changed["audio"], f"{kind}: the audio player never changed"

    print(f"{kind}: controls driven in {time.monotonic() - began:.1f} s")
    presentation = explorer.locator(".cu-control-presentation input[type=checkbox]")
    presentation.click()
    large = wait_for_response(explorer, before, f"{kind} presentation on")
    assert large["width"] > 1.4 * before["width"], f"{kind}: presentation mode did not enlarge the figure"
    presentation.click()
    small = wait_for_response(explorer, large, f"{kind} presentation off")
    assert small["width"] == before["width"]
    return kind


def lesson_notebooks():
    return notebooks_with_explorers(REPO / "notebooks")


@pytest.mark.parametrize("notebook", [DEMO, *lesson_notebooks()], ids=lambda path: path.name)
def test_every_explorer_responds_in_jupyterlab(page, lab_server, notebook):
    open_notebook(page, lab_server, notebook)
    state = run_all_cells(page)
    assert not state["errors"], f"{notebook.name}: cells failed: {state['errors']}"
    explorers = page.locator(".cu-explorer")
    explorers.first.wait_for(timeout=30_000)
    seen = [drive_explorer(page, explorers.nth(i)) for i in range(explorers.count())]
    if notebook == DEMO:
        assert set(seen) == ALL_EXPLORERS
    assert not page.console_errors, f"{notebook.name}: browser console errors: {page.console_errors}"


def test_saved_notebook_shows_static_figures(page, lab_server):
    """Readers without a kernel see each explorer's figure: nbconvert (GitHub, nbviewer) and JupyterLab alike."""
    import nbclient
    import nbformat
    from nbconvert import HTMLExporter

    notebook = nbformat.read(DEMO, as_version=4)
    # Saved as `make notebooks` should save lessons: outputs kept, widget state not (it would replace the PNG).
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3", store_widget_state=False,
                            resources={"metadata": {"path": str(DEMO.parent)}}).execute()
    html, _ = HTMLExporter().from_notebook_node(notebook)
    assert html.count('src="data:image/png;base64,') >= len(ALL_EXPLORERS)

    saved = DEMO.with_name("_static_fallback_check.ipynb")
    nbformat.write(notebook, saved)
    try:
        open_notebook(page, lab_server, saved)
        images = page.locator(".jp-OutputArea-output img")
        deadline = time.monotonic() + 30
        while images.count() < len(ALL_EXPLORERS) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert images.count() >= len(ALL_EXPLORERS), "the saved figures are not shown before the notebook runs"
        assert page.get_by_text("Error displaying widget").count() == 0
        assert not page.console_errors, f"browser console errors: {page.console_errors}"
    finally:
        saved.unlink(missing_ok=True)
