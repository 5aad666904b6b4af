"""`coko collectstatic` end to end against moto's HTTP endpoint."""

from __future__ import annotations

import json

from moto.moto_api import state_manager

from coko_contract import names as naming
from tests.ops.conftest import EcsSim, Stack, coko, ecs_backend

FAST = ("--poll-interval", "0.01")
COLLECTSTATIC = ["python", "manage.py", "collectstatic", "--noinput"]


def test_collectstatic_runs_one_task_in_the_backend_network_and_streams_logs(stack: Stack, sim: EcsSim) -> None:
    sim.log_lines = ["212 static files copied."]
    result = coko("collectstatic", "--stack", "production", *FAST)
    assert result.exit_code == 0, result.stderr
    assert len(sim.run_requests) == 1, "exactly one task"
    request = sim.run_requests[0]
    assert request["overrides"]["containerOverrides"] == [{"name": "backend", "command": COLLECTSTATIC}]
    assert request["networkConfiguration"] == {
        "awsvpcConfiguration": {"subnets": stack.subnets, "securityGroups": [stack.security_group], "assignPublicIp": "DISABLED"}
    }
    assert (request["launchType"], request["platformVersion"]) == ("FARGATE", "1.4.0")
    assert request["taskDefinition"].endswith(":2"), "the revision the backend service runs"
    assert request["startedBy"] == "coko-collectstatic", "not coko-migrate: never mistaken for a migration"
    assert {"key": "coko:purpose", "value": "collectstatic"} in request["tags"]
    assert not any(t["key"] == "coko:database" for t in request["tags"])
    assert "collectstatic | 212 static files copied." in result.stdout
    assert "static files collected with coko-production-backend:2" in result.stderr


def test_a_failed_container_is_exit_3_with_its_own_code_in_the_message_and_the_log_tail(stack: Stack, sim: EcsSim) -> None:
    sim.exit_code = 1
    sim.log_lines = [
        "Traceback (most recent call last):",
        "botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the PutObject operation",
    ]
    result = coko("collectstatic", "--stack", "production", *FAST)
    assert result.exit_code == 3
    assert "collectstatic: container exited with code 1 (coko exits 3)" in result.stderr
    assert "PutObject" in result.stderr.split("last 2 log lines of collectstatic")[1]
    assert len(sim.run_requests) == 1


def test_task_that_fails_to_start_is_a_failure_with_its_reason(stack: Stack, sim: EcsSim) -> None:
    sim.stop_code = "TaskFailedToStart"
    sim.stopped_reason = "ResourceInitializationError: unable to pull secrets or registry auth"
    result = coko("collectstatic", "--stack", "production", *FAST)
    assert result.exit_code == 1
    assert "collectstatic: task failed to start (TaskFailedToStart): ResourceInitializationError" in result.stderr


def test_unknown_stack_is_a_usage_error(stack: Stack, sim: EcsSim) -> None:
    result = coko("collectstatic", "--stack", "qa", *FAST)
    assert result.exit_code == 2
    assert "Pulumi.qa.yaml: no such stack file" in result.stderr
    assert sim.run_requests == []


def test_timeout_stops_the_task_and_exits_124(stack: Stack, sim: EcsSim) -> None:
    state_manager.set_transition("ecs::task", {"progression": "manual", "times": 10**9})
    result = coko("collectstatic", "--stack", "production", "--timeout", "0.3", "--poll-interval", "0.05")
    assert result.exit_code == 124
    assert "collectstatic: timed out" in result.stderr
    task = next(iter(ecs_backend().tasks[naming.cluster_name("production")].values()))
    assert task.desired_status == "STOPPED" and "coko collectstatic: timed out" in task.stopped_reason


def test_collectstatic_and_migrations_do_not_take_each_other_for_a_migration(stack: Stack, sim: EcsSim) -> None:
    state_manager.set_transition("ecs::task", {"progression": "manual", "times": 10**9})  # every task stays RUNNING
    network = {"awsvpcConfiguration": {"subnets": stack.subnets, "securityGroups": [stack.security_group]}}
    stack.ecs.run_task(
        cluster=stack.cluster, taskDefinition="coko-production-backend:2", launchType="FARGATE", networkConfiguration=network, startedBy="coko-migrate"
    )
    result = coko("collectstatic", "--stack", "production", "--timeout", "0.2", "--poll-interval", "0.05")
    assert result.exit_code == 124, "ran (and timed out) alongside a running migration"
    stack.ecs.run_task(
        cluster=stack.cluster, taskDefinition="coko-production-backend:2", launchType="FARGATE", networkConfiguration=network, startedBy="coko-collectstatic"
    )
    for task in stack.ecs.list_tasks(cluster=stack.cluster, startedBy="coko-migrate")["taskArns"]:
        stack.ecs.stop_task(cluster=stack.cluster, task=task)  # desiredStatus STOPPED: no longer a running migration
    result = coko("migrate", "--stack", "production", "--database", "default", "--timeout", "0.2", "--poll-interval", "0.05")
    assert result.exit_code == 124, result.stderr
    assert "Another migration" not in result.stderr, "a running collectstatic is not a migration"


def test_json_output_is_one_document(stack: Stack, sim: EcsSim) -> None:
    result = coko("collectstatic", "--stack", "production", "--task-definition", "coko-production-backend:1", "--json", *FAST)
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert (document["outcome"], document["exitCode"], document["containerExitCode"]) == ("succeeded", 0, 0)
    assert document["command"] == COLLECTSTATIC
    assert document["taskDefinition"].endswith("coko-production-backend:1")
    assert sim.run_requests[0]["taskDefinition"].endswith("coko-production-backend:1")
