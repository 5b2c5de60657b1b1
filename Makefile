# jupyterlab-hpc: `make demo` runs JupyterLab with the four extensions and a
# local Slurm cluster; `make test` runs every suite. Both install what is missing.
SHELL := /bin/bash
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
export PATH := $(BIN):$(PATH)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
# pip's warnings about optional local wheel folders are noise here
export PIP_DISABLE_PIP_VERSION_CHECK := 1
FEATURES := favorites recents slurm clonenotebooks
STAMPS := .make
LABEXT_DIR := $(VENV)/share/jupyter/labextensions/@jupyterlab-hpc

.PHONY: all demo demo-stop test install system-deps build lint lint-py lint-js pytest jest ui-test \
        slurm-start slurm-stop check-install dist bench clean hub hub-stop

all: install

# ---- installation (idempotent: stamps skip what is already done) ----------
system-deps:
	@scripts/install-system-deps

$(STAMPS)/venv: pyproject.toml
	@mkdir -p $(STAMPS)
	@test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/pip install -qq --upgrade pip
	$(BIN)/pip install -qq "jupyterlab>=4.6,<5" "jupyter_builder>=1.0" "hatchling>=1.5" \
	    "hatch-jupyter-builder>=0.8" editables
	@touch $@

$(STAMPS)/node: package.json yarn.lock $(wildcard packages/*/package.json) $(STAMPS)/venv
	jlpm install
	@touch $@

$(STAMPS)/ui-node: ui-tests/package.json ui-tests/yarn.lock $(STAMPS)/venv
	cd ui-tests && jlpm install
	@touch $@

build: $(STAMPS)/node
	jlpm build

# The editable install copies the built labextensions; link them instead so
# that `jlpm build` / `jlpm watch` take effect on reload.
install: system-deps build
	$(BIN)/pip install -qq --no-build-isolation -e ".[test]"
	@mkdir -p $(LABEXT_DIR)
	@for f in $(FEATURES); do \
	    rm -rf $(LABEXT_DIR)/$$f; \
	    ln -s $(CURDIR)/python/jupyterlab_hpc/labextensions/$$f $(LABEXT_DIR)/$$f; \
	done

check-install:
	@scripts/check-install

dist: $(STAMPS)/node
	$(BIN)/pip wheel --no-deps -w dist .

# ---- local Slurm -------------------------------------------------------------
slurm-start:
	@scripts/local-slurm start

slurm-stop demo-stop:
	@scripts/local-slurm stop

# ---- demo --------------------------------------------------------------------
demo: install
	@scripts/demo

# ---- local JupyterHub (docs/center.md) ------------------------------------------
# HUB_SPAWNER=local for LocalProcessSpawner; SlurmSpawner by default.
hub: install
	@scripts/hub start

hub-stop:
	@scripts/hub stop

# ---- tests -------------------------------------------------------------------
lint-py:
	ruff check python benchmarks hub
	ruff format --check python benchmarks hub

lint-js:
	jlpm lint:check

lint: lint-py lint-js

pytest:
	pytest

jest:
	jlpm test

# Galata's server always uses port 8888: the lock keeps two runs on one machine apart.
ui-test: $(STAMPS)/ui-node
	cd ui-tests && flock /tmp/hpc-galata.lock jlpm playwright test

test: install $(STAMPS)/ui-node
	@scripts/run-tests

bench: install
	@scripts/local-slurm start
	python benchmarks/run_all.py

clean:
	rm -rf $(STAMPS) node_modules packages/*/lib packages/*/tsconfig.tsbuildinfo python/jupyterlab_hpc/labextensions
