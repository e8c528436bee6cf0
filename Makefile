# Parallel Python with multiprocessing: set up, open, and test the course.
#   make lab    create .venv if missing, install everything, open JupyterLab on the course
#   make test   the same set-up, then every test (lint, unit tests, every notebook)
# Choose the Python with `make lab PYTHON=python3.12`.

PYTHON ?= python3
VENV ?= .venv
ifeq ($(OS),Windows_NT)
  BIN := $(VENV)/Scripts
else
  BIN := $(VENV)/bin
endif
PY := $(BIN)/python
# Jupyter refuses to start as root unless told; containers often run as root.
ROOT_FLAG := $(shell [ "$$(id -u 2>/dev/null)" = "0" ] && echo --allow-root)
# Seconds one notebook cell may run in the tests before it counts as hung.
CELL_TIMEOUT ?= 180

.PHONY: setup lab test lint unit notebooks strip clean

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, this is " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -e .
	@touch $@

lab: setup
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=. notebooks/00_welcome.ipynb

lint: setup
	$(BIN)/ruff check helpers tests notebooks

unit: setup
	$(PY) -m pytest -q tests

notebooks: setup
	$(PY) -m pytest -q --nbval-lax --nbval-current-env --nbval-cell-timeout=$(CELL_TIMEOUT) -p no:cacheprovider notebooks

test: lint unit notebooks

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Remove outputs and execution counts from every notebook before you commit it.
strip: setup
	$(BIN)/nbstripout notebooks/*.ipynb
