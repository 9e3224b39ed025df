"""The course PDF (``make pdf``): every lesson, in order, with its title in the text and a bookmark."""

from __future__ import annotations

import json

import pytest
from conftest import PDF, lesson_notebooks


def lesson_title(notebook) -> str:
    first = json.loads(notebook.read_text(encoding="utf-8"))["cells"][0]["source"]
    return ("".join(first)).splitlines()[0].lstrip("# ").strip()


def test_pdf_has_every_lesson_in_order_with_its_title():
    from pypdf import PdfReader

    if not PDF.is_file():
        pytest.fail("no build/course.pdf: run `make pdf` (make test-site does)")
    reader = PdfReader(PDF)
    bookmarks = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]
    titles = [lesson_title(nb) for nb in lesson_notebooks()]
    marked = [title for title, _ in bookmarks]
    assert all(title in marked for title in titles), marked
    starts = [dict(bookmarks)[title] for title in titles]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    for title, start in zip(titles, starts):
        text = reader.pages[start].extract_text()
        assert title.split(" · ", 1)[1].split(":")[0] in text, (title, text[:200])
    assert len(reader.pages) > len(titles)


def _images(pdf_object, seen: set) -> int:
    """Images drawn by a page or form, counting those inside nested forms (Chromium wraps figures in forms)."""
    resources = pdf_object.get("/Resources") or {}
    xobjects = resources.get("/XObject")
    if not xobjects:
        return 0
    count = 0
    xobjects = xobjects.get_object()
    for key in xobjects:
        xobject = xobjects[key].get_object()
        if id(xobject) in seen:
            continue
        seen.add(id(xobject))
        if xobject.get("/Subtype") == "/Image":
            count += 1
        elif xobject.get("/Subtype") == "/Form":
            count += _images(xobject, seen)
    return count


def test_pdf_prints_lesson_02_with_its_figures_and_typeset_equations():
    from pypdf import PdfReader

    reader = PdfReader(PDF)
    notebooks = lesson_notebooks()
    lesson = next(nb for nb in notebooks if nb.stem.startswith("02_"))
    starts = {item.title: reader.get_destination_page_number(item) for item in reader.outline}
    titles = [lesson_title(nb) for nb in notebooks]
    index = titles.index(lesson_title(lesson))
    end = starts[titles[index + 1]] if index + 1 < len(titles) else len(reader.pages)
    pages = range(starts[titles[index]], end)
    figures = sum(1 for cell in json.loads(lesson.read_text(encoding="utf-8"))["cells"]
                  for output in cell.get("outputs", []) if "image/png" in output.get("data", {}))
    assert sum(_images(reader.pages[i], set()) for i in pages) >= figures
    text = "".join(reader.pages[i].extract_text() for i in pages)
    untypeset = [token for token in ("$$", "\\frac", "\\sum", "\\sin", "\\quad") if token in text]
    assert not untypeset, f"TeX source printed instead of equations: {untypeset}"
