# Two commands: `make run` serves the app with demo data; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
FRONTEND_STAMP := frontend/node_modules/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup frontend frontend-test lint typecheck pytest-sqlite pytest-postgres pytest-both bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The web app is built into review_service/static when frontend/ has one.
frontend:
	@if [ -f frontend/package.json ]; then \
		if [ ! -f $(FRONTEND_STAMP) ] || [ frontend/package-lock.json -nt $(FRONTEND_STAMP) ]; then \
			(cd frontend && npm ci --no-audit --no-fund --loglevel=error) && touch $(FRONTEND_STAMP); \
		fi; \
		(cd frontend && npm run --silent build); \
	fi

# First run: a .env with random keys (kept afterwards), so nothing runs on the public defaults.
run: $(STAMP) frontend
	$(BIN)/review-service init-env
	$(BIN)/review-service migrate
	$(BIN)/review-service demo
	$(BIN)/review-service serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest-sqlite: $(STAMP)
	REVIEW_TEST_BACKEND=sqlite $(BIN)/python -m pytest

pytest-postgres: $(STAMP)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		REVIEW_TEST_BACKEND=postgres $(BIN)/python -m pytest; \
	else \
		echo "TEST_DATABASE_URL not set: PostgreSQL run skipped"; \
	fi

# The two database passes are independent (each makes its own database), so they run side by
# side on the two cores; each pass's output is shown whole once both have finished.
pytest-both: $(STAMP)
	@if [ -z "$$TEST_DATABASE_URL" ]; then $(MAKE) --no-print-directory pytest-sqlite; exit $$?; fi; \
	out=$$(mktemp -d); \
	REVIEW_TEST_BACKEND=sqlite $(BIN)/python -m pytest > $$out/sqlite.log 2>&1 & s=$$!; \
	REVIEW_TEST_BACKEND=postgres $(BIN)/python -m pytest > $$out/postgres.log 2>&1 & p=$$!; \
	wait $$s; rs=$$?; wait $$p; rp=$$?; \
	echo "== SQLite pass"; cat $$out/sqlite.log; echo "== PostgreSQL pass"; cat $$out/postgres.log; \
	rm -rf $$out; test $$rs -eq 0 -a $$rp -eq 0

frontend-test: frontend
	@if [ -f frontend/package.json ]; then (cd frontend && npm run --silent typecheck && npm run --silent test); fi

test: $(STAMP) lint typecheck frontend-test pytest-both

bench: $(STAMP)
	$(BIN)/python -m bench.speed --scale demo
	$(BIN)/python -m bench.quality

clean:
	rm -rf $(VENV) var frontend/node_modules review_service/static
