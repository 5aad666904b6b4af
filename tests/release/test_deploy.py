"""`coko deploy` against a stand-in `pulumi` on PATH (tests/release/stand_in/pulumi).

The Pulumi CLI cannot be installed here; the stand-in answers the Automation API's commands the
way the CLI does and records them, so these tests check the orchestration: which commands run,
in which order, in which directory, and what happens after a failed update or smoke check.
The rollback case runs the real `coko rollback` against moto's ECS (tests/ops/motostack.py).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from coko_cli.main import app
from coko_contract import names as naming
from stacks.config_source import project_root
from tests.ops.motostack import EcsSim, Stack, add_web

STAND_IN = Path(__file__).parent / "stand_in"


@dataclass
class FakePulumi:
    log: Path
    state_file: Path

    def state(self, **stacks: dict[str, Any]) -> None:
        self.state_file.write_text(json.dumps(stacks))

    def calls(self) -> list[list[str]]:
        lines = self.log.read_text().splitlines() if self.log.exists() else []
        return [[a for a in json.loads(line)["argv"] if a != "--non-interactive"] for line in lines]

    def cwds(self) -> set[str]:
        return {json.loads(line)["cwd"] for line in self.log.read_text().splitlines()[1:]}

    def ups(self) -> list[str]:
        return [call[call.index("--stack") + 1] for call in self.calls() if call[:1] == ["up"]]


@pytest.fixture
def pulumi(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakePulumi:
    fake = FakePulumi(tmp_path / "pulumi-calls.jsonl", tmp_path / "pulumi-state.json")
    fake.state()
    monkeypatch.setenv("PATH", f"{STAND_IN}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.setenv("FAKE_PULUMI_LOG", str(fake.log))
    monkeypatch.setenv("FAKE_PULUMI_STATE", str(fake.state_file))
    return fake


class Site:
    """A local stand-in for the public names: answers each path with the status set for it."""

    def __init__(self) -> None:
        self.status: dict[str, int] = {"/health/": 200, "/": 200}
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests.append(self.path)
                self.send_response(site.status.get(self.path, 404))
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def site() -> Iterator[Site]:
    served = Site()
    yield served
    served.server.shutdown()


def deploy(*args: str) -> Any:
    return CliRunner().invoke(app, ["deploy", *args, "--smoke-interval", "0", "--smoke-attempts", "2"], catch_exceptions=False)


def arns(revision: int) -> dict[str, str]:
    return {role: f"arn:aws:ecs:eu-west-3:123456789012:task-definition/{naming.task_family('production', role)}:{revision}" for role in naming.SERVICE_ROLES}


def test_deploy_runs_pulumi_up_in_the_project_then_smoke_checks_both_names(pulumi: FakePulumi, site: Site) -> None:
    pulumi.state(production={"outputs": {"taskDefinitionArns": arns(1)}, "after_up": {"taskDefinitionArns": arns(2)}})
    result = deploy("--stack", "production", "--health-url", f"{site.url}/health/", "--apex-url", f"{site.url}/")
    assert result.exit_code == 0, result.stderr
    assert ["up", "--yes", "--skip-preview", "--exec-kind", "auto.local", "--stack", "production"] in pulumi.calls()
    assert pulumi.cwds() == {str(project_root())}  # Pulumi.yaml and the stack files are read from here
    assert site.requests == ["/health/", "/"]
    assert "production released and healthy" in result.stderr


def test_all_releases_the_primary_then_the_secondary_and_checks_each_ones_names(pulumi: FakePulumi, monkeypatch: pytest.MonkeyPatch) -> None:
    pulumi.state(production={}, capetown={})
    checked: list[str] = []

    def fake_check(url: str, attempts: int = 3, pause: float = 2.0, timeout: float = 10.0) -> tuple[bool, str]:
        checked.append(url)  # the real names: the network is not reachable from tests
        return True, f"{url} answered 200"

    monkeypatch.setattr("coko_cli.ops.rollback.check_health", fake_check)
    result = deploy("--all")
    assert result.exit_code == 0, result.stderr
    assert pulumi.ups() == ["production", "capetown"]
    assert checked == ["https://api.coko.africa/health/", "https://coko.africa/", "https://api-za.coko.africa/health/", "https://coko.africa/"]


def test_a_failed_update_stops_the_release_without_smoke_check_or_rollback(pulumi: FakePulumi, site: Site) -> None:
    failure = "error: coko-production-migrate-catalog_db: catalog_db: container exited with code 3. The services were not changed."
    pulumi.state(production={"up_exit": 255, "up_stderr": failure}, capetown={})
    result = CliRunner().invoke(app, ["deploy", "--all", "--smoke-attempts", "1"], catch_exceptions=False)
    assert result.exit_code == 1
    assert "container exited with code 3" in result.stderr and "up-failed" in result.stderr
    assert pulumi.ups() == ["production"]  # capetown is not touched after production failed
    assert site.requests == [] and "Rolling back" not in result.stderr


def test_failed_smoke_check_rolls_the_services_back_with_coko_rollback(pulumi: FakePulumi, site: Site, stack: Stack, sim: EcsSim) -> None:
    """Services on :2 after the update, /health/ answers 503: `coko rollback` puts them back on :1."""
    pulumi.state(production={"outputs": {"taskDefinitionArns": arns(1)}, "after_up": {"taskDefinitionArns": arns(2)}})
    site.status["/health/"] = 503
    result = deploy("--stack", "production", "--health-url", f"{site.url}/health/", "--apex-url", f"{site.url}/")
    assert result.exit_code == 1
    assert "answered 503" in result.stderr and "rolled-back" in result.stderr
    assert {role: stack.primary(role) for role in naming.SERVICE_ROLES} == {
        role: f"{naming.task_family('production', role)}:1" for role in naming.SERVICE_ROLES
    }


def test_a_failed_config_only_release_puts_each_django_role_back_on_the_revision_it_ran(pulumi: FakePulumi, site: Site, stack: Stack, sim: EcsSim) -> None:
    """Same image (v2), new task definitions (:3): the rollback goes to :2, what ran before, not to the older image v1 on :1."""
    for role in naming.SERVICE_ROLES:
        stack.register(role, "v2")  # :3, a configuration-only release of v2
        stack.ecs.update_service(cluster=stack.cluster, service=stack.services[role], taskDefinition=f"{naming.task_family('production', role)}:3")
    pulumi.state(production={"outputs": {"taskDefinitionArns": arns(2)}, "after_up": {"taskDefinitionArns": arns(3)}})
    site.status["/health/"] = 503
    result = deploy("--stack", "production", "--health-url", f"{site.url}/health/", "--apex-url", f"{site.url}/")
    assert result.exit_code == 1
    assert "rolled-back" in result.stderr
    assert "rolled back: backend to coko-production-backend:2, worker to coko-production-worker:2 and scheduler to coko-production-scheduler:2" in result.stderr
    assert {role: stack.primary(role) for role in naming.SERVICE_ROLES} == {
        role: f"{naming.task_family('production', role)}:2" for role in naming.SERVICE_ROLES
    }


def outputs(django: int, web: int) -> dict[str, Any]:
    """The stack's task-definition outputs: the Django roles' revision and the web's."""
    web_arn = f"arn:aws:ecs:eu-west-3:123456789012:task-definition/{naming.task_family('production', naming.WEB_ROLE)}:{web}"
    return {"taskDefinitionArns": arns(django), "webTaskDefinitionArn": web_arn}


