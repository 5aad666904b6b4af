"""Release history: the task-definition revisions of each role's family, and which one is live."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from coko_cli.ops import taskdefs
from coko_cli.ops.discovery import StackServices
from coko_cli.ops.render import short_image, when
from coko_cli.ops.rollback import primary_task_definition
from coko_cli.records import Column, Records

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient


def collect(ecs: ECSClient, target: StackServices, limit: int, include_inactive: bool) -> list[dict[str, Any]]:
    """One row per revision, newest first, at most `limit` per family."""
    rows: list[dict[str, Any]] = []
    for role, service in target.services.items():
        live = primary_task_definition(service)
        deploying = {str(d["taskDefinition"]) for d in service.get("deployments") or [] if d.get("status") != "PRIMARY"}
        family, _ = taskdefs.split_arn(live)
        arns = taskdefs.family_arns(ecs, family)
        if include_inactive:
            arns = sorted(arns + taskdefs.family_arns(ecs, family, "INACTIVE"), key=lambda a: taskdefs.split_arn(a)[1], reverse=True)
        for arn in arns[:limit]:
            revision = taskdefs.to_revision(taskdefs.describe(ecs, arn), role)
            state = "live" if arn == live else "deploying" if arn in deploying else ""
            rows.append({"role": role, "service": service["serviceName"], "state": state, **revision.as_json()})
    return rows


def _state(value: str) -> str | None:
    return {"live": "bold green", "deploying": "yellow"}.get(value)


COLUMNS = (
    Column("Service", "role"),
    Column("Revision", "revision"),
    Column("Image tag", "tag"),
    Column("Image", "image", short=short_image),
    Column("Registered", "registered"),
    Column("Status", "status"),
    Column("State", "state", style=_state),
)


def records(rows: list[dict[str, Any]]) -> Records:
    """One record per revision; the plain line keeps the full image reference."""
    return Records(
        "release",
        "Releases (task-definition revisions)",
        COLUMNS,
        [
            {
                "role": row["role"],
                "revision": f"{row['family']}:{row['revision']}",
                "tag": row["imageTag"],
                "image": row["image"],
                "registered": when(datetime.fromisoformat(row["registeredAt"])) if row["registeredAt"] else None,
                "status": row["status"],
                "state": row["state"],
            }
            for row in rows
        ],
    )
