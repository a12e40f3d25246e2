# Every target creates the virtual environment it needs, so each works on a fresh clone.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
# Meltano installs each plugin of meltano.yml in its own venv under .meltano/.
PLUGINS_STAMP := .meltano/.installed-plugins

.PHONY: help install plugins demo test test-fast lint typecheck unit readme plugins-defs docs bench clean

help:
	@echo "make demo    - install the project and Meltano's plugins, run the demo pipelines against"
	@echo "               a local sandbox into output/survey.duckdb, print what landed"
	@echo "make test    - create $(VENV) if missing, install .[dev], run ruff, mypy and pytest"
	@echo "make test-fast - the unit tests only, not the slow ones (under a minute): the quick loop"
	@echo "make bench   - install .[dev,bench], run the benchmarks, write benchmarks/results/"
	@echo "               and the table of docs/performance.md"
	@echo "make readme  - regenerate the docs pages' settings tables and register links, and"
	@echo "               plugins/, from --about and the readings register"
	@echo "make plugins-defs - regenerate plugins/, one Meltano Hub definition per connector"
	@echo "make docs    - regenerate docs/readings.md, the register of readings, from its data"
	@echo "make clean   - remove the virtual environments (.venv, .meltano), output/ and caches"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

$(PLUGINS_STAMP): meltano.yml pyproject.toml $(STAMP)
	$(BIN)/meltano install
	touch $(PLUGINS_STAMP)

plugins: $(PLUGINS_STAMP)

demo: $(PLUGINS_STAMP)
	$(BIN)/python -m scripts.demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# pytest exits 5 when it collected no test: that is a failure here, never a pass.
unit: $(STAMP)
	@$(BIN)/pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing the run"; exit 1; fi; \
	exit $$status

test: lint typecheck unit

# The quick loop while editing: tests/conftest.py marks every test with its layer by the
# folder it is in, and the heavy modules slow. `make test` still runs everything.
test-fast: $(STAMP)
	@$(BIN)/pytest -m "unit and not slow"; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing the run"; exit 1; fi; \
	exit $$status

readme: $(STAMP) plugins-defs
	$(BIN)/python scripts/readme_settings.py --write

plugins-defs: $(STAMP)
	$(BIN)/python -m scripts.plugin_definitions --write

docs: $(STAMP)
	$(BIN)/python -m scripts.readings_register --write

# The benchmarks need matplotlib for their chart, which the tests do not.
$(VENV)/.installed-bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

bench: $(VENV)/.installed-bench
	$(BIN)/python -m benchmarks.run --page docs/performance.md

clean:
	rm -rf $(VENV) .meltano output .mypy_cache .ruff_cache .pytest_cache build dist *.egg-info
