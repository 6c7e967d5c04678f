# Two commands on a fresh machine: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
BIND ?= 127.0.0.1
DEV := DJANGO_SETTINGS_MODULE=camreg.settings.development
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: run dev-bind-check test test-postgres setup setup-dev static chromium lint security audit-deps bench lock clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.runtime node_modules/.installed static

setup-dev: $(VENV)/.dev node_modules/.installed static

# Translations and static files (front-end packages come from node_modules; USWDS is
# compiled from its Sass sources by build_css, and collectstatic compresses and hashes).
static:
	$(PY) manage.py compile_translations
	$(PY) manage.py build_css
	$(DEV) $(PY) manage.py collectstatic --noinput --verbosity 0

# Development only: DEBUG, demo data, a known secret key. Links in emails point at
# http://127.0.0.1:$(PORT) (DEV_PORT; honcho gives each process a PORT of its own, so the
# worker that sends the email could not tell). It answers on loopback only;
# BIND=0.0.0.0 ALLOW_PUBLIC_BIND=1 make run exposes it anyway, with a warning
# (deploy/dev_bind.py). Production runs each process under systemd (docs/operations.md).
run: dev-bind-check setup
	mkdir -p var
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py createcachetable
	$(DEV) $(PY) manage.py load_demo
	PATH="$(CURDIR)/$(BIN):$$PATH" $(DEV) BIND="$(BIND)" ALLOW_PUBLIC_BIND="$(ALLOW_PUBLIC_BIND)" \
	  DEV_PORT="$(PORT)" $(BIN)/honcho start --port $(PORT) --procfile Procfile

dev-bind-check:
	@BIND="$(BIND)" ALLOW_PUBLIC_BIND="$(ALLOW_PUBLIC_BIND)" $(PYTHON) deploy/dev_bind.py

# Browser tests drive Debian's chromium; install it when missing and allowed to.
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  elif sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "NOTE: browser tests need Debian's chromium (sudo apt-get install chromium); they are skipped without it."; fi; \
	fi

test: setup-dev chromium
	$(BIN)/pytest -n 2 --dist loadgroup -q

test-postgres: setup-dev chromium
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 --dist loadgroup -q

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

# Static security analysis (medium and high severity), run by CI.
security: setup-dev
	$(BIN)/bandit -ll -q -r camreg -x '*/tests/*'

# Known-vulnerability check of the pinned dependencies; needs the PyPI JSON API or OSV.
audit-deps: setup-dev
	$(BIN)/pip install --quiet pip-audit==2.10.1
	$(BIN)/pip-audit --strict -r requirements.txt

bench: setup-dev
	$(PY) bench/registration.py --json

# Re-pin every dependency from requirements*.in (needs network access to PyPI).
lock:
	rm -rf /tmp/camreg-lock && $(PYTHON) -m venv /tmp/camreg-lock
	/tmp/camreg-lock/bin/pip install --quiet -r requirements.in
	/tmp/camreg-lock/bin/pip freeze --all | grep -vE '^(pip|setuptools|wheel)==' > requirements.txt

clean:
	rm -rf $(VENV) node_modules staticfiles
