# Two commands do all the set-up (docs/getting-started.md#quick-start): `make run` and `make test`.
# Each creates or updates the local virtual environment first; the stamp file is rebuilt whenever
# pyproject.toml changes, so a pull that adds a dependency installs it on the next command.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.edgeload-installed
# Defined before the rules that list them: make expands prerequisites when it reads a rule, so `unit` would
# otherwise depend on empty names and never install the npm packages or Debian chromium.
CLIENTS := tests/clients
NODE_STAMP := $(CLIENTS)/node_modules/.edgeload-installed
CHROMIUM_STAMP := $(VENV)/.edgeload-chromium
BUILDAH_STAMP := $(VENV)/.edgeload-buildah

.PHONY: run test lint typecheck docs unit pythons setup bench setup-browser image

run: $(STAMP)
	$(BIN)/edgeload run

# The whole CI: lint, strict types, every test (slow end-to-end ones included), then the other supported Pythons.
# pytest runs under gevent's monkey-patching from the first import: with schemathesis' pytest plugin
# loaded, a test module importing locust otherwise fails at collection with RecursionError.
test: $(STAMP) lint typecheck docs unit pythons

lint: $(STAMP)
	$(BIN)/ruff check .

# scripts/ and deploy/ hold tools outside the packages, checked on their own (mypy takes packages or files, not both).
typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/mypy scripts
	$(BIN)/mypy deploy

# The docs site (docs/index.md), built as CI builds it: --strict fails on a broken link or anchor and on a page
# left out of mkdocs.yml's nav (never add --quiet: mkdocs 1.6 then drops the warnings --strict counts and passes).
# build/ is git-ignored; `.venv/bin/mkdocs serve` serves the same pages locally.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir build/site
	@! grep -rlE '<(link|script|img)[^>]*(href|src)="(https?:)?//' --include='*.html' build/site \
	  || { echo "make docs: the pages above load something from the internet when viewed"; exit 1; }

unit: $(STAMP) $(NODE_STAMP) $(CHROMIUM_STAMP) $(BUILDAH_STAMP)
	$(BIN)/python -m gevent.monkey --module pytest

# The supported Pythons other than the venv's (docs/pythons.md): on each, the wheel in a fresh venv, the
# fast tests and the first commands. A version not found fails loudly; EDGELOAD_PYTHONS="3.12" narrows on purpose.
pythons: $(STAMP)
	$(BIN)/python -m tests.pythons

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# aepp is a test client only; its full dependency tree is 498 MB, aepp.edge needs none of it.
	$(BIN)/python -m pip install --quiet --no-deps aepp==0.6.0
	touch $@

# The emulator benchmarks load it with wrk (Debian's package), installed here when missing.
bench: $(STAMP)
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
	$(BIN)/python -m benchmarks

# Real clients for tests/clients (docs/clients.md). npm packages come pinned by package-lock.json and are
# installed without install scripts: none is needed, and playwright-core must never download a browser of its own.
# Debian's chromium is installed only when the machine lacks it; if that fails, the browser tests skip and say why.

$(NODE_STAMP): $(CLIENTS)/package-lock.json
	npm ci --prefix $(CLIENTS) --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

setup-browser: $(CHROMIUM_STAMP)

$(CHROMIUM_STAMP): | $(STAMP)
	@test -x /usr/bin/chromium || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	  chromium >$(VENV)/chromium-install.log 2>&1; } \
	  || echo "make: no Debian chromium ($(VENV)/chromium-install.log says why): browser tests will skip"
	@if test -x /usr/bin/chromium; then touch $@; fi

# The container image (docs/distributed.md#deploying): deploy/Containerfile built with Debian's
# buildah alone (vfs storage under build/image, chroot isolation), on a debootstrapped stand-in base when the official
# one cannot be pulled. tests/deploy/test_image.py builds and smoke-tests it; both tools are installed here when
# missing, and if that fails the image test skips and says why.
image: $(STAMP) $(BUILDAH_STAMP)
	$(BIN)/python deploy/build_image.py

$(BUILDAH_STAMP): | $(STAMP)
	@{ command -v buildah && command -v debootstrap; } >/dev/null || { apt-get update -qq \
	  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq buildah debootstrap >$(VENV)/buildah-install.log 2>&1; } \
	  || echo "make: no buildah or debootstrap ($(VENV)/buildah-install.log says why): the image test will skip"
	@if command -v buildah >/dev/null && command -v debootstrap >/dev/null; then touch $@; fi
