"""The steps of `coko failover`, each of which reads the real state first and acts only if needed.

That is what makes a rerun after a partial failure resume: a promoted database, standalone
login secrets (app and master), read-write revisions, raised counts and an inverted health check are each recognised
and reported as ``already``. Every call goes to the secondary's region (or Route 53, global)
through :class:`GuardedClients`; nothing here knows the primary's region except to refuse it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from coko_cli.ops.aws import aws_errors
from coko_cli.ops.errors import Exit, OpsError
from coko_cli.ops.failover_guard import GuardedClients
from coko_cli.ops.failover_target import FailoverTarget
from coko_cli.ops.render import Output
from coko_contract import names

# Step outcomes, as the timeline shows them.
DONE, ALREADY, PLANNED, MANUAL, SKIPPED = "done", "already", "planned", "manual", "skipped"
# Every service the secondary runs: the three Django roles and the reader frontend, which readers
# reach first and which must carry the primary's load once the apex points here.
FAILOVER_ROLES = (*names.SERVICE_ROLES, names.WEB_ROLE)
DATABASE_ROLES = names.SERVICE_ROLES  # the web has no database access: it never goes read-write
SCALED_ROLES = ("backend", "worker", names.WEB_ROLE)  # the scheduler is Celery beat: exactly one task, no autoscaling target
TASK_DEFINITION_FIELDS = (
    "family",
    "taskRoleArn",
    "executionRoleArn",
    "networkMode",
    "containerDefinitions",
    "volumes",
    "placementConstraints",
    "requiresCompatibilities",
    "cpu",
    "memory",
    "pidMode",
    "ipcMode",
    "proxyConfiguration",
    "inferenceAccelerators",
    "ephemeralStorage",
    "runtimePlatform",
)


@dataclass
class Context:
    """What every step needs; `sleep` and `clock` are injectable so tests and the benchmark don't wait."""

    target: FailoverTarget
    clients: GuardedClients
    out: Output
    dry_run: bool
    poll_interval: float
    timeout: float
    max_lag: float | None = None
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    services: Any = None  # StackServices, from preflight
    facts: dict[str, Any] = field(default_factory=dict)  # what the JSON report carries besides the timeline

    def wait(self, what: str, poll: Callable[[], tuple[bool, str]]) -> str:
        """Poll until `poll` says done; the timeout is per wait (AWS's own durations vary by size)."""
        started = self.clock()
        while True:
            finished, state = poll()
            if finished:
                return state
            if self.timeout and self.clock() - started >= self.timeout:
                raise OpsError(
                    f"Timed out after {self.timeout:g}s waiting for {what} (last state: {state}).",
                    Exit.TIMEOUT,
                    "AWS is still working on it; rerun `coko failover` to resume from here.",
                )
            self.sleep(self.poll_interval)


# --- preflight ---------------------------------------------------------------------------------


def describe_database(ctx: Context) -> dict[str, Any]:
    rds = ctx.clients.client("rds")
    try:
        with aws_errors():
            return dict(rds.describe_db_instances(DBInstanceIdentifier=ctx.target.database)["DBInstances"][0])
    except OpsError as exc:
        if "DBInstanceNotFound" in exc.message or "not found" in exc.message.lower():
            raise OpsError(
                f"No RDS instance {ctx.target.database} in {ctx.target.region}.", Exit.USAGE, f"Is the {ctx.target.secondary.stack} stack deployed?"
            ) from None
        raise


@dataclass(frozen=True)
class LoginSecret:
    """One of the primary's login secrets whose replica the secondary must own after a failover."""

    name: str
    what: str  # as the timeline says it
    fact: str  # its key in the JSON report
    missing_hint: str


def app_login(target: FailoverTarget) -> LoginSecret:
    return LoginSecret(
        target.secret,
        "app login",
        "secret",
        "The primary stack replicates it (coko:disasterRecovery.secondaryRegion); without it Cape Town's tasks cannot log in.",
    )


def master_login(target: FailoverTarget) -> LoginSecret:
    return LoginSecret(
        target.master_secret,
        "master login",
        "masterSecret",
        "No service needs it, only the database-admin task (provisioning, rotation): once the database is promoted, give "
        f"{target.database} a new master password (aws rds modify-db-instance --master-user-password) and store that login "
        f"as {target.master_secret} in {target.region}.",
    )


