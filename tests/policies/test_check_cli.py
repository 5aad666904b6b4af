"""`coko check` end to end over the real offline preview: pass, reports, exemptions, errors."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from coko_cli.main import app
from policies.engine import evaluate, parse_levels, stacks_from_preview
from policies.exemptions import DEFAULT_FILE, load
from policies.rules import all_rules


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, ["check", *args])


def write(tmp_path: Path, name: str, content: Any) -> Path:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


@pytest.mark.parametrize("mode", ["preview", "up"])
def test_both_stacks_pass_every_mandatory_rule(plan_docs: dict[str, Any], mode: str) -> None:
    rules = all_rules()
    report = evaluate(stacks_from_preview(plan_docs[mode]), rules, parse_levels(None, rules), load(DEFAULT_FILE, {r.id for r in rules}))
    assert sorted(report.stacks) == ["capetown", "production"]
    assert [(f.rule.id, f.stack, f.name, f.message) for f in report.mandatory] == []


def test_every_exemption_is_used_by_the_real_stacks(plan_docs: dict[str, Any]) -> None:
    rules = all_rules()
    exemptions = load(DEFAULT_FILE, {r.id for r in rules})
    report = evaluate(stacks_from_preview(plan_docs["up"]), rules, parse_levels(None, rules), exemptions)
    assert sorted(map(repr, report.exemptions)) == sorted(map(repr, exemptions)), "an exemption no longer needed must be removed"


def test_clean_plan_exits_0_and_lists_exemptions_in_text(plan_docs: dict[str, Any], tmp_path: Path) -> None:
    result = invoke("--plan", str(write(tmp_path, "plan.json", plan_docs["preview"])))
    assert result.exit_code == 0, result.output
    listed = "Exemptions used" in result.output or "exemption rule=COKO-S3-002" in result.output  # table on a terminal, one line per exemption in CI logs
    assert listed and "COKO-S3-002" in result.output and "passed" in result.output


def test_json_report_lists_exemptions(plan_docs: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = invoke("--plan", str(write(tmp_path, "plan.json", plan_docs["up"])), "--format", "json", "--out", str(out))
    report = json.loads(out.read_text())
    assert result.exit_code == 0 and report["passed"] is True
    assert {e["rule"] for e in report["exemptions"]} >= {"COKO-S3-002", "COKO-S3-004"}
    assert all(f["exemption"]["reason"] for f in report["exempted"])


def test_sarif_is_2_1_0_with_rules_results_and_locations(plan_docs: dict[str, Any], tmp_path: Path) -> None:
    doc = copy.deepcopy(plan_docs["preview"])
    kms = next(r for s in doc["stacks"] if s["stack"] == "production" for r in s["resources"] if r["name"] == "coko-production-kms-key")
    kms["inputs"]["enableKeyRotation"] = False
    out = tmp_path / "coko.sarif"
    result = invoke("--plan", str(write(tmp_path, "plan.json", doc)), "--format", "sarif", "--out", str(out))
    sarif = json.loads(out.read_text())
    assert result.exit_code == 1
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert len(rule_ids) == len(all_rules()) and all(r["shortDescription"]["text"] and r["help"]["text"] for r in run["tool"]["driver"]["rules"])
    failing = [r for r in run["results"] if r["ruleId"] == "COKO-KMS-001"]
    assert failing and failing[0]["level"] == "error" and rule_ids[failing[0]["ruleIndex"]] == "COKO-KMS-001"
    location = failing[0]["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "Pulumi.production.yaml"
    assert location["logicalLocations"][0]["fullyQualifiedName"] == kms["urn"]
    assert any(r.get("suppressions") for r in run["results"]), "exempted findings appear as suppressed results"
    assert {r["level"] for r in run["results"] if r["ruleId"] == "COKO-LOG-002"} <= {"warning"}


def test_config_downgrades_a_mandatory_rule_to_advisory(plan_docs: dict[str, Any], tmp_path: Path) -> None:
    doc = copy.deepcopy(plan_docs["preview"])
    for s in doc["stacks"]:
        for r in s["resources"]:
            if r["type"] == "aws:kms/key:Key":
                r["inputs"]["enableKeyRotation"] = False
    plan = write(tmp_path, "plan.json", doc)
    assert invoke("--plan", str(plan)).exit_code == 1
    advisory = write(tmp_path, "advisory.json", {"COKO-KMS-001": "advisory"})
    disabled = write(tmp_path, "disabled.json", {"COKO-KMS-001": {"enforcementLevel": "disabled"}})
    assert invoke("--plan", str(plan), "--config", str(advisory)).exit_code == 0
    result = invoke("--plan", str(plan), "--config", str(disabled), "--format", "json")
    assert result.exit_code == 0 and not [v for v in json.loads(result.stdout)["violations"] if v["rule"] == "COKO-KMS-001"]


@pytest.mark.parametrize(
    ("config", "message"),
    [({"COKO-NOPE-001": "advisory"}, "unknown rule"), ({"COKO-KMS-001": "sometimes"}, "enforcement level"), (["COKO-KMS-001"], "JSON object")],
)
def test_bad_config_is_a_usage_error(plan_docs: dict[str, Any], tmp_path: Path, config: Any, message: str) -> None:
    result = invoke("--plan", str(write(tmp_path, "plan.json", plan_docs["preview"])), "--config", str(write(tmp_path, "c.json", config)))
    assert result.exit_code == 2 and message in result.output


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ("not json", "not valid JSON"),
        ({"stacks": []}, "version must be 1"),
        ({"version": 1, "stacks": []}, "non-empty list"),
        ({"version": 1, "stacks": [{"stack": "production", "resources": [{"type": "aws:s3/bucket:Bucket"}]}]}, "resources[0]"),
    ],
)
def test_hand_edited_plan_with_bad_shape_is_a_usage_error(tmp_path: Path, plan: Any, message: str) -> None:
    result = invoke("--plan", str(write(tmp_path, "plan.json", plan)))
    assert result.exit_code == 2 and message in result.output


def test_missing_plan_file_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke("--plan", str(tmp_path / "nope.json"))
    assert result.exit_code == 2 and "no such file" in result.output


def test_plan_and_stack_names_together_is_a_usage_error(tmp_path: Path) -> None:
    assert invoke("production", "--plan", str(write(tmp_path, "p.json", {}))).exit_code == 2


def test_unknown_stack_is_a_usage_error() -> None:
    result = invoke("atlantis")
    assert result.exit_code == 2 and "unknown stack" in result.output


EXEMPTION = {"rule": "COKO-KMS-001", "stack": "production", "resource": "coko-production-kms-key", "reason": "Rotation is handled by the annual key ceremony instead.", "approved_by": "security"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"reason": ""}, "reason must be at least one sentence"),
        ({"reason": "because"}, "reason must be at least one sentence"),
        ({"reason": "Rotation is handled by the annual key ceremony instead"}, "ending with a period"),
        ({"rule": "COKO-XYZ-999"}, "unknown rule"),
        ({"resource": "coko-production-not-there"}, "no such resource"),
        ({"approved_by": ""}, "approved_by is required"),
    ],
)
def test_untrustworthy_exemption_is_an_error(plan_docs: dict[str, Any], tmp_path: Path, change: dict[str, str], message: str) -> None:
    exemptions = write(tmp_path, "ex.yaml", json.dumps({"exemptions": [{**EXEMPTION, **change}]}))
    result = invoke("--plan", str(write(tmp_path, "plan.json", plan_docs["preview"])), "--exemptions", str(exemptions))
    assert result.exit_code == 2 and message in result.output


def test_valid_exemption_turns_a_violation_into_a_listed_exception(plan_docs: dict[str, Any], tmp_path: Path) -> None:
    doc = copy.deepcopy(plan_docs["preview"])
    kms = next(r for s in doc["stacks"] if s["stack"] == "production" for r in s["resources"] if r["name"] == "coko-production-kms-key")
    kms["inputs"]["enableKeyRotation"] = False
    reviewed = yaml.safe_load(DEFAULT_FILE.read_text())["exemptions"]
    exemptions = write(tmp_path, "ex.yaml", json.dumps({"exemptions": [*reviewed, EXEMPTION]}))
    result = invoke("--plan", str(write(tmp_path, "plan.json", doc)), "--exemptions", str(exemptions), "--format", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == 0
    assert "coko-production-kms-key" in [e["resource"] for e in report["exemptions"]]
    assert [f["name"] for f in report["exempted"] if f["rule"] == "COKO-KMS-001"] == ["coko-production-kms-key"]


def test_bad_format_is_a_usage_error(tmp_path: Path) -> None:
    assert invoke("--plan", str(write(tmp_path, "p.json", {})), "--format", "xml").exit_code == 2
