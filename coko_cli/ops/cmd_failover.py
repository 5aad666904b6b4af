"""`coko failover --to capetown`: make the secondary region the writable, public one."""

from __future__ import annotations

from typing import Annotated

import typer

from coko_cli.ops.cli import AsJson, MaxAttempts, PollInterval, Profile, RetryModeChoice, RetryModeOpt, handle_errors, help_text
from coko_cli.ops.command import codes_line

HELP = f"""Fail over to the secondary stack's region, calling only that region and Route 53.

Steps, each of which checks the real state first (a rerun after a failure resumes where it
stopped): preflight (services running, replica lag, app login replica present); promote the
RDS read replica; promote the app login secret replica (StopReplicationToReplica); register
read-write revisions of the Django task definitions (DATABASE_READ_ONLY=false) and move those
services to them; raise desired counts and autoscaling limits of backend, worker, scheduler and
the reader frontend (web) to the primary stack's minCount/maxCount and wait until they are stable;
move the API origin name (invert the primary's Route 53 health check, or print the records to
change when no hosted zone is configured); verify with a one-off task that every database alias
accepts a write; last, promote the master login secret replica (the database-admin task's; no
service reads it, so it never holds up writes). Secret values are never printed. Prints a
timeline with each step's duration and the total.

It never calls the primary's region: a client or request for it is refused in code.
--dry-run reads the state and prints what would change, changing nothing.

{codes_line((0, 1, 2, 3, 4, 124, 130, 143))} 3: the verification task's container exited non-zero."""


def register(app: typer.Typer) -> None:
    @app.command(help=help_text(HELP))
    @handle_errors
    def failover(
        to: Annotated[str, typer.Option("--to", help="The secondary stack to fail over to (reads Pulumi.<to>.yaml and its primary's file).")],
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Read the state and print the plan; change nothing.")] = False,
        max_lag: Annotated[float | None, typer.Option(min=0, help="Refuse when the replica's last known lag exceeds this many seconds.")] = None,
        timeout: Annotated[float, typer.Option(min=0, help="Seconds each wait may take (promotion, rollout, verify task); 0: no limit.")] = 1800,
        poll_interval: PollInterval = 10,
        profile: Profile = None,
        retry_mode: RetryModeOpt = RetryModeChoice.standard,
        max_attempts: MaxAttempts = 8,
        as_json: AsJson = False,
    ) -> None:
        from coko_cli.ops.errors import OpsError
        from coko_cli.ops.failover import run, summary
        from coko_cli.ops.failover_guard import guarded_clients
        from coko_cli.ops.failover_render import print_timeline, timeline_json
        from coko_cli.ops.failover_steps import Context
        from coko_cli.ops.failover_target import load_target
        from coko_cli.ops.render import Output
        from coko_contract.problems import ProblemsError

        out = Output(as_json)
        try:
            target = load_target(to)
            clients = guarded_clients(profile, target.region, target.forbidden_region, RetryModeChoice(retry_mode).value, max_attempts)
        except (OpsError, ProblemsError) as exc:  # a bad stack file or target: --json still gets its one document
            code = getattr(exc, "code", 2)
            message = getattr(exc, "message", None) or " ".join(getattr(exc, "problems", []))
            out.emit_json(
                {
                    "ok": False,
                    "exitCode": code,
                    "outcome": "failed",
                    "error": {"code": code, "message": message, "hint": getattr(exc, "hint", None)},
                }
            )
            raise
        out.note(
            f"{'Planning' if dry_run else 'Running'} the failover from {target.primary.stack} ({target.forbidden_region}, never called) "
            f"to {target.secondary.stack} ({target.region})"
        )
        ctx = Context(target, clients, out, dry_run, poll_interval, timeout, max_lag)
        timeline = run(ctx)
        print_timeline(out, ctx, timeline)
        out.emit_json(timeline_json(ctx, timeline, summary(ctx, timeline)))
        if timeline.error is not None:
            out.error(timeline.error.message, timeline.error.hint)
            raise typer.Exit(timeline.error.code)
