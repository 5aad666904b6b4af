"""`coko migrate`: run `manage.py migrate_alias` as one-off ECS tasks, one alias after another."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from coko_cli.exit_codes import Exit
from coko_cli.ops.command import OnInterrupt, OnInterruptOpt, OpsRun, TaskDefinition, ops_command
from coko_cli.ops.errors import OpsError
from coko_cli.ops.render import short_td
from coko_cli.records import Column, Records
from coko_contract import names as naming

if TYPE_CHECKING:
    from coko_cli.ops.oneoff import TaskOutcome

HELP = """Run database migrations as one-off Fargate tasks, one database alias at a time.

Each task reuses the backend service's network configuration and task definition (or
--task-definition), runs `python manage.py migrate_alias ALIAS` (with --check: `… --check`,
non-zero when migrations are unapplied), streams its CloudWatch logs, and stops at the first
alias that fails. Refuses to start while another migration task of the stack is running.
A failed container is exit 3 (its own code is in the message and the JSON); Ctrl-C/SIGTERM stop
the task unless --on-interrupt detach."""

COLUMNS = (
    Column("Database", "database"),
    Column("Outcome", "outcome"),
    Column("Exit", "containerExitCode"),
    Column("Seconds", "seconds"),
    Column("Task", "task"),
)


def summary(outcomes: list[TaskOutcome], skipped: list[str]) -> Records:
    rows = [
        {
            "database": o.label,
            "outcome": o.result.outcome,
            "containerExitCode": o.result.container_exit_code,
            "seconds": f"{o.result.seconds:.1f}",
            "task": (o.result.task_arn or "").rsplit("/", 1)[-1],
        }
        for o in outcomes
    ]
    rows += [{"database": alias, "outcome": "skipped"} for alias in skipped]
    return Records("migration", "Migrations", COLUMNS, rows)


def register(app: typer.Typer) -> None:
    @ops_command(app, "migrate", HELP, codes=(0, 1, 2, 3, 4, 124, 130, 143), deadline=0, waits=True)
    def migrate(
        run: OpsRun,
        database: Annotated[list[str] | None, typer.Option(help=f"Database alias (repeatable; default all: {', '.join(naming.DATABASE_ALIASES)}).")] = None,
        check: Annotated[bool, typer.Option("--check", help="Only check for unapplied migrations (migrate_alias ALIAS --check).")] = False,
        task_definition: TaskDefinition = None,
        timeout: Annotated[float, typer.Option(min=0, help="Seconds per alias before the task is stopped (0: no limit).")] = 1800,
        on_interrupt: OnInterruptOpt = OnInterrupt.stop,
    ) -> None:
        from coko_cli.ops.migrate import refuse_if_running
        from coko_cli.ops.oneoff import backend_one_off, show_log_tail
        from coko_ecs.tasks import migration_task

        aliases = list(dict.fromkeys(database or naming.DATABASE_ALIASES))
        unknown = [a for a in aliases if a not in naming.DATABASE_ALIASES]
        if unknown:
            raise OpsError(f"unknown database alias {', '.join(unknown)} (known: {', '.join(naming.DATABASE_ALIASES)})", Exit.USAGE)
        from coko_cli.ops import do_ops

        if do_ops.is_digitalocean(run):
            return do_ops.migrate(run, aliases, check)
        run.doc.update(check=check, results=[])
        runner = backend_one_off(run, task_definition, timeout, on_interrupt)
        refuse_if_running(run.clients.ecs, runner.cluster, run.clients.region)
        outcomes: list[TaskOutcome] = []
        for alias in aliases:
            outcome = runner.run(migration_task(alias, check))
            outcomes.append(outcome)
            run.doc["results"] = [{"database": o.label, **o.as_json()} for o in outcomes]
            if outcome.code:
                break
            run.out.note(f"[green]✓[/] {alias}: {'no unapplied migrations' if check else 'migrated'} ({outcome.result.seconds:.1f}s)")
        skipped = aliases[len(outcomes) :]
        run.doc["results"] += [{"database": alias, "outcome": "skipped"} for alias in skipped]
        if len(aliases) > 1:
            run.out.records([summary(outcomes, skipped)])
        failed = outcomes[-1]
        if failed.code:
            show_log_tail(run.out, failed.result)
            raise failed.error()
        run.out.note(f"All {len(aliases)} database(s) {'are up to date' if check else 'migrated'} with {short_td(run.doc['taskDefinition'])}.")
