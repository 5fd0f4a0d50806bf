# Two entry points (see README): `make serve` and `make test`. Everything else is a step they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test install lexicon frontend chromium postgresql warehouse lint bench eval clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# The parser's Danish lemma table, compiled from the installed spacy-lookups-data (intents/lemma_table.py);
# a worker builds it on first use too, but not while serving its first question if it is built here.
LEXICON := var/lexicon/da_lemma_lookup.bin
$(LEXICON): $(STAMP)
	$(BIN)/python -m intents.lemma_table --out $(LEXICON)

lexicon: $(LEXICON)

install: $(STAMP) $(LEXICON)

web/frontend/node_modules/.package-lock.json: web/frontend/package-lock.json
	bash web/frontend/install.sh

frontend: web/frontend/node_modules/.package-lock.json

chromium:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

# Debian's PostgreSQL server for tests/pg (a throwaway cluster per test session; initdb is not on PATH).
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null)

warehouse: install
	@test -f var/noegletal.duckdb || $(BIN)/noegletal build

serve: install frontend warehouse
	$(BIN)/noegletal serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy noegletal assistant semantic_layer warehouse intents web bench

test: install frontend chromium postgresql
	$(BIN)/ruff check .
	$(BIN)/mypy noegletal assistant semantic_layer warehouse intents web bench
	$(BIN)/python -m pytest

bench: install warehouse
	$(BIN)/noegletal bench

eval: install warehouse
	$(BIN)/noegletal eval

clean:
	rm -rf $(VENV) var web/frontend/node_modules
