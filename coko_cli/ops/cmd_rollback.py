"""`coko rollback`: backend, worker and scheduler back to one earlier release or to named revisions (and the web to a revision), journaled and verified."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any

import typer

from coko_cli.exit_codes import Exit
from coko_cli.ops.command import OpsRun, confirm, ops_command
from coko_cli.ops.errors import Interrupted, OpsError
from coko_cli.ops.render import short_image
from coko_cli.records import Column, Records
from coko_contract import names as naming

if TYPE_CHECKING:
    from coko_cli.ops.discovery import StackServices
    from coko_cli.ops.journal import Journal
    from coko_cli.ops.transaction import Choice

HELP = """Roll backend, worker and scheduler back to one release together, then verify what runs.

A release is an image (digest, else tag). Default: the release the backend ran before the
current one, in every family; --to-release TAG (a tag, digest or digest prefix, also matched
through the docker labels coko.image.tag / org.opencontainers.image.version); or --to N (that
revision number in every family, which must be one release). Services on different releases
are refused unless --to-release names one. Shows the plan and asks (--yes to skip, --dry-run to
change nothing). Each step is recorded in tags on the cluster: when an update fails or the
command is interrupted, it reports which services moved and which are pending (exit 5), and the
next run (or --resume) finishes the same release. Then it waits until every service is stable and
checks that each PRIMARY deployment runs the intended revision (the circuit breaker may have
rolled back: exit 1). The database schema is NOT rolled back.

The reader frontend (web) runs its own image and moves only when asked: --web-revision N moves it
to revision N of its family in the same journaled, verified rollback (a rerun resumes it too);
with --web-only the Django services stay where they are.

--revision ROLE=N (repeatable; ROLE backend, worker or scheduler) moves that service to exactly
revision N of its family, in the same journaled, verified rollback; the Django services not named
stay (with --web-revision the web moves too). After a configuration-only release (same image, new
task definitions) the previous release is an older image; the revision the update replaced is
what ran, and `coko deploy` passes that one for each role it changed."""

COLUMNS = (
    Column("Service", "role"),
    Column("Current", "current"),
    Column("Target", "target"),
    Column("Release", "release"),
    Column("Image (target)", "image", short=short_image),
    Column("Step", "step"),
)


RERUN = "Rerun `coko rollback` (or add --resume) to wait and verify again; follow ECS with `coko status`."


def plan_records(choice: Choice) -> Records:
    rows = [
        {
            "role": s.role,
            "current": s.current.label,
            "target": s.target.label,
            "release": s.target.tag or s.target.digest,
            "image": s.target.image,
            "step": "move" if s.changes else "done" if choice.resumed else "unchanged",
        }
        for s in choice.steps
    ]
    return Records("step", f"Rollback plan: release {choice.release}" + (" (resuming)" if choice.resumed else ""), COLUMNS, rows)


def _progress(services: dict[str, dict[str, Any]]) -> str:
    parts = [
        f"{role} {s.get('runningCount')}/{s.get('desiredCount')}"
        + ("" if len(s.get("deployments") or []) == 1 else f" ({len(s.get('deployments') or [])} deployments)")
        for role, s in services.items()
    ]
    return "waiting for services to become stable: " + ", ".join(parts)


def _recorded(run: OpsRun, target: StackServices) -> Journal | None:
    from coko_cli.ops import journal

    try:
        return journal.read(run.clients.ecs, target.cluster)
    except OpsError as exc:
        raise OpsError(f"Cannot read the rollback record on the cluster ({exc.message}): nothing was changed.", exc.code, exc.hint) from None


def _find_web(run: OpsRun, target: StackServices) -> dict[str, Any]:
    """Add the web service to the discovered ones (tags, then its name, like the others)."""
    from coko_cli.ops.discovery import find_services

    services, found_by = find_services(run.clients.ecs, target.cluster, target.stack, (naming.WEB_ROLE,))
    target.services.update(services)
    target.found_by.update(found_by)
    return services[naming.WEB_ROLE]


def _follow_record(run: OpsRun, target: StackServices, record: Journal | None) -> None:
    """A rerun resumes the services the record names: the web too when it was part of it, only those named after --revision/--web-only."""
    if record is None:
        return
    if naming.WEB_ROLE in record.targets:
        _find_web(run, target)
    named = {role: service for role, service in target.services.items() if role in record.targets}
    if named:
        target.services = named


def _with_web(run: OpsRun, target: StackServices, choice: Choice, revision: int) -> None:
    """Add (or replace) the web's step in the chosen rollback and its record."""
    from coko_cli.ops import rollback

    step = rollback.web_step(run.clients.ecs, target.services.get(naming.WEB_ROLE) or _find_web(run, target), revision)
    choice.steps[:] = [s for s in choice.steps if s.role != naming.WEB_ROLE] + [step]
    choice.journal.targets[naming.WEB_ROLE] = step.target.label
    if naming.WEB_ROLE in choice.done:
        choice.done.remove(naming.WEB_ROLE)
    if not step.changes:
        choice.done.append(naming.WEB_ROLE)


