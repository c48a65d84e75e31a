# 职工之家 · Workers' Home — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app app
HOST   ?= 127.0.0.1
PORT   ?= 5000
STAMP  := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)

.PHONY: run worker test setup translations messages lint bench clean

setup: $(STAMP) translations

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $@

# Catalogs live beside each feature (app/**/translations); compiled here, never committed.
translations: $(STAMP)
	@for dir in $$(find app -type d -name translations); do \
		$(BIN)/pybabel -q compile --use-fuzzy -d $$dir || exit 1; \
	done

run: setup
	$(FLASK) db upgrade
	$(FLASK) demo
	@echo "Serving on http://$(HOST):$(PORT) — log in with one of the demo accounts above."
	@# The job consumer (push, reminders, daily jobs) runs beside the server and stops with it.
	@$(FLASK) jobs worker & worker=$$!; \
	trap 'kill -INT $$worker 2>/dev/null; wait $$worker' EXIT; trap 'exit 130' INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

# A consumer on its own, for deployments with several web processes (see README).
worker: setup
	$(FLASK) jobs worker

# Three workers on two cores: a browser test waits on Chromium and its server as much as it
# computes, and a third worker uses those waits (PYTEST_ARGS to change).
PYTEST_ARGS ?= -n 3
test: setup
	$(BIN)/pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

# Every script under bench/ seeds what it needs and prints its figures (see its docstring).
bench: setup
	@for script in bench/[!_]*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Re-extract the strings of every catalog and merge them into its Chinese .po (English is the
# source language and needs no catalog). A feature with its own translations/ folder is left
# out of the enclosing catalog.
messages: $(STAMP)
	@for dir in $$(find app -type d -name translations); do \
		root=$$(dirname $$dir); ignores=""; \
		for other in $$(find $$root -mindepth 2 -type d -name translations); do \
			[ "$$other" = "$$dir" ] || ignores="$$ignores --ignore-dirs=$$(basename $$(dirname $$other))"; \
		done; \
		$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output \
			$$ignores -o $$dir/messages.pot $$root || exit 1; \
		if [ -f $$dir/zh_Hans_CN/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel -q update --no-fuzzy-matching --ignore-obsolete -i $$dir/messages.pot -d $$dir -l zh_Hans_CN; \
		else \
			$(BIN)/pybabel init -i $$dir/messages.pot -d $$dir -l zh_Hans_CN; \
		fi; \
		echo "$$dir: $$(grep -c '^msgid' $$dir/messages.pot) strings"; \
	done
