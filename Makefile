# One entry point for set-up, the demo, checks and benchmarks.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DB ?= neocloud.duckdb
# pip on some machines reads a system-wide constraint file too; ours pins everything we use.
PIP := $(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt

.PHONY: demo install dev browser test check lint format bench train-deals train-stance clean

demo: install  ## set up, ingest the bundled corpus, show what was stored
	$(BIN)/neocloud ingest corpus/documents/ --db $(DB)
	$(BIN)/neocloud sql --db $(DB) "SELECT doc_id, regexp_extract(path, '[^/]+$$') AS file, kind, languages, publisher, derived_from, title FROM documents ORDER BY path"
	$(BIN)/neocloud deals --db $(DB)
	$(BIN)/neocloud economics --db $(DB)
	$(BIN)/neocloud summarize --db $(DB) --out summaries
	$(BIN)/neocloud report --db $(DB) --out report

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip==26.3

install: $(BIN)/python
	$(PIP) -e .

dev: $(BIN)/python
	$(PIP) torch==2.13.0
	$(PIP) -e ".[dev]"

# Chromium and CJK fonts (Debian packages) for the report's browser test. Outside CI a
# machine without apt or root only warns: that test is then skipped.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
	  chromium fonts-noto-cjk >/dev/null; } || [ -z "$$CI" ] || exit 1
	@command -v chromium >/dev/null || echo "warning: no Chromium; the report's browser test will be skipped"

test: dev browser  ## lint, types and the test suite
	$(BIN)/ruff check pipeline tests benchmarks
	$(BIN)/ruff format --check pipeline tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest -q

check: test

format: dev
	$(BIN)/ruff check --fix pipeline tests benchmarks
	$(BIN)/ruff format pipeline tests benchmarks

bench: $(BIN)/python  ## quality and speed benchmarks; numbers go to benchmarks/results/
	$(PIP) -e ".[dev,bench]"
	$(BIN)/python -m benchmarks.figures
	$(BIN)/python -m benchmarks.deals
	$(BIN)/python -m benchmarks.similarity
	$(BIN)/python -m benchmarks.stance_blind
	$(BIN)/python -m benchmarks.scale

train-deals: install  ## refit the deal relation, direction and status heads from corpus/deals/ (~1 minute)
	$(BIN)/python -m pipeline.extract.train_relations

train-stance: dev  ## refit the claim and stance heads and fine-tune the stance encoder (~1 hour on 2 cores)
	$(BIN)/neocloud train-stance --encoder

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache $(DB) summaries report
