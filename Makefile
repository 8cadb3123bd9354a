# Elief — the two commands a new machine needs are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell scripts/find-python)
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
BENCH_SIZE ?= demo
HOST ?= 127.0.0.1
PORT ?= 8000

export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help install install-dev run test lint bench load clean

help:
	@echo "make run    install, migrate, load demo data on first run, serve on $(HOST):$(PORT) with worker and beat"
	@echo "make test   install the test dependencies and run the whole suite"
	@echo "make lint   ruff"
	@echo "make bench  print benchmark figures"
	@echo "make load   the home page and today's list under 8 concurrent connections (gunicorn)"

$(UV):
	@test -n "$(PYTHON)" || { echo "No Python >= 3.12 found; set PYTHON=/path/to/python3.12" >&2; exit 1; }
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv

$(VENV)/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --no-dev --python $(PYTHON)
	@touch $@

$(VENV)/.installed-dev: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	DEBUG=true $(PY) manage.py seed_demo --if-empty
	@# run-all stops everything on Ctrl-C and exits 0, so make reports no error.
	DEBUG=true HOST=$(HOST) PORT=$(PORT) VENV=$(VENV) scripts/run-all

test: install-dev
	@scripts/ensure-chromium || true
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: install-dev
	BENCH_SIZE=$(BENCH_SIZE) $(PY) -m benchmarks

load: install-dev
	BENCH_SIZE=$(BENCH_SIZE) $(PY) -m benchmarks.load

clean:
	rm -rf $(VENV) $(TOOLS) var/celery
