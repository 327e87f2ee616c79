# The two commands of the README: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OUT ?= out

.PHONY: demo test lint setup clean

$(BIN)/uppfoljning: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/uppfoljning

demo: setup
	$(BIN)/uppfoljning demo --out $(OUT)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy transforms extract publish delivery uppfoljning flows expectations generator benchmarks

test: lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) $(OUT) .prefect