def find_secret(ctx: Context, name: str) -> dict[str, Any] | None:
    """DescribeSecret in the secondary's region; None when there is no such secret."""
    sm = ctx.clients.client("secretsmanager")
    try:
        with aws_errors():
            return dict(sm.describe_secret(SecretId=name))
    except OpsError as exc:
        if "ResourceNotFound" in exc.message or "not found" in exc.message.lower():
            return None
        raise


def describe_secret(ctx: Context, login: LoginSecret | None = None) -> dict[str, Any]:
    login = login or app_login(ctx.target)
    found = find_secret(ctx, login.name)
    if found is None:
        raise OpsError(f"No secret {login.name} in {ctx.target.region}: the database {login.what} is not replicated there.", Exit.FAILED, login.missing_hint)
    return found


def is_replica(db: dict[str, Any]) -> bool:
    return bool(db.get("ReadReplicaSourceDBInstanceIdentifier"))


def secret_is_replica(secret: dict[str, Any], region: str) -> bool:
    """A replica secret names its primary's region; a standalone one has none (or its own)."""
    return bool(secret.get("PrimaryRegion")) and secret.get("PrimaryRegion") != region


def replication_state(db: dict[str, Any]) -> str | None:
    """RDS's own word on the replica: replicating, error, stopped or terminated (StatusInfos)."""
    infos = [i for i in db.get("StatusInfos") or [] if i.get("StatusType") == "read replication"]
    if not infos:
        return None
    info = infos[0]
    return str(info.get("Status")) + (f": {info['Message']}" if info.get("Message") else "")


def replica_lag(ctx: Context) -> float | None:
    """The last ReplicaLag datapoint (seconds) of the last 15 minutes, from CloudWatch in the secondary region.

    RDS reports -1 when replication is not active (e.g. the source is unreachable), and stops
    emitting when the source is gone: both mean "the last known lag is the RPO estimate".
    https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Monitoring.html
    """
    cloudwatch = ctx.clients.client("cloudwatch")
    now = datetime.now(UTC)
    with aws_errors():
        points = cloudwatch.get_metric_statistics(
            Namespace="AWS/RDS",
            MetricName="ReplicaLag",
            Dimensions=[{"Name": "DBInstanceIdentifier", "Value": ctx.target.database}],
            StartTime=now - timedelta(minutes=15),
            EndTime=now + timedelta(minutes=1),  # the current, still open minute included
            Period=60,
            Statistics=["Maximum"],
        )["Datapoints"]
    if not points:
        return None
    latest = max(points, key=lambda p: p["Timestamp"])
    return float(latest["Maximum"])


def preflight(ctx: Context) -> tuple[str, str]:
    """Capetown's services run, the database and the secret replica exist; report the replica lag."""
    from coko_cli.ops.discovery import discover
    from coko_cli.ops.rollback import failed_rollout

    stack = ctx.target.secondary.stack
    ctx.services = discover(ctx.clients.ecs, stack, ctx.target.region, FAILOVER_ROLES)
    problems = []
    for _role, service in ctx.services.services.items():
        if not service.get("runningCount"):
            problems.append(f"{service['serviceName']} runs no task")
        elif reason := failed_rollout(service):
            problems.append(f"{service['serviceName']}: {reason}")
    db = describe_database(ctx)
    secret = describe_secret(ctx)
    # The master login is not on the write path: a missing replica is reported here and fails only its own step.
    master = find_secret(ctx, ctx.target.master_secret)
    lag = replica_lag(ctx) if is_replica(db) else None
    ctx.facts.update(
        database={
            "identifier": ctx.target.database,
            "status": db.get("DBInstanceStatus"),
            "replicaOf": db.get("ReadReplicaSourceDBInstanceIdentifier"),
            "replication": replication_state(db),
        },
        replicaLagSeconds=lag,
        secret={"name": ctx.target.secret, "replica": secret_is_replica(secret, ctx.target.region)},
        masterSecret={
            "name": ctx.target.master_secret,
            "exists": master is not None,
            "replica": master is not None and secret_is_replica(master, ctx.target.region),
        },
    )
    if is_replica(db) and ctx.max_lag is not None and lag is not None and lag > ctx.max_lag:
        problems.append(f"replica lag is {lag:g}s, above --max-lag {ctx.max_lag:g}s (writes newer than that would be lost)")
    if problems:
        raise OpsError(
            f"Preflight refused the failover to {stack}: {'; '.join(problems)}.", Exit.FAILED, f"Fix this first (see `coko status --stack {stack}`)."
        )
    running = ", ".join(f"{r} {s.get('runningCount')}/{s.get('desiredCount')}" for r, s in ctx.services.services.items())
    if not is_replica(db):
        lag_text = "database already standalone"
    elif lag is None:
        lag_text = "replica lag: no datapoint in 15 min (replication stopped?)"
    elif lag < 0:
        lag_text = "replica lag: -1 (replication not active; the last write that arrived is the recovery point)"
    else:
        lag_text = f"replica lag {lag:g}s"
    replication = replication_state(db)
    if replication:
        lag_text += f" (replication {replication})"
    return DONE, f"services running ({running}); {lag_text}; secrets: app login {_kind(secret, ctx)}, master login {_kind(master, ctx)}"


