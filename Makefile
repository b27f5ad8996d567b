# Akkord: `make run` starts the app on the demo project, `make test` runs every test.
# Both create the virtual environment .venv (and install Akkord into it) when needed.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint check bench crashtest screenshots demo dist clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## install, then start the GUI on the demo project
	$(BIN)/akkord gui --demo

test: $(STAMP)  ## install, then run the whole test suite (GUI tests offscreen, real PostgreSQL)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

lint: $(STAMP)  ## ruff and mypy, as configured in pyproject.toml
	$(BIN)/ruff check desktop tests benchmarks
	$(BIN)/mypy

check: lint test

bench: $(STAMP)  ## the performance budget of DESIGN.md, as printed figures
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/run.py

crashtest: $(STAMP)  ## kill -9, concurrent writers, full disks, damaged files: README "Reliability"
	PYTHONPATH=desktop $(BIN)/python -m tests.harness $(CRASHTEST_ARGS)

demo: $(STAMP)
	$(BIN)/akkord demo

dist: $(STAMP)
	$(BIN)/python -m pip wheel --no-deps -w dist .

clean:
	rm -rf $(VENV) dist build .pytest_cache .mypy_cache .ruff_cache
