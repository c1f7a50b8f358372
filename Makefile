# The two commands of README.md: `make run` and `make test`. Everything else is a helper for them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
# Debian packages the portal needs beyond Python: translations, PDF fonts and text extraction, the test browser.
SYSTEM_PACKAGES := gettext fonts-wqy-microhei poppler-utils
# What only the tests need: the browser for the journeys, Compose v1 to validate docker-compose.yml.
TEST_PACKAGES := chromium docker-compose

.PHONY: run test lint format messages system-packages test-packages clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $(STAMP)

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

test: $(STAMP) system-packages test-packages locale/zh_Hans/LC_MESSAGES/django.mo lint
	HUHANG_URL_COVERAGE=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refreshes the catalogue after strings changed; then translate the new entries in django.po.
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=static/vendor --no-obsolete --add-location=file

clean:
	rm -rf $(VENV) staticfiles test-results
