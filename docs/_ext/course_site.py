"""The course's own Sphinx glue: the README's lesson table on the home page, a local Colab badge, a "run this live"
box on every lesson, and the notebooks themselves next to their pages for download.

Nothing here fetches anything: a remote image other than the Colab badge stops the build, so no page can load a
resource from outside the site.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from binascii import a2b_base64
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from course_utils.colab import BADGE_IMAGE, colab_url

LESSON_TABLE_MARKER = "<!-- lessons table from README.md -->"
BADGE_FILE = "colab-badge.svg"


def readme_lesson_table(readme: Path) -> str:
    """The lessons table of README.md, with links to the site's pages instead of the notebooks' files."""
    text = readme.read_text(encoding="utf-8")
    section = text.split("\n## Lessons\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    if len(rows) < 3:
        raise ExtensionError("README.md: no lessons table under '## Lessons'")
    table = "\n".join(rows)
    return re.sub(r"\]\(notebooks/([0-9]{2}_[a-z0-9_]+)\.ipynb\)", r"](notebooks/\1)", table)


def _source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    if docname == "index" and LESSON_TABLE_MARKER in source[0]:
        table = readme_lesson_table(Path(app.config.course_repo) / "README.md")
        source[0] = source[0].replace(LESSON_TABLE_MARKER, table)


def _relative_static(app: Sphinx, docname: str) -> str:
    depth = docname.count("/")
    return "../" * depth + "_static/"


def _localize_images(app: Sphinx, doctree: nodes.document) -> None:
    """The Colab badge from the site's own _static; any other remote image is an error."""
    docname = app.env.docname
    for image in doctree.findall(nodes.image):
        uri = image.get("uri", "")
        if not re.match(r"^[a-z]+://", uri):
            continue
        if uri != BADGE_IMAGE:
            raise ExtensionError(f"{docname}: remote image {uri!r}; ship it under docs/_static instead")
        # A remote URI that Sphinx leaves alone; the path is relative to the page.
        image["uri"] = _relative_static(app, docname) + BADGE_FILE
        image["candidates"] = {"?": image["uri"]}


def _live_box(app: Sphinx, doctree: nodes.document) -> None:
    """After each lesson's title: open it in Colab, download the notebook, or run it with `make lab`."""
    docname = app.env.docname
    if not docname.startswith("notebooks/"):
        return
    name = docname.split("/", 1)[1]
    badge = _relative_static(app, docname) + BADGE_FILE
    html = f"""
<aside class="course-live" aria-label="Run this lesson live">
<p class="course-live-title"><strong>Run this live.</strong> The sliders and explorers need a running Python;
this page shows their figures for the default settings.</p>
<ul>
<li><a href="{colab_url(f"notebooks/{name}.ipynb")}"><img src="{badge}" alt="Open in Colab" height="20"></a>
 (in the browser, nothing to install)</li>
<li><a href="{name}.ipynb" download>Download the notebook</a> ({name}.ipynb)</li>
<li>On your machine, from a clone of the repository: <code>make lab</code></li>
</ul>
</aside>
"""
    sections = list(doctree.findall(nodes.section))
    if not sections:
        raise ExtensionError(f"{docname}: a lesson without a title")
    title_section = sections[0]
    raw = nodes.raw("", html, format="html")
    # Right after the title and the lesson's first paragraphs (the badge and the promise).
    index = 1
    for i, child in enumerate(title_section.children[1:], start=1):
        if isinstance(child, nodes.section):
            break
        index = i + 1
        if i >= 2:
            break
    title_section.insert(index, raw)


def figure_alt_texts(notebook: Path) -> dict[str, str]:
    """The alt text each figure of a notebook carries in its output metadata (``{"image/png": {"alt": ...}}``, as
    ``course_utils.plots.show`` writes it), keyed by the SHA-256 of the PNG: the name myst-nb gives the image file."""
    alts = {}
    for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
        for output in cell.get("outputs", []):
            png = output.get("data", {}).get("image/png")
            alt = output.get("metadata", {}).get("image/png", {}).get("alt")
            if png and alt:
                data = "".join(png) if isinstance(png, list) else png
                alts[hashlib.sha256(a2b_base64(data)).hexdigest()] = alt
    return alts


def _figure_alt(app: Sphinx, doctree: nodes.document) -> None:
    """Every figure of a lesson gets its alt text (myst-nb only copies width and height from output metadata).

    A figure whose notebook has no alt text yet says so with its section's title, never a file name."""
    docname = app.env.docname
    if not docname.startswith("notebooks/"):
        return
    alts = figure_alt_texts(Path(app.env.doc2path(docname)))
    for image in doctree.findall(nodes.image):
        stem = Path(image.get("uri", "")).stem
        if not re.fullmatch(r"[0-9a-f]{64}", stem):
            continue
        if stem in alts:
            image["alt"] = alts[stem]
        else:
            section = next((n for n in _ancestors(image) if isinstance(n, nodes.section)), None)
            where = section[0].astext() if section is not None and section.children else "this lesson"
            image["alt"] = f"Figure in “{where}” (no text description yet)"


_CAPTIONED_PLAYER = re.compile(r"(<div><b>(?P<caption>[^<]+)</b></div>\s*<audio)(?![^>]*aria-label)")


def _audio_captions(app: Sphinx, doctree: nodes.document) -> None:
    """Each player is named by the caption above it (``course_utils.audio.players``), for screen readers too."""
    if not app.env.docname.startswith("notebooks/"):
        return
    for raw in list(doctree.findall(nodes.raw)):
        if "html" not in raw.get("format", "") or "<audio" not in raw.astext():
            continue
        html = _CAPTIONED_PLAYER.sub(lambda m: f'{m.group(1)} aria-label="{m.group("caption")}"', raw.astext())
        raw.replace_self(nodes.raw("", html, format=raw["format"]))


def _ancestors(node: nodes.Node):
    while node.parent is not None:
        node = node.parent
        yield node


def _copy_notebooks(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    source = Path(app.confdir) / "notebooks"
    target = Path(app.outdir) / "notebooks"
    target.mkdir(parents=True, exist_ok=True)
    for notebook in sorted(source.glob("[0-9][0-9]_*.ipynb")):
        shutil.copy2(notebook, target / notebook.name)


def setup(app: Sphinx) -> dict:
    app.add_config_value("course_repo", "", "env")
    app.connect("source-read", _source_read)
    app.connect("doctree-read", _localize_images)
    app.connect("doctree-read", _live_box)
    app.connect("doctree-read", _figure_alt)
    app.connect("doctree-read", _audio_captions)
    app.connect("build-finished", _copy_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
