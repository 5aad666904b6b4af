"""`coko failover`: run the steps in order, time each one, stop at the first failure.

Order matters: the database is promoted before anything writes to it, the app login is made
standalone before new tasks need it, the services go read-write and are scaled before the
public name moves, and the verification proves — from inside the VPC, with the revision the
services now run — that every database alias accepts a write. The master login comes last: no
service reads it (only the database-admin one-off task, for provisioning and rotation), so
promoting it must neither delay nor block writes; a refusal there fails the run after writes
have moved, and a rerun finishes just that step.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from coko_cli.ops.errors import Exit, OpsError
from coko_cli.ops.failover_dns import move_dns
from coko_cli.ops.failover_steps import (
    DONE,
    PLANNED,
    SKIPPED,
    Context,
    preflight,
    promote_database,
    promote_master_secret,
    promote_secret,
    read_write,
    rollout,
    scale,
)

FAILED = "failed"
VERIFY_STARTED_BY = "coko-failover"
VERIFY_COMMAND = ("python", "manage.py", "check_database", "--writable")


def verify(ctx: Context) -> tuple[str, str]:
    """A one-off task of the backend's (new) revision runs `check_database --writable` in the secondary's VPC.

    Readiness (/ready/) is only reachable inside the VPC, behind the ALB's private targets; a
    task there is the only vantage point that needs nothing from the primary region.
    """
    from coko_cli.ops.oneoff import OneOffRun, OneOffTask, report_failure
    from coko_cli.ops.rollback import primary_task_definition
    from coko_cli.ops.taskdefs import describe

    if ctx.dry_run:
        return SKIPPED, "dry run: would run `" + " ".join(VERIFY_COMMAND) + "` as a one-off task"
    backend = ctx.services.services["backend"]
    definition = describe(ctx.clients.ecs, ctx.facts.get("taskDefinitions", {}).get("backend") or primary_task_definition(backend))
    task = OneOffTask(
        label="check_database",
        command=list(VERIFY_COMMAND),
        started_by=VERIFY_STARTED_BY,
        purpose="failover-verify",
        tool="coko failover",
        announce="Checking that every database alias accepts a write",
    )
    runner = OneOffRun(
        ctx.clients.ops, ctx.target.secondary.stack, ctx.services.cluster, backend, definition, ctx.poll_interval, ctx.timeout, ctx.out, ctx.sleep, ctx.clock
    )
    result = runner.run(task)
    ctx.facts["verify"] = result.as_json()
    if result.exit_code != 0:
        report_failure(ctx.out, result)
        raise OpsError(
            f"The database of {ctx.target.secondary.stack} is not writable from its tasks (check_database exited {result.container_exit_code}, {result.outcome}).",
            Exit.CONTAINER if result.container_exit_code not in (None, 0) else Exit.FAILED,
            "Read the log lines above; rerun `coko failover` once fixed (finished steps are skipped).",
        )
    return DONE, f"every alias accepted a write ({result.seconds:.1f}s task)"


STEPS: tuple[tuple[str, str, Callable[[Context], tuple[str, str]]], ...] = (
    ("preflight", "Preflight", preflight),
    ("promote-database", "Promote the RDS replica", promote_database),
    ("promote-secret", "Promote the app login secret", promote_secret),
    ("read-write", "Switch the services to read-write", read_write),
    ("scale", "Scale to the primary's counts", scale),
    ("rollout", "Wait for the new tasks", rollout),
    ("dns", "Move the API origin name", move_dns),
    ("verify", "Verify the database is writable", verify),
    ("promote-master-secret", "Promote the master login secret", promote_master_secret),
)


CHANGING_STEPS = ("promote-database", "promote-secret", "read-write", "scale", "dns", "promote-master-secret")  # the others only wait or read


@dataclass
class StepResult:
    key: str
    title: str
    outcome: str
    seconds: float
    detail: str

    def as_json(self) -> dict[str, Any]:
        return {"step": self.key, "outcome": self.outcome, "seconds": round(self.seconds, 3), "detail": self.detail}


@dataclass
class Timeline:
    results: list[StepResult] = field(default_factory=list)
    total: float = 0.0
    error: OpsError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def run(ctx: Context, on_step: Callable[[StepResult], None] | None = None) -> Timeline:
    """Every step in order; the first failure ends the run (a rerun resumes: steps check first)."""
    timeline = Timeline()
    started = time.monotonic()
    for key, title, step in STEPS:
        ctx.out.note(f"[bold]{title}[/] …")
        step_started = time.monotonic()
        try:
            outcome, detail = step(ctx)
        except OpsError as exc:
            timeline.results.append(StepResult(key, title, FAILED, time.monotonic() - step_started, exc.message))
            timeline.error = exc
            break
        finally:
            timeline.total = time.monotonic() - started
        result = StepResult(key, title, outcome, time.monotonic() - step_started, detail)
        timeline.results.append(result)
        if on_step:
            on_step(result)
    timeline.total = time.monotonic() - started
    return timeline


def summary(ctx: Context, timeline: Timeline) -> str:
    if not timeline.ok:
        return "failed"
    changed = any(r.outcome == DONE for r in timeline.results if r.key in CHANGING_STEPS)
    return "dry-run" if ctx.dry_run else ("failed-over" if changed else "already-failed-over")


__all__ = ["PLANNED", "STEPS", "StepResult", "Timeline", "run", "summary", "verify"]
