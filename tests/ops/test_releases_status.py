"""`coko releases`, `coko status`, and how the commands find a stack's services."""

from __future__ import annotations

import json

from coko_contract import names as naming
from tests.ops.conftest import EcsSim, Stack, coko, deploy_stack, ecs_backend


def test_releases_lists_revisions_newest_first_and_marks_the_live_one(stack: Stack, sim: EcsSim) -> None:
    result = coko("releases", "--stack", "production", "--json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)["releases"]
    backend = [(r["revision"], r["imageTag"], r["state"], r["status"]) for r in rows if r["role"] == "backend"]
    assert backend == [(2, "v2", "live", "ACTIVE"), (1, "v1", "", "ACTIVE")]
    assert rows[0]["imageDigest"].startswith("sha256:2222")
    human = coko("releases", "--stack", "production")
    assert human.exit_code == 0
    live_lines = [line for line in human.stdout.splitlines() if "state=live" in line]
    assert len(live_lines) == 3 and all(":2 " in line for line in live_lines)
    assert f"image={rows[0]['image']} " in live_lines[0], "the full image reference, on one line"


def test_releases_follow_a_rollback(stack: Stack, sim: EcsSim) -> None:
    assert coko("rollback", "--stack", "production", "--yes", "--poll-interval", "0").exit_code == 0
    rows = json.loads(coko("releases", "--stack", "production", "--json").stdout)["releases"]
    assert {r["role"]: r["revision"] for r in rows if r["state"] == "live"} == {"backend": 1, "worker": 1, "scheduler": 1}


def test_status_shows_counts_deployments_and_events(stack: Stack, sim: EcsSim) -> None:
    result = coko("status", "--stack", "production")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "service role=backend service=coko-production-backend desired=3 running=3 pending=0 taskDefinition=coko-production-backend:2 steady=yes" in lines
    assert any(
        line.startswith("deployment role=scheduler status=PRIMARY taskDefinition=coko-production-scheduler:2 rollout=COMPLETED running=1 desired=1")
        for line in lines
    )
    assert 'message="(service coko-production-worker) has reached a steady state."' in result.stdout


def test_status_exits_1_while_a_deployment_is_in_progress(stack: Stack, sim: EcsSim) -> None:
    sim.rollout = "stuck"
    stack.ecs.update_service(cluster=stack.cluster, service=stack.services["worker"], taskDefinition="coko-production-worker:1")
    result = coko("status", "--stack", "production", "--json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    worker = next(s for s in document["services"] if s["role"] == "worker")
    assert not document["steady"] and not worker["steady"]
    assert [d["rolloutState"] for d in worker["deployments"]] == ["IN_PROGRESS", "COMPLETED"]


def test_services_are_found_by_tags_whatever_their_names(sim: EcsSim) -> None:
    deploy_stack(names={role: f"renamed-{role}" for role in naming.SERVICE_ROLES})
    document = json.loads(coko("status", "--stack", "production", "--json").stdout)
    assert [s["service"] for s in document["services"]] == ["renamed-backend", "renamed-worker", "renamed-scheduler"]
    assert document["discovery"] == {"cluster": "tags", "backend": "tags", "worker": "tags", "scheduler": "tags"}


def test_untagged_resources_are_found_by_the_naming_convention(sim: EcsSim) -> None:
    deploy_stack(tagged=False)
    result = coko("status", "--stack", "production", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["discovery"] == {"cluster": "name", "backend": "name", "worker": "name", "scheduler": "name"}


def test_cluster_and_service_overrides(sim: EcsSim) -> None:
    deploy_stack(tagged=False, names={"backend": "api"})
    missing = coko("status", "--stack", "production")
    assert missing.exit_code == 2
    assert "No active ECS service for backend in cluster coko-production" in missing.stderr
    result = coko("status", "--stack", "production", "--cluster", "coko-production", "--service", "backend=api", "--json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["discovery"]["cluster"] == "--cluster" and document["discovery"]["backend"] == "--service"
    assert document["services"][0]["service"] == "api"


def test_a_deleted_service_is_not_found(stack: Stack, sim: EcsSim) -> None:
    stack.ecs.update_service(cluster=stack.cluster, service=stack.services["scheduler"], desiredCount=0)
    stack.ecs.delete_service(cluster=stack.cluster, service=stack.services["scheduler"])
    ecs_backend().services.pop(f"coko-production:{stack.services['scheduler']}", None)
    result = coko("rollback", "--stack", "production", "--yes")
    assert result.exit_code == 2
    assert "No active ECS service for scheduler" in result.stderr