def parse_revisions(values: list[str]) -> dict[str, int]:
    """``--revision ROLE=N`` (repeatable) as role -> N, in the roles' order; anything else is a usage error."""
    found: dict[str, int] = {}
    for value in values:
        role, sep, number = value.partition("=")
        if not sep or role not in naming.SERVICE_ROLES:
            raise OpsError(f"--revision {value!r}: expected ROLE=N with ROLE one of {', '.join(naming.SERVICE_ROLES)} (the web: --web-revision N)", Exit.USAGE)
        if not re.fullmatch(r"[0-9]+", number) or int(number) < 1:
            raise OpsError(f"--revision {value!r}: N must be a revision number (1 or more), e.g. --revision {role}=12", Exit.USAGE)
        if role in found:
            raise OpsError(f"--revision names {role} twice ({role}={found[role]}, {value})", Exit.USAGE)
        found[role] = int(number)
    return {role: found[role] for role in naming.SERVICE_ROLES if role in found}


def _exact(run: OpsRun, target: StackServices, record: Journal | None, wanted: dict[str, int]) -> Choice:
    """Each named service to exactly its revision (--revision, --web-revision with --web-only); the others stay."""
    from coko_cli.ops import rollback
    from coko_cli.ops.journal import Journal
    from coko_cli.ops.transaction import Choice

    if record is not None:
        run.out.warn(f"an unfinished rollback (started {record.started}) is recorded; this one replaces it.")
    steps = [rollback.revision_step(run.clients.ecs, role, target.services[role], number) for role, number in wanted.items()]
    done = [s.role for s in steps if not s.changes]
    record = Journal(rollback.release_of(steps[0].target), rollback.release_of(steps[0].current), {s.role: s.target.label for s in steps}, done)
    return Choice(steps, record, False, done)


