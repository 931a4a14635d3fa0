# Two entry points do all set-up on a fresh machine:
#   make run   - install (with Debian chromium for PNG/SVG export), build the warehouse if
#                missing, serve the app on http://localhost:8501
#   make test  - install (with test extras and Debian chromium), lint, run the whole test suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
WAREHOUSE ?= $(or $(ATLAS_WAREHOUSE),data/warehouse)

.PHONY: run dev serve test install install-test warehouse rebuild lint format chromium translations bench bench-full bench-pages bench-speed clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

warehouse: install
	$(PY) -m etl build --if-outdated --warehouse $(WAREHOUSE)

rebuild: install
	$(PY) -m etl build --warehouse $(WAREHOUSE)

# The interface's catalogues: .po (in git) → .mo (ignored); see docs/languages.md
translations: install
	$(PY) tools/translations.py compile

run: warehouse translations
	@bash tools/ensure_chromium.sh || echo "Note: no chromium, so charts cannot be saved as PNG/SVG; the app says how to fix it."
	@($(PY) tools/warm.py http://localhost:8501 &)
	$(PY) -m streamlit run app.py --server.port 8501

chromium:
	@bash tools/ensure_chromium.sh

# N replicas behind HAProxy (Debian's package, installed when missing), one port for users:
# `make serve REPLICAS=2` (tools/serve.py; docs/scaling.md). HOST=0.0.0.0 serves a room's network.
REPLICAS ?= 2
HOST ?= 127.0.0.1
serve: warehouse translations
	$(PY) tools/serve.py --replicas $(REPLICAS) --port 8501 --host $(HOST)

# For editing the code: reruns on save (served, the app watches no files: .streamlit/config.toml)
dev: warehouse translations
	$(PY) -m streamlit run app.py --server.port 8501 --server.fileWatcherType auto --server.runOnSave true

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

test: install chromium translations
	$(PY) -m ruff check .
	$(PY) -m pytest

# Benchmarks side by side (bench/compare.py): the ETL against DuckDB's raw CSV read, and
# the app's DuckDB queries against a pandas baseline, on generated inventories cached in
# bench/.cache. `make bench` is the quick run (100k projects), `make bench-full` adds 10k
# and 1M; `make bench-full BENCH_ARGS=--record` also writes the tables into bench/RESULTS.md.
BENCH_ARGS ?=

bench: install
	$(PY) -m bench.compare --sizes 100000 $(BENCH_ARGS)

bench-full: install
	$(PY) -m bench.compare --sizes 10000 100000 1000000 $(BENCH_ARGS)

# Every page's queries on the curated catalogue and 5,000 generated projects (bench/run.py)
bench-pages: install
	$(PY) bench/run.py

# Each page's time to its first chart in headless chromium, against a page holding only
# that content (bench/page_speed.py, bench/floor/page.py; issue 12 item 13)
bench-speed: warehouse chromium translations
	$(PY) bench/page_speed.py

clean:
	rm -rf data/warehouse artifacts .pytest_cache .hypothesis
