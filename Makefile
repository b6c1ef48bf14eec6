# One place for set-up, serving and checking; .ci/run calls `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# axe-core for the accessibility tests, pinned by tests/browser/package-lock.json.
AXE := tests/browser/node_modules/axe-core/axe.min.js

.PHONY: run test lint types pytest screenshots bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund
	touch $(AXE)

run: $(STAMP)
	$(BIN)/python run.py serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy qa_service

pytest: $(STAMP) $(AXE)
	$(BIN)/pytest

test: lint types pytest

# Refresh the README's screenshots (docs/*.png) from the browser tests.
screenshots: $(STAMP)
	POLICY_QA_DOCS_SCREENSHOTS=1 $(BIN)/pytest tests/browser -q \
		-k "test_fallback_gives_contacts_to_tap_on_a_phone or test_results_update_as_the_agent_types or test_the_policy_owner_signs_in_and_sees_the_charts"

# Benchmarks (docs/performance.md): wrk from Debian for the load, matplotlib for the plot.
bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache test-artifacts tests/browser/node_modules
