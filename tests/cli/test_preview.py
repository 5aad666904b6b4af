"""`coko preview`: the offline preview a user runs, as they run it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coko_cli.main import app
from coko_cli.offline.runner import PLACEHOLDER_PREFIX, UNKNOWN, StackPreview
from stacks.config_source import PROJECT_ROOT

runner = CliRunner()


def test_json_document_has_the_documented_fields(previews: dict[str, dict[str, StackPreview]]) -> None:
    from coko_cli.offline.report import to_json

    for mode in ("preview", "up"):
        document = to_json(list(previews[mode].values()))
        assert [s["stack"] for s in document["stacks"]] == ["production", "capetown"]
        for stack in document["stacks"]:
            assert set(stack) >= {"stack", "region", "resources", "outputs"}
            for resource in stack["resources"]:
                assert set(resource) >= {"urn", "type", "name", "parent", "region", "inputs"}


def test_each_stack_resolves_in_its_own_region(up: dict[str, StackPreview]) -> None:
    assert up["production"].region == "eu-west-3"
    assert up["capetown"].region == "af-south-1"
    for stack, preview in up.items():
        regions = {r.region for r in preview.resources if r.type.startswith("aws:")}
        assert preview.region in regions
        assert regions <= {preview.region, "us-east-1", "eu-west-3"}, (stack, regions)
        vpc = next(r for r in preview.resources if r.type == "aws:ec2/vpc:Vpc")
        assert vpc.outputs["arn"].startswith(f"arn:aws:ec2:{preview.region}:123456789012:vpc/vpc-")


def test_preview_mode_leaves_computed_outputs_unknown_and_up_mode_resolves_them(previews: dict[str, dict[str, StackPreview]]) -> None:
    assert previews["preview"]["production"].outputs["vpcId"] == UNKNOWN
    assert previews["up"]["production"].outputs["vpcId"].startswith("vpc-")
    # Values from config are known in both modes.
    assert previews["preview"]["production"].outputs["vpcCidr"] == "10.0.0.0/16"


def test_capetown_reference_to_production_is_answered_from_production(previews: dict[str, dict[str, StackPreview]]) -> None:
    for mode in ("preview", "up"):
        outputs = previews[mode]["capetown"].outputs
        assert outputs["primaryRegion"] == "eu-west-3"
        assert outputs["primaryVpcCidr"] == previews["up"]["production"].outputs["vpcCidr"]


def test_no_secret_value_is_ever_printed(previews: dict[str, dict[str, StackPreview]]) -> None:
    from coko_cli.offline.report import dumps

    for mode in ("preview", "up"):
        text = dumps(list(previews[mode].values()))
        assert PLACEHOLDER_PREFIX not in text
        assert all(not p.leaks for p in previews[mode].values())


def test_cli_all_json_to_file(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    result = runner.invoke(app, ["preview", "--all", "--json", "--mode", "up", "--out", str(out)])
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text())
    assert {s["stack"] for s in document["stacks"]} == {"production", "capetown", "staging"}
    assert json.loads(result.stdout) == document


def test_cli_human_output_shows_tree_counts_and_outputs() -> None:
    result = runner.invoke(app, ["preview", "capetown"], env={"TTY_COMPATIBLE": "1", "COLUMNS": "200"})  # a terminal: the tree
    assert result.exit_code == 0, result.output
    assert "coko:network:Network" in result.stdout
    assert "Resources by type" in result.stdout and "Stack outputs" in result.stdout
    assert "af-south-1" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["preview", "lagos"], "unknown stack lagos"),
        (["preview"], "name a stack"),
        (["preview", "production", "--all"], "not both"),
        (["preview", "production", "--mode", "apply"], "--mode must be one of"),
    ],
)
def test_cli_usage_errors_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def _project_copy(tmp_path: Path) -> Path:
    for name in ("Pulumi.yaml", "__main__.py", "Pulumi.production.yaml", "Pulumi.capetown.yaml"):
        shutil.copy(PROJECT_ROOT / name, tmp_path / name)
    return tmp_path


def test_bad_stack_file_exits_2_listing_every_problem_without_traceback(tmp_path: Path) -> None:
    root = _project_copy(tmp_path)
    path = root / "Pulumi.production.yaml"
    text = path.read_text().replace("cidr: 10.0.0.0/16", "cidr: 10.0.0/16").replace("backend: {minCount: 3,", "backend: {minCount: 0,")
    path.write_text(text)
    env = {**os.environ, "COKO_PROJECT_ROOT": str(root)}
    result = subprocess.run([sys.executable, "-m", "coko_cli.main", "preview", "production"], capture_output=True, text=True, env=env, cwd=PROJECT_ROOT)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, result.stderr
    assert any("Pulumi.production.yaml: coko:network.cidr: invalid CIDR" in line for line in lines)
    assert any("coko:services.backend.minCount" in line for line in lines)
    assert "Traceback" not in result.stderr + result.stdout


def test_human_output_prints_arns_verbatim() -> None:
    # rich would turn ":secret:" inside a Secrets Manager ARN into an emoji.
    result = runner.invoke(app, ["preview", "production", "--mode", "up"], env={"COLUMNS": "300"})
    assert result.exit_code == 0, result.output
    assert ":123456789012:secret:" in result.stdout
    assert "㊙" not in result.stdout
