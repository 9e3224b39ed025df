"""Fixtures of the website tests: the built site (``make site``), served on 127.0.0.1, and one headless Chromium.

Run with ``make test-site``, which builds the site and the PDF first. Kept out of ``make test-unit`` (slow).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "build" / "site"
PDF = REPO / "build" / "course.pdf"
sys.path.insert(0, str(REPO / "docs"))

import print_pdf  # noqa: E402


def site_pages() -> list[Path]:
    """Every HTML page of the site, relative to it (the folder may not exist yet when tests are collected)."""
    return sorted(p.relative_to(SITE) for p in SITE.rglob("*.html") if "_static" not in p.parts)


def lesson_notebooks() -> list[Path]:
    return sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "index.html").is_file():
        pytest.fail("no built site in build/site: run `make site` (make test-site does)")
    return SITE


@pytest.fixture(scope="session")
def base_url(site):
    with print_pdf.serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def chromium():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is missing: run `bash tests/browser/install.sh` (make test-site does)")
    with sync_playwright() as playwright:
        browser = print_pdf.launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(chromium, base_url):
    """A page confined to the site: requests elsewhere are refused and listed in ``page.outside``; console errors
    and uncaught exceptions are listed in ``page.console_errors``."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.outside = print_pdf.confine(context, base_url)
    page.console_errors = []
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: page.console_errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("pageerror", lambda e: page.console_errors.append(f"uncaught: {e}"))
    try:
        yield page
    finally:
        context.close()
