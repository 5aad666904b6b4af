"""The disaster-recovery drill: Paris (every eu-west-3 endpoint) goes down, `coko failover --to capetown` runs.

moto holds both stacks' DR resources, created from the program's plan (drworld.py); the CLI's
traffic goes through a proxy that answers 503 for eu-west-3 once the outage begins and records
every request's region and operation (outage.py).
"""

from __future__ import annotations

import json

from coko_contract import names
from tests.failover import drworld
from tests.failover.conftest import Drill, Result, coko

SECONDARY, PRIMARY = "capetown", "production"
STEP_TITLES = (
    "Preflight",
    "Promote the RDS replica",
    "Promote the app login secret",
    "Switch the services to read-write",
    "Scale to the primary's counts",
    "Wait for the new tasks",
    "Move the API origin name",
    "Verify the database is writable",
    "Promote the master login secret",
)
# Both login secrets the primary replicates to the secondary, and the user each holds.
LOGINS = {names.db_credentials_secret_name(PRIMARY): names.DB_APP_USERS, names.db_master_secret_name(PRIMARY): (names.DB_MASTER_USER,)}
# The master secret's ARN, not the app's (coko/production/database-<6 random characters>): for fail_once_for.
MASTER_ARN_MARK = (names.db_master_secret_name(PRIMARY) + "-").encode()


def read_only_flag(drill: Drill, role: str) -> str | None:
    ecs = drill.world.client("ecs", drill.secondary_region)
    service = ecs.describe_services(cluster=drill.world.cluster, services=[drill.world.services[role]])["services"][0]
    definition = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
    env = {e["name"]: e["value"] for c in definition["containerDefinitions"] for e in c.get("environment") or []}
    return env.get(names.READ_ONLY_ENV)


def secret_source(drill: Drill, name: str) -> str | None:
    """The region a Cape Town secret replicates from (None: standalone), as DescribeSecret says."""
    return drill.world.client("secretsmanager", drill.secondary_region).describe_secret(SecretId=name).get("PrimaryRegion")


def assert_no_password_shown(*results: Result) -> None:
    for result in results:
        for password in (drworld.APP_PASSWORD, drworld.MASTER_PASSWORD):
            assert password not in result.stdout + result.stderr, "a secret value was printed"


