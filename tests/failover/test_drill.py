"""The disaster-recovery drill: Paris (every eu-west-3 endpoint) goes down, `coko failover --to capetown` runs.

moto holds both stacks' DR resources, created from the program's plan (drworld.py); the CLI's
traffic goes through a proxy that answers 503 for eu-west-3 once the outage begins and records
every request's region and operation (outage.py).
"""

from __future__ import annotations

import json

from coko_contract import names
from tests.failover.conftest import Drill, coko

SECONDARY, PRIMARY = "capetown", "production"
STEP_TITLES = (
    "Preflight",
    "Promote the RDS replica",
    "Promote the credentials secret",
    "Switch the services to read-write",
    "Scale to the primary's counts",
    "Wait for the new tasks",
    "Move the API origin name",
    "Verify the database is writable",
)


def read_only_flag(drill: Drill, role: str) -> str | None:
    ecs = drill.world.client("ecs", drill.secondary_region)
    service = ecs.describe_services(cluster=drill.world.cluster, services=[drill.world.services[role]])["services"][0]
    definition = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
    env = {e["name"]: e["value"] for c in definition["containerDefinitions"] for e in c.get("environment") or []}
    return env.get(names.READ_ONLY_ENV)


def assert_failed_over(drill: Drill) -> None:
    """What a user would check in the console after the failover."""
    w, region = drill.world, drill.secondary_region
    db = w.client("rds", region).describe_db_instances(DBInstanceIdentifier=names.database_identifier(SECONDARY))["DBInstances"][0]
    assert db["DBInstanceStatus"] == "available"
    assert not db.get("ReadReplicaSourceDBInstanceIdentifier"), "the database is still a replica"
    sm = w.client("secretsmanager", region)
    secret = sm.describe_secret(SecretId=names.db_credentials_secret_name(PRIMARY))
    assert not secret.get("PrimaryRegion"), f"the secret is still a replica of {secret.get('PrimaryRegion')}"
    login = json.loads(sm.get_secret_value(SecretId=names.db_credentials_secret_name(PRIMARY))["SecretString"])
    assert login["username"] in names.DB_APP_USERS and login["password"]
    ecs = w.client("ecs", region)
    described = {s["serviceName"]: s for s in ecs.describe_services(cluster=w.cluster, services=list(w.services.values()))["services"]}
    roles = names.SERVICE_ROLES  # the Django roles; the reader frontend (web) has no database and is not touched
    assert {role: described[w.services[role]]["desiredCount"] for role in roles} == {"backend": 3, "worker": 2, "scheduler": 1}  # production's minCount
    assert {role: read_only_flag(drill, role) for role in roles} == {role: "false" for role in roles}
    targets = w.client("application-autoscaling", region).describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
    limits = {t["ResourceId"].rsplit("-", 1)[-1]: (t["MinCapacity"], t["MaxCapacity"]) for t in targets}
    assert {r: limits[r] for r in ("backend", "worker")} == {"backend": (3, 10), "worker": (2, 6)}  # production's minCount/maxCount
    check = w.client("route53", "us-east-1").get_health_check(HealthCheckId=w.health_check_id)["HealthCheck"]
    assert check["HealthCheckConfig"]["Inverted"] is True, "the primary's health check still decides: DNS did not move"


def test_failover_with_paris_down_promotes_scales_moves_dns_and_never_calls_paris(drill: Drill) -> None:
    drill.outage.down = drill.primary_region  # the outage begins before the command

    result = coko("failover", "--to", SECONDARY, "--poll-interval", "0")

    assert result.exit_code == 0, result.stderr + result.stdout
    assert drill.outage.calls_to(drill.primary_region) == [], "a request to the primary region was attempted"
    assert_failed_over(drill)
    for title in STEP_TITLES:
        assert title in result.stdout
    assert "Total" in result.stdout
    assert "replica lag 2s" in result.stdout
    verify = [r for r in drill.sim.run_requests if r["overrides"]["containerOverrides"][0]["command"][-2:] == ["check_database", "--writable"]]
    assert len(verify) == 1 and verify[0]["taskDefinition"].endswith(":2"), "the check ran with the read-write revision"
    assert len(drill.outage.operations("PromoteReadReplica")) == 1
    assert len(drill.outage.operations("StopReplicationToReplica")) == 1
    assert len(drill.outage.operations(f"POST /2013-04-01/healthcheck/{drill.world.health_check_id}")) == 1  # UpdateHealthCheck (REST)


def test_failover_interrupted_halfway_resumes_where_it_stopped(drill: Drill) -> None:
    drill.outage.down = drill.primary_region
    drill.outage.fail_once.add("RegisterTaskDefinition")  # e.g. a missing IAM permission, fixed before the rerun

    first = coko("failover", "--to", SECONDARY, "--poll-interval", "0")

    assert first.exit_code == 4, first.stderr
    assert "Access denied by AWS on RegisterTaskDefinition" in first.stderr
    assert "failed" in first.stdout and "Switch the services to read-write" in first.stdout
    w = drill.world
    db = w.client("rds", drill.secondary_region).describe_db_instances(DBInstanceIdentifier=names.database_identifier(SECONDARY))["DBInstances"][0]
    assert not db.get("ReadReplicaSourceDBInstanceIdentifier"), "the first run had promoted the database before it stopped"
    assert read_only_flag(drill, "backend") == "true", "the services had not been touched yet"

    second = coko("failover", "--to", SECONDARY, "--poll-interval", "0", "--json")

    assert second.exit_code == 0, second.stderr
    report = json.loads(second.stdout)
    outcomes = {s["step"]: s["outcome"] for s in report["steps"]}
    assert outcomes["promote-database"] == "already" and outcomes["promote-secret"] == "already"
    assert outcomes["read-write"] == "done" and outcomes["dns"] == "done" and outcomes["verify"] == "done"
    assert report["outcome"] == "failed-over" and report["totalSeconds"] >= sum(s["seconds"] for s in report["steps"]) * 0.99
    assert_failed_over(drill)
    assert len(drill.outage.operations("PromoteReadReplica")) == 1, "the rerun promoted again"
    assert len(drill.outage.operations("StopReplicationToReplica")) == 1
    assert drill.outage.calls_to(drill.primary_region) == []

    third = coko("failover", "--to", SECONDARY, "--poll-interval", "0", "--json")

    assert third.exit_code == 0, third.stderr
    assert json.loads(third.stdout)["outcome"] == "already-failed-over"
    ecs = w.client("ecs", drill.secondary_region)
    families = ecs.list_task_definitions(familyPrefix=w.task_families["backend"])["taskDefinitionArns"]
    assert len(families) == 2, f"a rerun registered yet another revision: {families}"


def test_dry_run_reads_everything_and_changes_nothing(drill: Drill) -> None:
    drill.outage.down = drill.primary_region

    result = coko("failover", "--to", SECONDARY, "--dry-run", "--json")

    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    outcomes = {s["step"]: s["outcome"] for s in report["steps"]}
    assert outcomes == {
        "preflight": "done",
        "promote-database": "planned",
        "promote-secret": "planned",
        "read-write": "planned",
        "scale": "planned",
        "rollout": "skipped",
        "dns": "planned",
        "verify": "skipped",
    }
    reads = ("Describe", "List", "Get", "GET ", "POST /2013-04-01/tags/healthcheck")  # the last: Route 53 ListTagsForResources
    mutations = [c.operation for c in drill.outage.calls if not c.operation.startswith(reads)]
    assert mutations == []
    assert read_only_flag(drill, "backend") == "true"
    assert drill.outage.calls_to(drill.primary_region) == []
