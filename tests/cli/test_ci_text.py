"""`coko check` and `coko preview` text in a CI log (80 columns, no terminal): one record per line."""

from __future__ import annotations

import io
import json
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from coko_cli.ci_text import preview_lines
from coko_cli.main import app
from coko_cli.offline.runner import StackPreview

PLAN = {
    "version": 1,
    "stacks": [
        {
            "stack": "production",
            "region": "eu-west-3",
            "mode": "preview",
            "outputs": {},
            "resources": [
                {
                    "urn": "urn:pulumi:production::coko::aws:sqs/queue:Queue::jobs",
                    "type": "aws:sqs/queue:Queue",
                    "name": "jobs",
                    "parent": None,
                    "region": "eu-central-1",
                    "custom": True,
                    "inputs": {"name": "jobs"},
                }
            ],
        }
    ],
}


def test_check_prints_one_finding_per_line_with_every_field(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PLAN))
    result = CliRunner().invoke(app, ["check", "--plan", str(plan), "--exemptions", "/dev/null"], env={"COLUMNS": "80"})
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    findings = [line for line in lines if line.startswith("finding ")]
    assert "finding rule=COKO-REG-001 severity=high enforcement=mandatory stack=production resource=jobs" in findings[0]
    assert all(" message=" in f and " remediation=" in f for f in findings)
    assert len(lines) == len(findings) + 1 and lines[-1].startswith("FAILED: "), "nothing wrapped onto a line of its own"


def test_check_json_and_sarif_are_unchanged_documents(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(PLAN))
    for fmt in ("json", "sarif"):
        result = CliRunner().invoke(app, ["check", "--plan", str(plan), "--exemptions", "/dev/null", "--format", fmt], env={"COLUMNS": "80"})
        assert result.exit_code == 1
        document = json.loads(result.stdout)
        assert ("runs" in document) if fmt == "sarif" else (document["summary"]["violations"] == 2)


def test_preview_prints_one_resource_per_line_outside_a_terminal(up: dict[str, StackPreview]) -> None:
    buffer = io.StringIO()
    preview = up["production"]
    preview_lines(Console(file=buffer, width=80), preview)
    lines = buffer.getvalue().splitlines()
    resources = [line for line in lines if line.startswith("resource stack=production type=")]
    assert len(resources) == len(preview.resources), "one line per resource, none wrapped"
    assert sum(line.startswith("output stack=production key=") for line in lines) == len(preview.outputs)
    assert lines[-1] == f"preview stack=production region=eu-west-3 mode=up resources={len(preview.resources)} seconds={preview.seconds:.2f}"
    assert len(lines) == len(resources) + len(preview.outputs) + 1
