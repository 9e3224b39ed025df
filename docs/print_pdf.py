"""Print the built course website to one PDF (``make pdf``): every page in the order of its table of contents,
printed by headless Chromium (/usr/bin/chromium, driven by playwright), merged with pypdf, with one bookmark per
page. The site is served from 127.0.0.1 and every other request is refused, so the PDF is built offline.

Usage: python docs/print_pdf.py SITE_DIR OUTPUT.pdf
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import sys
import threading
from pathlib import Path
from urllib.parse import urljoin, urlparse

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def serve(site: Path):
    """Serve ``site`` on 127.0.0.1 on a free port; yields the base URL (ending in '/')."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def confine(context, base_url: str) -> list[str]:
    """Refuse every request outside ``base_url`` (and data:/blob:); returns the list the refused URLs go to."""
    outside: list[str] = []
    origin = urlparse(base_url).netloc

    def route(route):
        url = route.request.url
        parsed = urlparse(url)
        if parsed.scheme in {"data", "blob"} or (parsed.scheme == "http" and parsed.netloc == origin):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    context.route("**/*", route)
    return outside


def wait_until_rendered(page) -> None:
    """Until the page's equations are typeset (MathJax loads and runs after the page)."""
    page.wait_for_load_state("load")
    page.wait_for_function(
        "() => !window.MathJax || (window.MathJax.startup && window.MathJax.startup.promise"
        " && (window.__mathjaxDone || (window.MathJax.startup.promise.then(() => window.__mathjaxDone = true), false)))",
        timeout=60_000,
    )


def page_order(page, base_url: str) -> list[str]:
    """The site's pages in the order of its navigation: the home page, then the sidebar's entries."""
    page.goto(base_url + "index.html")
    hrefs = page.eval_on_selector_all("nav.bd-docs-nav a.reference.internal", "links => links.map(a => a.href)")
    pages = [base_url + "index.html"]
    for href in hrefs:
        url = urljoin(base_url, href).split("#", 1)[0]
        if url not in pages:
            pages.append(url)
    return pages


def print_site(site: Path, output: Path) -> list[tuple[str, int]]:
    """Print every page of ``site`` into ``output``; returns (title, first page number) for each site page."""
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    contents = []
    with serve(site) as base_url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            context = browser.new_context()
            outside = confine(context, base_url)
            page = context.new_page()
            for url in page_order(page, base_url):
                page.goto(url)
                wait_until_rendered(page)
                title = page.eval_on_selector("main h1", "h => h.textContent.replace('#', '').trim()")
                pdf = page.pdf(format="A4", print_background=True, display_header_footer=True,
                               margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"},
                               header_template="<span></span>",
                               footer_template='<div style="font-size:8px;width:100%;text-align:center">'
                                               '<span class="title"></span> · <span class="pageNumber"></span></div>')
                start = len(writer.pages)
                writer.append(PdfReader(io.BytesIO(pdf)))
                writer.add_outline_item(title=title, page_number=start)
                contents.append((title, start + 1))
            if outside:
                raise RuntimeError(f"the site loaded resources from outside itself: {sorted(set(outside))}")
        finally:
            browser.close()
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("wb") as handle:
        writer.write(handle)
    return contents


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1])
        return 2
    site, output = Path(argv[0]), Path(argv[1])
    if not (site / "index.html").is_file():
        print(f"No site at {site}: run `make site` first")
        return 1
    contents = print_site(site, output)
    for title, start in contents:
        print(f"  p. {start:>3}  {title}")
    print(f"Wrote {output} ({len(contents)} site pages)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
