"""SARIF 2.1.0 for GitHub code scanning: one result per violation, located at Pulumi.<stack>.yaml."""

from __future__ import annotations

from typing import Any

from .engine import Finding, Report

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"mandatory": "error", "advisory": "warning", "disabled": "none"}
TOOL = "coko-security"


def _rule(rule: Any, level: str) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.id.replace("-", ""),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": f"{rule.title}. Anchor: {rule.anchor}."},
        "help": {"text": rule.remediation, "markdown": f"**Remediation:** {rule.remediation}\n\n_Anchor:_ {rule.anchor}. Catalogue: docs/policies.md"},
        "defaultConfiguration": {"level": LEVELS[level]},
        "properties": {"severity": rule.severity, "enforcement": level, "anchor": rule.anchor, "tags": ["security", "pulumi", rule.severity]},
    }


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule.id,
        "ruleIndex": index[finding.rule.id],
        "level": LEVELS[finding.enforcement],
        "message": {"text": f"{finding.name}: {finding.message}. {finding.rule.remediation}"},
        "locations": [
            {
                "physicalLocation": {"artifactLocation": {"uri": f"Pulumi.{finding.stack}.yaml", "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 1}},
                "logicalLocations": [{"name": finding.name, "fullyQualifiedName": finding.urn, "kind": "resource"}],
            }
        ],
        "partialFingerprints": {"cokoFinding/v1": f"{finding.rule.id}|{finding.urn}"},
        "properties": {"stack": finding.stack, "resourceType": finding.type, "severity": finding.rule.severity},
    }
    if finding.exemption:
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": f"{finding.exemption.reason} (approved by {finding.exemption.approved_by})"}]
    return result


def to_sarif(report: Report, version: str = "0.1.0") -> dict[str, Any]:
    """Violations as results; exempted findings as suppressed results (GitHub shows them as dismissed)."""
    rules = [r for r in report.rules if report.levels.get(r.id) != "disabled"]
    index = {r.id: i for i, r in enumerate(rules)}
    results = [_result(f, index) for f in report.findings + report.exempted]
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": TOOL, "version": version, "rules": [_rule(r, report.levels[r.id]) for r in rules]}},
                "results": results,
                "properties": {"stacks": report.stacks, "exemptions": [e.as_json() for e in report.exemptions]},
            }
        ],
    }
