# Parallel Python with multiprocessing: set up, open, and test the course.
#   make lab          create .venv if missing, install everything, open JupyterLab on the course
#   make test         the same set-up, then every test: lint, unit tests, every notebook once
#                     (with leak checks), the browser test; with CI set, also the matrix
#   make test-matrix  every notebook and unit test under fork, spawn and forkserver on
#                     Python 3.11 and 3.13, under fork and on one CPU on 3.12, each Python
#                     in its own .venv-3.X (MATRIX_SKIP= adds 3.12 spawn and forkserver)
#   make site         the executed edition: every notebook run fresh, as linked HTML pages
#                     with charts and widgets, in build/site (COURSE_SCALE=1 unless set)
#   make profile      what a learner waits for: each notebook run as Run All would, at the
#                     learner's size; its seconds, slowest cell and peak memory (not a test)
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
SUDO := $(shell [ "$$(id -u 2>/dev/null)" = "0" ] || echo sudo)
# Seconds one notebook cell may run in the tests before it counts as hung.
CELL_TIMEOUT ?= 180
PIP_INSTALL := -m pip install --quiet --quiet --disable-pip-version-check
# Installing: uv (a pip written in Rust, from PyPI) into the environment first, then the
# course's packages with it: about 7 times faster than pip here (13 s against 95 s for
# everything `make test` needs). If uv cannot be had, or it fails (uv does not read pip's
# configuration, so a private package index set up for pip only is not seen), pip does it.
# INSTALLER=pip uses pip alone. $(call install,PYTHON,ARGS)
INSTALLER ?= uv
install = { [ "$(INSTALLER)" = uv ] && { $(1) -m uv --version >/dev/null 2>&1 || $(1) $(PIP_INSTALL) uv; } && \
  $(1) -m uv pip install --quiet --python $(1) $(2); } || $(1) $(PIP_INSTALL) $(2)
# nbval runs every notebook top to bottom; the leak check runs after each one.
NBVAL := --nbval-lax --nbval-current-env --nbval-cell-timeout=$(CELL_TIMEOUT) -p tests.nb_leak_check
PYTEST_FLAGS := -q -p no:cacheprovider
# Task sizes (COURSE_SCALE) when `make notebooks` runs every notebook: small, so that the
# tests stay short; the notebooks' code is the same at every size. COURSE_SCALE=1 make
# notebooks runs them at the size a learner sees.
TEST_SCALE ?= 0.1
COURSE_SCALE ?= $(TEST_SCALE)

# The matrix: Pythons, start methods, and how many cells run at once.
MATRIX_PYTHONS ?= 3.11 3.12 3.13
MATRIX_METHODS ?= fork spawn forkserver
# Where we may (Linux, as root or in a user namespace of our own), the unit tests and each
# matrix cell get a private /dev/shm (a mount namespace), so that tests running side by side
# never see each other's shared memory: then 3 matrix cells run at once (CPU contention only
# slows them; timings are never asserted). Else the cells run one at a time.
SHM_NS := $(shell if [ "$$(id -u 2>/dev/null)" = 0 ] && unshare --mount --propagation private true 2>/dev/null; \
  then echo unshare --mount --propagation private; \
  elif unshare --user --map-root-user --mount --propagation private true 2>/dev/null; \
  then echo unshare --user --map-root-user --mount --propagation private; fi)
ifneq ($(SHM_NS),)
  MATRIX_JOBS ?= 3
  IN_CELL := $(SHM_NS) sh -c 'mount -t tmpfs -o size=2g,mode=1777 tmpfs /dev/shm && exec "$$@"' cell
else
  MATRIX_JOBS ?= 1
  IN_CELL :=
