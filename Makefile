# baocao — half-year report pipeline. `make` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Test files run on this many processes (pytest-xdist, a whole file per process: its shared
# runs are made once); 2 suits the 2-core CI machine, `make test TEST_WORKERS=0` runs serially.
TEST_WORKERS ?= 2
PERIOD ?= 2021-H1

help: ## List the targets with their descriptions
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-10s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

env: $(STAMP) ## Create the virtual environment in .venv with pinned dependencies

report: $(STAMP) ## Run the whole pipeline on the bundled sample (PERIOD=2021-H1; 2026-H1 = 65 communes)
	$(BIN)/baocao run --period $(PERIOD)

test: $(STAMP) ## Run the test suite (unit tests and the end-to-end pipeline) on TEST_WORKERS processes (2)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

bench: $(STAMP) ## Benchmark runs of 11, 65 and 700 synthetic units (SIZES="11 65" for fewer); ratios to a naive papermill run
	$(BIN)/python benchmarks/bench.py $(if $(SIZES),--sizes $(SIZES))

installed-run: ## Build the wheel, install it in a fresh venv from the lock, run the sample from outside the checkout
	bash .ci/installed-run $(PYTHON)

wheelhouse: ## Wheels of baocao and its runtime pins for Windows and Linux into wheelhouse/ (offline PCs)
	$(PYTHON) .ci/wheelhouse.py wheelhouse

offline-check: ## Build a wheelhouse, install from it alone (--no-index) into a fresh venv, run the sample
	bash .ci/offline-check $(PYTHON)

lint: $(STAMP) ## Check code style with ruff
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

sample: $(STAMP) ## Regenerate the illustrative sample workbooks under data/raw/ (fixed seed)
	$(BIN)/python -m baocao.sample

lock: $(STAMP) ## Rewrite requirements.lock from the current environment, and requirements-runtime.lock
	( echo "# Full pinned set (transitive included), used as pip constraints by the Makefile."; \
	  echo "# Regenerate with: make lock"; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -v '^baocao'; \
	  echo "# Needed on Windows only (typer, tqdm, ipython, pytest use it there)."; \
	  echo 'colorama==0.4.6 ; sys_platform == "win32"' ) > requirements.lock
	$(BIN)/python .ci/runtime_lock.py

clean: ## Remove build products (_output/, data/processed/); data/raw/ is never touched
	rm -rf _output
	find data/processed -mindepth 1 ! -name README.md -exec rm -rf {} +

.PHONY: help env report test bench installed-run wheelhouse offline-check lint sample lock clean
