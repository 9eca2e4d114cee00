# chatconform: every target bootstraps what it needs (.venv, packages, pulled specs) from nothing.
SHELL := /bin/bash
BIN := .venv/bin
# Where `specs pull` reads from: CHATCONFORM_MIRROR, else the offline mirror beside the project if
# there is one, else the public URLs in specs/sources.toml.
MIRROR ?= $(or $(CHATCONFORM_MIRROR),$(wildcard ../shared/upstream))
PULL_FLAGS := $(if $(MIRROR),--mirror $(MIRROR))
PYTEST_FLAGS ?=

.PHONY: help setup specs check test bench selftest serve llama live record fuzz clean

help:
	@echo "make check   run the conformance suite on the committed cassettes (replay, no keys); writes reports/"
	@echo "make test    run chatconform's own tests"
	@echo "make bench   validator throughput vs openapi-core"

.venv/.installed: pyproject.toml scripts/bootstrap.sh
	scripts/bootstrap.sh

setup: .venv/.installed

specs: .venv/.installed
	$(BIN)/chatconform specs pull $(PULL_FLAGS)

check: specs
	$(BIN)/chatconform specs lint > reports/spec-lint.txt || true
	$(BIN)/python -m pytest tests/conformance --mode replay --junitxml=reports/junit.xml $(PYTEST_FLAGS)

llama: .venv/.installed
	scripts/llama_server.sh

test: specs llama
	$(BIN)/python -m pytest tests $(PYTEST_FLAGS)

bench: specs
	$(BIN)/python -m chatconform.bench

clean:
	rm -rf .venv .cache reports/* .pytest_cache .hypothesis

selftest: specs
	$(BIN)/chatconform selftest

serve: specs
	$(BIN)/chatconform serve

# Live checks against the real providers (keys from AIMLAPI_API_KEY / MODELSLAB_API_KEY; a provider
# without its key is skipped with one line). BUDGET caps the whole run's spend in USD.
BUDGET ?= 0.05
live: specs
	$(BIN)/python -m pytest tests/conformance/test_live.py --mode live --budget-usd $(BUDGET) \
	  --junitxml=reports/junit-live.xml $(PYTEST_FLAGS)

record: specs
	$(BIN)/python -m pytest tests/conformance/test_live.py --mode record --budget-usd $(BUDGET) $(PYTEST_FLAGS)

# Fuzzing against the reference provider with more examples (profile deep), or live (profile nightly).
fuzz: specs
	CHATCONFORM_HYPOTHESIS=deep $(BIN)/python -m pytest tests/fuzz $(PYTEST_FLAGS)
