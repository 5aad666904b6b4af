"""Database migrations as one-off Fargate tasks, one alias at a time, never two at once.

The task and its command live in `coko_ecs.tasks` (the Pulumi release steps start the same
task); what the CLI adds is the guard: it refuses to start while another migration task of the
stack has not stopped, and says exactly which task and how to stop it. The guard reads ECS, not
a lock file, so it recovers by itself when a killed CLI's task stops.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coko_cli.ops.aws import aws_errors
from coko_cli.ops.errors import Exit, OpsError
from coko_cli.ops.oneoff import stop_command
from coko_ecs import tasks

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient


def refuse_if_running(ecs: ECSClient, cluster: str, region: str) -> None:
    with aws_errors():
        running = tasks.running_migrations(ecs, cluster)
    if running:
        raise OpsError(
            [f"Another migration is already running in this stack: {tasks.describe_running(running)}."]
            + [f"To stop it if it is stuck: {stop_command(cluster, t['taskArn'], region)}" for t in running],
            Exit.FAILED,
            "Migrations must not race: wait for it to finish (`coko status` lists it), then run again.",
        )
