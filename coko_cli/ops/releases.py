"""Release history: the task-definition revisions of each role's family, and which one is live."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.table import Table

from coko_cli.ops import taskdefs
from coko_cli.ops.discovery import StackServices
from coko_cli.ops.render import short_image, when
from coko_cli.ops.rollback import primary_task_definition

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


def table(rows: list[dict[str, Any]]) -> Table:
    out = Table(title="Releases (task-definition revisions)", title_justify="left")
    for column in ("Service", "Revision", "Image tag", "Image", "Registered", "Status", ""):
        out.add_column(column, no_wrap=column in ("Service", "Revision", "Image tag"), overflow="fold")
    for row in rows:
        registered = row["registeredAt"]
        marker = {"live": "[bold green]● live[/]", "deploying": "[yellow]◐ deploying[/]"}.get(row["state"], "")
        out.add_row(
            row["role"],
            f"{row['family']}:{row['revision']}",
            row["imageTag"] or "-",
            short_image(row["image"]),
            when(datetime.fromisoformat(registered)) if registered else "-",
            row["status"],
            marker,
        )
    return out
