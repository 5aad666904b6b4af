"""`coko migrate` end to end against moto's HTTP endpoint."""

from __future__ import annotations

import json

import boto3
from moto.moto_api import state_manager

from coko_contract import names as naming
from tests.ops.conftest import REGION, EcsSim, Stack, coko, ecs_backend

FAST = ("--poll-interval", "0.01")


def test_migration_runs_each_alias_in_the_backend_network_and_streams_logs(stack: Stack, sim: EcsSim) -> None:
    sim.log_lines = ["Applying catalog.0002_book_isbn... OK"]
    result = coko("migrate", "--stack", "production", *FAST)
    assert result.exit_code == 0, result.stderr
    assert [r["overrides"]["containerOverrides"][0]["command"] for r in sim.run_requests] == [
        ["python", "manage.py", "migrate_alias", alias] for alias in naming.DATABASE_ALIASES
    ]
    first = sim.run_requests[0]
    assert first["overrides"]["containerOverrides"][0]["name"] == "backend"
    assert first["networkConfiguration"] == {
        "awsvpcConfiguration": {"subnets": stack.subnets, "securityGroups": [stack.security_group], "assignPublicIp": "DISABLED"}
    }
    assert (first["launchType"], first["platformVersion"], first["startedBy"]) == ("FARGATE", "1.4.0", "coko-migrate")
    assert first["taskDefinition"].endswith(":2"), "the revision the backend service runs"
    assert {"key": "coko:purpose", "value": "migration"} in first["tags"]
    for alias in naming.DATABASE_ALIASES:
        assert f"{alias} | Applying catalog.0002_book_isbn... OK" in result.stdout
    assert "All 5 database(s) migrated" in result.stderr


def test_check_runs_migrate_alias_check_for_the_chosen_database(stack: Stack, sim: EcsSim) -> None:
    result = coko("migrate", "--stack", "production", "--database", "auth_db", "--check", *FAST)
    assert result.exit_code == 0, result.stderr
    assert [r["overrides"]["containerOverrides"][0]["command"] for r in sim.run_requests] == [["python", "manage.py", "migrate_alias", "auth_db", "--check"]]
    assert {"key": "coko:purpose", "value": "migration-check"} in sim.run_requests[0]["tags"]


def test_a_failed_container_is_exit_3_and_later_aliases_are_skipped(stack: Stack, sim: EcsSim) -> None:
    sim.exit_code = 3
    sim.log_lines = ["Running migrations:", 'django.db.utils.ProgrammingError: relation "books" already exists']
    result = coko("migrate", "--stack", "production", *FAST)
    assert result.exit_code == 3
    assert "default: container exited with code 3 (coko exits 3)" in result.stderr
    assert "migration database=auth_db outcome=skipped" in result.stdout
    assert 'relation "books" already exists' in result.stderr.split("last 2 log lines of default")[1]
    assert len(sim.run_requests) == 1, "later aliases are not migrated after a failure"
    assert "Traceback" not in result.stderr


def test_task_that_fails_to_start_is_a_failure_with_its_reason(stack: Stack, sim: EcsSim) -> None:
    sim.stop_code = "TaskFailedToStart"
    sim.stopped_reason = "CannotPullContainerError: pull image manifest has been retried 5 time(s)"
    result = coko("migrate", "--stack", "production", "--database", "default", *FAST)
    assert result.exit_code == 1
    assert "task failed to start (TaskFailedToStart): CannotPullContainerError" in result.stderr


def test_timeout_stops_the_task_and_exits_124(stack: Stack, sim: EcsSim) -> None:
    state_manager.set_transition("ecs::task", {"progression": "manual", "times": 10**9})
    result = coko("migrate", "--stack", "production", "--database", "reading_db", "--timeout", "0.3", "--poll-interval", "0.05")
    assert result.exit_code == 124
    assert "reading_db: timed out" in result.stderr
    task = next(iter(ecs_backend().tasks[naming.cluster_name("production")].values()))
    assert task.desired_status == "STOPPED" and "timed out" in task.stopped_reason


def test_second_migration_is_refused_while_one_runs(stack: Stack, sim: EcsSim) -> None:
    state_manager.set_transition("ecs::task", {"progression": "manual", "times": 10**9})
    ecs = boto3.client("ecs", region_name=REGION)
    network = ecs.describe_services(cluster=stack.cluster, services=[stack.services["backend"]])["services"][0]["networkConfiguration"]
    ecs.run_task(
        cluster=stack.cluster,
        taskDefinition="coko-production-backend:2",
        launchType="FARGATE",
        networkConfiguration=network,
        startedBy="coko-migrate",
        tags=[{"key": "coko:database", "value": "catalog_db"}],
    )
    sim.run_requests.clear()
    result = coko("migrate", "--stack", "production", *FAST)
    assert result.exit_code == 1
    assert "Another migration is already running" in result.stderr and "catalog_db" in result.stderr
    assert sim.run_requests == []


def test_finished_migrations_do_not_block_the_next_one(stack: Stack, sim: EcsSim) -> None:
    assert coko("migrate", "--stack", "production", "--database", "default", *FAST).exit_code == 0
    assert coko("migrate", "--stack", "production", "--database", "default", *FAST).exit_code == 0
    assert len(sim.run_requests) == 2


def test_json_output_is_one_document_with_each_result(stack: Stack, sim: EcsSim) -> None:
    result = coko("migrate", "--stack", "production", "--database", "default", "--database", "auth_db", "--json", *FAST)
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    assert [(r["database"], r["outcome"], r["exitCode"]) for r in document["results"]] == [("default", "succeeded", 0), ("auth_db", "succeeded", 0)]
    assert document["results"][0]["logTail"][-1] == "  No migrations to apply."


def test_explicit_task_definition_is_used(stack: Stack, sim: EcsSim) -> None:
    result = coko("migrate", "--stack", "production", "--database", "default", "--task-definition", "coko-production-backend:1", *FAST)
    assert result.exit_code == 0, result.stderr
    assert sim.run_requests[0]["taskDefinition"].endswith("coko-production-backend:1")


def test_unknown_database_alias_is_a_usage_error(stack: Stack, sim: EcsSim) -> None:
    result = coko("migrate", "--stack", "production", "--database", "payments")
    assert result.exit_code == 2
    assert "unknown database alias payments" in result.stderr
    assert sim.run_requests == []
