"""`coko rollback` end to end: plan, confirmation, update, wait, verification."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from coko_contract import names as naming
from tests.ops.conftest import REPO, EcsSim, Result, Stack, coko, deploy_stack, digest

FAST = ("--poll-interval", "0")
ROLES = naming.SERVICE_ROLES


def revisions(stack: Stack) -> dict[str, str]:
    return {role: stack.primary(role) for role in ROLES}


def on(revision: int) -> dict[str, str]:
    return {role: f"{naming.task_family('production', role)}:{revision}" for role in ROLES}


def serve(stack: Stack, revision: int) -> None:
    """Point every service at `revision`, as a later deploy would have."""
    for role in ROLES:
        stack.ecs.update_service(cluster=stack.cluster, service=stack.services[role], taskDefinition=on(revision)[role])


def rollback(*args: str, input: str | None = None) -> Result:
    return coko("rollback", "--stack", "production", *args, input=input)


def test_rollback_moves_all_three_services_to_the_previous_revision(stack: Stack, sim: EcsSim) -> None:
    result = rollback("--yes", *FAST)
    assert result.exit_code == 0, result.stderr
    assert revisions(stack) == on(1)
    assert {role: stack.task_definition(role) for role in ROLES} == on(1)
    assert "step role=backend current=coko-production-backend:2 target=coko-production-backend:1 release=v1 " in result.stdout
    assert "schema was NOT rolled back" in result.stderr
    assert "pulumi config set --path coko:image.tag v1 -s production" in result.stderr


def test_rollback_skips_deregistered_revisions(stack: Stack, sim: EcsSim) -> None:
    for role in ROLES:
        stack.register(role, "v3")
    serve(stack, 3)
    for role in ROLES:
        stack.ecs.deregister_task_definition(taskDefinition=on(2)[role])
    result = rollback("--yes", *FAST)
    assert result.exit_code == 0, result.stderr
    assert revisions(stack) == on(1)


def test_rollback_to_a_named_revision(stack: Stack, sim: EcsSim) -> None:
    for role in ROLES:
        stack.register(role, "v3")
    serve(stack, 3)
    result = rollback("--to", "1", "--yes", *FAST)
    assert result.exit_code == 0, result.stderr
    assert revisions(stack) == on(1)


@pytest.mark.parametrize(
    ("deregister", "target", "message"),
    [
        (None, "7", "coko-production-backend:7 does not exist (the newest is :2)"),
        ("coko-production-backend:1", "1", "coko-production-backend:1 is deregistered (INACTIVE): ECS cannot deploy it"),
    ],
)
def test_rollback_to_a_revision_ecs_cannot_deploy_says_why_and_changes_nothing(
    stack: Stack, sim: EcsSim, deregister: str | None, target: str, message: str
) -> None:
    if deregister:
        stack.ecs.deregister_task_definition(taskDefinition=deregister)
    result = rollback("--to", target, "--yes", *FAST)
    assert result.exit_code == 1
    assert message in result.stderr
    assert revisions(stack) == on(2) and sim.update_requests == []


def test_rollback_to_an_image_tag_found_by_label_or_in_the_image_reference(stack: Stack, sim: EcsSim) -> None:
    for role in ROLES:  # revision 3 is referenced as repo:v3@digest, without a label
        stack.register(role, "v3", image=f"{REPO}:v3@{digest(3)}", labels=False)
        stack.register(role, "v4")
    serve(stack, 4)
    result = rollback("--image-tag", "v3", "--yes", *FAST)
    assert result.exit_code == 0, result.stderr
    assert revisions(stack) == on(3)
    result = rollback("--image-tag", "v1", "--yes", *FAST)
    assert result.exit_code == 0, result.stderr
    assert revisions(stack) == on(1)


def test_rollback_to_an_unknown_image_tag_changes_nothing(stack: Stack, sim: EcsSim) -> None:
    result = rollback("--image-tag", "v9", "--yes", *FAST)
    assert result.exit_code == 1
    assert "No ACTIVE revision of coko-production-backend, coko-production-worker, coko-production-scheduler runs release 'v9'" in result.stderr
    assert sim.update_requests == []


def test_rollback_without_an_earlier_revision_is_refused(sim: EcsSim) -> None:
    stack = deploy_stack(revisions=1)
    result = rollback("--yes", *FAST)
    assert result.exit_code == 1
    assert "has no ACTIVE revision before :1 with another image: nothing to roll back to" in result.stderr
    assert revisions(stack) == on(1) and sim.update_requests == []


def test_dry_run_shows_the_plan_and_changes_nothing(stack: Stack, sim: EcsSim) -> None:
    result = rollback("--dry-run", *FAST)
    assert result.exit_code == 0
    assert "step role=scheduler current=coko-production-scheduler:2 target=coko-production-scheduler:1 release=v1 " in result.stdout
    assert "Dry run: nothing was changed" in result.stderr
    assert revisions(stack) == on(2) and sim.update_requests == []


def test_declining_the_confirmation_changes_nothing(stack: Stack, sim: EcsSim) -> None:
    result = rollback(*FAST, input="n\n")
    assert result.exit_code == 1
    assert "Rollback aborted" in result.stderr
    assert revisions(stack) == on(2) and sim.update_requests == []


def test_confirming_rolls_back(stack: Stack, sim: EcsSim) -> None:
    result = rollback(*FAST, input="y\n")
    assert result.exit_code == 0, result.stderr
    assert revisions(stack) == on(1)


def test_circuit_breaker_rollback_is_reported_as_a_failure(stack: Stack, sim: EcsSim) -> None:
    sim.rollout = "circuit-breaker"
    result = rollback("--yes", *FAST)
    assert result.exit_code == 1
    assert "coko-production-backend: stable on coko-production-backend:2, not coko-production-backend:1" in result.stderr
    assert "circuit breaker" in result.stderr
    assert "✓" not in result.stderr


def test_services_that_never_stabilise_time_out(stack: Stack, sim: EcsSim) -> None:
    sim.rollout = "stuck"
    result = rollback("--yes", "--timeout", "0.2", "--poll-interval", "0.05")
    assert result.exit_code == 124
    assert "Timed out after 0.2s waiting for services to become stable" in result.stderr
    assert "backend (3/3 running, 2 deployments)" in result.stderr


def test_json_document_describes_plan_and_outcome(stack: Stack, sim: EcsSim) -> None:
    result = rollback("--yes", "--json", *FAST)
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["outcome"] == "rolled-back"
    assert [(p["role"], p["current"]["revision"], p["target"]["revision"], p["target"]["imageTag"]) for p in document["plan"]] == [
        (r, 2, 1, "v1") for r in ROLES
    ]


@pytest.fixture
def health_server() -> Iterator[dict[str, int]]:
    state = {"status": 200}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(state["status"] if self.path == "/health/" else 404)
            self.end_headers()
            self.wfile.write(b'{"status": "ok"}')

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state["port"] = server.server_address[1]
    yield state
    server.shutdown()


def test_health_check_after_rollback(stack: Stack, sim: EcsSim, health_server: dict[str, int]) -> None:
    url = f"http://127.0.0.1:{health_server['port']}/health/"
    result = rollback("--yes", "--health-url", url, *FAST)
    assert result.exit_code == 0, result.stderr
    assert f"{url} answered 200" in result.stderr


def test_failing_health_check_fails_the_rollback(stack: Stack, sim: EcsSim, health_server: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("coko_cli.ops.rollback.time.sleep", lambda _: None)
    health_server["status"] = 503
    url = f"http://127.0.0.1:{health_server['port']}/health/"
    result = rollback("--yes", "--health-url", url, *FAST)
    assert result.exit_code == 1
    assert f"health check failed: {url} answered 503" in result.stderr
