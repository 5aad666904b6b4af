"""`coko releases`: what each service could run (its family's revisions) and what it runs."""

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
from coko_cli.ops.render import Output
from coko_contract import names as naming

HELP = f"""List the task-definition revisions of backend, worker and scheduler, newest first.

Shows each revision's image tag and digest, registration time and status, and marks the one
each service runs (its PRIMARY deployment) as live. Use a revision number or tag with
`coko rollback --to` / `--image-tag`.

{EXIT_CODES}"""


def register(app: typer.Typer) -> None:
    @app.command(name="releases", help=help_text(HELP))
    @handle_errors
    def releases_command(
        stack: Stack,
        limit: Annotated[int, typer.Option(min=1, help="Revisions per family.")] = 10,
        include_inactive: Annotated[bool, typer.Option("--include-inactive", help="Also list deregistered (INACTIVE) revisions.")] = False,
        cluster: Cluster = None,
        service: Services = None,
        region: Region = None,
        profile: Profile = None,
        retry_mode: RetryModeOpt = RetryModeChoice.standard,
        max_attempts: MaxAttempts = 8,
        as_json: AsJson = False,
    ) -> None:
        from coko_cli.ops import releases

        out = Output(as_json)
        config, clients = connect(stack, region, profile, retry_mode, max_attempts)
        target = find(clients, config, naming.SERVICE_ROLES, cluster, service)
        rows = releases.collect(clients.ecs, target, limit, include_inactive)
        out.emit_json({"stack": config.stack, "cluster": target.cluster, "releases": rows})
        out.print(releases.table(rows))
