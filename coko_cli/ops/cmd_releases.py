"""`coko releases`: what each service could run (its family's revisions) and what it runs."""

from __future__ import annotations

from typing import Annotated

import typer

from coko_cli.ops.command import OpsRun, ops_command
from coko_contract import names as naming

HELP = """List the task-definition revisions of backend, worker and scheduler, newest first.

Shows each revision's image tag and digest, registration time and status, and marks the one
each service runs (its PRIMARY deployment) as live. Use a release (tag or digest) with
`coko rollback --to-release`, or a revision number with `--to`."""


def register(app: typer.Typer) -> None:
    @ops_command(app, "releases", HELP, codes=(0, 2, 4, 124, 130, 143), deadline=300)
    def releases_command(
        run: OpsRun,
        limit: Annotated[int, typer.Option(min=1, help="Revisions per family.")] = 10,
        include_inactive: Annotated[bool, typer.Option("--include-inactive", help="Also list deregistered (INACTIVE) revisions.")] = False,
    ) -> None:
        from coko_cli.ops import do_ops, releases

        if do_ops.is_digitalocean(run):
            return do_ops.releases(run, limit)
        target = run.find(naming.SERVICE_ROLES)
        run.doc["releases"] = rows = releases.collect(run.clients.ecs, target, limit, include_inactive)
        run.out.records([releases.records(rows)])
