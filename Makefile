# chatconform: every target bootstraps what it needs (.venv, packages, pulled specs) from nothing.
SHELL := /bin/bash
BIN := .venv/bin
# Where `specs pull` reads from: CHATCONFORM_MIRROR, else the offline mirror beside the project if
# there is one, else the public URLs in specs/sources.toml.
MIRROR ?= $(or $(CHATCONFORM_MIRROR),$(wildcard ../shared/upstream))
PULL_FLAGS := $(if $(MIRROR),--mirror $(MIRROR))
PYTEST_FLAGS ?=

.PHONY: help setup specs check lint test test-unit coverage bench selftest serve llama live record fuzz report browser gate drift clean

help:
	@echo "make check   run the conformance suite on the committed cassettes (replay, no keys); writes reports/"
	@echo "make lint    ruff (lint and format), mypy and the import layers: what make test runs first"
	@echo "make test    run chatconform's own tests"
	@echo "make test-unit  the unit suite without the tests marked slow (under a minute on 2 cores)"
	@echo "make coverage   what that suite covers of src/"
	@echo "make bench   validator throughput vs openapi-core"

.venv/.installed: pyproject.toml scripts/bootstrap.sh
	scripts/bootstrap.sh

setup: .venv/.installed

specs: .venv/.installed
	$(BIN)/chatconform specs pull $(PULL_FLAGS)
	@touch specs/.pulled

# What runs on the pinned specs pulls them again only when the catalog or the lock changed since the last
# pull (a stamp), not on every run: from the public URLs that is ~600 downloads. A file missing since is
# pulled by the run itself; each spec is checked against specs.lock when it is loaded.
SPEC_INPUTS := specs/sources.toml specs/specs.lock $(wildcard specs/catalog/*.toml)
specs/.pulled: .venv/.installed $(SPEC_INPUTS)
	$(BIN)/chatconform specs pull $(PULL_FLAGS)
	@touch $@

# The same entry point a user's project has: the pytest plugin on cassettes/ (results.json, junit.xml,
# allure-results/, summary.html in reports/); PYTEST_FLAGS go to pytest (e.g. PYTEST_FLAGS="-n 2").
# The spec lint report is written beside the run, on the other core (its exit code is the report's, not the run's).
check: specs/.pulled
	@mkdir -p reports
	$(BIN)/chatconform specs lint > reports/spec-lint.txt & lint=$$!; \
	  $(BIN)/chatconform check --mode replay $(PULL_FLAGS) -- $(PYTEST_FLAGS); code=$$?; wait $$lint; exit $$code

llama: .venv/.installed
	scripts/llama_server.sh

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

browser:
	scripts/browser.sh

# Lint, format, types (pyproject.toml: strict for model/, dialects/ and the judge) and the layer contract.
lint: .venv/.installed
	$(BIN)/ruff check
	$(BIN)/ruff format --check
	$(BIN)/mypy
	$(BIN)/lint-imports

# lint first: a failure there stops the run before the minutes of tests
test: lint specs llama browser node_modules/.installed
	$(BIN)/python -m pytest tests $(PYTEST_FLAGS)

# The suite to run while working: tests/unit without the tests marked slow (pytest, `chatconform check`
# or a live run started in a subprocess, the whole pinned catalog), on two workers; `make test` runs
# every test, the slow ones included. PYTEST_FLAGS go to pytest (a later -n overrides the 2).
UNIT := tests/unit -m "not slow" -n 2 -q -p no:cacheprovider
test-unit: specs/.pulled
	$(BIN)/python -m pytest $(UNIT) $(PYTEST_FLAGS)

# What test-unit covers of src/ (settings in pyproject.toml: coverage follows the xdist workers).
coverage: specs/.pulled
	rm -rf .cache/coverage && mkdir -p .cache/coverage
	$(BIN)/python -m coverage run -m pytest $(UNIT) $(PYTEST_FLAGS)
	$(BIN)/python -m coverage combine -q
	$(BIN)/python -m coverage report

# The Allure 3 HTML (reports/html, with history) and the self-contained reports/summary.html. The old HTML goes
# first: Allure 3 writes into a non-empty output folder's awesome/ and leaves the previous index.html in place.
report: node_modules/.installed
	@test -f reports/results.json || $(MAKE) check
	rm -rf reports/html
	node_modules/.bin/allure generate reports/allure-results --config allurerc.mjs
	$(BIN)/chatconform report

# Upstream drift: pull the latest published specs beside the pinned ones and classify every change
# (reports/drift-<id>.json, read by `make gate`). Offline, the mirror stands in for the public URLs.
drift: specs
	$(BIN)/python -m chatconform.specs.drift $(PULL_FLAGS)

# A pull request's gate: BASELINE is the main branch's last results.json.
gate: .venv/.installed
	$(BIN)/chatconform gate --baseline $(BASELINE) --candidate reports/results.json --output reports/gate.md \
	  $(foreach d,$(wildcard reports/drift-*.json),--drift $(d))

bench: specs/.pulled
	$(BIN)/python -m tools.bench

clean:
	rm -rf .venv .cache reports/* .pytest_cache .hypothesis

selftest: specs/.pulled
	$(BIN)/chatconform selftest

serve: specs/.pulled
	$(BIN)/chatconform serve

# Live checks against the real providers (keys from AIMLAPI_API_KEY / MODELSLAB_API_KEY; a provider
# without its key is skipped with one line). BUDGET caps the whole run's spend in USD.
BUDGET ?= 0.05
live: specs/.pulled
	$(BIN)/python -m pytest cassettes --mode live --budget-usd $(BUDGET) \
	  --junitxml=reports/junit-live.xml $(PYTEST_FLAGS)

record: specs
	$(BIN)/python -m pytest cassettes --mode record --budget-usd $(BUDGET) $(PYTEST_FLAGS)

# Fuzzing against the reference provider with more examples (profile deep), or live (profile nightly).
fuzz: specs
	CHATCONFORM_HYPOTHESIS=deep $(BIN)/python -m pytest tests/fuzz $(PYTEST_FLAGS)