def assert_failed_over(drill: Drill) -> None:
    """What a user would check in the console after the failover."""
    w, region = drill.world, drill.secondary_region
    db = w.client("rds", region).describe_db_instances(DBInstanceIdentifier=names.database_identifier(SECONDARY))["DBInstances"][0]
    assert db["DBInstanceStatus"] == "available"
    assert not db.get("ReadReplicaSourceDBInstanceIdentifier"), "the database is still a replica"
    assert {name: secret_source(drill, name) for name in LOGINS} == {name: None for name in LOGINS}, "a login secret is still a replica"
    sm = w.client("secretsmanager", region)
    for name, users in LOGINS.items():
        login = json.loads(sm.get_secret_value(SecretId=name)["SecretString"])
        assert login["username"] in users and login["password"], name
    ecs = w.client("ecs", region)
    described = {s["serviceName"]: s for s in ecs.describe_services(cluster=w.cluster, services=list(w.services.values()))["services"]}
    roles = names.SERVICE_ROLES  # the Django roles go read-write; the reader frontend (web) has no database
    assert {role: described[w.services[role]]["desiredCount"] for role in (*roles, names.WEB_ROLE)} == {
        "backend": 3,
        "worker": 2,
        "scheduler": 1,
        "web": 3,
    }  # production's minCount
    assert {role: read_only_flag(drill, role) for role in roles} == {role: "false" for role in roles}
    assert read_only_flag(drill, names.WEB_ROLE) is None, "the web has no database setting to switch"
    targets = w.client("application-autoscaling", region).describe_scalable_targets(ServiceNamespace="ecs")["ScalableTargets"]
    limits = {t["ResourceId"].rsplit("-", 1)[-1]: (t["MinCapacity"], t["MaxCapacity"]) for t in targets}
    assert {r: limits[r] for r in ("backend", "worker", "web")} == {"backend": (3, 10), "worker": (2, 6), "web": (3, 10)}  # production's minCount/maxCount
    web = described[w.services[names.WEB_ROLE]]
    assert (len(web["deployments"]), web["runningCount"]) == (1, 3), f"the web is not stable at its floor: {web['deployments']}"
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
    assert len(drill.outage.operations("StopReplicationToReplica")) == 2, "one per login secret: app and master"
    assert len(drill.outage.operations(f"POST /2013-04-01/healthcheck/{drill.world.health_check_id}")) == 1  # UpdateHealthCheck (REST)
    for name, users in LOGINS.items():
        assert f"{name} standalone in {drill.secondary_region}, readable (user {users[0]})" in " ".join(result.stdout.split()), name
    assert_no_password_shown(result)


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
    assert outcomes["promote-master-secret"] == "done", "the first run stopped before the master login's step"
    assert report["outcome"] == "failed-over" and report["totalSeconds"] >= sum(s["seconds"] for s in report["steps"]) * 0.99
    assert_failed_over(drill)
    assert len(drill.outage.operations("PromoteReadReplica")) == 1, "the rerun promoted again"
    assert len(drill.outage.operations("StopReplicationToReplica")) == 2
    assert drill.outage.calls_to(drill.primary_region) == []

    third = coko("failover", "--to", SECONDARY, "--poll-interval", "0", "--json")

    assert third.exit_code == 0, third.stderr
    report = json.loads(third.stdout)
    assert report["outcome"] == "already-failed-over"
    outcomes = {s["step"]: s["outcome"] for s in report["steps"]}
    assert (outcomes["promote-secret"], outcomes["promote-master-secret"]) == ("already", "already")
    assert len(drill.outage.operations("StopReplicationToReplica")) == 2, "a rerun stopped a replication again"
    assert_no_password_shown(first, second, third)
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
        "promote-master-secret": "planned",
    }
    steps = {s["step"]: s["detail"] for s in report["steps"]}
    assert "app login, replica of eu-west-3" in steps["promote-secret"] and names.db_credentials_secret_name(PRIMARY) + "-" in steps["promote-secret"]
    assert "master login, replica of eu-west-3" in steps["promote-master-secret"] and MASTER_ARN_MARK.decode() in steps["promote-master-secret"]
    assert report["masterSecret"] == {"name": names.db_master_secret_name(PRIMARY), "exists": True, "replica": True}
    assert {name: secret_source(drill, name) for name in LOGINS} == {name: drill.primary_region for name in LOGINS}
    reads = ("Describe", "List", "Get", "GET ", "POST /2013-04-01/tags/healthcheck")  # the last: Route 53 ListTagsForResources
    mutations = [c.operation for c in drill.outage.calls if not c.operation.startswith(reads)]
    assert mutations == []
    assert read_only_flag(drill, "backend") == "true"
    assert drill.outage.calls_to(drill.primary_region) == []


def _shrink_web(drill: Drill, desired: int, low: int, high: int) -> None:
    """Cape Town's web running below the primary's floor (e.g. a smaller `coko:services.web` in its stack file)."""
    w, region = drill.world, drill.secondary_region
    w.client("ecs", region).update_service(cluster=w.cluster, service=w.services[names.WEB_ROLE], desiredCount=desired)
    w.client("application-autoscaling", region).register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=f"service/{w.cluster.rsplit('/', 1)[-1]}/{w.services[names.WEB_ROLE]}",
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=low,
        MaxCapacity=high,
    )


def web_state(drill: Drill) -> tuple[int, int, int, tuple[int, int]]:
    """(desired, running, deployments, autoscaling min-max) of Cape Town's web service, as the console shows them."""
    w, region = drill.world, drill.secondary_region
    web = w.client("ecs", region).describe_services(cluster=w.cluster, services=[w.services[names.WEB_ROLE]])["services"][0]
    resource = f"service/{w.cluster.rsplit('/', 1)[-1]}/{w.services[names.WEB_ROLE]}"
    (target,) = w.client("application-autoscaling", region).describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[resource])["ScalableTargets"]
    return web["desiredCount"], web["runningCount"], len(web["deployments"]), (target["MinCapacity"], target["MaxCapacity"])


def test_failover_scales_the_secondarys_web_to_the_primarys_floor_and_waits_for_it(drill: Drill) -> None:
    _shrink_web(drill, desired=1, low=1, high=2)
    assert web_state(drill) == (1, 1, 1, (1, 2))
    drill.outage.down = drill.primary_region

    result = coko("failover", "--to", SECONDARY, "--poll-interval", "0", "--json")

    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    steps = {s["step"]: s for s in report["steps"]}
    assert "web autoscaling 1-2 → 3-10" in steps["scale"]["detail"] and "web desired 1 → 3" in steps["scale"]["detail"]
    assert "web 3/3 running" in steps["rollout"]["detail"]
    assert "web" not in steps["read-write"]["detail"], "the web has no database: it gets no read-write revision"
    assert web_state(drill) == (3, 3, 1, (3, 10))  # production's coko:services.web minCount/maxCount, stable
    assert_failed_over(drill)
    web_family = drill.world.task_families[names.WEB_ROLE]
    assert len(drill.world.client("ecs", drill.secondary_region).list_task_definitions(familyPrefix=web_family)["taskDefinitionArns"]) == 1


