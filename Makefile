# Two commands for a newcomer: `make run` and `make test`. Everything else is a detail.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000

.PHONY: install run serve test lint format migrations-check ci clean bench load-test

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py create_admin_if_missing
	@echo "Serving on http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production-like: gunicorn, DEBUG off, hashed and compressed static files served by WhiteNoise.
serve: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py create_admin_if_missing
	STATICFILES_MANIFEST=1 $(PY) manage.py collectstatic --noinput --verbosity 0
	STATICFILES_MANIFEST=1 WHITENOISE_USE_FINDERS=0 DEBUG=0 $(BIN)/gunicorn newsroom.wsgi \
		--bind 127.0.0.1:$(PORT) --workers $${WORKERS:-2} --access-logfile -

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

test: lint migrations-check
	$(BIN)/pytest

# Benchmarks, not tests (bench/README.md): seed 100,000 articles, measure pages with wrk on SQLite
# and on PostgreSQL + Redis, then the load test; results in bench/RESULTS.md and bench/results/.
# BENCH_ARTICLES=2000 make bench for a quick run.
bench: install
	$(PY) bench/run.py
	$(PY) bench/load_test.py

load-test: install
	$(PY) bench/load_test.py

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
