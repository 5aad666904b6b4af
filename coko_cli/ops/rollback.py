"""Move backend, worker and scheduler back together (and the web, when asked), then prove the rollback actually landed.

ECS's deployment circuit breaker can roll a deployment back on its own; a tool that only waits
for "stable" then reports success while the old (or another) revision runs. So after the wait we
compare each service's PRIMARY deployment with the revision we asked for.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from coko_cli.ops import taskdefs
from coko_cli.ops.discovery import StackServices, refresh
from coko_cli.ops.errors import Exit, OpsError
from coko_cli.ops.taskdefs import Revision
from coko_contract import names as naming
from coko_ecs.rollout import failed_rollout, is_stable, primary_task_definition  # shared with the release's rollout check

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient

IMAGE_TAG_SEARCH_LIMIT = 100  # revisions described per family when looking for a release


@dataclass(frozen=True)
class Step:
    """One service's move; `target == current` means nothing to do for it."""

    role: str
    service: str
    current: Revision
    target: Revision

    @property
    def changes(self) -> bool:
        return self.current.arn != self.target.arn

    def as_json(self) -> dict[str, Any]:
        return {"role": self.role, "service": self.service, "changes": self.changes, "current": self.current.as_json(), "target": self.target.as_json()}


def release_of(revision: Revision) -> str:
    """A release is the image: its digest when known (what `pulumi up` deploys), else its tag."""
    return revision.digest or revision.tag or revision.image


def release_label(revision: Revision) -> str:
    return revision.tag or (revision.digest or revision.image)[:19]


def current(ecs: ECSClient, target: StackServices) -> dict[str, Revision]:
    """The revision each service's PRIMARY deployment runs."""
    return {role: taskdefs.to_revision(taskdefs.describe(ecs, primary_task_definition(s)), role) for role, s in target.services.items()}


def newest_with(ecs: ECSClient, family: str, role: str, release: str, below: int | None = None) -> Revision | None:
    """The newest ACTIVE revision of the family that runs this release (tag, digest or label)."""
    arns = [a for a in taskdefs.family_arns(ecs, family) if below is None or taskdefs.split_arn(a)[1] < below]
    for arn in arns[:IMAGE_TAG_SEARCH_LIMIT]:
        definition = taskdefs.describe(ecs, arn)
        if taskdefs.matches_tag(taskdefs.container_of(definition, role), release):
            return taskdefs.to_revision(definition, role)
    return None


def revision_n(ecs: ECSClient, family: str, role: str, number: int) -> Revision:
    """`--to N`: that revision of the family, with a precise reason when it cannot be deployed."""
    active = taskdefs.family_arns(ecs, family)
    found = [a for a in active if taskdefs.split_arn(a)[1] == number]
    if found:
        return taskdefs.to_revision(taskdefs.describe(ecs, found[0]), role)
    if any(taskdefs.split_arn(a)[1] == number for a in taskdefs.family_arns(ecs, family, "INACTIVE")):
        raise OpsError(f"{family}:{number} is deregistered (INACTIVE): ECS cannot deploy it.", Exit.FAILED, "List the ACTIVE ones with `coko releases`.")
    newest = f" (the newest is :{taskdefs.split_arn(active[0])[1]})" if active else ""
    raise OpsError(f"{family}:{number} does not exist{newest}.", Exit.FAILED, "List the revisions with `coko releases`.")


def revision_step(ecs: ECSClient, role: str, service: dict[str, Any], number: int) -> Step:
    """One service's move to exactly revision `number` of the family it runs (`--revision ROLE=N`).

    Named by revision, not by release: after a configuration-only release (same image, new task
    definitions) "the previous release" is an older image, while the revision the update replaced
    is what ran — `coko deploy` passes that one.
    """
    now = taskdefs.to_revision(taskdefs.describe(ecs, primary_task_definition(service)), role)
    return Step(role, service["serviceName"], now, revision_n(ecs, now.family, role, number))


def web_step(ecs: ECSClient, service: dict[str, Any], number: int) -> Step:
    """The reader frontend's move to revision `number` of its family.

    The web runs its own image (coko/<stack>-web), so "the release" of the Django roles says
    nothing about it: it is named by revision — `coko deploy` passes the one the release replaced.
    """
    return revision_step(ecs, naming.WEB_ROLE, service, number)


def previous_release(ecs: ECSClient, now: dict[str, Revision]) -> str:
    """The release the backend ran before the current one: its newest earlier revision with another image."""
    backend = now["backend"]
    for arn in [a for a in taskdefs.family_arns(ecs, backend.family) if taskdefs.split_arn(a)[1] < backend.revision][:IMAGE_TAG_SEARCH_LIMIT]:
        revision = taskdefs.to_revision(taskdefs.describe(ecs, arn), "backend")
        if release_of(revision) != release_of(backend):
            return release_of(revision)
    raise OpsError(
        f"{backend.family} has no ACTIVE revision before :{backend.revision} with another image: nothing to roll back to.",
        Exit.FAILED,
        "Use --to-release TAG or --to REVISION to pick one explicitly.",
    )


