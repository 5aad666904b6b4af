# Two commands on a fresh machine (Python 3.11+ and make, no cloud account):
#   make preview   set up, then the offline preview of both stacks
#   make test      set up, then lint, type check and the whole test suite
PYTHON ?= python3
UV := $(PYTHON) -m uv

.PHONY: setup preview check test lint typecheck pytest bench services

setup:
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv \
		|| $(PYTHON) -m pip install --quiet --user --break-system-packages uv
	@$(UV) sync --frozen --compile-bytecode --quiet

preview: setup
	$(UV) run coko preview --all

check: setup
	$(UV) run coko check --all

lint: setup
	$(UV) run ruff check .

typecheck: setup
	$(UV) run mypy

# The app's tests need PostgreSQL and Redis: DATABASE_URL / REDIS_URL (defaults: 127.0.0.1).
pytest: setup
	$(UV) run pytest

test: lint typecheck pytest

bench: setup
	$(UV) run python bench/preview_speed.py
