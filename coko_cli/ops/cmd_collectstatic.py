"""`coko collectstatic`: run `manage.py collectstatic --noinput` as one one-off ECS task.

The app image collects static files at build time into the image, but production serves
``/static/*`` from the stack's S3 static bucket (``STORAGES["staticfiles"]``, django-storages):
this task, with the backend's task definition, role and settings, is what uploads them.
"""

from __future__ import annotations

from typing import Annotated

import typer

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
from coko_cli.ops.render import Output, short_td
from coko_ecs.tasks import COLLECTSTATIC_COMMAND as COMMAND
from coko_ecs.tasks import COLLECTSTATIC_STARTED_BY as STARTED_BY
from coko_ecs.tasks import collectstatic_task

__all__ = ["COMMAND", "STARTED_BY", "collectstatic_task", "register"]

HELP = f"""Upload the static files to the stack's S3 static bucket: one one-off Fargate task.

The task reuses the backend service's network configuration and task definition (or
--task-definition), runs `python manage.py collectstatic --noinput`, streams its CloudWatch logs
and waits for it to stop. Run it after the new task definition is registered and before the
services move to it. It is tagged coko:purpose=collectstatic and startedBy coko-collectstatic,
so it is never mistaken for a migration.

{EXIT_CODES} When the task ran to completion, the exit code is the container's own."""


def register(app: typer.Typer) -> None:
    @app.command(help=help_text(HELP))
    @handle_errors
    def collectstatic(
        stack: Stack,
        task_definition: TaskDefinition = None,
        timeout: Annotated[float, typer.Option(min=0, help="Seconds before the task is stopped (0: no limit).")] = 1800,
        poll_interval: PollInterval = 5,
        cluster: Cluster = None,
        service: Services = None,
        region: Region = None,
        profile: Profile = None,
        retry_mode: RetryModeOpt = RetryModeChoice.standard,
        max_attempts: MaxAttempts = 8,
        as_json: AsJson = False,
    ) -> None:
        from coko_cli.ops.oneoff import backend_one_off, report_failure

        out = Output(as_json)
        config, clients = connect(stack, region, profile, retry_mode, max_attempts)
        runner = backend_one_off(clients, config, cluster, service, task_definition, poll_interval, timeout, out)
        definition = runner.task_definition
        task = collectstatic_task()
        result = runner.run(task)
        out.emit_json(
            {
                "stack": config.stack,
                "cluster": runner.cluster,
                "service": runner.service["serviceName"],
                "taskDefinition": definition["taskDefinitionArn"],
                "command": list(task.command),
                **result.as_json(),
            }
        )
        if result.exit_code != 0:
            report_failure(out, result)
            raise typer.Exit(result.exit_code)
        out.note(f"[green]✓[/] static files collected with {short_td(definition['taskDefinitionArn'])} ({result.seconds:.1f}s)")