def _kind(secret: dict[str, Any] | None, ctx: Context) -> str:
    if secret is None:
        return f"missing in {ctx.target.region}"
    return "replica" if secret_is_replica(secret, ctx.target.region) else "standalone"


# --- database ----------------------------------------------------------------------------------


def promote_database(ctx: Context) -> tuple[str, str]:
    """PromoteReadReplica, then wait until the instance is available and no longer a replica.

    Promotion works with the source region down; the instance passes through `modifying`
    (and may reboot) and keeps its endpoint. A replica in `backing-up` cannot be promoted yet,
    so the loop waits for `available` before asking.
    https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Promote.html
    """
    db = describe_database(ctx)
    if not is_replica(db) and db.get("DBInstanceStatus") == "available":
        return ALREADY, f"{ctx.target.database} is a standalone, available instance"
    if ctx.dry_run:
        return (
            PLANNED,
            f"PromoteReadReplica {ctx.target.database} (now {db.get('DBInstanceStatus')}, replica of {db.get('ReadReplicaSourceDBInstanceIdentifier')})",
        )
    rds = ctx.clients.client("rds")
    asked = False

    def poll() -> tuple[bool, str]:
        nonlocal asked
        current = describe_database(ctx)
        status = str(current.get("DBInstanceStatus"))
        if not is_replica(current):
            return status == "available", status
        if status == "available" and not asked:
            with aws_errors():
                rds.promote_read_replica(DBInstanceIdentifier=ctx.target.database)
            asked = True
            ctx.out.note(f"  PromoteReadReplica {ctx.target.database} requested")
        return False, f"{status} (still a replica)"

    ctx.wait(f"{ctx.target.database} to be promoted", poll)
    return DONE, f"{ctx.target.database} promoted: standalone and available" + ("" if asked else " (a promotion already under way finished)")


# --- secret ------------------------------------------------------------------------------------


def promote_login_secret(ctx: Context, login: LoginSecret) -> tuple[str, str]:
    """StopReplicationToReplica in the secondary region, then prove the standalone value is a readable login.

    It must be called in the replica's region and needs nothing from the primary's.
    https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_StopReplicationToReplica.html
    Only the username is ever shown: never the password, nor the raw value.
    """
    sm = ctx.clients.client("secretsmanager")
    secret = describe_secret(ctx, login)
    outcome = ALREADY
    if secret_is_replica(secret, ctx.target.region):
        source = secret.get("PrimaryRegion")
        if ctx.dry_run:
            return PLANNED, f"StopReplicationToReplica {secret['ARN']} ({login.what}, replica of {source})"
        try:
            with aws_errors():
                sm.stop_replication_to_replica(SecretId=secret["ARN"])
        except OpsError as exc:
            raise OpsError(
                f"{login.name} ({login.what}) is still a replica of {source}: {exc.message}",
                exc.code,
                " ".join(filter(None, (exc.hint, "Then rerun `coko failover`: the finished steps show `already`."))),
            ) from None
        outcome = DONE
        secret = describe_secret(ctx, login)
        if secret_is_replica(secret, ctx.target.region):
            raise OpsError(f"{login.name} is still a replica of {secret.get('PrimaryRegion')} after StopReplicationToReplica.", Exit.FAILED)
    with aws_errors():
        value = sm.get_secret_value(SecretId=secret["ARN"])["SecretString"]
    try:
        parsed = json.loads(value)
        user = parsed["username"]
        assert parsed["password"]
    except (ValueError, KeyError, TypeError, AssertionError):
        raise OpsError(f"{login.name} is not a database login (JSON with username and password).", Exit.FAILED) from None
    return outcome, f"{login.name} standalone in {ctx.target.region}, readable (user {user})"


