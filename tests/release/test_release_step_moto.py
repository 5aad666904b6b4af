"""The release steps' providers against moto: what `pulumi up` would do at each step.

The providers are called as the dynamic-provider process calls them (create / diff / update
with the resource's properties), after a dill round trip like the one through the state.
"""

from __future__ import annotations

import base64
from typing import Any

import boto3
import dill
import pytest
from moto.moto_api import state_manager
from pulumi.dynamic.dynamic import serialize_provider

from coko_contract import names as naming
from components.release_step import COLLECTSTATIC, MIGRATE, OneOffTaskProvider, ReleaseStepError, RolloutCheckProvider
from tests.ops.motostack import REGION, REPO, EcsSim, Stack, digest, ecs_backend

NEW_IMAGE = f"{REPO}@{digest(7)}"


def provider() -> Any:
    """The provider as the dynamic-provider process gets it: pickled into the state, then loaded."""
    return dill.loads(base64.b64decode(serialize_provider(OneOffTaskProvider())))


def props(stack: Stack, kind: str, **extra: Any) -> dict[str, Any]:
    return {
        "stack": "production",
        "region": REGION,
        "cluster": naming.cluster_name("production"),
        "taskDefinitionArn": stack.register("backend", "v7", image=NEW_IMAGE),
        "imageRef": NEW_IMAGE,
        "subnetIds": stack.subnets[:2],
        "securityGroupIds": [stack.security_group],
        "timeoutSeconds": 60,
        "pollSeconds": 0,
        "kind": kind,
        **({"database": "auth_db"} if kind == MIGRATE else {}),
        **extra,
    }


def test_migration_step_runs_migrate_alias_in_private_subnets_with_the_new_revision(stack: Stack, sim: EcsSim) -> None:
    p = props(stack, MIGRATE)
    result = provider().create(p)
    [request] = sim.run_requests
    assert request["overrides"]["containerOverrides"] == [{"name": "backend", "command": ["python", "manage.py", "migrate_alias", "auth_db"]}]
    assert request["taskDefinition"] == p["taskDefinitionArn"]
    assert request["startedBy"] == "coko-migrate"  # so `coko migrate` sees it, and it sees `coko migrate`
    assert request["networkConfiguration"]["awsvpcConfiguration"] == {
        "subnets": stack.subnets[:2],
        "securityGroups": [stack.security_group],
        "assignPublicIp": "DISABLED",
    }
    assert {"key": "coko:database", "value": "auth_db"} in request["tags"]
    assert result.outs["exitCode"] == 0 and result.outs["imageDigest"] == digest(7)
    assert result.id == result.outs["taskArn"]


def test_static_step_runs_collectstatic(stack: Stack, sim: EcsSim) -> None:
    provider().create(props(stack, COLLECTSTATIC))
    [request] = sim.run_requests
    assert request["overrides"]["containerOverrides"][0]["command"] == ["python", "manage.py", "collectstatic", "--noinput"]
    assert request["startedBy"] == "coko-collectstatic"


def test_failed_container_fails_the_step_with_its_exit_code_and_logs(stack: Stack, sim: EcsSim) -> None:
    sim.exit_code = 3
    sim.log_lines = ["Applying catalog.0007_book_isbn13...", "django.db.utils.IntegrityError: duplicated key"]
    with pytest.raises(ReleaseStepError) as failure:
        provider().create(props(stack, MIGRATE))
    message = str(failure.value)
    assert "auth_db" in message and "container exited with code 3" in message
    assert "IntegrityError: duplicated key" in message
    assert "services were not changed" in message


def test_task_that_fails_to_start_fails_the_step(stack: Stack, sim: EcsSim) -> None:
    sim.stop_code, sim.stopped_reason = "TaskFailedToStart", "CannotPullContainerError: pull access denied"
    with pytest.raises(ReleaseStepError, match=r"failed to start.*CannotPullContainerError"):
        provider().update("old-task", {}, props(stack, COLLECTSTATIC))


