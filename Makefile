# Two entry points (see README): `make serve` and `make test`. Each creates .venv with
# Python 3.11 and installs the pinned requirements first, re-installing when they change.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test bench

serve: $(VENV)/site.stamp
	$(BIN)/mkdocs serve

build: $(VENV)/site.stamp
	$(BIN)/mkdocs build --strict

test: $(VENV)/test.stamp
	$(BIN)/python -m pytest

bench: $(VENV)/test.stamp
	$(BIN)/python scripts/bench_step.py

$(VENV)/site.stamp: requirements.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/test.stamp: requirements.txt requirements-test.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-test.txt -c constraints.txt
	touch $@ $(VENV)/site.stamp
