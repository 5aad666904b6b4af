"""The release's one-off tasks: database migrations and the static-file upload.

One home for their commands, ``startedBy`` values and tags: `coko migrate`/`coko collectstatic`
and the Pulumi release steps start the same tasks, so each sees (and waits for) the other's.
"""

from __future__ import annotations

from typing import Any

from coko_ecs.oneoff import OneOffTask, running_tasks

MIGRATE_STARTED_BY = "coko-migrate"
COLLECTSTATIC_STARTED_BY = "coko-collectstatic"
COLLECTSTATIC_COMMAND = ("python", "manage.py", "collectstatic", "--noinput")
PROVISION_STARTED_BY = "coko-provision"
# Idempotent: creates the owner role, the five databases and the app logins if missing.
PROVISION_COMMAND = ("python", "manage.py", "provision_db_users")
ADMIN_CONTAINER = "dbadmin"
DATABASE_TAG = "coko:database"


def migrate_command(alias: str, check: bool = False) -> list[str]:
    command = ["python", "manage.py", "migrate_alias", alias]
    return [*command, "--check"] if check else command


def migration_task(alias: str, check: bool = False, tool: str = "coko migrate") -> OneOffTask:
    return OneOffTask(
        label=alias,
        command=migrate_command(alias, check),
        started_by=MIGRATE_STARTED_BY,
        purpose="migration-check" if check else "migration",
        tool=tool,
        announce=f"{'Checking' if check else 'Migrating'} [bold]{alias}[/]",
        tags=((DATABASE_TAG, alias),),
        exclusive_kind="migration",
    )


def collectstatic_task(tool: str = "coko collectstatic") -> OneOffTask:
    return OneOffTask(
        label="collectstatic",
        command=list(COLLECTSTATIC_COMMAND),
        started_by=COLLECTSTATIC_STARTED_BY,
        purpose="collectstatic",
        tool=tool,
        announce="Collecting static files",
    )


def provision_task(tool: str) -> OneOffTask:
    """The database-admin task (master login): the app users and databases exist before migrations run as them."""
    return OneOffTask(
        label="provision",
        command=list(PROVISION_COMMAND),
        started_by=PROVISION_STARTED_BY,
        purpose="provision-db-users",
        tool=tool,
        announce="Provisioning database users",
        exclusive_kind="migration",
        container=ADMIN_CONTAINER,
    )


def running_migrations(ecs: Any, cluster: str, exclude: str | None = None) -> list[dict[str, Any]]:
    """Migration tasks of this cluster that have not stopped (desiredStatus alone lags)."""
    return running_tasks(ecs, cluster, MIGRATE_STARTED_BY, exclude)


def describe_running(tasks: list[dict[str, Any]]) -> str:
    """'<task id> (<alias>, <status>), …' for a refusal message."""
    return ", ".join(f"{t['taskArn'].rsplit('/', 1)[-1]} ({_alias_of(t)}, {t.get('lastStatus', '?')})" for t in tasks)


def _alias_of(task: dict[str, Any]) -> str:
    tags = {t.get("key"): t.get("value") for t in task.get("tags") or []}
    return tags.get(DATABASE_TAG) or "unknown database"
