"""Service health at a glance: counts, deployments with their rollout state, recent events."""

from __future__ import annotations

from typing import Any

from coko_cli.ops.render import short_td, when
from coko_cli.ops.rollback import failed_rollout, is_stable
from coko_cli.records import Column, Records


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


def _steady(value: str) -> str | None:
    return "green" if value == "yes" else "yellow"


def _rollout(value: str) -> str | None:
    return {"FAILED": "red", "COMPLETED": "green"}.get(value)


SERVICES = (
    Column("Service", "role"),
    Column("Name", "service"),
    Column("Desired", "desired", justify="right"),
    Column("Running", "running", justify="right"),
    Column("Pending", "pending", justify="right"),
    Column("Task definition", "taskDefinition"),
    Column("Steady", "steady", style=_steady),
)
DEPLOYMENTS = (
    Column("Service", "role"),
    Column("Status", "status"),
    Column("Task definition", "taskDefinition"),
    Column("Rollout", "rollout", style=_rollout),
    Column("Running", "running", justify="right"),
    Column("Desired", "desired", justify="right"),
    Column("Failed", "failed", justify="right"),
    Column("Updated", "updated"),
)
EVENTS = (Column("Service", "role"), Column("When", "when"), Column("Message", "message", fold=True))
TASKS = (
    Column("Purpose", "purpose"),
    Column("Database", "database"),
    Column("Status", "status"),
    Column("Exit", "exit", justify="right"),
    Column("Stop code", "stopCode"),
    Column("Task definition", "taskDefinition"),
    Column("Created", "created"),
    Column("Task", "task", short=lambda arn: arn.rsplit("/", 1)[-1]),
)


def records(rows: list[dict[str, Any]], tasks: list[dict[str, Any]]) -> list[Records]:
    """Services, deployments, one-off tasks and events, as tables or plain lines."""
    services = Records("service", "Services", SERVICES)
    deployments = Records("deployment", "Deployments", DEPLOYMENTS)
    events = Records("event", "Recent events", EVENTS)
    for row in rows:
        services.rows.append(
            {
                "role": row["role"],
                "service": row["service"],
                "desired": row["desiredCount"],
                "running": row["runningCount"],
                "pending": row["pendingCount"],
                "taskDefinition": short_td(row["taskDefinition"]),
                "steady": row["steady"],
            }
        )
        for d in row["deployments"]:
            deployments.rows.append(
                {
                    "role": row["role"],
                    "status": d["status"],
                    "taskDefinition": short_td(d["taskDefinition"]),
                    "rollout": d["rolloutState"],
                    "running": d["runningCount"],
                    "desired": d["desiredCount"],
                    "failed": d["failedTasks"] or 0,
                    "updated": when(d["updatedAt"]),
                }
            )
        events.rows += [{"role": row["role"], "when": when(e["createdAt"]), "message": e["message"]} for e in row["events"]]
    one_off = Records("task", "One-off tasks (running or stopped in the last hour)", TASKS)
    one_off.rows = [{**t, "exit": t["containerExitCode"], "created": when(t["createdAt"]), "task": t["taskArn"]} for t in tasks]
    return [services, deployments, one_off, events]
