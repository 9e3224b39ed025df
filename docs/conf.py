"""Sphinx configuration of the course's website (``make site``): the committed, executed lessons, never re-executed.

Everything the pages load is served from the site itself: MathJax comes from the npm ``mathjax`` package that
``make site`` installs into ``build/site-npm`` (see the Makefile), the theme's fonts and icons ship inside
sphinx-book-theme, and the Colab badge is a local SVG (``course_site`` replaces the remote badge image).
"""

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
# The repository (for README.md); make site builds from a staged copy of docs/ and notebooks/ in build/site-src.
REPO = Path(os.environ.get("COURSE_REPO", DOCS.parent))
course_repo = str(REPO)
sys.path.insert(0, str(DOCS / "_ext"))

project = "Audio Features for ML"
author = "Audio Features for ML contributors"
copyright = "the course's contributors (MIT)"

extensions = ["myst_nb", "course_site"]
exclude_patterns = ["_build", "**/.ipynb_checkpoints", "package.json", "print_pdf.py"]

# The committed outputs are the lesson: show them as they are.
nb_execution_mode = "off"
nb_merge_streams = True
# An explorer's output holds its live widget view and a still picture of it; a page has no kernel to drive the widget,
# so it shows the picture (myst-nb would otherwise pick the widget view, which renders nothing without a kernel).
nb_mime_priority_overrides = [(builder, "application/vnd.jupyter.widget-view+json", None)
                              for builder in ("html", "dirhtml", "singlehtml")]
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3

html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static"]
html_css_files = ["course_site.css"]
html_theme_options = {
    "use_download_button": True,
    "show_toc_level": 2,
    "navigation_with_keys": True,
    "home_page_in_toc": True,
}
html_last_updated_fmt = None
html_show_sourcelink = False

# MathJax 3 from the local npm package (MATHJAX_DIR, set by the Makefile); relative paths are under _static.
_mathjax = Path(os.environ.get("MATHJAX_DIR", REPO / "build" / "site-npm" / "node_modules" / "mathjax" / "es5"))
if not (_mathjax / "tex-chtml.js").is_file():
    raise RuntimeError(f"MathJax is missing at {_mathjax}: run `make site`, which installs the npm mathjax package")
html_static_path.append(str(_mathjax.parent))  # copied as _static/es5/
mathjax_path = "es5/tex-chtml.js"
mathjax3_config = {"options": {"enableMenu": True}}

# The site's own icon (else the browser asks for /favicon.ico) and a light default (the theme warns without one).
html_favicon = "_static/favicon.svg"
html_context = {"default_mode": "light"}
