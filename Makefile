# From n-grams to ELMo: every command a reader, a teacher or CI needs.
# `make test` and `make book` set everything up themselves (venv, pinned requirements, package).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NB ?=
EXECUTE ?=
NOTEBOOKS := $(if $(NB),$(wildcard notebooks/$(NB)*.ipynb),$(sort $(wildcard notebooks/[0-9]*.ipynb)))

.PHONY: help install data test unit nbval book notebooks lab bench clean

help:
	@echo "make test       prepare data, run unit tests and nbval over every notebook"
	@echo "make book       build the HTML book into _build/html (EXECUTE=1 re-executes notebooks)"
	@echo "make data       build the course corpus into data/"
	@echo "make notebooks  re-execute notebooks and save their outputs (NB=01 for one chapter)"
	@echo "make lab        open JupyterLab on the notebooks"
	@echo "make bench      run the benchmarks against peer libraries"
	@echo "make clean      remove build products (keeps .venv and data/)"

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt -c constraints.txt
	$(BIN)/pip install --disable-pip-version-check -q --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

data: $(STAMP)
	$(BIN)/python -m course.data build

unit: $(STAMP)
	$(BIN)/python -m pytest -m "not browser"

nbval: $(STAMP)
	$(BIN)/python -m pytest -p no:randomly --nbval --nbval-current-env \
		--nbval-sanitize-with notebooks/sanitize.cfg $(NOTEBOOKS)

test: data unit nbval

notebooks: $(STAMP)
	$(BIN)/python -m course.notebooks execute $(NOTEBOOKS)

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf _build .pytest_cache
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +
