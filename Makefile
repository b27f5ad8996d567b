# Akkord: `make run` starts the app on the demo project, `make test` runs every test.
# Both create the virtual environment .venv (and install Akkord into it) when needed.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test test-offscreen test-x11 test-noqt lint check bench fuzz crashtest screenshots demo dist clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## install, then start the GUI on the demo project
	$(BIN)/akkord gui --demo

test: test-offscreen test-x11  ## install, then run the whole test suite

test-offscreen: $(STAMP)  ## every test but the real-window ones: GUI offscreen, real PostgreSQL
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m "not x11"

test-x11: $(STAMP)  ## the real window on Xvfb (xcb platform, openbox, xdotool): see README
	$(BIN)/python -m pytest -m x11 tests/gui

lint: $(STAMP)  ## ruff, mypy and the import contracts (layers), as configured in pyproject.toml
	$(BIN)/ruff check desktop tests benchmarks
	$(BIN)/mypy
	PYTHONPATH=desktop $(BIN)/lint-imports

test-noqt: $(STAMP)  ## the tests below gui/, with Qt made impossible to import
	AKKORD_BLOCK_QT=1 $(BIN)/python -m pytest -p no:pytest-qt -W "ignore:Unknown config option" --ignore=tests/gui -q

check: lint test

bench: $(STAMP)  ## the performance budget of DESIGN.md, as printed figures
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/run.py

FUZZ_CASES ?= 10000
FUZZ_JOBS ?= 2

fuzz: $(STAMP)  ## the reader fuzzer: generated and mutated inputs through the real import
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.fuzz --cases $(FUZZ_CASES) --jobs $(FUZZ_JOBS)

crashtest: $(STAMP)  ## kill -9, concurrent writers, full disks, damaged files: README "Reliability"
	PYTHONPATH=desktop $(BIN)/python -m tests.harness $(CRASHTEST_ARGS)

screenshots: $(STAMP)  ## the README's pictures (docs/screenshots), light and dark, offscreen
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.screenshots docs/screenshots

demo: $(STAMP)
	$(BIN)/akkord demo

dist: $(STAMP)
	$(BIN)/python -m pip wheel --no-deps -w dist .

clean:
	rm -rf $(VENV) dist build .pytest_cache .mypy_cache .ruff_cache
