"""`coko collectstatic`: run `manage.py collectstatic --noinput` as one one-off ECS task.

The app image collects static files at build time into the image, but production serves
``/static/*`` from the stack's S3 static bucket (``STORAGES["staticfiles"]``, django-storages):
this task, with the backend's task definition, role and settings, is what uploads them.
"""

from __future__ import annotations

from typing import Annotated

import typer

from coko_cli.ops.command import OnInterrupt, OnInterruptOpt, OpsRun, TaskDefinition, ops_command
from coko_cli.ops.render import short_td

HELP = """Upload the static files to the stack's S3 static bucket: one one-off Fargate task.

The task reuses the backend service's network configuration and task definition (or
--task-definition), runs `python manage.py collectstatic --noinput`, streams its CloudWatch logs
and waits for it to stop. Run it after the new task definition is registered and before the
services move to it. It is tagged coko:purpose=collectstatic and startedBy coko-collectstatic,
so it is never mistaken for a migration. A failed container is exit 3 (its own code is in the
message and the JSON); Ctrl-C/SIGTERM stop the task unless --on-interrupt detach."""


def register(app: typer.Typer) -> None:
    @ops_command(app, "collectstatic", HELP, codes=(0, 1, 2, 3, 4, 124, 130, 143), deadline=0, waits=True)
    def collectstatic(
        run: OpsRun,
        task_definition: TaskDefinition = None,
        timeout: Annotated[float, typer.Option(min=0, help="Seconds before the task is stopped (0: no limit).")] = 1800,
        on_interrupt: OnInterruptOpt = OnInterrupt.stop,
    ) -> None:
        from coko_cli.ops.oneoff import backend_one_off, show_log_tail
        from coko_ecs.tasks import collectstatic_task

        runner = backend_one_off(run, task_definition, timeout, on_interrupt)
        task = collectstatic_task()
        run.doc["command"] = list(task.command)
        outcome = runner.run(task)
        run.doc.update(outcome.as_json())
        if outcome.code:
            show_log_tail(run.out, outcome.result)
            raise outcome.error()
        run.out.note(f"[green]✓[/] static files collected with {short_td(run.doc['taskDefinition'])} ({outcome.result.seconds:.1f}s)")