def register(app: typer.Typer) -> None:
    @ops_command(app, "rollback", HELP, codes=(0, 1, 2, 4, 5, 124, 130, 143), deadline=1800, waits=True)
    def rollback_command(
        run: OpsRun,
        to: Annotated[int | None, typer.Option(min=1, help="Go to this revision number in every family (must be one release).")] = None,
        to_release: Annotated[
            str | None, typer.Option("--to-release", "--image-tag", help="Go to this release (image tag, digest or digest prefix) in every family.")
        ] = None,
        resume: Annotated[bool, typer.Option("--resume", help="Finish the unfinished rollback recorded on the cluster (a plain rerun does too).")] = False,
        yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the plan and change nothing.")] = False,
        timeout: Annotated[float, typer.Option(min=0, help="Seconds to wait for the services to become stable.")] = 900,
        health_url: Annotated[str | None, typer.Option(help="After the rollback, GET this URL and require 200.")] = None,
        check_health: Annotated[bool, typer.Option("--check-health", help="Like --health-url https://<domain.api>/health/ from the stack file.")] = False,
        web_revision: Annotated[
            int | None, typer.Option("--web-revision", min=1, help="Also move the reader frontend (web) to this revision of its family.")
        ] = None,
        web_only: Annotated[bool, typer.Option("--web-only", help="With --web-revision: move only the web; backend, worker and scheduler stay.")] = False,
        revision: Annotated[
            list[str] | None,
            typer.Option(
                "--revision",
                metavar="ROLE=N",
                help="Move this Django service (backend, worker or scheduler) to exactly revision N of its family (repeatable; the ones not named stay).",
            ),
        ] = None,
    ) -> None:
        from coko_cli.ops import do_ops, journal, rollback, transaction

        if to is not None and to_release is not None:
            raise OpsError("give --to or --to-release, not both", Exit.USAGE)
        exact = parse_revisions(revision or [])
        if exact and (to is not None or to_release is not None or resume or web_only):
            raise OpsError("give --revision ROLE=N without --to, --to-release, --resume or --web-only: it names where each service goes", Exit.USAGE)
        if web_only and (web_revision is None or to is not None or to_release is not None):
            raise OpsError("--web-only needs --web-revision N, and no --to/--to-release (the Django services stay)", Exit.USAGE)
        if resume and web_revision is not None:
            raise OpsError("give --resume alone, without --web-revision: the record says where the web goes", Exit.USAGE)
        if do_ops.is_digitalocean(run):
            if web_revision is not None or exact:
                raise OpsError("--web-revision and --revision move ECS services; this stack runs on App Platform", Exit.USAGE)
            return do_ops.rollback(run, to, to_release, yes, dry_run, timeout)
        if exact or web_only:
            wanted = {**exact, **({naming.WEB_ROLE: web_revision} if web_revision is not None else {})}
            target = run.find(tuple(wanted))
            choice = _exact(run, target, _recorded(run, target), wanted)
        else:
            target = run.find(naming.SERVICE_ROLES)
            record = _recorded(run, target)
            if to is None and to_release is None:
                _follow_record(run, target, record)
            choice = transaction.choose(run, target, to, to_release, resume)
            if web_revision is not None:
                _with_web(run, target, choice, web_revision)
        run.doc.update(dryRun=dry_run, resumed=choice.resumed, release=choice.release, plan=[s.as_json() for s in choice.steps], outcome="planned")
        run.out.records([plan_records(choice)])
        if not choice.pending and not choice.resumed:
            run.doc["outcome"] = "unchanged"
            run.out.note("Nothing to do: every service already runs the target release.")
            return
        if dry_run:
            run.doc["outcome"] = "dry-run"
            run.out.note("Dry run: nothing was changed.")
            return
        if choice.pending and not yes and not confirm(run.out, f"Roll back {len(choice.pending)} service(s) of stack {run.config.stack} to {choice.release}?"):
            run.doc["outcome"] = "aborted"
            raise OpsError("Rollback aborted: nothing was changed.", Exit.FAILED)
        run.doc["outcome"] = "partial"
        transaction.apply(run, target.cluster, choice)
        run.doc.update(moved=list(choice.done), pending=[], outcome="unverified")
        try:
            with run.out.progress("waiting for services to become stable") as progress:
                services = rollback.wait_stable(
                    run.clients.ecs, target, timeout, lambda: run.pause("waiting for the services"), lambda s, _e: progress.update(_progress(s)), run.out.warn
                )
        except (OpsError, Interrupted) as exc:
            cause = exc.message if isinstance(exc, OpsError) else f"interrupted by {exc.signal_name} while waiting."
            raise OpsError([cause, "every service was updated, but the rollback is not verified yet."], exc.code, RERUN) from None
        problems = rollback.verify(choice.steps, services)
        url = health_url or (f"https://{run.config.domain.api}/health/" if check_health else None)
        if not problems and url:
            ok, detail = rollback.check_health(url)
            run.doc["health"] = {"url": url, "ok": ok, "detail": detail}
            if not ok:
                problems.append(f"health check failed: {detail}")
        run.doc["pinCommand"] = pin = rollback.pulumi_pin_command(run.config.stack, choice.steps)
        if problems:
            run.doc.update(outcome="failed", problems=problems)
            raise OpsError(problems, Exit.FAILED, "The record of this rollback is kept: a rerun tries the same release again; --to-release starts another.")
        try:
            journal.clear(run.clients.ecs, target.cluster)
        except OpsError as exc:
            run.out.warn(f"could not clear the rollback record on the cluster ({exc.message}); the next run finds it complete and clears it.")
        run.doc["outcome"] = "rolled-back"
        run.out.note("[green]✓[/] " + ", ".join(f"{s.role} runs {s.target.label}" for s in choice.steps) + (f"; {run.doc['health']['detail']}" if url else ""))
        run.out.warn("the database schema was NOT rolled back: the older code now runs against the newer schema.")
        run.out.warn(f"the next `pulumi up` would redeploy the image you rolled back from; pin the good one first:\n  {pin}")
