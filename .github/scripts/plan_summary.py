#!/usr/bin/env python3
"""Markdown summary of an offline plan (and its policy check) for a pull-request comment.

    python .github/scripts/plan_summary.py plan.json [--sarif coko.sarif] > summary.md

Reads the `coko preview --json` document (version 1, README "The offline preview") and the SARIF
that `coko check --format sarif` writes. Standard library only: it runs before anything else is
installed if need be. Exit 2 with one line on stderr when an input is missing or malformed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

MARKER = "<!-- coko-plan-summary -->"  # lets the workflow find and update its own comment
RELEASE_STEPS = {
    "pulumi-python:dynamic/coko:MigrationStep": "migrate",
    "pulumi-python:dynamic/coko:StaticUploadStep": "collectstatic",
    "pulumi-python:dynamic/coko:RolloutCheck": "rollout check",
}
TOP_TYPES = 8


class InputError(Exception):
    pass


def load(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise InputError(f"{path}: no such file (the {what})") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not JSON ({exc.msg} at line {exc.lineno}); expected the {what}") from None


def release_order(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Migrations (in their dependsOn chain), then the static upload, then the rollout check."""
    by_urn = {r["urn"]: r for r in steps}

    def depth(step: dict[str, Any]) -> int:
        before = [by_urn[u] for u in (step.get("options") or {}).get("dependsOn") or [] if u in by_urn]
        return 1 + max(map(depth, before), default=0)

    kinds = list(RELEASE_STEPS)
    return sorted(steps, key=lambda r: (kinds.index(r["type"]), depth(r), r["name"]))


def stack_section(stack: dict[str, Any]) -> list[str]:
    resources = stack.get("resources") or []
    custom = [r for r in resources if r.get("custom")]
    by_type = Counter(r["type"] for r in custom)
    steps = [f"{RELEASE_STEPS[r['type']]} `{r['name']}`" for r in release_order([r for r in custom if r["type"] in RELEASE_STEPS])]
    lines = [
        f"### `{stack['stack']}` ({stack.get('region', '?')}, {stack.get('mode', '?')} mode)",
        "",
        f"{len(custom)} resources in {len(by_type)} types.",
        "",
        "| type | count |",
        "|---|---:|",
        *(f"| `{t}` | {n} |" for t, n in by_type.most_common(TOP_TYPES)),
    ]
    if len(by_type) > TOP_TYPES:
        lines.append(f"| … {len(by_type) - TOP_TYPES} more types | {sum(n for _, n in by_type.most_common()[TOP_TYPES:])} |")
    lines += ["", "Release steps of `pulumi up`, in order (the services roll just before the rollout check): " + (", ".join(steps) if steps else "none"), ""]
    return lines


def policy_section(sarif: dict[str, Any]) -> list[str]:
    results = [r for run in sarif.get("runs") or [] for r in run.get("results") or []]
    active = [r for r in results if not r.get("suppressions")]
    levels = Counter(r.get("level", "warning") for r in active)
    lines = [
        "### Policy check (`coko check`)",
        "",
        f"{levels.get('error', 0)} mandatory violations, {levels.get('warning', 0)} advisory, {len(results) - len(active)} exempted.",
    ]
    for result in sorted(active, key=lambda r: (r.get("level") != "error", r.get("ruleId", "")))[:20]:
        lines.append(f"- **{result.get('level', 'warning')}** `{result.get('ruleId', '?')}`: {result.get('message', {}).get('text', '')}")
    return [*lines, ""]


def summary(plan: dict[str, Any], sarif: dict[str, Any] | None) -> str:
    if plan.get("version") != 1 or not isinstance(plan.get("stacks"), list):
        raise InputError("plan: expected the `coko preview --json` document (version 1 with a stacks list)")
    lines = [MARKER, "## Offline plan", ""]
    for stack in plan["stacks"]:
        lines += stack_section(stack)
    if sarif is not None:
        lines += policy_section(sarif)
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("plan", type=Path, help="coko preview --json output")
    parser.add_argument("--sarif", type=Path, help="coko check --format sarif output")
    args = parser.parse_args(argv)
    try:
        sarif = load(args.sarif, "SARIF from coko check") if args.sarif else None
        sys.stdout.write(summary(load(args.plan, "coko preview --json output"), sarif))
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
