"""`coko failover` beyond the happy path: refusals, a failed verification, DNS without a hosted zone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coko_contract import names
from tests.failover import drworld
from tests.failover.conftest import Drill, coko
from tests.failover.test_drill import read_only_flag

SECONDARY = "capetown"


def test_preflight_refuses_a_replica_further_behind_than_max_lag_and_changes_nothing(drill: Drill) -> None:
    drill.outage.down = drill.primary_region

    result = coko("failover", "--to", SECONDARY, "--max-lag", "1", "--poll-interval", "0")

    assert result.exit_code == 1
    assert "replica lag is 2s, above --max-lag 1s" in result.stderr
    db = drill.world.client("rds", drill.secondary_region).describe_db_instances(DBInstanceIdentifier=names.database_identifier(SECONDARY))["DBInstances"][0]
    assert db.get("ReadReplicaSourceDBInstanceIdentifier"), "the replica was promoted despite the refusal"
    assert drill.outage.operations("PromoteReadReplica") == []


def test_a_database_the_tasks_cannot_write_fails_the_failover_with_the_task_log(drill: Drill) -> None:
    drill.outage.down = drill.primary_region
    drill.sim.exit_code = 1
    drill.sim.log_lines = ["auth_db: NOT WRITABLE: cannot execute INSERT in a read-only transaction"]

    result = coko("failover", "--to", SECONDARY, "--poll-interval", "0", "--json")

    assert result.exit_code == 3  # a one-off task's container exited non-zero
    report = json.loads(result.stdout)
    assert report["outcome"] == "failed" and report["steps"][-1] == {**report["steps"][-1], "step": "verify", "outcome": "failed"}
    assert "not writable from its tasks" in result.stderr
    assert "cannot execute INSERT in a read-only transaction" in result.stderr
    assert drill.outage.calls_to(drill.primary_region) == []


def test_a_master_login_never_replicated_fails_only_its_own_step_after_writes_moved(drill: Drill) -> None:
    master = names.db_master_secret_name("production")
    drill.world.client("secretsmanager", drill.primary_region).remove_regions_from_replication(SecretId=master, RemoveReplicaRegions=[drill.secondary_region])
    drill.outage.down = drill.primary_region

    result = coko("failover", "--to", SECONDARY, "--poll-interval", "0", "--json")

    assert result.exit_code == 1, result.stderr
    report = json.loads(result.stdout)
    outcomes = {s["step"]: s["outcome"] for s in report["steps"]}
    assert "master login missing in af-south-1" in report["steps"][0]["detail"]
    assert (outcomes["promote-secret"], outcomes["verify"], outcomes["promote-master-secret"]) == ("done", "done", "failed")
    stderr = " ".join(result.stderr.split())
    assert f"No secret {master} in af-south-1: the database master login is not replicated there." in stderr
    assert "--master-user-password" in stderr, "the hint says how to recreate it"
    assert read_only_flag(drill, "backend") == "false"
    assert drill.outage.calls_to(drill.primary_region) == []


def test_without_a_hosted_zone_the_records_to_change_are_printed(drill: Drill, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COKO_PROJECT_ROOT", str(drworld.stack_root(tmp_path / "no-zone", None)))
    drill.outage.down = drill.primary_region

    result = coko("failover", "--to", SECONDARY, "--poll-interval", "0", "--json")

    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert {s["step"]: s["outcome"] for s in report["steps"]}["dns"] == "manual"
    (record,) = report["dns"]["records"]
    assert record["name"] == "origin.api.coko.africa" and record["type"] == "CNAME"
    assert record["value"].endswith(".elb.amazonaws.com") or "coko-capetown" in record["value"]
    assert "change this DNS record by hand: origin.api.coko.africa CNAME" in result.stderr
    check = drill.world.client("route53", "us-east-1").get_health_check(HealthCheckId=drill.world.health_check_id)["HealthCheck"]
    assert check["HealthCheckConfig"]["Inverted"] is False
    assert read_only_flag(drill, "worker") == "false"


@pytest.mark.parametrize(
    ("to", "message"),
    [
        ("production", "is a primary stack"),
        ("staging-nope", "no such stack file"),
    ],
)
def test_failing_over_to_something_that_is_not_a_secondary_is_a_usage_error(drill: Drill, to: str, message: str) -> None:
    result = coko("failover", "--to", to)

    assert result.exit_code == 2
    assert message in result.stderr
    assert drill.outage.calls == []


def test_a_usage_error_still_prints_one_json_document(drill: Drill) -> None:
    result = coko("failover", "--to", "production", "--json")

    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["ok"] is False and document["exitCode"] == 2 and "is a primary stack" in document["error"]["message"]


def test_rds_own_replication_state_is_reported_with_its_message() -> None:
    from coko_cli.ops.failover_steps import replication_state

    broken = {"StatusInfos": [{"StatusType": "read replication", "Status": "error", "Normal": False, "Message": "source unreachable"}]}

    assert replication_state(broken) == "error: source unreachable"
    assert replication_state({"StatusInfos": []}) is None
