"""`coko migrate`: run `manage.py migrate_alias` as one-off ECS tasks, one alias after another."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from coko_cli.ops.cli import (
    EXIT_CODES,
    AsJson,
    Cluster,
    MaxAttempts,
    PollInterval,
    Profile,
    Region,
    RetryModeChoice,
    RetryModeOpt,
    Services,
    Stack,
    TaskDefinition,
    connect,
    handle_errors,
    help_text,
)
from coko_cli.ops.errors import Exit, OpsError
from coko_cli.ops.render import Output, short_td
from coko_contract import names as naming

if TYPE_CHECKING:
    from coko_cli.ops.oneoff import OneOffResult

HELP = f"""Run database migrations as one-off Fargate tasks, one database alias at a time.

Each task reuses the backend service's network configuration and task definition (or
--task-definition), runs `python manage.py migrate_alias ALIAS` (with --check: `… --check`,
non-zero when migrations are unapplied), streams its CloudWatch logs, and stops at the first
alias that fails. Refuses to start while another migration task of the stack is running.

{EXIT_CODES} When a task ran to completion, the exit code is the container's own (e.g. 3 stays 3)."""


def _summary(results: list[OneOffResult]) -> Table:
    table = Table(title="Migrations", title_justify="left")
    for column in ("Database", "Outcome", "Exit", "Seconds", "Task"):
        table.add_column(column)
    style = {"succeeded": "green", "skipped": "dim"}
    for r in results:
        table.add_row(
            r.label,
            f"[{style.get(r.outcome, 'red')}]{r.outcome}[/]",
            "-" if r.outcome == "skipped" else str(r.exit_code),
            f"{r.seconds:.1f}",
            (r.task_arn or "-").rsplit("/", 1)[-1],
        )
    return table


def register(app: typer.Typer) -> None:
    @app.command(help=help_text(HELP))
    @handle_errors
    def migrate(
        stack: Stack,
        database: Annotated[list[str] | None, typer.Option(help=f"Database alias (repeatable; default all: {', '.join(naming.DATABASE_ALIASES)}).")] = None,
        check: Annotated[bool, typer.Option("--check", help="Only check for unapplied migrations (migrate_alias ALIAS --check).")] = False,
        task_definition: TaskDefinition = None,
        timeout: Annotated[float, typer.Option(min=0, help="Seconds per alias before the task is stopped (0: no limit).")] = 1800,
        poll_interval: PollInterval = 5,
        cluster: Cluster = None,
        service: Services = None,
        region: Region = None,
        profile: Profile = None,
        retry_mode: RetryModeOpt = RetryModeChoice.standard,
        max_attempts: MaxAttempts = 8,
        as_json: AsJson = False,
    ) -> None:
        from coko_cli.ops.migrate import migration_task, refuse_if_running
        from coko_cli.ops.oneoff import OneOffResult, backend_one_off, report_failure

        aliases = list(dict.fromkeys(database or naming.DATABASE_ALIASES))
        unknown = [a for a in aliases if a not in naming.DATABASE_ALIASES]
        if unknown:
            raise OpsError(f"unknown database alias {', '.join(unknown)} (known: {', '.join(naming.DATABASE_ALIASES)})", Exit.USAGE)
        out = Output(as_json)
        config, clients = connect(stack, region, profile, retry_mode, max_attempts)
        runner = backend_one_off(clients, config, cluster, service, task_definition, poll_interval, timeout, out)
        definition = runner.task_definition
        refuse_if_running(clients.ecs, runner.cluster)
        results: list[OneOffResult] = []
        for alias in aliases:
            if any(r.exit_code != 0 for r in results):
                results.append(OneOffResult(alias, "skipped", 0))
                continue
            result = runner.run(migration_task(alias, check))
            results.append(result)
            if result.exit_code == 0:
                out.note(f"[green]✓[/] {alias}: {'no unapplied migrations' if check else 'migrated'} ({result.seconds:.1f}s)")
            else:
                report_failure(out, result)
        failed = next((r for r in results if r.exit_code != 0), None)
        code = failed.exit_code if failed else 0
        out.emit_json(
            {
                "stack": config.stack,
                "cluster": runner.cluster,
                "service": runner.service["serviceName"],
                "taskDefinition": definition["taskDefinitionArn"],
                "check": check,
                "exitCode": code,
                "results": [{"database": r.label, **r.as_json()} for r in results],
            }
        )
        if len(aliases) > 1:
            out.print(_summary(results))
        if failed:
            raise typer.Exit(code)
        out.note(f"All {len(aliases)} database(s) {'are up to date' if check else 'migrated'} with {short_td(definition['taskDefinitionArn'])}.")
