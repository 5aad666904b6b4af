"""CI gate over checkov's JSON report on the Terraform-plan export: no parsing error, every
exported resource parsed, and no failed check outside the reviewed skip file.

Usage: python -m coko_cli.offline.checkov_gate REPORT.json policies/checkov_skips.yaml EXPORT_DIR
Exit 0 when clean, 1 on a failed check or parsing problem, 2 on an unusable skip file or report.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

MIN_REASON = 20


def load_skips(path: Path) -> tuple[set[tuple[str, str]], list[str]]:
    """{(check, resource)} and the problems of entries without check, resource or a sentence of reason."""
    document = yaml.safe_load(path.read_text()) or {}
    entries = document.get("skips") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        return set(), [f"{path}: expected a top-level `skips:` list"]
    skips, problems = set(), []
    for i, entry in enumerate(entries, 1):
        check, resource, reason = (entry.get(k) if isinstance(entry, dict) else None for k in ("check", "resource", "reason"))
        if not (isinstance(check, str) and isinstance(resource, str) and isinstance(reason, str) and len(reason.strip()) >= MIN_REASON and reason.strip().endswith(".")):
            problems.append(f"{path} entry #{i}: needs check, resource and a reason of at least one sentence")
            continue
        skips.add((check, resource))
    return skips, problems


def reports(document: Any) -> list[dict[str, Any]]:
    found = document if isinstance(document, list) else [document]
    return [r for r in found if isinstance(r, dict) and r.get("check_type") == "terraform_plan"]


def gate(document: Any, skips: set[tuple[str, str]], exported: int) -> tuple[list[str], list[str], dict[str, int]]:
    """(blocking problems, stale skip entries, checks per resource type)."""
    problems: list[str] = []
    failed: set[tuple[str, str]] = set()
    per_type: dict[str, int] = {}
    found = reports(document)
    if not found:
        return ["checkov report has no terraform_plan results (did it parse the export?)"], [], {}
    parsed = 0
    for report in found:
        summary = report.get("summary", {})
        parsed += int(summary.get("resource_count", 0))
        if summary.get("parsing_errors"):
            problems.append(f"checkov could not parse {summary['parsing_errors']} file(s): {report.get('results', {}).get('parsing_errors')}")
        results = report.get("results", {})
        for outcome in ("passed_checks", "failed_checks"):
            for item in results.get(outcome, []):
                type_ = str(item.get("resource", "")).split(".")[0]
                per_type[type_] = per_type.get(type_, 0) + 1
        failed |= {(str(f.get("check_id")), str(f.get("resource"))) for f in results.get("failed_checks", [])}
    if parsed != exported:
        problems.append(f"checkov parsed {parsed} resources, the export has {exported}")
    problems += [f"{check} failed on {resource} (fix it, or add a reviewed entry to the skip file)" for check, resource in sorted(failed - skips)]
    stale = [f"{check} on {resource}" for check, resource in sorted(skips - failed)]
    return problems, stale, per_type


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    report_path, skips_path, export_dir = (Path(a) for a in argv)
    try:
        document = json.loads(report_path.read_text())
        exported = sum(len(json.loads(p.read_text())["resource_changes"]) for p in sorted(export_dir.glob("*.tfplan.json")))
        skips, bad = load_skips(skips_path)
    except (OSError, ValueError, KeyError, yaml.YAMLError) as exc:
        print(f"checkov gate: {exc}", file=sys.stderr)
        return 2
    if bad:
        print("\n".join(bad), file=sys.stderr)
        return 2
    problems, stale, per_type = gate(document, skips, exported)
    print(f"checkov: {exported} resources exported, {sum(per_type.values())} check results over {len(per_type)} resource types; {len(skips)} reviewed skips")
    for entry in stale:
        print(f"stale skip (no longer fails, delete it): {entry}")
    for problem in problems:
        print(f"FAILED: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
