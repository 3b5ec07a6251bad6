# Quick start: `make demo` and `make test` (both set up .venv on first use).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DEMO   ?= demo-out

.PHONY: setup demo test lint bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,dask,sudachi]"
	touch $@

demo: setup
	rm -rf $(DEMO)
	$(BIN)/jinmyaku analyze corpus/aozora/*.txt corpus/livedoor/*/*-*.txt --quiet -o $(DEMO)/analyses.jsonl
	$(BIN)/jinmyaku report $(DEMO)/analyses.jsonl -o $(DEMO)/report
	@echo "open $(DEMO)/report/index.html"

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check jinmyaku_nlp tests benchmarks tools
	$(BIN)/ruff format --check jinmyaku_nlp tests benchmarks tools

bench: setup
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) $(DEMO) build dist *.egg-info .pytest_cache .ruff_cache
