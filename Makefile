# One virtual environment, .venv, serves every target.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed


.PHONY: run seed test lint format bench clean-data dist test-dist soak

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(VENV): $(STAMP)

# Seeds the bundled engine on first run (a no-op once its database exists),
# then starts the app on the embedded default.
run: $(VENV)
	$(BIN)/openaisle-oms seed --if-missing
	$(BIN)/openaisle $(ARGS)

seed: $(VENV)
	$(BIN)/openaisle-oms seed

lint: $(VENV)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: $(VENV)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

# The crash and network-fault proofs, ten times longer than in `make test`.
soak: $(VENV)
	OPENAISLE_CRASH_KILLS=1000 OPENAISLE_FAULT_ORDERS=400 QT_QPA_PLATFORM=offscreen \
		$(BIN)/python -m pytest -q tests/proofs_crash tests/proofs_faults

bench: $(VENV)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m bench

# The packaged one-folder app in build/dist/openaisle (a few minutes).
dist: $(VENV)
	$(BIN)/python build/release.py $(DIST_ARGS)

# Installs the built app under an awkward path and sells with it off screen.
test-dist: dist
	OPENAISLE_DIST_DIR=$(CURDIR)/build/dist/openaisle QT_QPA_PLATFORM=offscreen \
		$(BIN)/python -m pytest -q tests/e2e/packaging_e2e

clean-data:
	rm -rf build/work build/dist
