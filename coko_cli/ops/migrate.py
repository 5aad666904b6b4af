"""Database migrations as one-off Fargate tasks, one alias at a time, never two at once.

The task machinery is `coko_cli.ops.oneoff`'s; what is migration-specific lives here: the
`migrate_alias` command, ``startedBy`` coko-migrate and the ``coko:database`` tag (so a second
run can see the first), and the refusal to start while another migration runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coko_cli.ops.aws import Exit, OpsError
from coko_cli.ops.oneoff import PURPOSE_TAG, OneOffResult, OneOffTask, running_tasks

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient

__all__ = ["PURPOSE_TAG", "STARTED_BY", "MigrationResult", "command_for", "migration_task", "refuse_if_running", "running_migrations"]

STARTED_BY = "coko-migrate"

MigrationResult = OneOffResult  # label = the database alias


def command_for(alias: str, check: bool) -> list[str]:
    command = ["python", "manage.py", "migrate_alias", alias]
    return [*command, "--check"] if check else command


def migration_task(alias: str, check: bool) -> OneOffTask:
    return OneOffTask(
        label=alias,
        command=command_for(alias, check),
        started_by=STARTED_BY,
        purpose="migration-check" if check else "migration",
        tool="coko migrate",
        announce=f"{'Checking' if check else 'Migrating'} [bold]{alias}[/]",
        tags=(("coko:database", alias),),
        exclusive_kind="migration",
    )


def running_migrations(ecs: ECSClient, cluster: str, exclude: str | None = None) -> list[dict[str, Any]]:
    """Migration tasks of this cluster that have not stopped (desiredStatus alone lags)."""
    return running_tasks(ecs, cluster, STARTED_BY, exclude)


def refuse_if_running(ecs: ECSClient, cluster: str) -> None:
    running = running_migrations(ecs, cluster)
    if running:
        described = ", ".join(f"{t['taskArn'].rsplit('/', 1)[-1]} ({_alias_of(t)}, {t.get('lastStatus', '?')})" for t in running)
        raise OpsError(
            f"Another migration is already running in this stack: {described}.",
            Exit.FAILED,
            "Wait for it to finish (coko status) — migrations must not race. Stop it with `aws ecs stop-task` only if it is stuck.",
        )


def _alias_of(task: dict[str, Any]) -> str:
    tags = {t.get("key"): t.get("value") for t in task.get("tags") or []}
    return tags.get("coko:database") or "unknown database"
