# Two entry points (see README): `make serve` and `make test`. Each creates .venv with
# Python 3.11 and installs the pinned requirements first, re-installing when they change.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1
# Reproducible builds: pages and sitemaps are dated by the last commit, not by the clock.
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)

.PHONY: serve build test bench matrix

# --dirty: a reload re-renders only the pages an edit changed (hooks/dirty_reload.py)
serve: $(VENV)/site.stamp
	$(BIN)/mkdocs serve --dirty

build: $(VENV)/site.stamp
	$(BIN)/mkdocs build --strict

test: $(VENV)/test.stamp node_modules/.package-lock.json
	$(BIN)/python -m pytest

bench: $(VENV)/test.stamp
	$(BIN)/python scripts/bench_step.py

# The claims about the frameworks under other versions (one venv each in .cache/matrix/, ~3.7 GB, the
# torch 2.14.1 one ~8 GB) → data/versions.json. Not part of `make test`, which checks that file.
matrix: $(VENV)/test.stamp
	$(BIN)/python scripts/matrix.py

$(VENV)/site.stamp: requirements.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/test.stamp: requirements.txt requirements-test.txt requirements-numpy2.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt -c constraints.txt
	rm -rf $(VENV)/numpy2
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --target $(VENV)/numpy2 -r requirements-numpy2.txt
	touch $@ $(VENV)/site.stamp

# axe-core and Lighthouse for the browser tests and benchmarks (versions pinned in package-lock.json)
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
