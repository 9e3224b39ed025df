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
