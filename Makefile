# The two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# `make run` is the embedded mode (config/secrets.py): the only one that may generate secrets.
EMBEDDED := UNTOLD_EMBEDDED=1
# Steps that sign and keep nothing (compiling translations, the screening evaluation) still
# load the settings: they get throw-away secrets, never generated ones.
BUILD_ONLY := SECRET_KEY=build-only RECEIPT_KEYS=build:build-only

.PHONY: run up test test-sqlite messages lint format eval bench

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

messages: $(VENV)/.installed
	env $(BUILD_ONLY) $(PY) manage.py compile_translations

run: $(VENV)/.installed messages
	$(EMBEDDED) $(PY) manage.py migrate --noinput
	$(EMBEDDED) $(PY) manage.py seed_demo
	$(EMBEDDED) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(EMBEDDED) $(PY) manage.py serve --port $(PORT)

# The real stack on one machine: the Procfile (gunicorn, a Celery worker, Celery beat) under
# honcho, configured by .env (or ENV_FILE=...), against PostgreSQL and Redis; migrates first.
# No prefix on the output: honcho's would put the time on every line, gunicorn's access log too.
ENV_FILE ?= .env
up: $(VENV)/.installed messages
	$(VENV)/bin/honcho -e $(ENV_FILE) run $(PY) manage.py migrate --noinput
	$(VENV)/bin/honcho -e $(ENV_FILE) run $(PY) manage.py collectstatic --noinput --verbosity 0
	@# honcho prints from its signal handler: on a buffered stdout, a Ctrl-C that lands while it
	@# prints a line crashes it ("reentrant call") and leaves web, worker and beat running.
	PYTHONUNBUFFERED=1 PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho -e $(ENV_FILE) start --no-prefix -p $(PORT)

# The whole suite on the configured database (PostgreSQL when DATABASE_URL is set, as in CI);
# then, if that was PostgreSQL, the unit suite again on SQLite, whose erasure differs.
# The suite brings its own secrets (tests/settings.py), never the embedded mode's.
test: $(VENV)/.installed messages
	$(PY) -m pytest
	@if [ -n "$$DATABASE_URL" ]; then $(MAKE) --no-print-directory test-sqlite; fi

test-sqlite: $(VENV)/.installed messages
	env -u DATABASE_URL -u REDIS_URL $(PY) -m pytest -m "not integration and not browser"

# Recall and precision per kind of the screeners on the labelled set in tests/data/.
eval: $(VENV)/.installed
	env $(BUILD_ONLY) $(PY) manage.py screening_eval

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Every benchmark, each against its baseline and target, into bench/RESULTS.md (with the
# machine, the date and what was not run). Needs DATABASE_URL and REDIS_URL; BENCH_ONLY=intake,
# pipeline picks some. The flood test runs with FLOOD_STORIES=5000 here.
bench: $(VENV)/.installed messages
	$(PY) bench/results.py
