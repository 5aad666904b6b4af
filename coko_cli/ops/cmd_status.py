"""`coko status`: counts, deployments and recent events of the stack's three services."""

from __future__ import annotations

from typing import Annotated

import typer

from coko_cli.ops.cli import (
    EXIT_CODES,
    AsJson,
    Cluster,
    MaxAttempts,
    Profile,
    Region,
    RetryModeChoice,
    RetryModeOpt,
    Services,
    Stack,
    connect,
    find,
    handle_errors,
    help_text,
)
from coko_cli.ops.errors import Exit
from coko_cli.ops.render import Output
from coko_contract import names as naming

HELP = f"""Show each service's desired/running/pending counts, its deployments with their rollout
state, and the latest service events.

{EXIT_CODES} Exit 1 here means at least one service is not steady (a deployment in progress,
a FAILED rollout, or fewer tasks running than desired), so scripts can wait on it."""


def register(app: typer.Typer) -> None:
    @app.command(name="status", help=help_text(HELP))
    @handle_errors
    def status_command(
        stack: Stack,
        events: Annotated[int, typer.Option(min=0, help="Latest events to show per service.")] = 5,
        cluster: Cluster = None,
        service: Services = None,
        region: Region = None,
        profile: Profile = None,
        retry_mode: RetryModeOpt = RetryModeChoice.standard,
        max_attempts: MaxAttempts = 8,
        as_json: AsJson = False,
    ) -> None:
        from coko_cli.ops import status

        out = Output(as_json)
        config, clients = connect(stack, region, profile, retry_mode, max_attempts)
        target = find(clients, config, naming.SERVICE_ROLES, cluster, service)
        rows = status.summarize(target.services, events)
        steady = all(row["steady"] for row in rows)
        out.emit_json(
            {
                "stack": config.stack,
                "region": clients.region,
                "cluster": target.cluster,
                "steady": steady,
                "services": rows,
                "discovery": {"cluster": target.cluster_found_by, **target.found_by},
            }
        )
        out.print(f"Stack [bold]{config.stack}[/] — cluster {target.cluster.rsplit('/', 1)[-1]} in {clients.region}")
        out.print(status.render(rows))
        if not steady:
            raise typer.Exit(Exit.FAILED)
