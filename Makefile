# Two entry points (see README): `make book` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NOTEBOOKS := $(wildcard notebooks/*.ipynb)
STAMP := $(VENV)/.installed

.PHONY: book test setup notebooks html ledger synthetic benchmark clean

setup: $(STAMP)
$(STAMP): requirements.txt lib/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e ./lib
	touch $(STAMP)

# Execute every chapter with papermill (in place, two at a time), render, write the ledger.
book: setup notebooks html ledger

notebooks: setup
	$(BIN)/python -m dharm.build execute $(NOTEBOOKS)

html: setup
	$(BIN)/jupyter-book build . -W --keep-going

ledger: setup
	$(BIN)/python -m dharm.ledger --out _build/reproduction.csv

# Regenerate the synthetic microdata (only when the published data or the generator change).
synthetic: setup
	$(BIN)/python -m dharm.synthetic

test: setup html ledger
	$(BIN)/python -m pytest

benchmark: setup
	$(BIN)/python -m dharm.benchmark

clean:
	rm -rf _build
