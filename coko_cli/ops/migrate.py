"""Database migrations as one-off Fargate tasks, one alias at a time, never two at once.

The task and its command live in `coko_ecs.tasks` (the Pulumi release steps start the same
task); what the CLI adds is the refusal to start while another migration runs, as one
readable error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coko_cli.ops.aws import Exit, OpsError, aws_errors
from coko_cli.ops.oneoff import PURPOSE_TAG, OneOffResult, OneOffTask
from coko_ecs import tasks
from coko_ecs.tasks import MIGRATE_STARTED_BY as STARTED_BY

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient

__all__ = ["PURPOSE_TAG", "STARTED_BY", "MigrationResult", "command_for", "migration_task", "refuse_if_running", "running_migrations"]

MigrationResult = OneOffResult  # label = the database alias


def command_for(alias: str, check: bool) -> list[str]:
    return tasks.migrate_command(alias, check)


def migration_task(alias: str, check: bool) -> OneOffTask:
    return tasks.migration_task(alias, check)


def running_migrations(ecs: ECSClient, cluster: str, exclude: str | None = None) -> list[dict[str, Any]]:
    """Migration tasks of this cluster that have not stopped (desiredStatus alone lags)."""
    with aws_errors():
        return tasks.running_migrations(ecs, cluster, exclude)


def refuse_if_running(ecs: ECSClient, cluster: str) -> None:
    running = running_migrations(ecs, cluster)
    if running:
        raise OpsError(
            f"Another migration is already running in this stack: {tasks.describe_running(running)}.",
            Exit.FAILED,
            "Wait for it to finish (coko status) — migrations must not race. Stop it with `aws ecs stop-task` only if it is stuck.",
        )