def test_timeout_stops_the_task_and_fails_the_step(stack: Stack, sim: EcsSim) -> None:
    state_manager.set_transition("ecs::task", {"progression": "manual", "times": 10**9})
    with pytest.raises(ReleaseStepError, match="timed out"):
        provider().create(props(stack, MIGRATE, timeoutSeconds=0.3, pollSeconds=0.05))
    task = next(iter(ecs_backend().tasks[naming.cluster_name("production")].values()))
    assert task.desired_status == "STOPPED" and "timed out" in task.stopped_reason


def test_migration_step_refuses_to_race_a_running_migration(stack: Stack, sim: EcsSim) -> None:
    state_manager.set_transition("ecs::task", {"progression": "manual", "times": 10**9})
    ecs = boto3.client("ecs", region_name=REGION)
    network = {"awsvpcConfiguration": {"subnets": stack.subnets, "securityGroups": [stack.security_group]}}
    ecs.run_task(
        cluster=stack.cluster, taskDefinition="coko-production-backend:2", launchType="FARGATE", networkConfiguration=network, startedBy="coko-migrate"
    )
    sim.run_requests.clear()
    with pytest.raises(ReleaseStepError, match="another migration is already running"):
        provider().create(props(stack, MIGRATE))
    assert sim.run_requests == []


def test_unchanged_digest_is_a_no_op_and_a_new_digest_re_runs(stack: Stack, sim: EcsSim) -> None:
    old = props(stack, MIGRATE)
    same_image_new_revision = {**old, "taskDefinitionArn": stack.register("backend", "v8", image=NEW_IMAGE)}
    assert provider().diff("t", old, same_image_new_revision).changes is False
    assert provider().diff("t", old, {**old, "imageRef": f"{REPO}@{digest(8)}"}).changes is True
    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # what a preview passes for a not-yet-built image
    assert provider().diff("t", old, {**old, "imageRef": unknown}).changes is True
    assert sim.run_requests == []  # diffing never runs a task


def rollout_props(stack: Stack, expected: dict[str, str]) -> dict[str, Any]:
    return {"region": REGION, "cluster": naming.cluster_name("production"), "expected": expected, "timeoutSeconds": 0.5, "pollSeconds": 0.05}


def roll(stack: Stack) -> dict[str, str]:
    """What `pulumi up` does to the services: each to a new revision."""
    ecs = boto3.client("ecs", region_name=REGION)
    expected = {}
    for role, name in stack.services.items():
        arn = stack.register(role, "v7", image=NEW_IMAGE)
        ecs.update_service(cluster=stack.cluster, service=name, taskDefinition=arn)
        expected[name] = arn
    return expected


def test_rollout_check_passes_when_every_service_runs_the_new_revision(stack: Stack, sim: EcsSim) -> None:
    expected = roll(stack)
    outs = RolloutCheckProvider().create(rollout_props(stack, expected)).outs
    assert outs["running"] == {name: arn.rsplit("/", 1)[-1] for name, arn in expected.items()}


def test_rollout_check_fails_when_the_circuit_breaker_rolled_back(stack: Stack, sim: EcsSim) -> None:
    sim.rollout = "circuit-breaker"
    expected = roll(stack)
    with pytest.raises(ReleaseStepError) as failure:
        RolloutCheckProvider().create(rollout_props(stack, expected))
    assert "coko-production-backend: stable on coko-production-backend:2, not coko-production-backend:3" in str(failure.value)


def test_rollout_check_times_out_on_a_stuck_deployment(stack: Stack, sim: EcsSim) -> None:
    sim.rollout = "stuck"
    with pytest.raises(ReleaseStepError, match=r"timed out after 0\.5s waiting for services"):
        RolloutCheckProvider().update("id", {}, rollout_props(stack, roll(stack)))


def test_rollout_check_re_runs_only_when_a_revision_changes(stack: Stack) -> None:
    old = rollout_props(stack, {"coko-production-backend": "arn:…/coko-production-backend:3"})
    assert RolloutCheckProvider().diff("id", old, dict(old)).changes is False
    assert RolloutCheckProvider().diff("id", old, rollout_props(stack, {"coko-production-backend": "arn:…/coko-production-backend:4"})).changes is True