def promote_secret(ctx: Context) -> tuple[str, str]:
    """The app login, before any service goes read-write: the new tasks read it."""
    return promote_login_secret(ctx, app_login(ctx.target))


def promote_master_secret(ctx: Context) -> tuple[str, str]:
    """The master login, read only by the database-admin task: standalone, it can be rotated and changed in the secondary.

    A replica "can't be updated independently from its primary secret" (so not at all with the primary region gone):
    https://docs.aws.amazon.com/secretsmanager/latest/userguide/standalone-secret.html
    """
    return promote_login_secret(ctx, master_login(ctx.target))


# --- read-write --------------------------------------------------------------------------------


def read_only_value(definition: dict[str, Any]) -> str | None:
    """DATABASE_READ_ONLY as the containers see it (None: not set)."""
    values = {e.get("value") for c in definition.get("containerDefinitions") or [] for e in c.get("environment") or [] if e.get("name") == names.READ_ONLY_ENV}
    return "true" if "true" in values else (values.pop() if values else None)


def writable_copy(definition: dict[str, Any]) -> dict[str, Any]:
    """The RegisterTaskDefinition request of the same revision with DATABASE_READ_ONLY=false."""
    request = {k: definition[k] for k in TASK_DEFINITION_FIELDS if definition.get(k) not in (None, [], {})}
    containers = []
    for container in definition.get("containerDefinitions") or []:
        env = [e if e.get("name") != names.READ_ONLY_ENV else {"name": names.READ_ONLY_ENV, "value": "false"} for e in container.get("environment") or []]
        containers.append({**container, "environment": env})
    request["containerDefinitions"] = containers
    return request


def _same_but_writable(candidate: dict[str, Any], current: dict[str, Any]) -> bool:
    keys = [k for k in TASK_DEFINITION_FIELDS if k != "containerDefinitions"]
    same = all(candidate.get(k) == current.get(k) for k in keys)
    return same and writable_copy(candidate)["containerDefinitions"] == writable_copy(current)["containerDefinitions"] and read_only_value(candidate) != "true"


def _describe_with_tags(ecs: Any, arn: str) -> tuple[dict[str, Any], list[dict[str, str]]]:
    with aws_errors():
        response = ecs.describe_task_definition(taskDefinition=arn, include=["TAGS"])
    return dict(response["taskDefinition"]), list(response.get("tags") or [])


def writable_revision(ctx: Context, current: dict[str, Any], tags: list[dict[str, str]]) -> tuple[str, bool]:
    """(ARN, registered now): reuse the newest ACTIVE revision if an interrupted run already registered it."""
    from coko_cli.ops.taskdefs import family_arns

    ecs = ctx.clients.ecs
    newest = family_arns(ecs, current["family"])[:1]
    if newest and newest[0] != current["taskDefinitionArn"]:
        candidate, _ = _describe_with_tags(ecs, newest[0])
        if _same_but_writable(candidate, current):
            return str(candidate["taskDefinitionArn"]), False
    request = writable_copy(current)
    if tags:
        request["tags"] = tags
    with aws_errors():
        return str(ecs.register_task_definition(**request)["taskDefinition"]["taskDefinitionArn"]), True


