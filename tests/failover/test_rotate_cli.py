"""`coko rotate-db-credentials` against moto in both regions (the SQL side: test_rotate_sql.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from moto.ecs.models import EC2ContainerServiceBackend, ecs_backends
from moto.moto_api import state_manager
from moto.secretsmanager.models import secretsmanager_backends

from coko_contract import names
from tests.failover import drworld
from tests.failover.conftest import Drill, coko

SECRET = names.db_credentials_secret_name("production")


def rotation_tasks(drill: Drill) -> list[dict[str, Any]]:
    return [
        r for r in drill.sim.run_requests if "rotate_db_credentials" in ((r.get("overrides") or {}).get("containerOverrides") or [{}])[0].get("command", [])
    ]


@pytest.fixture
def rotation(drill: Drill, moto_endpoint: str, dr_plans: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Drill:
    """Production's ECS side too; the database-admin task does to the secret what rotate_db_credentials does."""
    drworld.build_ecs(dr_plans["production"], moto_endpoint, drill.primary_region)
    simulated = EC2ContainerServiceBackend.run_task

    def run_task(self: EC2ContainerServiceBackend, *args: Any, **kwargs: Any) -> Any:
        tasks = simulated(self, *args, **kwargs)
        overrides = (drill.sim.run_requests[-1].get("overrides") or {}).get("containerOverrides") or [{}]
        command = overrides[0].get("command") or []
        if "rotate_db_credentials" in command and drill.sim.exit_code == 0:
            backend = secretsmanager_backends[drworld.ACCOUNT][self.region_name]
            current = json.loads(backend.get_secret_value(SECRET, None, "AWSCURRENT")["SecretString"])  # type: ignore[arg-type]
            other = names.DB_APP_USERS[1] if current["username"] == names.DB_APP_USERS[0] else names.DB_APP_USERS[0]
            backend.put_secret_value(SECRET, json.dumps({**current, "username": other, "password": "rotated"}), None, None, ["AWSCURRENT"])  # type: ignore[arg-type]
        return tasks

    monkeypatch.setattr(EC2ContainerServiceBackend, "run_task", run_task)
    return drill


def test_rotation_switches_the_login_and_redeploys_both_regions(rotation: Drill) -> None:
    result = coko("rotate-db-credentials", "--stack", "production", "--poll-interval", "0", "--json")

    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["secret"] == SECRET
    assert {region: len(services) for region, services in report["redeployed"].items()} == {"eu-west-3": 3, "af-south-1": 3}
    (task,) = rotation_tasks(rotation)
    assert task["taskDefinition"].rsplit("/", 1)[-1].startswith(names.dbadmin_family("production") + ":")
    (override,) = task["overrides"]["containerOverrides"]
    assert override["name"] == "dbadmin", "ECS refuses an override for a container the task definition lacks"
    assert override["command"][-4:] == ["--secret-id", SECRET, "--region", "eu-west-3"]
    forced = [u for u in rotation.sim.update_requests if u.get("force_new_deployment") or u.get("forceNewDeployment")]
    assert len(forced) == 6
    replica = rotation.world.client("secretsmanager", "af-south-1").get_secret_value(SecretId=SECRET)
    assert json.loads(replica["SecretString"])["username"] == names.DB_APP_USERS[1], "Cape Town's tasks would restart with the old login"


def test_rotation_is_refused_while_a_task_older_than_the_previous_rotation_runs(rotation: Drill) -> None:
    backend = ecs_backends[drworld.ACCOUNT][rotation.primary_region]
    state_manager.set_transition("ecs::task", {"progression": "manual", "times": 1_000_000})
    try:
        ecs = rotation.world.client("ecs", rotation.primary_region)
        service = ecs.describe_services(cluster=names.cluster_name("production"), services=[names.service_name("production", "backend")])["services"][0]
        ecs.run_task(
            cluster=names.cluster_name("production"),
            taskDefinition=service["taskDefinition"],
            group=f"service:{service['serviceName']}",
            launchType="FARGATE",
            networkConfiguration=service["networkConfiguration"],
        )
        for task in backend.tasks[names.cluster_name("production")].values():
            task.startedAt = datetime(2020, 1, 1, tzinfo=UTC)  # type: ignore[attr-defined]  # moto: tasks carry no startedAt

        result = coko("rotate-db-credentials", "--stack", "production", "--poll-interval", "0")
    finally:
        state_manager.unset_transition("ecs::task")

    assert result.exit_code == 1
    assert "started before the previous rotation" in result.stderr and "coko-production-backend task" in result.stderr
    assert rotation_tasks(rotation) == []
    login = json.loads(rotation.world.client("secretsmanager", "eu-west-3").get_secret_value(SecretId=SECRET)["SecretString"])
    assert login["username"] == names.DB_APP_USERS[0]


def test_a_replica_stack_has_nothing_to_rotate(rotation: Drill) -> None:
    result = coko("rotate-db-credentials", "--stack", "capetown")

    assert result.exit_code == 2
    assert "read replica" in result.stderr
