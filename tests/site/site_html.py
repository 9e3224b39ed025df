"""Read a built page: the resources it loads, its links, anchors, images and audio players (standard library)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Link relations that make the browser fetch the target (a plain <a href> or rel="next" does not).
LOADING_RELS = {"stylesheet", "icon", "shortcut", "preload", "modulepreload", "prefetch", "apple-touch-icon",
                "manifest", "mask-icon", "dns-prefetch", "preconnect"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")


class Page(HTMLParser):
    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.loads: list[str] = []  # URLs the browser fetches to show the page
        self.links: list[str] = []  # <a href>
        self.ids: set[str] = set()
        self.images: list[dict] = []
        self.audio: list[dict] = []
        self._style = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        if tag in {"img", "script", "audio", "source", "video", "iframe", "embed", "track", "input"} and a.get("src"):
            self.loads.append(a["src"])
        if tag == "link" and a.get("href"):
            if LOADING_RELS & set((a.get("rel") or "").lower().split()):
                self.loads.append(a["href"])
            else:  # rel="next", "prev", "index", "search": pages the browser and the keyboard shortcuts go to
                self.links.append(a["href"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "img":
            self.images.append(a)
        if tag == "audio":
            self.audio.append(a)
        if "style" in a:
            self.loads.extend(u for pair in CSS_URL.findall(a["style"]) for u in pair if u)
        self._style = tag == "style"

    def handle_endtag(self, tag):
        self._style = False

    def handle_data(self, data):
        if self._style:
            self.loads.extend(css_loads(data))


def css_loads(css: str) -> list[str]:
    return [u for pair in CSS_URL.findall(css) for u in pair if u]


def is_external(url: str) -> bool:
    """A URL that leaves the site: any scheme other than data:, or a protocol-relative //host."""
    return url.startswith("//") or (bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url)) and not url.startswith("data:"))
