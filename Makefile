# The two commands: `make run` starts everything, `make test` runs every check.
# Both create .venv and install the pinned dependencies (requirements.lock) when needed.

PYTHON ?= python3
CHROMIUM := /usr/bin/chromium
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The FinOps Foundation's FOCUS validator, which tests run on poflow's FOCUS export; a venv of its
# own, as it needs numpy<2 and the product's pyarrow refuses that beside it.
FOCUS_VENV  := .venv-focus
FOCUS_STAMP := $(FOCUS_VENV)/.installed

.PHONY: run test test-fast lint lock clean bench

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "poflow needs Python 3.11 (set PYTHON=python3.11)")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

$(FOCUS_STAMP): tests/tools/focus-validator.txt
	@test -x $(FOCUS_VENV)/bin/python || $(PYTHON) -m venv $(FOCUS_VENV)
	$(FOCUS_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r tests/tools/focus-validator.txt
	@touch $(FOCUS_STAMP)

run: $(STAMP)
	$(BIN)/poflow up

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Browser tests drive Debian's chromium (a test tool's own browser download cannot work here).
$(CHROMIUM):
	$(SUDO) apt-get update
	$(SUDO) apt-get install -y chromium

test: lint $(CHROMIUM) $(FOCUS_STAMP)
	$(BIN)/pytest

# The fast lane while working on the code: the pure rules (tests/unit) and the tables, queries and
# ledger against the embedded Postgres (tests/models); no browser, no `poflow up`, no Temporal, no
# fault suites. `make test` stays the one command that runs everything.
test-fast: $(STAMP)
	$(BIN)/pytest -m "not slow" tests/unit tests/models

# Benchmarks against bare Temporal on the same server (see docs/performance.md).
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

# Re-resolve the pinned versions from pyproject.toml's ranges (needs the package index).
lock:
	rm -rf /tmp/poflow-lock && $(PYTHON) -m venv /tmp/poflow-lock
	/tmp/poflow-lock/bin/python -m pip install --quiet '.[dev]'
	/tmp/poflow-lock/bin/python -m pip freeze --exclude-editable | grep -v '^poflow' > requirements.lock
	rm -rf /tmp/poflow-lock build

clean:
	rm -rf $(VENV) $(FOCUS_VENV) .mypy_cache .ruff_cache .pytest_cache
