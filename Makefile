# Two commands on a fresh machine (Python 3.11+ and make, no cloud account):
#   make preview   set up, then the offline preview of both stacks
#   make test      set up, then lint, type check and the whole test suite
PYTHON ?= python3
UV := $(PYTHON) -m uv

.PHONY: setup preview plan check checkov test lint typecheck workflows pytest bench services web-setup web-test

setup:
	@$(PYTHON) -m uv --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv \
		|| $(PYTHON) -m pip install --quiet --user --break-system-packages uv
	@$(UV) sync --frozen --compile-bytecode --quiet

preview: setup
	$(UV) run coko preview --all

# CI previews once (build/preview.json) and feeds that saved plan to the policy check and to
# the Terraform-plan export that checkov scans.
BUILD := build
CHECKOV := checkov==3.3.30

plan: setup
	@mkdir -p $(BUILD)
	$(UV) run coko preview --all --json --out $(BUILD)/preview.json > /dev/null

check: plan
	$(UV) run coko check --plan $(BUILD)/preview.json

# checkov pins boto3 1.35 (our boto3>=1.40 excludes it), so it runs from an isolated uv tool
# environment; --skip-download keeps it offline. policies/checkov_skips.yaml is the reviewed list.
checkov: plan
	$(UV) run coko preview --format terraform-plan --plan $(BUILD)/preview.json --out $(BUILD)/tfplan
	$(UV) tool run --from $(CHECKOV) checkov -d $(BUILD)/tfplan --framework terraform_plan --skip-download --output json > $(BUILD)/checkov.json || true
	$(UV) run python -m coko_cli.offline.checkov_gate $(BUILD)/checkov.json policies/checkov_skips.yaml $(BUILD)/tfplan

lint: setup
	$(UV) run ruff check .

typecheck: setup
	$(UV) run mypy

# The GitHub Actions workflows (.github/workflows), checked offline by actionlint.
workflows: setup
	$(UV) run actionlint

# The app's tests need PostgreSQL and Redis: DATABASE_URL / REDIS_URL (defaults: 127.0.0.1).
pytest: setup
	$(UV) run pytest

# The reader frontend (app/web, docs/web.md): npm from its lock file; Next.js telemetry off and
# no browser download anywhere (Playwright drives Debian's Chromium, /usr/bin/chromium).
WEB := app/web
export NEXT_TELEMETRY_DISABLED := 1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

web-setup:
	cd $(WEB) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

# Unit tests, production build (with its type check), then Playwright in headless Chromium
# against that build and the real Django API (PostgreSQL + Redis, like pytest).
web-test: setup web-setup
	@test -x "$${CHROME_PATH:-/usr/bin/chromium}" || { echo "web-test: no Chromium at $${CHROME_PATH:-/usr/bin/chromium}; install it: apt-get install -y chromium" >&2; exit 2; }
	cd $(WEB) && npx vitest run && npx next build
	cd $(WEB) && WEB_E2E_PYTHON="$$($(UV) run --frozen python -c 'import sys; print(sys.executable)')" npx playwright test

test: lint typecheck workflows check checkov pytest web-test

bench: setup
	$(UV) run python bench/preview_speed.py
