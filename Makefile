# Two commands on a fresh machine: `make run` (set-up, ingest the sample reports, start the app)
# and `make test` (set-up, lint, the whole test suite).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STORE ?= storage
HOST ?= 127.0.0.1
PORT ?= 7860

.PHONY: setup run ingest app test lint eval eval-dev goldcheck bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

# The CPU build of PyTorch goes in first so sentence-transformers never pulls a CUDA build.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

setup: $(VENV)/.installed

ingest: setup
	$(BIN)/python -m ingest data/reports --store $(STORE)

run: ingest
	$(BIN)/python app.py --host $(HOST) --port $(PORT) --store $(STORE)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: setup lint
	$(BIN)/python -m pytest -q

eval: setup
	$(BIN)/python -m eval --corpus data/reports --out eval/out

# Every question file of eval/suites/dev.toml (fixed set, extra, dev tune/test sets), one section each in eval/RESULTS.md.
eval-dev: setup
	$(BIN)/python -m eval --suite eval/suites/dev.toml --out eval/out/dev --write-results

goldcheck: setup
	$(BIN)/python -m eval.goldcheck --suite eval/suites/dev.toml

bench: setup
	$(BIN)/python -m eval.bench --reports 1000 --out /tmp/bench

clean:
	rm -rf $(VENV) $(STORE) eval/out
