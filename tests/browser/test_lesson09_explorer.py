"""Lesson 09's explorer (§10, an ``interact`` over ``explore``) in a real JupyterLab, driven with headless Chromium.

The test writes a small notebook made of the lesson's own cells (set-up, data, spectrograms, folds,
representations, PCEN, TFLM, noisy copies, explorer), on the first recordings of every digit and speaker so that it
runs in seconds, opens it, runs it, changes the test-SNR and representation dropdowns and checks that the explorer's
output shows what the same ``explore`` call gives in this Python process, and that its confusion-matrix figure is
redrawn.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import time

import nbformat
import pytest
from harness import REPO, open_notebook, run_all_cells

LESSON = REPO / "notebooks" / "09_features_for_models.ipynb"
CELLS = ["setup", "data", "frames", "loso", "loso-fig", "reps", "pcen", "tflm", "noisy-mix", "noisy-reps",
         "explorer-def", "explorer"]
ALL_CLIPS = "clips = every_clip\n"
FEW_CLIPS = 'clips = [clip for clip in every_clip if int(clip.name.split("_")[2]) <= 4]\n'
RESPONSE_TIMEOUT_S = 60.0


def lesson_sources() -> dict[str, str]:
    sources = {cell.get("id"): cell.source for cell in nbformat.read(LESSON, as_version=4).cells}
    missing = [cell_id for cell_id in CELLS if cell_id not in sources]
    assert not missing, f"lesson 09 has no cells {missing}"
    assert ALL_CLIPS in sources["data"], "lesson 09's data cell no longer says `clips = every_clip`"
    sources["data"] = sources["data"].replace(ALL_CLIPS, FEW_CLIPS)
    return sources


@pytest.fixture(scope="module")
def small_lesson():
    """The small notebook in a temporary folder of the repository (the server serves the repository only)."""
    folder = REPO / "tests" / "browser" / "_lesson09_tmp"
    folder.mkdir(exist_ok=True)
    sources = lesson_sources()
    notebook = nbformat.v4.new_notebook(metadata=nbformat.read(LESSON, as_version=4).metadata)  # its kernel
    notebook.cells = [nbformat.v4.new_code_cell(sources[cell_id]) for cell_id in CELLS]
    path = folder / "lesson09_explorer.ipynb"
    nbformat.write(notebook, path)
    try:
        yield path, sources
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def explore_here(small_lesson):
    """The same cells run in this process: ``explore`` as the kernel has it, for the expected outputs."""
    import matplotlib

    matplotlib.use("Agg")
    _, sources = small_lesson
    namespace = {"__name__": "__lesson09_test__"}
    with contextlib.chdir(LESSON.parent), contextlib.redirect_stdout(io.StringIO()):
        for cell_id in CELLS[:-1]:
            exec(compile(sources[cell_id], f"<lesson 09 cell {cell_id}>", "exec"), namespace)

    def printed(*args) -> str:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            namespace["explore"](*args, draw=False)
        return out.getvalue().strip()

    return printed


def shown(explorer) -> dict:
    """What the interact output area shows: its text and its figure."""
    return explorer.evaluate("""el => {
      const out = el.querySelector('.widget-output, .jp-OutputArea');
      const image = out ? out.querySelector('img') : null;
      return {text: out ? out.innerText.trim() : '', image: image ? image.getAttribute('src') : null};
    }""")


def wait_until_changed(explorer, before: dict, what: str) -> dict:
    deadline = time.monotonic() + RESPONSE_TIMEOUT_S
    now = shown(explorer)
    while now["text"] == before["text"] or not now["image"] or now["image"] == before["image"]:
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: the explorer's output did not change within {RESPONSE_TIMEOUT_S:.0f} s; "
                                 f"it shows {now['text']!r}")
        time.sleep(0.1)
        now = shown(explorer)
    return now


def choose(explorer, control: str, option: str) -> None:
    dropdown = explorer.locator(".widget-dropdown", has=explorer.page.get_by_text(control, exact=True))
    dropdown.locator("select").select_option(label=option)


def test_lesson09_explorer_shows_the_evaluation_python_gives(page, lab_server, small_lesson, explore_here):
    path, _ = small_lesson
    open_notebook(page, lab_server, path)
    state = run_all_cells(page)
    assert not state["errors"], f"cells failed: {state['errors']}"
    explorer = page.locator(".widget-interact").first
    explorer.wait_for(timeout=30_000)
    explorer.scroll_into_view_if_needed()
    deadline = time.monotonic() + RESPONSE_TIMEOUT_S
    first = shown(explorer)
    while not first["image"] and time.monotonic() < deadline:
        time.sleep(0.1)
        first = shown(explorer)
    assert first["text"] == explore_here("log-mel", 40, "train", "clean")
    assert first["image"], "the explorer shows no confusion matrix"

    choose(explorer, "test", "0 dB")
    noisy = wait_until_changed(explorer, first, "test → 0 dB")
    assert noisy["text"] == explore_here("log-mel", 40, "train", "0 dB")

    choose(explorer, "representation", "PCEN-mel")
    pcen = wait_until_changed(explorer, noisy, "representation → PCEN-mel")
    assert pcen["text"] == explore_here("PCEN-mel", 40, "train", "0 dB")
    assert not page.console_errors, f"browser console errors: {page.console_errors}"
