# Workforce: `make run` to try it, `make test` to check it. Everything installs into .venv.
PYTHON ?= python3
PORT ?= 8000
HOST ?= 127.0.0.1
VENV := .venv
BIN := $(VENV)/bin

.PHONY: help run test bench lint fmt install install-test clean-db

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed ## Install the app into .venv

install-test: $(VENV)/.installed-test ## Install the app with test and dev extras

run: install ## Install, migrate, load demo data into an empty database, print logins, serve
	$(BIN)/workforce migrate
	$(BIN)/workforce demo-data --if-empty
	@echo "Serving on http://$(HOST):$(PORT)"
	$(BIN)/workforce serve --host $(HOST) --port $(PORT)

test: install-test ## Run the whole test suite (SQLite unless DATABASE_URL says otherwise)
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

bench: install-test ## Print benchmark figures
	$(BIN)/python benchmarks/run.py

lint: install-test ## ruff check and ruff format --check
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

fmt: install-test ## ruff format and fix imports
	$(BIN)/ruff check --fix --select I src tests benchmarks
	$(BIN)/ruff format src tests benchmarks
