"""Every page of the built site in headless Chromium, confined to a local server: no console error, no request
outside the site, players that decode, equations typeset, a clean axe-core scan, keyboard navigation and search."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import REPO, lesson_notebooks, site_pages

import print_pdf

AXE_JS = Path(os.environ.get("AXE_JS", REPO / "build" / "site-npm" / "node_modules" / "axe-core" / "axe.min.js"))
PAGES = [str(p) for p in site_pages() if p.name not in {"genindex.html"}] or ["index.html"]


def axe_violations(page) -> list[dict]:
    # preload=False: axe's stylesheet preloading fetches theme.css's relative @import against the page's folder
    # (a 404 of its own making); only the orientation-lock rule needs it.
    if not AXE_JS.is_file():
        pytest.fail(f"axe-core is missing at {AXE_JS}: run `make site` (it installs docs/package.json)")
    page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations'], preload: false})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


@pytest.mark.parametrize("relative", PAGES)
def test_page_loads_only_from_the_site_and_passes_axe(page, base_url, relative):
    page.goto(base_url + relative)
    print_pdf.wait_until_rendered(page)
    durations = page.evaluate(
        """async () => Promise.all([...document.querySelectorAll('audio')].map(a => new Promise(resolve => {
               if (a.readyState >= 1) return resolve(a.duration);
               a.addEventListener('loadedmetadata', () => resolve(a.duration), {once: true});
               a.addEventListener('error', () => resolve(-1), {once: true});
               a.preload = 'metadata'; a.load();
           })))"""
    )
    assert all(d > 0 for d in durations), durations
    if relative.startswith("notebooks/"):
        assert durations, "a lesson without players"
    assert not axe_violations(page)
    assert not page.outside
    assert not page.console_errors


def test_equations_are_typeset_by_the_local_mathjax(page, base_url):
    page.goto(base_url + "notebooks/02_fourier_transform.html")
    print_pdf.wait_until_rendered(page)
    assert page.locator("mjx-container").count() > 5
    assert page.evaluate("MathJax.version").startswith("3.")


def test_keyboard_reaches_the_lesson_and_moves_between_pages(page, base_url):
    page.goto(base_url + "notebooks/03_stft.html")
    page.keyboard.press("Tab")
    assert "skip" in page.evaluate("document.activeElement.textContent").lower()
    page.keyboard.press("Enter")
    # The Colab link of the run-this-live box is reachable from the keyboard.
    for _ in range(200):
        page.keyboard.press("Tab")
        if "colab.research.google.com" in (page.evaluate("document.activeElement.href") or ""):
            break
    else:
        pytest.fail("Tab never reached the Colab link")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("ArrowRight")
    page.wait_for_url("**/04_mel_scale.html")
    page.keyboard.press("ArrowLeft")
    page.wait_for_url("**/03_stft.html")


def test_search_finds_griffin_lim_on_lesson_07(page, base_url):
    page.goto(base_url + "search.html?q=Griffin-Lim")
    page.wait_for_selector("#search-results li a", timeout=30_000)
    hrefs = page.eval_on_selector_all("#search-results li a", "links => links.map(a => a.href)")
    assert any("notebooks/07_inversion.html" in href for href in hrefs), hrefs
    assert not page.outside and not page.console_errors


def test_every_lesson_is_in_the_navigation(page, base_url):
    order = print_pdf.page_order(page, base_url)
    lessons = [url for url in order if "/notebooks/" in url]
    assert [Path(u).stem for u in lessons] == [nb.stem for nb in lesson_notebooks()]
