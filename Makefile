# Relais — two commands do everything: `make demo` and `make test`.
# Python 3.11 to 3.13: the first one found (PYTHON=python3.13 make install to choose).
PYTHON ?= $(shell for p in python3.11 python3.12 python3.13; do command -v $$p >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install demo run test bench lint lock clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)  ## one pass over the demo sources, posts printed in French
	$(BIN)/python -m bot demo

run: $(STAMP)  ## the bot (console mode without DISCORD_TOKEN)
	$(BIN)/python -m bot run

test: $(STAMP)  ## the whole test suite
	$(BIN)/python -m pytest

bench: $(STAMP)  ## every benchmark, printing its figures
	@for script in benchmarks/[!_]*.py; do \
		echo "== $$script"; $(BIN)/python $$script || exit 1; \
	done

lint: $(STAMP)
	$(BIN)/ruff check bot cogs tests benchmarks
	$(BIN)/mypy

lock:  ## re-pin every dependency after editing pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip freeze --all --exclude-editable | grep -vE '^(relais|pip)==' > requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
