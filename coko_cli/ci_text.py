"""`coko check` and `coko preview` as text in a CI log: one finding / one resource per line.

In a terminal wide enough, `coko check` keeps its tables and `coko preview` its tree; elsewhere
(a pipe, a CI log, a narrow window, a --out file) every finding, exemption, resource and output
is one ``key=value`` line (`coko_cli.records`), so no field is dropped or wrapped. The JSON and
SARIF documents are not touched.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console

from coko_cli.records import Column, Records, fits, show

SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}
FINDINGS = (
    Column("Rule", "rule"),
    Column("Severity", "severity", style=SEVERITY_STYLE.get),
    Column("Enforcement", "enforcement"),
    Column("Stack", "stack"),
    Column("Resource", "resource"),
    Column("Message", "message", fold=True),
    Column("Remediation", "remediation", fold=True),
)
EXEMPTIONS = tuple(
    Column(h, k, fold=k == "reason")
    for h, k in [("Rule", "rule"), ("Stack", "stack"), ("Resource", "resource"), ("Reason", "reason"), ("Approved by", "approvedBy")]
)


def check_report(report: Any, console: Console) -> None:
    """Findings (mandatory first), exemptions used, and a one-line verdict."""
    ordered = sorted(report.findings, key=lambda f: (f.enforcement != "mandatory", f.rule.id, f.stack, f.name))
    findings = Records("finding", f"Policy violations · {', '.join(report.stacks)}", FINDINGS)
    findings.rows = [
        {
            "rule": f.rule.id,
            "severity": f.rule.severity,
            "enforcement": f.enforcement,
            "stack": f.stack,
            "resource": f.name,
            "message": f.message,
            "remediation": f.rule.remediation,
        }
        for f in ordered
    ]
    exemptions = Records("exemption", "Exemptions used (policies/exemptions.yaml)", EXEMPTIONS)
    exemptions.rows = [
        {"rule": e.rule, "stack": e.stack or "any", "resource": e.resource, "reason": e.reason, "approvedBy": e.approved_by} for e in report.exemptions
    ]
    show(console, [findings, exemptions])
    enabled = sum(1 for level in report.levels.values() if level != "disabled")
    verdict = "FAILED" if report.mandatory else "passed"
    console.out(
        f"{verdict}: {enabled} rules over {', '.join(report.stacks)} · {len(report.mandatory)} mandatory, "
        f"{len(report.findings) - len(report.mandatory)} advisory violation(s) · {len(report.exempted)} exempted",
        highlight=False,
    )


RESOURCES = (Column("Type", "type"), Column("Name", "name"), Column("Region", "region"), Column("Parent", "parent"))
OUTPUTS = (Column("Output", "key"), Column("Value", "value", fold=True))


def preview_lines(console: Console, preview: Any) -> None:
    """One line per resource (with its parent's name) and per stack output, then a summary line."""
    names = {r.urn: r.name for r in preview.resources}
    kind = f"resource stack={preview.stack}"
    resources = Records(
        kind,
        "",
        RESOURCES,
        [{"type": r.type, "name": r.name, "region": r.region or preview.region, "parent": names.get(r.parent or "")} for r in preview.resources],
    )
    outputs = Records(
        f"output stack={preview.stack}", "", OUTPUTS, [{"key": k, "value": v if isinstance(v, str) else _json(v)} for k, v in sorted(preview.outputs.items())]
    )
    plain = Console(file=console.file, force_terminal=False, width=console.width)  # always lines: the tree is for terminals
    show(plain, [resources, outputs])
    console.out(
        f"preview stack={preview.stack} region={preview.region} mode={preview.mode} resources={len(preview.resources)} seconds={preview.seconds:.2f}",
        highlight=False,
    )


def wants_tree(console: Console) -> bool:
    """The preview's tree only in a terminal at least 100 columns wide (its deepest lines need it)."""
    return console.is_terminal and fits(console, "x" * 100)


def _json(value: Any) -> str:
    import json

    return json.dumps(value, sort_keys=True)
