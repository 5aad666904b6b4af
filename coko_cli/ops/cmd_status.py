"""`coko status`: counts, deployments and recent events of the stack's services, and its one-off tasks."""

from __future__ import annotations

from typing import Annotated

import typer

from coko_cli.exit_codes import Exit
from coko_cli.ops.command import OpsRun, ops_command
from coko_cli.ops.errors import OpsError
from coko_contract import names as naming

HELP = """Show each service's desired/running/pending counts, its deployments with their rollout
state, the latest service events, and the one-off tasks (migrations, collectstatic) that run or
stopped recently, with their exit codes.

Exit 1 here means at least one service is not steady (a deployment in progress, a FAILED
rollout, or fewer tasks running than desired), so scripts can wait on it."""


def register(app: typer.Typer) -> None:
    @ops_command(app, "status", HELP, codes=(0, 1, 2, 4, 124, 130, 143), deadline=300)
    def status_command(
        run: OpsRun,
        events: Annotated[int, typer.Option(min=0, help="Latest events to show per service.")] = 5,
        tasks: Annotated[int, typer.Option(min=0, help="One-off tasks to show (running or recently stopped).")] = 10,
    ) -> None:
        from coko_cli.ops import do_ops, status
        from coko_cli.ops.oneoff import recent_tasks

        if do_ops.is_digitalocean(run):
            return do_ops.status(run)
        target = run.find(naming.SERVICE_ROLES)
        rows = status.summarize(target.services, events)
        one_off = recent_tasks(run.clients.ecs, target.cluster, tasks) if tasks else []
        steady = all(row["steady"] for row in rows)
        run.doc.update(steady=steady, services=rows, oneOffTasks=one_off, discovery={"cluster": target.cluster_found_by, **target.found_by})
        run.out.print(f"Stack [bold]{run.config.stack}[/] — cluster {target.cluster.rsplit('/', 1)[-1]} in {run.clients.region}")
        run.out.records(status.records(rows, one_off))
        if not steady:
            raise OpsError(f"not steady: {', '.join(r['role'] for r in rows if not r['steady'])}.", Exit.FAILED)
