# Chunfeng: `make help` lists the targets. Everything runs from the locked .venv.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: help run setup demo test lint fmt bench ci messages clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

$(STAMP): requirements/dev.lock requirements/bootstrap.lock
	@python=$$(scripts/find-python) || exit 1; \
	  [ -x $(PY) ] || { echo "Creating $(VENV) with $$python"; $$python -m venv $(VENV); }
	@[ -x $(VENV)/bin/uv ] || $(PY) -m pip install --quiet --require-hashes -r requirements/bootstrap.lock
	@$(VENV)/bin/uv pip sync --quiet --python $(PY) --require-hashes requirements/dev.lock
	@touch $@

setup: $(STAMP) ## Install the locked packages into .venv, migrate, load reference data
	@$(MANAGE) compilemessages --ignore=.venv -v0
	@$(MANAGE) migrate --no-input -v0
	@$(MANAGE) load_reference_data -v0
	@$(MANAGE) collectstatic --no-input -v0

demo: SEED_WORKERS ?= 300
demo: setup ## Load the demo logins and a seeded world of SEED_WORKERS workers (idempotent)
	@$(MANAGE) load_demo_data
	@$(MANAGE) seed_demo --workers $(SEED_WORKERS)

run: export SMS_BACKEND ?= accounts.sms.ConsoleBackend
run: demo ## Start web, worker and beat with demo data on http://localhost:$(PORT)/
	@PORT=$(PORT) $(VENV)/bin/honcho --procfile Procfile start & honcho=$$!; \
	  trap 'kill $$honcho 2>/dev/null; wait $$honcho' INT TERM; \
	  $(PY) scripts/wait_ready.py http://127.0.0.1:$(PORT)/health/ 90 \
	    && $(MANAGE) load_demo_data --print-logins --url http://localhost:$(PORT)/; \
	  wait $$honcho

test: lint ## Lint, then run the whole test suite
	@$(MANAGE) compilemessages --ignore=.venv -v0
	$(VENV)/bin/pytest -n auto --dist loadgroup $(PYTEST_ARGS)

lint: $(STAMP) ## ruff, formatting, type checks, missing migrations, translation catalogues
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(MANAGE) makemigrations --check --dry-run -v0
	@for po in locale/*/LC_MESSAGES/*.po; do msgfmt --check -o /dev/null $$po || exit 1; done
	$(PY) scripts/check_translations.py

fmt: $(STAMP) ## Format and autofix
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: $(STAMP) ## Extract translatable strings into locale/
	$(MANAGE) makemessages -l zh_Hans -l en --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=scripts
	$(MANAGE) makemessages -d djangojs -l zh_Hans -l en --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=scripts

bench: setup ## Benchmarks: reference load, OTP, page weight, job search, matching, dispatch (prints figures)
	$(PY) scripts/bench.py
	$(PY) scripts/bench_jobs.py $(BENCH_ARGS)
	$(PY) scripts/bench_matching_engine.py
	$(PY) scripts/bench_matching_candidates.py --processes 2
	$(PY) scripts/bench_matching.py
	$(PY) scripts/bench_dispatch.py

ci: ## What CI runs on a clean clone
	bash .ci/run

clean: ## Remove the venv and local state (var/)
	rm -rf $(VENV) var
