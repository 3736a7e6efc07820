# The two quick-start commands are `make run` and `make test`; everything else is for developers.
# `make help` lists the targets (the text after `##` on a target's line).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= ./data/jobtrends.duckdb

.PHONY: help run test test-fast lint typecheck pytest bench bench-collect validate clean

help: ## List the targets
	@grep -E '^[a-z.-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP) ## Serve: collect, analyse and report on a schedule (DB=path)
	$(BIN)/jobtrends --db $(DB) serve

lint: $(STAMP) ## ruff check and ruff format --check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP) ## mypy
	$(BIN)/mypy

pytest: $(STAMP) ## The whole test suite
	$(BIN)/python -m pytest

test: lint typecheck pytest ## What CI runs: lint, typecheck, the whole suite

test-fast: lint typecheck $(STAMP) ## As test, without the slow and browser tests
	$(BIN)/python -m pytest -m "not slow and not browser"

# Every benchmark, printing numbers; the README quotes them.
bench: bench-collect ## Every benchmark (long: run under nice, one at a time)
	$(BIN)/jobtrends bench enrich --postings 1000000
	$(BIN)/jobtrends bench ingest
	$(BIN)/jobtrends bench aggregate
	$(BIN)/jobtrends bench analyze --postings 5000000
	$(BIN)/python -m tests.bench_report 5000000

bench-collect: $(STAMP) ## The collector benchmark at 10k and 50k items (the goal's sizes)
	for n in 10000 50000; do $(BIN)/jobtrends bench collect --items $$n --repeat 5; done

clean: ## Remove the venv and tool caches
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache

validate: $(STAMP) ## Recover planted effects over 20 simulated seeds
	$(BIN)/jobtrends validate --seeds 20
