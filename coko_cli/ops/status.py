"""Service health at a glance: counts, deployments with their rollout state, recent events."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.table import Table

from coko_cli.ops.render import short_td, when
from coko_cli.ops.rollback import failed_rollout, is_stable


def summarize(services: dict[str, dict[str, Any]], events: int) -> list[dict[str, Any]]:
    rows = []
    for role, service in services.items():
        steady = is_stable(service) and not failed_rollout(service)
        rows.append(
            {
                "role": role,
                "service": service["serviceName"],
                "status": service.get("status"),
                "taskDefinition": service.get("taskDefinition"),
                "desiredCount": service.get("desiredCount", 0),
                "runningCount": service.get("runningCount", 0),
                "pendingCount": service.get("pendingCount", 0),
                "steady": steady,
                "deployments": [
                    {
                        "id": d.get("id"),
                        "status": d.get("status"),
                        "taskDefinition": d.get("taskDefinition"),
                        "rolloutState": d.get("rolloutState"),
                        "rolloutStateReason": d.get("rolloutStateReason"),
                        "desiredCount": d.get("desiredCount"),
                        "runningCount": d.get("runningCount"),
                        "pendingCount": d.get("pendingCount"),
                        "failedTasks": d.get("failedTasks"),
                        "createdAt": d.get("createdAt"),
                        "updatedAt": d.get("updatedAt"),
                    }
                    for d in service.get("deployments") or []
                ],
                "events": [
                    {"createdAt": e.get("createdAt"), "message": e.get("message")}
                    for e in sorted(service.get("events") or [], key=lambda e: e.get("createdAt") or 0, reverse=True)[:events]
                ],
            }
        )
    return rows


def render(rows: list[dict[str, Any]]) -> Group:
    services = Table(title="Services", title_justify="left")
    for column in ("Service", "Name", "Desired", "Running", "Pending", "Task definition", "State"):
        services.add_column(column, justify="right" if column in ("Desired", "Running", "Pending") else "left", no_wrap=column == "Task definition")
    deployments = Table(title="Deployments", title_justify="left")
    for column in ("Service", "Status", "Task definition", "Rollout", "Running/Desired", "Failed tasks", "Updated"):
        deployments.add_column(column, no_wrap=column in ("Task definition", "Rollout", "Updated"))
    events = Table(title="Recent events", title_justify="left")
    for column in ("Service", "When", "Message"):
        events.add_column(column, overflow="fold")
    for row in rows:
        state = "[green]steady[/]" if row["steady"] else "[yellow]deploying[/]"
        services.add_row(
            row["role"], row["service"], str(row["desiredCount"]), str(row["runningCount"]), str(row["pendingCount"]), short_td(row["taskDefinition"]), state
        )
        for d in row["deployments"]:
            rollout = d["rolloutState"] or "-"
            rollout = {"FAILED": "[red]FAILED[/]", "COMPLETED": "[green]COMPLETED[/]"}.get(rollout, rollout)
            deployments.add_row(
                row["role"],
                d["status"] or "-",
                short_td(d["taskDefinition"]),
                rollout,
                f"{d['runningCount']}/{d['desiredCount']}",
                str(d["failedTasks"] or 0),
                when(d["updatedAt"]),
            )
        for e in row["events"]:
            events.add_row(row["role"], when(e["createdAt"]), e["message"] or "")
    parts: list[Any] = [services, deployments]
    if any(row["events"] for row in rows):
        parts.append(events)
    return Group(*parts)
