# The two commands of README.md: `make run` and `make test`. Everything else is a helper for them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
# Debian packages the portal needs beyond Python: translations, PDF fonts and text extraction, the test browser.
SYSTEM_PACKAGES := gettext fonts-wqy-microhei poppler-utils
# What only the tests need: the browser for the journeys, Compose v1 to validate docker-compose.yml, and pg_dump and
# pg_restore for the restore drill on PostgreSQL (tests/test_backup_restore.py) where they are missing.
TEST_PACKAGES := chromium docker-compose $(shell command -v pg_restore >/dev/null || echo postgresql-client)

# The dependencies, pinned with their sha256 (docs/operations.md, "Dependencies"): the lock of the runtime and dev
# extras that `make` installs, and the runtime-only subset, at the same versions, that the Docker image installs.
LOCK := requirements/lock.txt
RUNTIME_LOCK := requirements/runtime.txt
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe \
	--strip-extras --no-emit-index-url --no-emit-find-links
# The apps bandit scans (tests, migrations and .venv are excluded by [tool.bandit] in pyproject.toml).
BANDIT_TARGETS := huhang accounts audit units teams plans archives reports reminders demo scripts manage.py

.PHONY: run test lint format messages system-packages test-packages clean lock audit-deps backup restore bench

# Every dependency from the lock only: exact versions, and pip refuses a file whose sha256 the lock does not name.
# Then the project itself, with no dependencies and no build environment fetched from the index (setuptools is in
# the lock). pyproject.toml is a prerequisite for the project's own metadata; a dependency added there without
# `make lock` fails tests/test_supply_chain.py.
$(STAMP): $(LOCK) pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

# Regenerates both locks after pyproject.toml's dependencies changed. Pins that still satisfy pyproject.toml are
# kept; `make lock LOCK_ARGS=--upgrade` (or `LOCK_ARGS="--upgrade-package django"`) moves them.
lock:
	test -x $(BIN)/pip-compile || $(MAKE) $(STAMP)
	$(PIP_COMPILE) $(LOCK_ARGS) --extra dev -o $(LOCK) pyproject.toml
	$(PIP_COMPILE) --constraint $(LOCK) -o $(RUNTIME_LOCK) pyproject.toml

# Known vulnerabilities in the locked versions, from the PyPI advisory database (OSV). It needs that database on
# the network: where it cannot be reached (these build machines) the target says so and fails.
audit-deps: $(STAMP)
	@bash scripts/audit-deps.sh $(LOCK)

system-packages:
	@bash scripts/ensure-debian-packages.sh $(SYSTEM_PACKAGES)

test-packages:
	@bash scripts/ensure-debian-packages.sh $(TEST_PACKAGES)

locale/zh_Hans/LC_MESSAGES/django.mo: locale/zh_Hans/LC_MESSAGES/django.po $(STAMP)
	$(BIN)/python manage.py compilemessages --ignore=.venv --verbosity 0

run: $(STAMP) system-packages locale/zh_Hans/LC_MESSAGES/django.mo
	$(BIN)/python manage.py migrate --noinput --verbosity 0
	$(BIN)/python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:8000/ (Ctrl+C stops)"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# The suite in parallel, one pytest-xdist worker per core; the files grouped in tests/conftest.py (XDIST_GROUPS: big
# shared fixtures, the real broker) each run on one worker.
TEST_WORKERS ?= auto
test: $(STAMP) system-packages test-packages locale/zh_Hans/LC_MESSAGES/django.mo lint
	HUHANG_URL_COVERAGE=1 $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/bandit --quiet -c pyproject.toml -r $(BANDIT_TARGETS)

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The database and the uploaded files into a new directory under BACKUP_DIR (default var/backups), and back
# (docs/operations.md, "Backups"). The restore asks before it replaces anything: `make restore BACKUP=<dir>`.
backup: $(STAMP)
	$(BIN)/python manage.py backup

restore: $(STAMP)
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=<backup directory, e.g. var/backups/20261203-021500>"; exit 2; }
	$(BIN)/python manage.py restore "$(BACKUP)"

# The pages, heavy jobs and throughput on the scale data (PostgreSQL databases huhang_bench_10 and huhang_bench_100,
# created and seeded when missing), beside Django admin's unit changelist and a floor view measured in the same run:
# a table, bench/results/<time>.json, a failure when a budget is broken (README, "Performance"; python -m bench
# --help). wrk, the load generator, is its Debian prerequisite.
bench: $(STAMP) system-packages
	@bash scripts/ensure-debian-packages.sh wrk
	$(BIN)/python -m bench --all $(BENCH_ARGS)

# Refreshes the catalogue after strings changed; then translate the new entries in django.po.
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=static/vendor --no-obsolete --add-location=file

clean:
	rm -rf $(VENV) staticfiles test-results
