# `make run`: set up .venv and serve the app on http://localhost:5000 (the built-in sandbox
# stands in for Jira when none is configured). `make test`: set up and run the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test bench sandbox clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.run-installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements.txt requirements-test.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements-test.txt
	touch $@ $(VENV)/.run-installed

run: $(VENV)/.run-installed
	$(PY) web_app.py

# axe-core (accessibility checks in the browser tests) comes from the npm registry, pinned in package-lock.json.
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: $(VENV)/.test-installed node_modules/axe-core/axe.min.js
	$(PY) -m pytest

bench: $(VENV)/.test-installed
	$(PY) -m bench

sandbox: $(VENV)/.run-installed
	$(PY) -m sandbox --host 127.0.0.1 --port 5001

clean:
	rm -rf $(VENV) .pytest_cache node_modules
