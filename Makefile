# The two quick-start commands are `make run` and `make test`; everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= ./data/jobtrends.duckdb

.PHONY: run test lint typecheck pytest bench bench-collect validate clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/jobtrends --db $(DB) serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest

test: lint typecheck pytest

# Every benchmark, printing numbers; the README quotes them.
bench: bench-collect
	$(BIN)/jobtrends bench enrich --postings 1000000
	$(BIN)/jobtrends bench ingest
	$(BIN)/jobtrends bench aggregate
	$(BIN)/jobtrends bench analyze --postings 5000000
	$(BIN)/python -m tests.bench_report 5000000

bench-collect: $(STAMP)
	for n in 10000 50000; do $(BIN)/jobtrends bench collect --items $$n; done

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache

validate: $(STAMP)
	$(BIN)/jobtrends validate --seeds 20
