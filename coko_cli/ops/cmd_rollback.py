"""`coko rollback`: backend, worker and scheduler back to an earlier revision, verified."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import click
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
    connect,
    find,
    handle_errors,
    help_text,
)
from coko_cli.ops.errors import Exit, OpsError
from coko_cli.ops.render import Output, short_image
from coko_contract import names as naming

if TYPE_CHECKING:
    from coko_cli.ops import rollback

HELP = f"""Roll backend, worker and scheduler back together, then verify what actually runs.

Target: the previous ACTIVE revision of each task-definition family; or --to REVISION (that
revision number in each family); or --image-tag TAG (the newest revision whose image is
`repo:TAG`, `repo:TAG@sha256:…`, has the digest TAG, or carries the docker label coko.image.tag
or org.opencontainers.image.version = TAG). Shows the plan and asks before changing anything
(--yes to skip, --dry-run to change nothing). Then waits until every service is stable and
checks that each PRIMARY deployment runs the intended revision: if the deployment circuit
breaker rolled back, the command fails. The database schema is NOT rolled back.

{EXIT_CODES} Exit 1 also when the services settled on another revision or /health/ is not 200."""


def plan_table(steps: list[rollback.Step]) -> Table:
    table = Table(title="Rollback plan", title_justify="left")
    for column in ("Service", "Current", "Target", "Tag", "Image (target)"):
        table.add_column(column, no_wrap=column != "Image (target)", overflow="fold")
    for step in steps:
        target = f"→ {step.target.label}" if step.changes else "[dim]= unchanged[/]"
        table.add_row(step.role, step.current.label, target, step.target.tag or "-", short_image(step.target.image))
    return table


def _progress(services: dict[str, dict[str, Any]], elapsed: float) -> str:
    parts = [
        f"{role} {s.get('runningCount')}/{s.get('desiredCount')}"
        + ("" if len(s.get("deployments") or []) == 1 else f" ({len(s.get('deployments') or [])} deployments)")
        for role, s in services.items()
    ]
    return f"Waiting for services to become stable ({elapsed:.0f}s): " + ", ".join(parts)


def register(app: typer.Typer) -> None:
    @app.command(name="rollback", help=help_text(HELP))
    @handle_errors
    def rollback_command(
        stack: Stack,
        to: Annotated[int | None, typer.Option(min=1, help="Go to this revision number in every family.")] = None,
        image_tag: Annotated[str | None, typer.Option(help="Go to the newest revision that runs this image tag (or digest).")] = None,
        yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the plan and change nothing.")] = False,
        timeout: Annotated[float, typer.Option(min=0, help="Seconds to wait for the services to become stable.")] = 900,
        poll_interval: PollInterval = 5,
        health_url: Annotated[str | None, typer.Option(help="After the rollback, GET this URL and require 200.")] = None,
        check_health: Annotated[bool, typer.Option("--check-health", help="Like --health-url https://<domain.api>/health/ from the stack file.")] = False,
        cluster: Cluster = None,
        service: Services = None,
        region: Region = None,
        profile: Profile = None,
        retry_mode: RetryModeOpt = RetryModeChoice.standard,
        max_attempts: MaxAttempts = 8,
        as_json: AsJson = False,
    ) -> None:
        from coko_cli.ops import rollback

        if to is not None and image_tag is not None:
            raise OpsError("give --to or --image-tag, not both", Exit.USAGE)
        out = Output(as_json)
        config, clients = connect(stack, region, profile, retry_mode, max_attempts)
        target = find(clients, config, naming.SERVICE_ROLES, cluster, service)
        steps = rollback.plan(clients.ecs, target, to, image_tag)
        url = health_url or (f"https://{config.domain.api}/health/" if check_health else None)
        document: dict[str, Any] = {"stack": config.stack, "cluster": target.cluster, "dryRun": dry_run, "plan": [s.as_json() for s in steps]}
        out.print(plan_table(steps))
        if not any(s.changes for s in steps):
            out.note("Nothing to do: every service already runs the target revision.")
            out.emit_json({**document, "outcome": "unchanged"})
            return
        if dry_run:
            out.note("Dry run: nothing was changed.")
            out.emit_json({**document, "outcome": "dry-run"})
            return
        if not yes:
            try:
                confirmed = typer.confirm(f"Roll back {sum(s.changes for s in steps)} service(s) of stack {config.stack}?", err=True)
            except click.Abort:
                confirmed = False
            if not confirmed:
                raise OpsError("Rollback aborted: nothing was changed.", Exit.FAILED)
        rollback.apply(clients.ecs, target.cluster, steps)
        out.note("Services updated; waiting for ECS to replace the tasks.")
        with out.status("Waiting for services to become stable") as spinner:

            def on_poll(services: dict[str, dict[str, Any]], elapsed: float) -> None:
                if spinner is not None:
                    spinner.update(_progress(services, elapsed))

            services = rollback.wait_stable(clients.ecs, target, timeout, poll_interval, on_poll)
        problems = rollback.verify(steps, services)
        health: dict[str, Any] | None = None
        if not problems and url:
            ok, detail = rollback.check_health(url)
            health = {"url": url, "ok": ok, "detail": detail}
            if not ok:
                problems.append(f"health check failed: {detail}")
        pin = rollback.pulumi_pin_command(config.stack, steps)
        out.emit_json({**document, "outcome": "failed" if problems else "rolled-back", "problems": problems, "health": health, "pinCommand": pin})
        if problems:
            for problem in problems:
                out.error(problem)
            raise typer.Exit(Exit.FAILED)
        out.note("[green]✓[/] " + ", ".join(f"{s.role} runs {s.target.label}" for s in steps) + (f"; {health['detail']}" if health else ""))
        out.warn("the database schema was NOT rolled back: the older code now runs against the newer schema.")
        out.warn(f"the next `pulumi up` would redeploy the image you rolled back from; pin the good one first:\n  {pin}")
