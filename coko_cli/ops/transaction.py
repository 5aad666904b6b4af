"""Rollback as a small transaction: one release for all services, each step journaled, resumable.

1. Choose one release for backend, worker and scheduler — by the backend's image (digest, else
   tag) — and refuse when the services run different releases unless the operator names one
   (``--to-release``) or an unfinished rollback is recorded (then it is resumed).
2. Record the intent in the journal (`coko_cli.ops.journal`), then update the services one by
   one, recording each step as it happens.
3. On any failure or signal, say which services moved and which are pending; the journal stays,
   so the next plain run (or ``--resume``) finishes the same release instead of planning anew.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coko_cli.ops import journal, rollback, taskdefs
from coko_cli.ops.aws import aws_errors
from coko_cli.ops.command import OpsRun
from coko_cli.ops.discovery import StackServices
from coko_cli.ops.errors import Exit, Interrupted, OpsError
from coko_cli.ops.journal import Journal
from coko_cli.ops.rollback import Step, release_label, release_of


@dataclass
class Choice:
    steps: list[Step]
    journal: Journal
    resumed: bool
    done: list[str] = field(default_factory=list)  # roles on the target release

    @property
    def release(self) -> str:
        return release_label(self.steps[0].target)

    @property
    def pending(self) -> list[Step]:
        return [s for s in self.steps if s.role not in self.done]


def choose(run: OpsRun, target: StackServices, to: int | None, to_release: str | None, resume: bool) -> Choice:
    ecs = run.clients.ecs
    now = rollback.current(ecs, target)
    try:
        found = journal.read(ecs, target.cluster)
    except OpsError as exc:
        raise OpsError(f"Cannot read the rollback record on the cluster ({exc.message}): nothing was changed.", exc.code, exc.hint) from None
    explicit = to is not None or to_release is not None
    if resume and (found is None or explicit):
        raise OpsError(
            "--resume: no unfinished rollback is recorded on this cluster." if found is None else "give --resume alone, without --to/--to-release.", Exit.USAGE
        )
    if found is not None and not explicit:
        missing = [role for role in now if role not in found.targets]
        if missing:
            raise OpsError(
                f"The recorded rollback has no target for {', '.join(missing)}.", Exit.FAILED, "Start a new one with --to-release TAG (it replaces the record)."
            )
        targets = {role: taskdefs.to_revision(taskdefs.describe(ecs, found.targets[role]), role) for role in now}
        run.out.note(f"Resuming the rollback started {found.started} (already moved: {', '.join(found.done) or 'none'}).")
        return _choice(now, targets, target, found, resumed=True)
    if found is not None:
        run.out.warn(f"an unfinished rollback (started {found.started}) is recorded; this one replaces it.")
    if to_release is not None:
        targets = rollback.targets_for(ecs, now, to_release)
    elif to is not None:
        targets = {role: rollback.revision_n(ecs, r.family, role, to) for role, r in now.items()}
        rollback.one_release(targets, f"--to {to}")
    else:
        spread = rollback.mixed(now)
        if spread:
            raise OpsError(
                f"The services run different releases: {spread}. Refusing to guess which release to roll back to.",
                Exit.FAILED,
                "Name the release for all three with --to-release TAG (see `coko releases`), or --resume an unfinished rollback.",
            )
        targets = rollback.targets_for(ecs, now, rollback.previous_release(ecs, now))
    record = Journal(release_of(targets["backend"]), release_of(now["backend"]), {role: r.label for role, r in targets.items()})
    return _choice(now, targets, target, record, resumed=False)


def _choice(now: dict[str, taskdefs.Revision], targets: dict[str, taskdefs.Revision], target: StackServices, record: Journal, resumed: bool) -> Choice:
    steps = rollback.plan(now, targets, target.services)
    choice = Choice(steps, record, resumed, [s.role for s in steps if not s.changes])
    record.done = choice.done
    return choice


def apply(run: OpsRun, cluster: str, choice: Choice) -> None:
    """Journal, then update each pending service and journal it; on failure say what moved."""
    ecs = run.clients.ecs
    moved_before = len(choice.done)
    try:
        journal.write(ecs, cluster, choice.journal)
        for step in choice.pending:
            with aws_errors():
                ecs.update_service(cluster=cluster, service=step.service, taskDefinition=step.target.arn)
            choice.done.append(step.role)
            run.out.note(f"moved {step.role}: {step.current.label} → {step.target.label}")
            journal.write(ecs, cluster, choice.journal)
    except (OpsError, Interrupted) as exc:
        run.doc.update(moved=list(choice.done), pending=[s.role for s in choice.pending])
        raise _stopped(run, cluster, choice, exc, moved_before) from None


def _stopped(run: OpsRun, cluster: str, choice: Choice, exc: OpsError | Interrupted, moved_before: int) -> OpsError:
    cause = exc.message if isinstance(exc, OpsError) else f"interrupted by {exc.signal_name}"
    pending = choice.pending
    rerun = f"Rerun `coko rollback --stack {run.config.stack}` (or add --resume) to finish: the cluster's tags record the target release."
    if not any(s.changes for s in choice.steps if s.role in choice.done) and not choice.resumed:
        if moved_before == len(choice.done):  # nothing changed: forget the record (best effort)
            try:
                with run.deadline.suspended():
                    journal.clear(run.clients.ecs, cluster)
            except OpsError:
                pass
        return OpsError(f"Rollback to {choice.release} failed before any service moved ({cause}): nothing was changed.", exc.code, getattr(exc, "hint", None))
    lines = [f"Rollback to {choice.release} stopped partway: {cause}"]
    lines.append("moved: " + ", ".join(f"{s.role} (now {s.target.label})" for s in choice.steps if s.role in choice.done))
    if pending:
        lines.append("pending: " + ", ".join(f"{s.role} (still {s.current.label})" for s in pending))
        code = exc.code if isinstance(exc, Interrupted) else int(Exit.PARTIAL)
    else:
        lines.append("pending: none — every service was updated, but the rollback is not verified yet.")
        code = exc.code
    return OpsError(lines, code, rerun)
