# Cohort: two commands. `make run` serves the demo; `make test` runs the whole suite.
# Everything installs into .venv from pyproject.toml; nothing is needed beyond Python 3.11.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
# Links in email and calendar files point at the address served (COHORT_SITE_URL in the
# environment wins, for a proxy in front).
COHORT_SITE_URL ?= http://127.0.0.1:$(PORT)
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast install lint typecheck format migrate seed worker beat backup restore clean help

help:
	@echo "make run    - set up and serve the demo on http://127.0.0.1:$(PORT) (SQLite, eager Celery, email to var/mail/)"
	@echo "make test   - set up and run the whole test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)"
	@echo "make test-fast - the edit loop: the suite without browser, worker and moved-clock tests, in parallel"
	@echo "make lint   - ruff check, ruff format --check, the import contract (lint-imports), mypy"
	@echo "make typecheck - mypy with django-stubs on the app packages (also the first step of make test)"

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found: install Python 3.11 (or run make PYTHON=python3)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# axe-core for the accessibility checks of the browser tests, from the npm registry (when npm
# is on the machine; without it the checks are skipped with a notice, and fail under CI=true).
AXE := tests/e2e/node_modules/axe-core/axe.min.js
$(AXE): tests/e2e/package.json tests/e2e/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error && touch $(AXE); \
	else echo "npm not found: accessibility checks will be skipped"; fi

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

# The demo is loaded once per database (seed_demo is idempotent, so `make seed` may run again).
DEMO_STAMP := var/.demo-loaded
$(DEMO_STAMP):
	$(BIN)/python manage.py seed_demo --quiet-logins
	@mkdir -p var && touch $(DEMO_STAMP)

seed: migrate
	$(BIN)/python manage.py seed_demo --quiet-logins
	@mkdir -p var && touch $(DEMO_STAMP)

run: migrate $(DEMO_STAMP)
	@echo ""
	@$(BIN)/python manage.py seed_demo --logins-only
	@echo ""
	@echo "Cohort is served at http://127.0.0.1:$(PORT)/  (admin: /admin/, API docs: /api/docs/)"
	@echo "Email is written to var/mail/ as .eml files; its links point at $(COHORT_SITE_URL). Stop with Ctrl-C."
	@echo ""
	COHORT_SITE_URL=$(COHORT_SITE_URL) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Type check and the import contract first (mypy about half a minute cold, seconds with
# .mypy_cache; lint-imports a second, naming the import that broke a layer; pyproject's
# [tool.importlinter], docs/architecture.md): either fails fast, before the whole suite runs.
# Then the suite in three runs: everything that can share the machine, spread over one
# pytest-xdist process per core (each with its own test database, cache key prefix, stored-file
# prefix and live server for the browser tests); then, one at a time, the tests that start a
# real Celery worker on fixed queues (marker `worker`) and the moved-clock runs, which start
# pytest processes of their own.
test: install $(AXE) typecheck
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n auto -m "not worker" --ignore=tests/test_any_hour.py $(ARGS)
	$(BIN)/python -m pytest -m worker --ignore=tests/test_any_hour.py $(ARGS)
	$(BIN)/python -m pytest tests/test_any_hour.py $(ARGS)

# The edit loop: everything but the browser tests (tests/e2e), the tests that start a real
# Celery worker (marker `worker`) and the moved-clock runs (tests/test_any_hour.py), spread
# over one pytest-xdist process per core. `make test` (the whole suite) is what CI runs.
test-fast: install
	$(BIN)/python -m pytest -n auto -m "not e2e and not worker" \
		--ignore=tests/e2e --ignore=tests/test_any_hour.py $(ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# mypy reads [tool.mypy] in pyproject.toml; its django-stubs plugin imports gpl_cohort.settings
# as `make run` would (no database, Redis or environment needed).
typecheck: install
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

worker: install
	$(BIN)/celery -A gpl_cohort worker --loglevel=info

beat: install
	$(BIN)/celery -A gpl_cohort beat --loglevel=info

# Backup and restore: the database (pg_dump, or a SQLite copy) and the stored files (local disk
# or object store, through the storage API), into one folder.
# make backup [BACKUP=var/backups/mine]; make restore BACKUP=var/backups/mine (empty database).
backup: install
	$(BIN)/python manage.py backup $(if $(BACKUP),--to $(BACKUP),)

restore: install
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=<backup folder>"; exit 2; }
	$(BIN)/python manage.py restore $(BACKUP)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
