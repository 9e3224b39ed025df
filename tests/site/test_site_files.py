"""The built site's files: nothing loaded from outside, links and anchors resolve, figures carry their alt text,
players their captions, and the home page its lesson table and glossary."""

from __future__ import annotations

import hashlib
import json
import re
from binascii import a2b_base64
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from conftest import REPO, SITE, lesson_notebooks, site_pages
from site_html import Page, css_loads, is_external

LESSONS = [nb.stem for nb in lesson_notebooks()]
GLOSSARY_TERMS = ["bin", "frame", "hop", "window", "leakage", "mel", "dB", "dBFS", "cepstrum", "liftering", "COLA",
                  "NOLA", "Q15"]


def parse(site: Path, relative: Path) -> Page:
    return Page((site / relative).read_text(encoding="utf-8"))


def test_every_lesson_has_a_page(site):
    pages = {str(p) for p in site_pages()}
    assert {f"notebooks/{name}.html" for name in LESSONS} <= pages
    assert {"index.html", "glossary.html", "search.html"} <= pages


def test_no_page_or_stylesheet_loads_anything_from_outside(site):
    outside = {}
    for relative in site_pages():
        loads = [u for u in parse(site, relative).loads if is_external(u)]
        if loads:
            outside[str(relative)] = loads
    for css in site.rglob("*.css"):
        loads = [u for u in css_loads(css.read_text(encoding="utf-8", errors="replace")) if is_external(u)]
        if loads:
            outside[str(css.relative_to(site))] = loads
    assert not outside


def _target(site: Path, page: Path, href: str) -> tuple[Path, str] | None:
    if is_external(href) or href.startswith(("mailto:", "javascript:")):
        return None
    parsed = urlparse(href)
    path = (site / page).parent / unquote(parsed.path) if parsed.path else site / page
    if path.is_dir():
        path = path / "index.html"
    return path.resolve(), unquote(parsed.fragment)


def test_every_internal_link_anchor_and_resource_resolves(site):
    broken = []
    cache: dict[Path, Page] = {}
    for relative in site_pages():
        page = parse(site, relative)
        local_loads = [u for u in page.loads if not u.startswith("data:")]
        for href in page.links + local_loads:
            target = _target(site, relative, href)
            if target is None:
                continue
            path, fragment = target
            if not path.is_file():
                broken.append((str(relative), href))
            elif fragment and path.suffix == ".html":
                if path not in cache:
                    cache[path] = Page(path.read_text(encoding="utf-8"))
                if fragment not in cache[path].ids:
                    broken.append((str(relative), href))
    assert not broken


def notebook_alts(notebook: Path) -> list[str]:
    """The alt texts a notebook's figures carry in their output metadata, in order, by image hash."""
    found = []
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            alt = output.get("metadata", {}).get("image/png", {}).get("alt")
            if png and alt:
                found.append((hashlib.sha256(a2b_base64("".join(png))).hexdigest(), alt))
    return found


@pytest.mark.parametrize("name", LESSONS)
def test_figures_carry_the_alt_text_of_the_notebook(site, name):
    images = parse(site, Path(f"notebooks/{name}.html")).images
    by_file = {Path(img.get("src", "")).stem: img.get("alt", "") for img in images}
    for digest, alt in notebook_alts(REPO / "notebooks" / f"{name}.ipynb"):
        assert by_file.get(digest) == alt
    for img in images:
        alt = img.get("alt", "").strip()
        assert alt, img.get("src")
        assert not re.search(r"\.(png|svg|jpe?g)$", alt), f"a file name as alt text: {alt}"


@pytest.mark.parametrize("name", LESSONS)
def test_every_player_has_a_caption_and_an_embedded_source(site, name):
    players = parse(site, Path(f"notebooks/{name}.html")).audio
    assert players, "a lesson without audio players"
    for player in players:
        assert player.get("aria-label", "").strip()
        assert player.get("src", "").startswith("data:audio/")


@pytest.mark.parametrize("name", LESSONS)
def test_every_lesson_has_the_run_this_live_box(site, name):
    text = (site / "notebooks" / f"{name}.html").read_text(encoding="utf-8")
    box = text.split('<aside class="course-live"', 1)[1].split("</aside>", 1)[0]
    assert f"colab.research.google.com/github/" in box and f"notebooks/{name}.ipynb" in box
    assert f'href="{name}.ipynb" download' in box and (site / "notebooks" / f"{name}.ipynb").is_file()
    assert "make lab" in box


def test_home_page_has_the_readme_lesson_table_and_the_glossary(site):
    text = (site / "index.html").read_text(encoding="utf-8")
    article = Page(text.split('<article class="bd-article"', 1)[1].split("</article>", 1)[0])
    for name in LESSONS:
        assert f"notebooks/{name}.html" in article.links, name
    assert "glossary.html" in article.links, "the home page's text does not link to the glossary"


def test_glossary_links_each_term_to_its_lesson(site):
    text = (site / "glossary.html").read_text(encoding="utf-8")
    terms = {}
    for dts, dd in re.findall(r'((?:<dt id="term-[^"]+">.*?</dt>\s*)+)<dd>(.*?)</dd>', text, flags=re.S):
        for term in re.findall(r'<dt id="term-[^"]+">([^<]+)', dts):
            terms[term.strip()] = dd
    for term in GLOSSARY_TERMS:
        assert term in terms, term
        assert re.search(r'href="notebooks/[0-9]{2}_[a-z0-9_]+\.html#', terms[term]), term
