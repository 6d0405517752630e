# Two commands do all the set-up (README "Quick start"): `make run` and `make test`.
# Each creates or updates the local virtual environment first; the stamp file is rebuilt whenever
# pyproject.toml changes, so a pull that adds a dependency installs it on the next command.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.edgeload-installed

.PHONY: run test lint typecheck unit setup bench

run: $(STAMP)
	$(BIN)/edgeload run

# The whole CI: lint, strict types, then every test (slow end-to-end ones included).
# pytest runs under gevent's monkey-patching from the first import: with schemathesis' pytest plugin
# loaded, a test module importing locust otherwise fails at collection with RecursionError (STYLE.md).
test: $(STAMP) lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m gevent.monkey --module pytest

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# aepp is a test client only; its full dependency tree is 498 MB, aepp.edge needs none of it (REAL-CLIENTS.md).
	$(BIN)/python -m pip install --quiet --no-deps aepp==0.6.0
	touch $@

bench: $(STAMP)
	$(BIN)/python -m benchmarks