def test_failed_smoke_check_puts_the_web_back_on_its_previous_revision_with_the_django_roles(pulumi: FakePulumi, site: Site, stack: Stack, sim: EcsSim) -> None:
    """The release moved the Django roles and the web to :2; the apex answers 502: all four are back on :1."""
    add_web(stack)
    pulumi.state(production={"outputs": outputs(1, 1), "after_up": outputs(2, 2)})
    site.status["/"] = 502
    result = deploy("--stack", "production", "--health-url", f"{site.url}/health/", "--apex-url", f"{site.url}/")
    assert result.exit_code == 1
    assert "rolled-back" in result.stderr
    assert (
        "rolled back: backend to coko-production-backend:1, worker to coko-production-worker:1, scheduler to coko-production-scheduler:1 and web to coko-production-web:1"
        in result.stderr
    )
    assert {role: stack.primary(role) for role in (*naming.SERVICE_ROLES, naming.WEB_ROLE)} == {
        role: f"{naming.task_family('production', role)}:1" for role in (*naming.SERVICE_ROLES, naming.WEB_ROLE)
    }


def test_a_release_that_changed_only_the_web_rolls_back_only_the_web(pulumi: FakePulumi, site: Site, stack: Stack, sim: EcsSim) -> None:
    add_web(stack)
    pulumi.state(production={"outputs": outputs(2, 1), "after_up": outputs(2, 2)})
    site.status["/"] = 500
    result = deploy("--stack", "production", "--health-url", f"{site.url}/health/", "--apex-url", f"{site.url}/")
    assert result.exit_code == 1 and "rolled-back" in result.stderr
    assert "rolled back: web to coko-production-web:1" in result.stderr
    assert stack.primary(naming.WEB_ROLE) == f"{naming.task_family('production', naming.WEB_ROLE)}:1"
    assert {role: stack.primary(role) for role in naming.SERVICE_ROLES} == {
        role: f"{naming.task_family('production', role)}:2" for role in naming.SERVICE_ROLES
    }, "the Django release did not change: it stays"


