# The two commands: `make run` and `make test`. Everything else is their plumbing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
# Tests run in parallel on every core (each test has its own database).
PYTEST_ARGS ?= -n auto
# Plain HTTP on a loopback address: cookies without Secure/__Host- (see SECURITY.md).
SECURE_COOKIES ?= $(if $(filter 127.0.0.1 localhost ::1,$(HOST)),false,true)
export FLASK_APP := caseapp

.PHONY: run test lint install install-dev translations i18n-extract i18n-update serve clean fonts

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements/main.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/main.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed translations fonts
install-dev: $(VENV)/.installed-dev translations fonts

# DejaVu Sans (Latin and Cyrillic) for the PDF case summaries: Debian's fonts-dejavu-core.
DEJAVU := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
fonts:
	@test -f $(DEJAVU) || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	  apt-get install -y -qq fonts-dejavu-core >/dev/null; } || \
	  echo "PDF summaries need DejaVu Sans: apt-get install fonts-dejavu-core (or set CASEAPP_PDF_FONT_DIR)"

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d caseapp/translations -D messages --statistics 2>&1 | tail -n 2

## Extract strings and merge them into the catalogues (then translate the empty ones).
i18n-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 -k pgettext:1c,2 --no-location --sort-output -o caseapp/translations/messages.pot .
	$(BIN)/pybabel update -i caseapp/translations/messages.pot -d caseapp/translations --no-fuzzy-matching --ignore-obsolete --no-wrap
	$(BIN)/python scripts/i18n.py fill-en
	@$(BIN)/python scripts/i18n.py missing && echo "catalogues complete" || echo "translate the strings above: python scripts/i18n.py apply FILE.json"

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo --if-empty
	@echo
	@echo "caseapp is at http://$(HOST):$(PORT)/  (stop with Ctrl-C)"
	@# The background worker (audit exports) runs beside gunicorn and stops with it.
	$(BIN)/flask jobs worker & WORKER=$$!; trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	CASEAPP_SECURE_COOKIES=$(SECURE_COOKIES) $(BIN)/gunicorn -c gunicorn.conf.py \
	  --workers $(WORKERS) --bind $(HOST):$(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check caseapp tests migrations scripts
	$(BIN)/ruff format --check caseapp tests scripts
	$(BIN)/bandit -q -r caseapp --severity-level medium
	$(BIN)/mypy
	$(BIN)/python scripts/pip_audit_check.py requirements/main.txt

# On SQLite always; on PostgreSQL too when CASEAPP_TEST_DATABASE_URL is set.
test: install-dev lint
	CASEAPP_TEST_DATABASE_URL= $(BIN)/pytest $(PYTEST_ARGS)
	@if [ -n "$$CASEAPP_TEST_DATABASE_URL" ]; then \
	  echo "== again on PostgreSQL"; $(BIN)/pytest $(PYTEST_ARGS); fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
