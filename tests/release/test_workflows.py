"""The GitHub Actions workflows: what they promise (order, environments, OIDC, secrets) and the
scripts they call, run here the way the workflow runs them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
SCRIPTS = ROOT / ".github" / "scripts"


def workflow(name: str) -> dict[str, Any]:
    loaded: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    loaded["on"] = loaded.pop(True, loaded.get("on"))  # YAML 1.1 reads the key `on` as true
    return loaded


def steps_using(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in job.get("steps", []) if str(s.get("uses", "")).startswith(action)]


def test_actionlint_finds_nothing() -> None:
    actionlint = shutil.which("actionlint", path=str(Path(sys.executable).parent))
    assert actionlint, "actionlint is in the dev group (make setup)"
    done = subprocess.run([actionlint, "-no-color"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_main_releases_production_then_capetown_each_behind_its_environment() -> None:
    deploy = workflow("deploy.yml")
    assert deploy["on"]["push"]["branches"] == ["main"]
    jobs = deploy["jobs"]
    assert jobs["verify"]["uses"] == "./.github/workflows/ci.yml"
    assert jobs["production"]["needs"] == "verify" and jobs["capetown"]["needs"] == "production"
    for stack, region in (("production", "eu-west-3"), ("capetown", "af-south-1")):
        job = jobs[stack]
        assert job["environment"]["name"] == stack  # required reviewers live on the environment
        assert job["permissions"]["id-token"] == "write"
        [aws] = steps_using(job, "aws-actions/configure-aws-credentials@")
        assert aws["with"]["aws-region"] == region and "role-to-assume" in aws["with"]
        assert job["env"]["PULUMI_ACCESS_TOKEN"] == "${{ secrets.PULUMI_ACCESS_TOKEN }}"
        assert any(f"coko deploy --stack {stack}" in s.get("run", "") for s in job["steps"])
        assert steps_using(job, "pulumi/actions@"), "the Automation API needs the Pulumi CLI"


def test_no_long_lived_aws_keys_anywhere() -> None:
    for path in WORKFLOWS.glob("*.yml"):
        text = path.read_text()
        assert "aws-access-key-id" not in text and "AWS_SECRET_ACCESS_KEY" not in text, path.name


def test_releases_never_overlap_and_slack_hears_of_every_outcome() -> None:
    deploy = workflow("deploy.yml")
    assert deploy["concurrency"] == {"group": "deploy-coko", "cancel-in-progress": False}
    notify = deploy["jobs"]["notify"]
    assert notify["if"] == "always()" and notify["needs"] == ["production", "capetown"]
    [slack] = steps_using(notify, "slackapi/slack-github-action@")
    assert slack["with"]["webhook"] == "${{ secrets.SLACK_WEBHOOK }}"


def test_pull_requests_get_tests_with_databases_the_plan_sarif_and_the_scan() -> None:
    ci = workflow("ci.yml")
    assert "pull_request" in ci["on"] and "workflow_call" in ci["on"]
    test = ci["jobs"]["test"]
    assert {"postgres", "redis"} <= set(test["services"])
    assert any(s.get("run") == "make test" for s in test["steps"])
    plan = ci["jobs"]["plan"]
    runs = "\n".join(s.get("run", "") for s in plan["steps"])
    assert "bash .github/scripts/plan.sh plan" in runs
    assert "make checkov" in runs  # coko preview --format terraform-plan, then checkov (Makefile)
    [sarif] = steps_using(plan, "github/codeql-action/upload-sarif@")
    assert sarif["with"]["sarif_file"] == "plan/coko.sarif" and sarif["if"].startswith("always()")
    assert plan["permissions"]["security-events"] == "write"


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """plan.sh as the workflow runs it, with the CLI run from this environment instead of `uv run`."""
    out = tmp_path_factory.mktemp("plan")
    env = {**os.environ, "COKO": f"{sys.executable} -m coko_cli.main", "COKO_PREVIEW_JOBS": "1"}
    done = subprocess.run(["bash", str(SCRIPTS / "plan.sh"), str(out)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False)
    return done, out


def test_plan_script_writes_the_plan_the_sarif_and_the_summary(planned: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    done, out = planned
    assert done.returncode in (0, 1), done.stderr[-2000:]  # 1: a mandatory policy violation, reported in the SARIF
    plan = json.loads((out / "plan.json").read_text())
    assert {s["stack"] for s in plan["stacks"]} >= {"production", "capetown"}
    sarif = json.loads((out / "coko.sarif").read_text())
    errors = [r for run in sarif["runs"] for r in run["results"] if r.get("level") == "error" and not r.get("suppressions")]
    assert (done.returncode == 1) == bool(errors)
    summary = (out / "summary.md").read_text()
    assert summary.startswith("<!-- coko-plan-summary -->")
    assert "### `production` (eu-west-3" in summary and "### `capetown` (af-south-1" in summary
    order = [
        "migrate `coko-production-migrate-default`",
        "migrate `coko-production-migrate-auth_db`",
        "collectstatic `coko-production-collectstatic`",
        "rollout check `coko-production-rollout`",
    ]
    if all("options" in r for s in plan["stacks"] for r in s["resources"]):  # the plan carries dependsOn
        assert sorted(order, key=summary.index) == order  # in the order `pulumi up` runs them
    assert all(step in summary for step in order)
    assert "collectstatic `coko-capetown-collectstatic`" in summary and "migrate `coko-capetown" not in summary
    assert f"{len(errors)} mandatory violations" in summary


def test_plan_summary_names_a_missing_or_wrong_input(tmp_path: Path) -> None:
    script = str(SCRIPTS / "plan_summary.py")
    missing = subprocess.run([sys.executable, script, str(tmp_path / "nope.json")], capture_output=True, text=True, check=False)
    assert missing.returncode == 2 and missing.stderr.strip() == f"error: {tmp_path / 'nope.json'}: no such file (the coko preview --json output)"
    (tmp_path / "plan.json").write_text('{"stacks": "x"}')
    wrong = subprocess.run([sys.executable, script, str(tmp_path / "plan.json")], capture_output=True, text=True, check=False)
    assert wrong.returncode == 2 and "version 1" in wrong.stderr and "Traceback" not in wrong.stderr