def test_failed_smoke_check_without_a_new_revision_does_not_roll_back(pulumi: FakePulumi, site: Site) -> None:
    pulumi.state(production={"outputs": {"taskDefinitionArns": arns(2)}, "after_up": {"taskDefinitionArns": arns(2)}})
    site.status["/"] = 502
    result = deploy("--stack", "production", "--health-url", f"{site.url}/health/", "--apex-url", f"{site.url}/")
    assert result.exit_code == 1
    assert "no new task definitions" in result.stderr and "Rolling back" not in result.stderr


def test_no_rollback_option_only_reports(pulumi: FakePulumi, site: Site) -> None:
    pulumi.state(production={"outputs": {"taskDefinitionArns": arns(1)}, "after_up": {"taskDefinitionArns": arns(2)}})
    site.status["/health/"] = 500
    result = deploy("--stack", "production", "--no-rollback", "--health-url", f"{site.url}/health/", "--apex-url", f"{site.url}/")
    assert result.exit_code == 1 and "smoke-failed" in result.stderr and "Rolling back" not in result.stderr


def test_missing_pulumi_cli_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    result = deploy("--stack", "production")
    assert result.exit_code == 2
    assert "Pulumi CLI is not installed" in result.stderr and "Traceback" not in result.stderr


def test_stack_unknown_to_the_backend_is_a_usage_error(pulumi: FakePulumi) -> None:
    pulumi.state(capetown={})
    result = deploy("--stack", "production")
    assert result.exit_code == 2 and "pulumi stack init production" in result.stderr


def test_usage_errors(pulumi: FakePulumi) -> None:
    assert deploy().exit_code == 2
    assert deploy("--stack", "production", "--all").exit_code == 2
    unknown = deploy("--stack", "nowhere")
    assert unknown.exit_code == 2 and "Pulumi.nowhere.yaml" in unknown.stderr
    assert pulumi.calls() == []


def test_rollback_args_name_only_the_roles_the_update_changed() -> None:
    from coko_cli.deploy_cmd import rollback_args, rolled_back_what

    before, after = outputs(2, 1), outputs(2, 1)
    before_arns, after_arns = dict(before["taskDefinitionArns"]), dict(after["taskDefinitionArns"])
    after_arns["worker"] = arns(3)["worker"]
    web = {naming.WEB_ROLE: before["webTaskDefinitionArn"]}
    args = rollback_args({**before_arns, **web}, {**after_arns, **web})
    assert args == ["--revision", "worker=2"]
    assert rolled_back_what(args, {**before_arns, **web}) == "worker to coko-production-worker:2"
    assert rollback_args(before_arns, {**before_arns, "extra": "arn:aws:ecs:eu-west-3:123456789012:task-definition/x:1"}) is None, "nothing to go back to"
