# Audio Features for ML — set-up, lessons and tests. `make lab` to learn, `make test` to check everything.
# Every target first runs the set-up, which is quick when nothing changed.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.course-installed
LAB_PORT ?= 8888
LAB_TOKEN ?=
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
XDIST := -n 2 --dist loadfile
# Tests and committed outputs must not depend on (or embed) a voice someone recorded on this machine.
NO_RECORDINGS := AUDIO_COURSE_RECORDINGS=off
# OpenBLAS kernels that stand in for students' CPUs (Intel without AVX-512, AMD Zen); see README, "Supported versions".
OTHER_CPUS ?= Prescott Zen
# The course's Jupyter server settings (widget messages are not kernel activity: see the file's docstring).
# The browser tests and benchmarks start their servers with the same folder (tests/browser/harness.py).
LAB_CONFIG := $(CURDIR)/course_utils/jupyter_config

.PHONY: help setup lab test test-unit test-notebooks notebooks test-browser test-matrix test-cpus test-py313 \
	test-colab test-floor benchmarks clean \
	site pdf test-site

help:
	@echo "make lab            set up, then start JupyterLab on the lessons (http://127.0.0.1:$(LAB_PORT))"
	@echo "make test           set up, then run the unit tests and check every notebook with nbval"
	@echo "make notebooks      re-execute every lesson in place (NB=03_stft.ipynb for one) so outputs are current"
	@echo "make test-browser   drive the explorers in JupyterLab, the live view in JupyterLab and Notebook 7, with headless Chromium"
	@echo "make test-matrix    every supported-versions leg: test, test-cpus, test-py313, test-colab, test-floor"
	@echo "make test-cpus      nbval under other CPUs' OpenBLAS kernels ($(OTHER_CPUS))"
	@echo "make test-py313     unit tests and nbval on Python 3.13 with the newest releases (librosa 1.x)"
	@echo "make test-colab     unit tests and every notebook on Colab's pinned versions"
	@echo "make test-floor     unit tests and every notebook on the lowest versions pyproject.toml allows"
	@echo "make site           build the course website from the committed notebooks into build/site (no network)"
	@echo "make pdf            print every page of the site into build/course.pdf"
	@echo "make test-site      check the built site and PDF in headless Chromium (links, audio, alt text, axe)"
	@echo "make benchmarks     print speed ratios against librosa / the naive baselines"

# One virtual environment per leg of the version matrix.
# $(call leg-venv,FOLDER,PYTHON,PIP OPTIONS,EXTRA PREREQUISITES) defines FOLDER/.course-installed.
define leg-venv
$(1)/.course-installed: pyproject.toml $(4)
	@test -n "$(2)" || { echo "No Python 3.13 found: install python3.13 (e.g. pyenv install 3.13) for this leg"; exit 1; }
	test -x $(1)/bin/python || $(2) -m venv $(1)
	$(1)/bin/python -m pip install --quiet --upgrade pip
	$(1)/bin/python -m pip install --quiet $(3) -e ".[dev]"
	$(1)/bin/python -m course_utils.warmup
	@touch $$@
endef

# Colab and librosa 1.x (which needs Python >= 3.12) run on Python 3.13: the first python3.13 found.
PYTHON313 ?= $(shell for candidate in python3.13 $$HOME/.pyenv/versions/3.13*/bin/python3.13; do \
	"$$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null && echo "$$candidate" && break; \
	done)
PY313_VENV ?= .venv-py313
COLAB_VENV ?= .venv-colab
FLOOR_VENV ?= .venv-floor

$(eval $(call leg-venv,$(VENV),$(PYTHON),,))
$(eval $(call leg-venv,$(PY313_VENV),$(PYTHON313),,))
$(eval $(call leg-venv,$(COLAB_VENV),$(PYTHON313),-c .ci/colab-constraints.txt,.ci/colab-constraints.txt))
$(eval $(call leg-venv,$(FLOOR_VENV),$(PYTHON),-c .ci/floor-constraints.txt,.ci/floor-constraints.txt))

setup: $(STAMP)

lab: setup
	@echo "Starting JupyterLab on the lessons: open http://127.0.0.1:$(LAB_PORT)/lab$(if $(LAB_TOKEN),?token=$(LAB_TOKEN),) (Ctrl-C stops it)"
	JUPYTER_CONFIG_PATH=$(LAB_CONFIG)$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH),) \
	$(VENV)/bin/jupyter lab --no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) \
		--ServerApp.port_retries=0 --ServerApp.root_dir=notebooks \
		$(if $(LAB_TOKEN),--IdentityProvider.token=$(LAB_TOKEN),) $(if $(filter 0,$(shell id -u)),--allow-root,)

test: test-unit test-notebooks

test-unit: setup
	$(NO_RECORDINGS) $(PY) -m pytest tests $(XDIST) --ignore=tests/browser --ignore=tests/site

test-notebooks: setup
	$(NO_RECORDINGS) $(PY) -m pytest $(NBVAL) $(XDIST) notebooks

