"""`coko rotate-db-credentials`: the safe way to rotate the app's database login, on demand.

Why a command and not automatic rotation: a Secrets Manager rotation function would need a
Lambda in the VPC with a network path to the database and to Secrets Manager in each region, and
— the real blocker — it switches the secret while tasks keep their old login for as long as they
run: with automatic rotation every N days nothing stops a second rotation from changing the login
an old task still uses (the alternating-users strategy is safe for exactly one rotation per task
lifetime). So this command does the same alternating-users rotation, plus the two guards:

1. refuse while any service task (both regions) started before the previous rotation;
2. after the switch, force a new deployment of every service in both regions, once the replica
   of the secret in the secondary region has the new version, so no task keeps a login older
   than one rotation.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from coko_cli.ops.aws import aws_errors
from coko_cli.ops.errors import Exit, OpsError
from coko_contract import names

if TYPE_CHECKING:
    from stacks.config import StackConfig

STARTED_BY = "coko-rotate-db-credentials"


def secret_name(config: StackConfig) -> str:
    """The app login secret of the stack that owns a writable database."""
    if config.is_primary:
        return names.db_credentials_secret_name(config.stack)
    if config.disaster_recovery.promoted and config.primary_stack:
        return names.db_credentials_secret_name(config.primary_stack.rsplit("/", 1)[-1])
    raise OpsError(
        f"{config.stack}'s database is a read replica: its login is rotated with the primary's.",
        Exit.USAGE,
        "Run it with the primary stack (or, after a failover, once coko:disasterRecovery.promoted is true).",
    )


def regions(config: StackConfig) -> list[tuple[str, str]]:
    """(stack, region) of every stack whose tasks use this login: the primary and its secondary.

    After a failover the promoted secondary's secret is standalone: only its own tasks use it.
    """
    stacks = [(config.stack, config.region)]
    dr = config.disaster_recovery
    if config.is_primary and dr.secondary_stack and dr.secondary_region:
        stacks.append((dr.secondary_stack, dr.secondary_region))
    return stacks


def current_version(sm: Any, secret: str) -> tuple[str, datetime]:
    """(version id, creation time) of AWSCURRENT: the time of the previous rotation (or creation)."""
    versions: list[dict[str, Any]] = []
    token: dict[str, str] = {}
    with aws_errors():
        while True:
            page = sm.list_secret_version_ids(SecretId=secret, MaxResults=100, **token)
            versions += page["Versions"]
            if not page.get("NextToken"):
                break
            token = {"NextToken": page["NextToken"]}
    for version in versions:
        if "AWSCURRENT" in (version.get("VersionStages") or []):
            return str(version["VersionId"]), version["CreatedDate"]
    raise OpsError(f"Secret {secret} has no AWSCURRENT version.", Exit.FAILED)


def stale_tasks(ecs: Any, cluster: str, services: dict[str, dict[str, Any]], since: datetime) -> list[str]:
    """Service tasks (ECS sets group=service:<name>) that started before `since`."""
    groups = {f"service:{s['serviceName']}": s["serviceName"] for s in services.values()}
    with aws_errors():
        arns = [a for page in ecs.get_paginator("list_tasks").paginate(cluster=cluster, desiredStatus="RUNNING") for a in page["taskArns"]]
        tasks = [t for start in range(0, len(arns), 100) for t in ecs.describe_tasks(cluster=cluster, tasks=arns[start : start + 100])["tasks"]]
    stale = []
    for task in tasks:
        started = task.get("startedAt") or task.get("createdAt")
        if task.get("group") in groups and task.get("lastStatus") != "STOPPED" and started is not None and started < since:
            stale.append(f"{groups[task['group']]} task {task['taskArn'].rsplit('/', 1)[-1]} (started {started:%Y-%m-%d %H:%M:%SZ})")
    return stale


def force_new_deployments(ecs: Any, cluster: str, services: dict[str, dict[str, Any]]) -> list[str]:
    with aws_errors():
        for service in services.values():
            ecs.update_service(cluster=cluster, service=service["serviceName"], forceNewDeployment=True)
    return [s["serviceName"] for s in services.values()]
