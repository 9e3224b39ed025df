"""Checks on the committed notebooks that need no kernel: structure, tags, clean outputs, size, safety."""

import re
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
LESSONS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
FORBIDDEN = re.compile(r"\b(pickle|eval|exec)\s*[.(]|import pickle|from pickle")


@pytest.fixture(params=LESSONS, ids=lambda p: p.name)
def notebook(request):
    return request.param, nbformat.read(request.param, as_version=4)


def test_lessons_exist():
    assert LESSONS


def test_committed_outputs_are_executed_clean_and_stable(notebook):
    path, nb = notebook
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code_cells), f"{path.name} is not fully executed"
    for cell in code_cells:
        for output in cell.outputs:
            assert output.output_type != "error", f"{path.name}: error output in cell {cell.id}"
            assert not (output.output_type == "stream" and output.name == "stderr"), \
                f"{path.name}: stderr in cell {cell.id}: {output.text[:200]}"
            text = str(output)
            assert not re.search(r"/(root|work|tmp|home)/|site-packages|0x[0-9a-f]{8,}", text), \
                f"{path.name}: machine-specific text in cell {cell.id}"


def shows_a_widget(source: str) -> bool:
    """An interact call, or an explorer built and shown as the cell's value (a plain cell may build one to print)."""
    lines = [line.strip() for line in source.strip().splitlines() if line.strip()]
    shown_last = bool(lines) and re.fullmatch(r"[A-Za-z_]\w*|\w*Explorer\(.*\)", lines[-1]) is not None
    return bool(re.search(r"\binteract\(", source)) or (bool(re.search(r"Explorer\(", source)) and shown_last)


def test_interactive_cells_are_tagged_and_followed_by_a_plain_check(notebook):
    path, nb = notebook
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and shows_a_widget(cell.source):
            assert "nbval-ignore-output" in cell.metadata.get("tags", []), f"{path.name}: cell {cell.id} untagged"
            following = [c for c in nb.cells[index + 1 :] if c.cell_type == "code"][0]
            assert "nbval-ignore-output" not in following.metadata.get("tags", [])


def test_no_trailing_semicolon_to_suppress_output(notebook):
    path, nb = notebook
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.rstrip().endswith(";"):
            pytest.fail(f"{path.name}: cell {cell.id} ends with ';' — nbval still records the value; use _ = ...")


def test_exercises_follow_the_pattern(notebook):
    path, nb = notebook
    boxes = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and c.source.startswith("### ✏️ Exercise")]
    assert len(boxes) >= 3, f"{path.name} has {len(boxes)} exercises; lessons need at least 3"
    for index in boxes:
        student, checker = nb.cells[index + 1], nb.cells[index + 2]
        assert student.cell_type == "code" and "..." in student.source
        assert checker.cell_type == "code" and ".check(" in checker.source
        assert "not attempted yet" in "".join(o.get("text", "") for o in checker.outputs)


def test_lesson_structure(notebook):
    path, nb = notebook
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for heading in ("You will learn", "## Pitfalls", "## Summary", "## Further reading"):
        assert heading in text, f"{path.name} lacks {heading!r}"


def test_notebook_size(notebook):
    path, _ = notebook
    assert path.stat().st_size < 2_000_000, f"{path.name} is {path.stat().st_size} bytes; keep embedded media short"


def test_no_pickle_eval_or_exec_in_the_course():
    sources = [(p.name, p.read_text(encoding="utf-8")) for p in (REPO / "course_utils").rglob("*.py")]
    sources += [(p.name, "\n".join(c.source for c in nbformat.read(p, as_version=4).cells if c.cell_type == "code"))
                for p in LESSONS]
    offenders = [name for name, text in sources if FORBIDDEN.search(text)]
    assert offenders == []


def test_every_figure_has_alternative_text(notebook):
    """Screen readers and the website read a figure's alt text from the output's metadata (plots.show writes it)."""
    path, nb = notebook
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if "image/png" in output.get("data", {}):
                alt = output.get("metadata", {}).get("image/png", {}).get("alt", "")
                assert alt.strip(), f"{path.name}: a figure in cell {cell.id} has no alt text"