def test_failover_stopped_before_the_web_was_scaled_finishes_it_on_the_rerun(drill: Drill) -> None:
    _shrink_web(drill, desired=1, low=1, high=2)
    drill.outage.down = drill.primary_region
    # UpdateService of the web's desired count denied once: backend, worker and scheduler are done by then.
    drill.outage.fail_once_for.add(("UpdateService", drill.world.services[names.WEB_ROLE].encode()))

    first = coko("failover", "--to", SECONDARY, "--poll-interval", "0", "--json")

    assert first.exit_code == 4, first.stderr
    outcomes = {s["step"]: s["outcome"] for s in json.loads(first.stdout)["steps"]}
    assert outcomes["read-write"] == "done" and outcomes["scale"] == "failed" and "rollout" not in outcomes
    assert web_state(drill)[0] == 1, "the web's desired count was changed despite the refusal"

    second = coko("failover", "--to", SECONDARY, "--poll-interval", "0", "--json")

    assert second.exit_code == 0, second.stderr
    steps = {s["step"]: s for s in json.loads(second.stdout)["steps"]}
    assert steps["read-write"]["outcome"] == "already" and steps["scale"]["outcome"] == "done"
    assert steps["scale"]["detail"] == "web desired 1 → 3", "the rerun redid a finished part of the scale step or skipped the web"
    assert web_state(drill) == (3, 3, 1, (3, 10))
    assert_failed_over(drill)

    third = coko("failover", "--to", SECONDARY, "--poll-interval", "0", "--json")

    assert third.exit_code == 0, third.stderr
    report = json.loads(third.stdout)
    assert report["outcome"] == "already-failed-over"
    assert {s["step"]: s["outcome"] for s in report["steps"]}["scale"] == "already"


def test_a_refused_master_login_promotion_keeps_the_rest_and_a_rerun_finishes_it(drill: Drill) -> None:
    drill.outage.down = drill.primary_region
    # StopReplicationToReplica denied once for the master login only (e.g. a policy listing the app secret's ARN alone).
    drill.outage.fail_once_for.add(("StopReplicationToReplica", MASTER_ARN_MARK))

    first = coko("failover", "--to", SECONDARY, "--poll-interval", "0", "--json")

    assert first.exit_code == 4, first.stderr
    report = json.loads(first.stdout)
    outcomes = {s["step"]: s["outcome"] for s in report["steps"]}
    assert outcomes["promote-secret"] == "done" and outcomes["verify"] == "done", "the writes' path did not wait for the master login"
    assert outcomes["promote-master-secret"] == "failed" and report["outcome"] == "failed"
    message = (
        f"{names.db_master_secret_name(PRIMARY)} (master login) is still a replica of {drill.primary_region}: Access denied by AWS on StopReplicationToReplica"
    )
    assert message in report["error"]["message"] and message in " ".join(first.stderr.split())
    assert "rerun `coko failover`" in " ".join(first.stderr.split())
    assert secret_source(drill, names.db_credentials_secret_name(PRIMARY)) is None, "the app login's promotion was undone"
    assert secret_source(drill, names.db_master_secret_name(PRIMARY)) == drill.primary_region

    second = coko("failover", "--to", SECONDARY, "--poll-interval", "0", "--json")

    assert second.exit_code == 0, second.stderr
    report = json.loads(second.stdout)
    outcomes = {s["step"]: s["outcome"] for s in report["steps"]}
    assert outcomes["promote-master-secret"] == "done" and report["outcome"] == "failed-over"
    assert {k: v for k, v in outcomes.items() if k in ("promote-database", "promote-secret", "read-write", "scale", "dns")} == {
        "promote-database": "already",
        "promote-secret": "already",
        "read-write": "already",
        "scale": "already",
        "dns": "already",
    }
    assert_failed_over(drill)
    assert len(drill.outage.operations("StopReplicationToReplica")) == 2, "the app login's replication was stopped twice"

    third = coko("failover", "--to", SECONDARY, "--poll-interval", "0", "--json")

    assert third.exit_code == 0, third.stderr
    report = json.loads(third.stdout)
    assert report["outcome"] == "already-failed-over"
    assert {s["step"]: s["outcome"] for s in report["steps"]}["promote-master-secret"] == "already"
    assert_no_password_shown(first, second, third)
    assert drill.outage.calls_to(drill.primary_region) == []
