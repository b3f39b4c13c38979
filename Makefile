# Two entry points (see README): `make book` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NOTEBOOKS := $(wildcard notebooks/*.ipynb)
LIBRARY := $(shell find lib/dharm -name '*.py') lib/pyproject.toml
DATA := $(shell find data -type f)
EXECUTED := _build/executed/.stamp
HTML := _build/html/index.html
LEDGER := _build/reproduction.csv

.PHONY: book test setup notebooks html ledger estimates synthetic benchmark lab serve variants check-variants pdf check-pdf release clean

setup: $(STAMP)
$(STAMP): requirements.txt requirements-cff.txt lib/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e ./lib
	$(PYTHON) -m venv $(VENV)/cff
	$(VENV)/cff/bin/pip install --quiet -r requirements-cff.txt
	touch $(STAMP)

# Execute the notebooks whose inputs changed (papermill, two at a time), render, write the ledger.
# Each step runs only when a file it reads is newer than what it wrote; the notebook step then
# compares content hashes, so a checkout that only touched file times executes nothing.
book: setup $(EXECUTED)
	@$(MAKE) --no-print-directory $(HTML) $(LEDGER)

estimates: setup
	$(BIN)/python -m dharm estimates

$(EXECUTED): $(NOTEBOOKS) $(LIBRARY) $(DATA) requirements.txt $(STAMP)
	$(BIN)/python -m dharm notebooks
	mkdir -p $(@D) && touch $@

notebooks: setup
	$(BIN)/python -m dharm notebooks

# Rendered again only when a page's source changed (make compares file times). `make test` renders the
# committed notebooks as they are: it never executes them, so nbval compares against what was committed.
$(HTML): $(NOTEBOOKS) _config.yml _toc.yml intro.md cite.md references.md references.bib CITATION.cff $(LIBRARY) $(wildcard _static/*) $(STAMP)
	$(BIN)/jupyter-book build . -W --keep-going
	touch $@

html: setup
	$(BIN)/jupyter-book build . -W --keep-going

$(LEDGER): $(LIBRARY) $(DATA) $(STAMP)
	$(BIN)/python -m dharm ledger --out $@

ledger: setup $(LEDGER)

# Regenerate the synthetic survey microdata (only when the published data or the generator change).
synthetic: setup
	$(BIN)/python -m dharm synthetic

test: setup $(HTML) $(LEDGER)
	$(BIN)/python -m pytest

# JupyterLab on the notebooks, with the venv (and so the library) as the notebooks' python3 kernel.
# A notebook saved from Lab is executed again by the next `make notebooks` (its bytes no longer match the record).
lab: setup
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (dharm)" >/dev/null
	$(BIN)/jupyter lab notebooks/

# Preview the built book (run `make book` first) on this machine only: http://127.0.0.1:$(PORT)/ (`make serve PORT=8001`).
PORT ?= 8000
serve:
	@test -f $(HTML) || { echo "no book in _build/html: run make book first"; exit 1; }
	$(PYTHON) -m http.server $(PORT) --directory _build/html --bind 127.0.0.1

# Whole books with other parameters or another country's data, from variants/*.yml, into _build/variants/<name>/html.
variants: setup
	$(BIN)/python -m dharm variant

check-variants: variants
	$(BIN)/python -m pytest -m variant_books tests/test_variant_books.py

# The book in print: each page and the whole book as PDF from the built HTML (headless chromium), into
# _build/pdf/ and _build/html/_pdf/, where each page's Download menu links them. Checked by `make check-pdf`.
pdf: setup $(HTML)
	$(BIN)/python -m dharm pdf

check-pdf: pdf
	$(BIN)/python -m pytest -m pdf_books tests/test_pdf.py

benchmark: setup
	$(BIN)/python -m dharm benchmark

# Cut an edition: `make release VERSION=0.2.0` refuses a dirty tree or failing tests, stamps CITATION.cff,
# keeps the ledger and estimates under _build/editions/<version>/, writes CHANGES.md and prints the tag to create.
release: setup
	@test -n "$(VERSION)" || { echo "usage: make release VERSION=x.y.z"; exit 2; }
	$(BIN)/python -m dharm release $(VERSION)

clean:
	rm -rf _build
