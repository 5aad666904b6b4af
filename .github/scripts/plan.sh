#!/usr/bin/env bash
# A pull request's plan: the offline preview of every stack, the policy check as SARIF, and a
# Markdown summary for the PR comment. Exits with `coko check`'s code, after writing the summary.
#   .github/scripts/plan.sh OUT_DIR
# COKO says how to run the CLI (default: python3 -m uv run coko; the tests use python -m coko_cli.main).
set -euo pipefail
out=${1:?usage: plan.sh OUT_DIR}
read -r -a coko <<< "${COKO:-python3 -m uv run coko}"
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
"${coko[@]}" preview --all --json --out "$out/plan.json"
status=0
"${coko[@]}" check --plan "$out/plan.json" --format sarif --out "$out/coko.sarif" || status=$?
python3 "$here/plan_summary.py" "$out/plan.json" --sarif "$out/coko.sarif" > "$out/summary.md"
exit "$status"