def read_write(ctx: Context) -> tuple[str, str]:
    """Every Django service onto a revision of its own task definition with DATABASE_READ_ONLY=false (not the web: no database)."""
    from coko_cli.ops.render import short_td
    from coko_cli.ops.rollback import primary_task_definition

    ecs = ctx.clients.ecs
    moved, already = [], []
    for role, service in ctx.services.services.items():
        if role not in DATABASE_ROLES:
            continue
        current, tags = _describe_with_tags(ecs, primary_task_definition(service))
        if read_only_value(current) != "true":
            already.append(role)
            ctx.facts.setdefault("taskDefinitions", {})[role] = current["taskDefinitionArn"]
            continue
        if ctx.dry_run:
            moved.append(f"{role} {short_td(current['taskDefinitionArn'])} → new revision with {names.READ_ONLY_ENV}=false")
            continue
        arn, _registered = writable_revision(ctx, current, tags)
        with aws_errors():
            ecs.update_service(cluster=ctx.services.cluster, service=service["serviceName"], taskDefinition=arn)
        ctx.facts.setdefault("taskDefinitions", {})[role] = arn
        moved.append(f"{role} → {short_td(arn)}")
    if not moved:
        return ALREADY, f"{', '.join(already)} already run with {names.READ_ONLY_ENV} unset or false"
    return (PLANNED if ctx.dry_run else DONE), "; ".join(moved)


# --- scale -------------------------------------------------------------------------------------


def scale(ctx: Context) -> tuple[str, str]:
    """Desired count and autoscaling floor/ceiling up to the primary's minCount/maxCount (never down)."""
    ecs = ctx.clients.ecs
    aas = ctx.clients.client("application-autoscaling")
    cluster_name = ctx.services.cluster.rsplit("/", 1)[-1]
    changes = []
    for role, service in ctx.services.services.items():
        low, high = ctx.target.counts(role)
        if role in SCALED_ROLES:
            resource = f"service/{cluster_name}/{service['serviceName']}"
            with aws_errors():
                found = aas.describe_scalable_targets(ServiceNamespace="ecs", ResourceIds=[resource], ScalableDimension="ecs:service:DesiredCount")[
                    "ScalableTargets"
                ]
            if found and (found[0]["MinCapacity"] < low or found[0]["MaxCapacity"] < high):
                new_min, new_max = max(low, found[0]["MinCapacity"]), max(high, found[0]["MaxCapacity"])
                changes.append(f"{role} autoscaling {found[0]['MinCapacity']}-{found[0]['MaxCapacity']} → {new_min}-{new_max}")
                if not ctx.dry_run:
                    with aws_errors():
                        aas.register_scalable_target(
                            ServiceNamespace="ecs", ResourceId=resource, ScalableDimension="ecs:service:DesiredCount", MinCapacity=new_min, MaxCapacity=new_max
                        )
        desired = int(service.get("desiredCount") or 0)
        if desired < low:
            changes.append(f"{role} desired {desired} → {low}")
            if not ctx.dry_run:
                with aws_errors():
                    ecs.update_service(cluster=ctx.services.cluster, service=service["serviceName"], desiredCount=low)
    if not changes:
        return ALREADY, "counts already at or above the primary's: " + ", ".join(
            f"{r} {ctx.target.counts(r)[0]}-{ctx.target.counts(r)[1]}" for r in ctx.services.services
        )
    return (PLANNED if ctx.dry_run else DONE), "; ".join(changes)


def rollout(ctx: Context) -> tuple[str, str]:
    """Wait for ECS to replace the tasks: one deployment and running == desired (the services_stable waiter's rule)."""
    from coko_cli.ops.discovery import refresh
    from coko_cli.ops.rollback import failed_rollout, is_stable

    if ctx.dry_run:
        return SKIPPED, "dry run: nothing deployed"
    latest: dict[str, dict[str, Any]] = {}

    def poll() -> tuple[bool, str]:
        latest.update(refresh(ctx.clients.ecs, ctx.services))
        failed = {role: reason for role, s in latest.items() if (reason := failed_rollout(s))}
        if failed:
            text = "; ".join(f"{latest[r]['serviceName']}: {reason}" for r, reason in failed.items())
            raise OpsError(text, Exit.FAILED, f"See `coko status --stack {ctx.target.secondary.stack}`.")
        waiting = [f"{r} {s.get('runningCount')}/{s.get('desiredCount')}" for r, s in latest.items() if not is_stable(s)]
        return not waiting, "waiting for " + ", ".join(waiting)

    ctx.wait("the services to become stable", poll)
    ctx.services.services.update(latest)
    return DONE, ", ".join(f"{r} {s.get('runningCount')}/{s.get('desiredCount')} running" for r, s in latest.items())