notebooks: setup
	$(NO_RECORDINGS) $(PY) .ci/execute_notebooks.py --in-place $(NB)

test-browser: setup
	bash tests/browser/install.sh
	$(PY) -m pytest tests/browser -p no:xdist -v

# The supported-versions matrix (README, "Supported versions"). Legs (a) `test` and (b) `test-py313` compare every
# notebook's outputs with the committed ones; the pinned legs (c) and (d) may print other numbers, so they only
# require every notebook to run cleanly (no error, nothing on stderr).
test-matrix: test test-cpus test-py313 test-colab test-floor

test-cpus: setup
	@for core in $(OTHER_CPUS); do \
		echo "== nbval with OPENBLAS_CORETYPE=$$core"; \
		OPENBLAS_CORETYPE=$$core $(PY) .ci/versions.py || exit 1; \
		OPENBLAS_CORETYPE=$$core $(NO_RECORDINGS) $(PY) -m pytest $(NBVAL) $(XDIST) -q notebooks || exit 1; \
	done

test-py313: $(PY313_VENV)/.course-installed
	$(PY313_VENV)/bin/python .ci/versions.py
	$(NO_RECORDINGS) $(PY313_VENV)/bin/python -m pytest tests -q $(XDIST) --ignore=tests/browser --ignore=tests/site
	$(NO_RECORDINGS) $(PY313_VENV)/bin/python -m pytest $(NBVAL) $(XDIST) -q notebooks

test-colab: $(COLAB_VENV)/.course-installed
	$(COLAB_VENV)/bin/python .ci/versions.py --expect .ci/colab-constraints.txt
	$(NO_RECORDINGS) $(COLAB_VENV)/bin/python -m pytest tests -q $(XDIST) --ignore=tests/browser --ignore=tests/site
	$(NO_RECORDINGS) $(COLAB_VENV)/bin/python .ci/execute_notebooks.py

test-floor: $(FLOOR_VENV)/.course-installed
	$(FLOOR_VENV)/bin/python .ci/versions.py --expect .ci/floor-constraints.txt
	$(NO_RECORDINGS) $(FLOOR_VENV)/bin/python -m pytest tests -q $(XDIST) --ignore=tests/browser --ignore=tests/site
	$(NO_RECORDINGS) $(FLOOR_VENV)/bin/python .ci/execute_notebooks.py

# The website (docs/): Sphinx + myst-nb over the committed outputs, never re-executed. The install step is the only
# one that reaches a registry (the docs extra, and MathJax and axe-core from npm); the build itself is offline.
SITE := build/site
SITE_NPM := build/site-npm
DOCS_STAMP := $(VENV)/.docs-installed

$(DOCS_STAMP): $(STAMP) pyproject.toml
	$(PY) -m pip install --quiet -e ".[docs]"
	@touch $@

$(SITE_NPM)/.installed: docs/package.json
	mkdir -p $(SITE_NPM) && cp docs/package.json $(SITE_NPM)/
	cd $(SITE_NPM) && npm install --silent --no-audit --no-fund --no-package-lock
	@touch $@

# Sphinx reads docs/ and notebooks/ side by side, staged in build/site-src (it resolves symlinks out of its source).
# The lessons are every notebooks/NN_*.ipynb (docs/index.md globs them too). The site is rebuilt when a lesson, the
# docs, the README (its lesson table) or the Colab links change; it is written next door and moved in only when the
# build succeeds, so a failed build never leaves a site that looks current.
LESSON_NOTEBOOKS := $(wildcard notebooks/[0-9][0-9]_*.ipynb)
SITE_SOURCES := $(LESSON_NOTEBOOKS) $(shell find docs -type f -not -name '*.pyc') README.md course_utils/colab.py

$(SITE)/index.html: $(DOCS_STAMP) $(SITE_NPM)/.installed $(SITE_SOURCES)
	rm -rf build/site-src $(SITE).new && mkdir -p build/site-src/notebooks
	cp -r docs/. build/site-src/ && cp $(LESSON_NOTEBOOKS) build/site-src/notebooks/
	COURSE_REPO=$(CURDIR) MATHJAX_DIR=$(abspath $(SITE_NPM))/node_modules/mathjax/es5 $(PY) -m sphinx -b html -q -j 2 -W --keep-going build/site-src $(SITE).new
	rm -rf $(SITE) && mv $(SITE).new $(SITE)

site: $(SITE)/index.html
	@echo "The site is in $(SITE)/index.html"

build/course.pdf: $(SITE)/index.html docs/print_pdf.py
	$(PY) docs/print_pdf.py $(SITE) $@

pdf: build/course.pdf

test-site: build/course.pdf
	bash tests/browser/install.sh
	AXE_JS=$(SITE_NPM)/node_modules/axe-core/axe.min.js $(PY) -m pytest tests/site -p no:xdist -v

benchmarks: setup
	@for script in benchmarks/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) $(PY313_VENV) $(COLAB_VENV) $(FLOOR_VENV) *.egg-info
