# Two commands do all the set-up on a fresh machine (Python 3.11, pip, make):
#   make demo   - create .venv, install weaklabel (with the end model's extra), label the bundled
#                 YouTube spam data into out/
#   make test   - create .venv with the dev tools and Dask, and .venv-labelstudio with Label
#                 Studio (for the round-trip tests against a real server), and run all the tests
#   make check  - lint (ruff), types (mypy), import layering (import-linter), then `make test`
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Label Studio pins numpy < 2.3 and pyarrow 24: it gets its own venv, so that the project's tests
# run on the newest releases its own dependencies allow. tests/labelstudio runs its server from there.
LS_VENV ?= .venv-labelstudio
OUT ?= out

.PHONY: demo test check lint format typecheck imports benchmark clean browser labelstudio-server

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[endmodel]'
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,dask,hf,endmodel]'
	touch $(VENV)/.installed $@

# the `labelstudio` extra of pyproject.toml, alone in its venv
$(LS_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(LS_VENV)
	$(LS_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LS_VENV)/bin/python -m pip install --quiet $$($(PYTHON) -c "import tomllib; \
	  print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['labelstudio'])")
	touch $@

labelstudio-server: $(LS_VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/weaklabel run --out $(OUT)

# The report's browser test needs Chromium; install it when absent (as root: CI, fresh machines).
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	{ if [ "$$(id -u)" = 0 ]; then \
	    (apt-get install -y -qq chromium >/dev/null 2>&1 || \
	     (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)); \
	  else echo "The report's browser test needs Chromium: sudo apt-get install chromium"; fi; }

test: $(VENV)/.dev-installed labelstudio-server browser
	$(BIN)/python -m pytest

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev-installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

# the layering of the wings and the absence of import cycles ([tool.importlinter] in pyproject)
imports: $(VENV)/.dev-installed
	$(BIN)/lint-imports

check: lint typecheck imports test

clean:
	rm -rf $(VENV) $(LS_VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
