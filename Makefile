# Two commands for a newcomer: `make run` and `make test`. Everything else is a detail.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000

.PHONY: install run serve test test-processes e2e browser-check lint format migrations-check ci clean bench load-test live-load-test lighthouse messages

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# The task worker (`manage.py run_tasks`: alerts' delivery, articles/management/commands/run_tasks.py)
# runs beside the web server, from the line that starts it until the server stops: the recipe's
# shell stops it (SIGTERM: it finishes the task it runs) whichever way the server ends.
WITH_TASK_WORKER = worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM;

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py rebuild_search_index --verbosity 0
	$(PY) manage.py create_admin_if_missing
	@echo "Serving on http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	$(PY) manage.py run_tasks </dev/null & $(WITH_TASK_WORKER) \
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Production-like: gunicorn, DEBUG off, hashed and compressed static files served by WhiteNoise.
# rebuild_renditions runs in the background as the server starts: it makes any photo rendition
# that a process killed between a save's commit and its renditions left unmade.
serve: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py rebuild_search_index --verbosity 0
	$(PY) manage.py create_admin_if_missing
	STATICFILES_MANIFEST=1 $(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py rebuild_renditions </dev/null &
	DEBUG=0 $(PY) manage.py run_tasks </dev/null & $(WITH_TASK_WORKER) \
	STATICFILES_MANIFEST=1 WHITENOISE_USE_FINDERS=0 DEBUG=0 $(BIN)/gunicorn newsroom.wsgi \
		--bind 127.0.0.1:$(PORT) --workers $${WORKERS:-2} --access-logfile -

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

test: lint migrations-check
	$(BIN)/pytest

# The tests that start processes: gunicorn workers on SQLite, killed processes, deploys over one
# cache, two app servers over PostgreSQL and Redis. `.ci/run` runs them after `make test`.
test-processes: install
	$(BIN)/pytest -m "multiprocess or multiserver"

# The browser suite: Playwright drives Debian's Chromium (never a downloaded browser) against a
# live server; axe-core and the Nu HTML Checker come from npm (package.json), the checker runs on
# Java. Screenshots of every step land in e2e-screenshots/.
CHROMIUM ?= /usr/bin/chromium
# The live server binds to 127.0.0.1 on a free port; set E2E_LIVESERVER=127.0.0.1:8171 to fix one.
E2E_LIVESERVER ?= 127.0.0.1

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

browser-check:
	@test -x "$(CHROMIUM)" || { echo "No Chromium at $(CHROMIUM): run 'apt-get install -y chromium' (as root)"; exit 1; }
	@command -v java >/dev/null || { echo "No java: run 'apt-get install -y default-jre-headless' (as root)"; exit 1; }
	@command -v npm >/dev/null || { echo "No npm: run 'apt-get install -y nodejs npm' (as root)"; exit 1; }

e2e: install browser-check node_modules/.installed
	NEWSROOM_CHROMIUM=$(CHROMIUM) $(BIN)/pytest -m e2e --liveserver=$(E2E_LIVESERVER) $(PYTEST_ARGS)
# Benchmarks, not tests (bench/README.md): seed 100,000 articles, measure pages with wrk on SQLite
# and on PostgreSQL + Redis, then the load test; results in bench/RESULTS.md and bench/results/.
# BENCH_ARTICLES=2000 make bench for a quick run.
bench: install
	$(PY) bench/run.py
	$(PY) bench/load_test.py
	$(PY) bench/live_load_test.py

load-test: install
	$(PY) bench/load_test.py

# 64 readers following a live story on the embedded default while the desk posts every 5 s.
live-load-test: install
	$(PY) bench/live_load_test.py

# A benchmark, not a test: Lighthouse (npm, package.json) with Debian's Chromium on the home and
# article pages of the production-like stack (gunicorn, DEBUG=0, hashed static files), on a
# throwaway demo database; the scores go to bench/RESULTS.md. LIGHTHOUSE_PORT picks the port.
LIGHTHOUSE_PORT ?= 8090

lighthouse: install browser-check node_modules/.installed
	CHROME_PATH=$(CHROMIUM) $(PY) bench/lighthouse --port $(LIGHTHOUSE_PORT)

ci:
	bash .ci/run

messages: install  ## compile locale/ar (gettext's msgfmt); commit the .mo with the .po
	$(VENV)/bin/python manage.py compilemessages -l ar --ignore '.venv*' --ignore node_modules

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache node_modules e2e-screenshots bench/lighthouse-reports