endif
# Task sizes in the matrix (COURSE_SCALE): it checks that everything runs, not timings.
MATRIX_SCALE ?= 0.1
# Binder gives 1 CPU. One more cell runs Binder's Python (environment.yml) pinned to one CPU
# (taskset; where there is none, LOKY_MAX_CPU_COUNT=1 only makes usable_cpus() say 1), with
# the platform's default start method.
ONE_CPU_PYTHON ?= 3.12
ONE_CPU := $(or $(shell taskset -c 0 true 2>/dev/null && echo taskset -c 0),env LOKY_MAX_CPU_COUNT=1)
# The one-CPU cell first checks that the pinning works: usable_cpus() must say 1.
CHECK_ONE_CPU := from helpers.system import usable_cpus as u; n = u(); assert n == 1, f\"usable_cpus() is {n}, not 1\"; print(\"usable CPUs: 1\")
# In a cell, the unit tests run in CELL_WORKERS pytest-xdist workers (they mostly wait),
# beside the shared_memory ones in a pytest of their own, then the notebooks one after the
# other, each part in its own private /dev/shm. The tests marked same_under_every_method
# (Dask's and loky's workers, stand-alone scripts: they never use COURSE_START_METHOD) run
# only in the cells of each Python's default start method.
CELL_WORKERS ?= 2
# With CI set, `make test` has just run the unit tests and notebooks in $(VENV): that is the
# cell of its Python and default start method, which the matrix then skips.
LEARNERS_CELL := import sys, multiprocessing as m; print(\"matrix-%d.%d-%s\" % (*sys.version_info[:2], m.get_start_method()))
# Every start method on the oldest and the newest Python; the one between (Binder's) with its
# default method and on one CPU. The matrix is CPU-bound (three cells use 90% of 2 cores), and
# each cell costs about 8 minutes of them: the two left out keep CI within 45 minutes.
# `make test-matrix MATRIX_SKIP=` runs every cell.
MATRIX_SKIP ?= matrix-3.12-spawn matrix-3.12-forkserver
# The one-CPU cell first: pinned, it leaves the other core to the cells beside it, and the
# cell that runs last, alone, can use both.
MATRIX_CELLS := $(if $(ONE_CPU_PYTHON),matrix-$(ONE_CPU_PYTHON)-one_cpu) \
  $(filter-out $(MATRIX_SKIP),\
  $(foreach p,$(MATRIX_PYTHONS),$(foreach m,$(MATRIX_METHODS),matrix-$(p)-$(m))))
# The interpreter for Python 3.X: $PYTHON3X if set, else pyenv's 3.X, else python3.X on PATH.
find_python = $(strip $(or $(PYTHON$(subst .,,$(1))),\
  $(shell d=$$(pyenv prefix $(1) 2>/dev/null) && test -x "$$d/bin/python$(1)" && echo "$$d/bin/python$(1)"),\
  $(shell python$(1) -c pass 2>/dev/null && command -v python$(1))))


.PHONY: site bench profile
.PHONY: setup setup-test lab test lint unit unit-shared-memory unit-others notebooks browser unit-notebooks-browser unit-then-notebooks browser-deps strip clean \
        test-matrix matrix-venvs $(MATRIX_CELLS)

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, this is " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "== installing requirements.txt into $(VENV)"; $(call install,$(PY),-r requirements.txt -e .)
	@touch $@

# Test-only tools (playwright, repo2docker), which learners and Binder do not need.
setup-test: $(VENV)/.installed-test

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	@echo "== installing requirements-test.txt into $(VENV)"; $(call install,$(PY),-r requirements-test.txt)
	@touch $@

# The instructor's pre-flight check of this machine (see the README).
bench: setup
	$(PY) -m helpers.bench

# Every notebook of notebooks/ (or PROFILE_NOTEBOOKS=...) top to bottom in a fresh kernel at
# the learner's size (PROFILE_SCALE, default 1), as Run All runs it: prints each one's
# seconds, slowest cell and peak memory (PSS) of the kernel and its children. Not part of
# `make test`: it measures, it asserts nothing. Options: PROFILE_FLAGS="--json profile.json".
PROFILE_SCALE ?= 1
PROFILE_NOTEBOOKS ?=
PROFILE_FLAGS ?=
profile: setup
	COURSE_SCALE=$(PROFILE_SCALE) $(PY) tests/profile_notebooks.py $(PROFILE_FLAGS) $(PROFILE_NOTEBOOKS)

# The executed edition: a page per notebook, at the learner's size unless COURSE_SCALE is
# given on the command line (make site COURSE_SCALE=0.1).
site: setup
	COURSE_SCALE=$(if $(filter command line environment,$(origin COURSE_SCALE)),$(COURSE_SCALE),1) $(PY) -m tests.build_site

lab: setup
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=. notebooks/00_welcome.ipynb

lint: setup
	$(BIN)/ruff check helpers tests notebooks

# The unit tests mostly wait (for processes to start, for checkers' bounds), so they run in
# UNIT_WORKERS pytest-xdist workers, beside the files that make shared-memory segments or
# compare /dev/shm (marked shared_memory, SHARED_MEMORY_FILES in tests/conftest.py), which
# run one after another in a pytest of their own. Where it can be had, each of the two gets
# a /dev/shm of its own (IN_CELL), which nothing else on the machine sees.
UNIT_WORKERS ?= 3
UNIT_TESTS := tests --ignore=tests/browser
unit: setup-test
	@$(MAKE) --no-print-directory -j2 -k --output-sync=target unit-shared-memory unit-others

unit-shared-memory: setup-test
	$(IN_CELL) $(PY) -m pytest $(PYTEST_FLAGS) -m shared_memory $(UNIT_TESTS)

unit-others: setup-test
	$(IN_CELL) $(PY) -m pytest $(PYTEST_FLAGS) -n $(UNIT_WORKERS) -m "not shared_memory" $(UNIT_TESTS)

notebooks: setup-test
	COURSE_SCALE=$(COURSE_SCALE) $(PY) -m pytest $(PYTEST_FLAGS) $(NBVAL) notebooks

# JupyterLab in headless Chromium (Debian's). Skipped without Chromium, except in CI,
# where Chromium is installed with apt-get if missing and the test must run.
browser: setup-test browser-deps
	$(PY) -m pytest $(PYTEST_FLAGS) -rs tests/browser

browser-deps:
ifneq ($(CI),)
	@test -x /usr/bin/chromium || { $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }
endif

ifneq ($(CI),)
test: lint unit-notebooks-browser test-matrix
else
test: lint unit-notebooks-browser
endif

# The browser test runs beside the unit tests and then the notebooks: it mostly waits (for
# JupyterLab, the kernel, the browser), and no test asserts a timing. Each one's output is
# shown in one piece when it ends. The notebooks wait for the unit tests: with all three at
# once (load about 10 on 2 cores) two checkers' timing-based hints misjudged (a right
# gather() was said to join first; a thread was said to block the loop).
unit-notebooks-browser: setup-test
	@$(MAKE) --no-print-directory -j2 --output-sync=target unit-then-notebooks browser

# The notebooks run even when a unit test failed (CI shows every failure at once).
unit-then-notebooks: setup-test
	@status=0; $(MAKE) --no-print-directory unit || status=$$?; \
	$(MAKE) --no-print-directory notebooks || status=$$?; exit $$status

# One cell per Python and start method. Each Python gets its own virtual environment.
test-matrix:
	@rm -rf test-artifacts/matrix && mkdir -p test-artifacts/matrix
	@start=$$(date +%s); status=0; \
	done=$$( [ -n "$(CI)" ] && $(PY) -c "$(LEARNERS_CELL)" 2>/dev/null); \
	cells=$$(for c in $(MATRIX_CELLS); do [ "$$c" = "$$done" ] || echo $$c; done); \
	$(MAKE) --no-print-directory matrix-venvs && \
	$(MAKE) --no-print-directory -j$(MATRIX_JOBS) -k $$cells || status=$$?; \
	echo "== matrix: $(MATRIX_PYTHONS) x $(MATRIX_METHODS)$(if $(MATRIX_SKIP), less $(MATRIX_SKIP:matrix-%=%))$(if $(ONE_CPU_PYTHON), and $(ONE_CPU_PYTHON) on one CPU), COURSE_SCALE=$(MATRIX_SCALE), $(MATRIX_JOBS) at once$(if $(IN_CELL), with a private /dev/shm each), $$(( $$(date +%s) - start )) s"; \
	test -z "$$done" || echo "$$done: not run again (make test's own unit tests and notebooks, above, are that cell)"; \
	cat test-artifacts/matrix/*.result; exit $$status

.venv-%/.installed: requirements.txt requirements-test.txt pyproject.toml
	@py="$(call find_python,$*)"; test -n "$$py" || { echo "Python $* not found: set PYTHON$(subst .,,$*)=/path/to/python$* (or install it with pyenv)"; exit 1; }; \
	echo "== .venv-$*: $$py"; test -x .venv-$*/bin/python || "$$py" -m venv .venv-$*
	@$(call install,.venv-$*/bin/python,-r requirements.txt -r requirements-test.txt -e .)
	@touch $@

# Make the venvs one after the other (installers in parallel fight over their cache), then test.
matrix-venvs: $(foreach p,$(sort $(MATRIX_PYTHONS) $(ONE_CPU_PYTHON)),.venv-$(p)/.installed)

.SECONDEXPANSION:
$(MATRIX_CELLS): matrix-%: .venv-$$(word 1,$$(subst -, ,$$*))/.installed
	@python=$(word 1,$(subst -, ,$*)); method=$(word 2,$(subst -, ,$*)); \
	log=test-artifacts/matrix/$*.log; : > $$log; start=$$(date +%s); pin=; \
	if [ $$method = one_cpu ]; then pin="$(ONE_CPU)"; method="on one CPU ($$pin)"; \
	else export COURSE_START_METHOD=$$method; fi; \
	export COURSE_SCALE=$(MATRIX_SCALE); py=.venv-$$python/bin/python; \
	summary() { tail -n 1 "$$1" | tr -d '=' | sed 's/^ *//'; }; unit=; notebooks=; result=FAILED; \
	only=; [ -z "$${COURSE_START_METHOD:-}" ] || \
	  [ "$$COURSE_START_METHOD" = "$$($$py -c 'import multiprocessing as m; print(m.get_start_method())')" ] || \
	  only="not same_under_every_method"; \
	if { [ -z "$$pin" ] || $$pin $$py -c "$(CHECK_ONE_CPU)" > $$log 2>&1; }; then \
	  $(IN_CELL) $$pin $$py -m pytest $(PYTEST_FLAGS) -m "shared_memory$${only:+ and $$only}" \
	    $(UNIT_TESTS) > $$log.shm 2>&1 & shm=$$!; \
	  $(IN_CELL) $$pin $$py -m pytest $(PYTEST_FLAGS) -n $(CELL_WORKERS) \
	    -m "not shared_memory$${only:+ and $$only}" $(UNIT_TESTS) >> $$log 2>&1 && ok=1 || ok=; \
	  wait $$shm || ok=; unit="unit: $$(summary $$log) + $$(summary $$log.shm)"; \
	  cat $$log.shm >> $$log; rm -f $$log.shm; \
	  $(IN_CELL) $$pin $$py -m pytest $(PYTEST_FLAGS) $(NBVAL) notebooks >> $$log 2>&1 && \
	    [ -n "$$ok" ] && result=passed; notebooks="notebooks: $$(summary $$log)"; fi; \
	line="Python $$python $$method: $$result ($$unit; $$notebooks) in $$(( $$(date +%s) - start )) s"; \
	echo "$$line" | tee test-artifacts/matrix/$*.result; \
	test $$result = passed || { tail -n 40 $$log; exit 1; }

clean:
	rm -rf $(VENV) .venv-3.* .pytest_cache .ruff_cache test-artifacts

# Remove outputs and execution counts from every notebook before you commit it.
strip: setup
	$(BIN)/nbstripout notebooks/*.ipynb