def mixed(now: dict[str, Revision]) -> str | None:
    """'backend v2 (:2), worker v3 (:3), …' when the services do not run one release."""
    if len({release_of(r) for r in now.values()}) <= 1:
        return None
    return ", ".join(f"{role} {release_label(r)} (:{r.revision})" for role, r in now.items())


def targets_for(ecs: ECSClient, now: dict[str, Revision], release: str) -> dict[str, Revision]:
    """One revision per role, all running `release`; refuses (nothing changed) when a family lacks it."""
    found = {role: newest_with(ecs, r.family, role, release) for role, r in now.items()}
    missing = [now[role].family for role, r in found.items() if r is None]
    if missing:
        raise OpsError(
            f"No ACTIVE revision of {', '.join(missing)} runs release {release!r} (searched up to {IMAGE_TAG_SEARCH_LIMIT} revisions per family).",
            Exit.FAILED,
            "See `coko releases` for the release each revision runs.",
        )
    return {role: r for role, r in found.items() if r is not None}


def plan(now: dict[str, Revision], targets: dict[str, Revision], services: dict[str, dict[str, Any]]) -> list[Step]:
    return [Step(role, services[role]["serviceName"], now[role], targets[role]) for role in now]


def one_release(targets: dict[str, Revision], how: str) -> None:
    """Refuse a target that would leave the services on different images."""
    if len({release_of(r) for r in targets.values()}) > 1:
        spread = ", ".join(f"{role} {release_label(r)}" for role, r in targets.items())
        raise OpsError(f"{how} is not one release ({spread}): the services would run different images.", Exit.FAILED, "Use --to-release TAG instead.")


def wait_stable(
    ecs: ECSClient,
    target: StackServices,
    timeout: float,
    pause: Callable[[], None],
    on_poll: Callable[[dict[str, dict[str, Any]], float], None] | None = None,
    warn: Callable[[str], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Poll describe_services (one call for all three) until all are stable or a rollout fails.

    Throttling, 5xx and timeouts cost one poll (a warning), not the rollback's verification.
    """
    started = time.monotonic()
    services: dict[str, dict[str, Any]] = {}
    while True:
        try:
            services = refresh(ecs, target)
        except OpsError as exc:
            if not exc.transient:
                raise
            if warn:
                warn(f"{exc.message} Still waiting; polling again.")
        elapsed = time.monotonic() - started
        if services and on_poll:
            on_poll(services, elapsed)
        if services and (all(is_stable(s) for s in services.values()) or any(failed_rollout(s) for s in services.values())):
            return services
        if elapsed >= timeout:
            waiting = ", ".join(
                f"{role} ({s.get('runningCount')}/{s.get('desiredCount')} running, {len(s.get('deployments') or [])} deployments)"
                for role, s in services.items()
                if not is_stable(s)
            )
            raise OpsError(
                f"Timed out after {timeout:g}s waiting for services to become stable: {waiting or 'no answer from ECS'}.",
                Exit.TIMEOUT,
                "The update was made and ECS is still deploying; follow it with `coko status`, or rerun `coko rollback` to wait and verify again.",
            )
        pause()


def verify(steps: list[Step], services: dict[str, dict[str, Any]]) -> list[str]:
    """Problems, one line each, where the running deployment is not the intended revision."""
    problems = []
    for step in steps:
        service = services[step.role]
        reason = failed_rollout(service)
        running = primary_task_definition(service)
        if reason:
            problems.append(f"{step.service}: rollout to {step.target.label} FAILED ({reason}).")
        elif running != step.target.arn:
            problems.append(
                f"{step.service}: stable on {running.rsplit('/', 1)[-1]}, not {step.target.label} — "
                "the deployment circuit breaker probably rolled it back (see `coko status` events)."
            )
    return problems


def check_health(url: str, attempts: int = 3, pause: float = 2.0, timeout: float = 10.0) -> tuple[bool, str]:
    """GET the liveness URL; 200 within a few attempts counts as healthy."""
    detail = ""
    for attempt in range(attempts):
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers={"User-Agent": "coko-cli"}), timeout=timeout) as response:
                if response.status == 200:
                    return True, f"{url} answered 200"
                detail = f"{url} answered {response.status}"
        except urllib.error.HTTPError as exc:
            detail = f"{url} answered {exc.code}"
        except (urllib.error.URLError, OSError) as exc:
            detail = f"{url} unreachable: {getattr(exc, 'reason', exc)}"
        if attempt + 1 < attempts:
            time.sleep(pause)
    return False, detail


def pulumi_pin_command(stack: str, steps: list[Step]) -> str:
    """The command that keeps the next `pulumi up` from redeploying the bad image."""
    backend = next((s for s in steps if s.role == "backend"), steps[0])
    tag = backend.target.tag or "<tag-of-" + backend.target.label + ">"
    return f"pulumi config set --path coko:image.tag {tag} -s {stack}"
