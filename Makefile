# refdb: `make demo` sets up and runs the main job; `make test` sets up and runs every test.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
REFDB  := $(VENV)/bin/refdb

.PHONY: setup demo test test-sqlite test-postgresql lint bench schema clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

demo: setup
	@scripts/demo.sh $(REFDB)

lint: setup
	$(VENV)/bin/ruff check refdb tests migrations seed scripts
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test-sqlite: setup
	scripts/ensure-tools.sh
	REFDB_TEST_BACKEND=sqlite $(PY) -m pytest $(PYTEST_ARGS)

test-postgresql: setup
	scripts/ensure-tools.sh
	scripts/ensure-postgres.sh
	REFDB_TEST_BACKEND=postgresql $(PY) -m pytest $(PYTEST_ARGS)

test: lint test-sqlite test-postgresql

# `make bench`: the quick 10k run (about a minute, to run often; prints, writes .bench/quick.md).
# `make bench BENCH_ARGS='--size 10k'` or `--size 1m`: every figure, for the record in BENCHMARKS.md.
BENCH_ARGS ?= --size 10k --quick --out .bench/quick.md
bench: setup
	$(PY) scripts/bench.py $(BENCH_ARGS)

# docs/dataset.schema.json is generated from the record definitions (refdb/records/defs.py)
schema: setup
	$(PY) -m refdb.records.schema docs/dataset.schema.json

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
