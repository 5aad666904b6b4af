"""Move backend, worker and scheduler back together, then prove the rollback actually landed.

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
from coko_cli.ops.aws import Exit, OpsError, aws_errors
from coko_cli.ops.discovery import StackServices, refresh
from coko_cli.ops.taskdefs import Revision

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient

IMAGE_TAG_SEARCH_LIMIT = 100  # revisions described per family when looking for an image tag


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


def primary_task_definition(service: dict[str, Any]) -> str:
    """What actually runs: the PRIMARY deployment's task definition (the service field is the request)."""
    primary = [d for d in service.get("deployments") or [] if d.get("status") == "PRIMARY"]
    return str(primary[0]["taskDefinition"]) if primary else str(service["taskDefinition"])


def choose_target(ecs: ECSClient, role: str, current: Revision, to: int | None, image_tag: str | None) -> Revision:
    """The revision to go to: --to, --image-tag, or the previous ACTIVE one of the family."""
    family = current.family
    if to is not None:
        candidates = [a for a in taskdefs.family_arns(ecs, family) if taskdefs.split_arn(a)[1] == to]
        if not candidates:
            raise OpsError(
                f"{family}:{to} is not an ACTIVE revision (deregistered revisions cannot be deployed).",
                Exit.FAILED,
                f"List them with `coko releases --stack … ` ({role}).",
            )
        return taskdefs.to_revision(taskdefs.describe(ecs, candidates[0]), role)
    arns = taskdefs.family_arns(ecs, family)
    if image_tag is not None:
        for arn in arns[:IMAGE_TAG_SEARCH_LIMIT]:
            definition = taskdefs.describe(ecs, arn)
            if taskdefs.matches_tag(taskdefs.container_of(definition, role), image_tag):
                return taskdefs.to_revision(definition, role)
        raise OpsError(
            f"No ACTIVE revision of {family} runs image tag {image_tag!r} (searched {min(len(arns), IMAGE_TAG_SEARCH_LIMIT)} revisions).",
            Exit.FAILED,
            "See `coko releases` for the tags each revision runs.",
        )
    earlier = [a for a in arns if taskdefs.split_arn(a)[1] < current.revision]
    if not earlier:
        raise OpsError(
            f"{family} has no ACTIVE revision before :{current.revision}: nothing to roll back to.",
            Exit.FAILED,
            "Use --to REVISION or --image-tag TAG to pick one explicitly.",
        )
    return taskdefs.to_revision(taskdefs.describe(ecs, earlier[0]), role)


def plan(ecs: ECSClient, target: StackServices, to: int | None, image_tag: str | None) -> list[Step]:
    steps = []
    for role, service in target.services.items():
        current = taskdefs.to_revision(taskdefs.describe(ecs, primary_task_definition(service)), role)
        steps.append(Step(role, service["serviceName"], current, choose_target(ecs, role, current, to, image_tag)))
    return steps


def apply(ecs: ECSClient, cluster: str, steps: list[Step]) -> None:
    """Update every service that changes, back to back, so the three roles move together."""
    with aws_errors():
        for step in steps:
            if step.changes:
                ecs.update_service(cluster=cluster, service=step.service, taskDefinition=step.target.arn)


def is_stable(service: dict[str, Any]) -> bool:
    """The services_stable waiter's rule: a single deployment, running == desired."""
    return len(service.get("deployments") or []) == 1 and service.get("runningCount") == service.get("desiredCount")


def failed_rollout(service: dict[str, Any]) -> str | None:
    for deployment in service.get("deployments") or []:
        if deployment.get("status") == "PRIMARY" and deployment.get("rolloutState") == "FAILED":
            return str(deployment.get("rolloutStateReason") or "rollout FAILED")
    return None


def wait_stable(
    ecs: ECSClient,
    target: StackServices,
    timeout: float,
    poll_interval: float,
    on_poll: Callable[[dict[str, dict[str, Any]], float], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, dict[str, Any]]:
    """Poll describe_services (one call for all three) until all are stable or a rollout fails."""
    started = time.monotonic()
    while True:
        services = refresh(ecs, target)
        elapsed = time.monotonic() - started
        if on_poll:
            on_poll(services, elapsed)
        if all(is_stable(s) for s in services.values()):
            return services
        failed = {role: reason for role, s in services.items() if (reason := failed_rollout(s))}
        if failed:
            return services
        if elapsed >= timeout:
            waiting = ", ".join(
                f"{role} ({s.get('runningCount')}/{s.get('desiredCount')} running, {len(s.get('deployments') or [])} deployments)"
                for role, s in services.items()
                if not is_stable(s)
            )
            raise OpsError(
                f"Timed out after {timeout:g}s waiting for services to become stable: {waiting}.",
                Exit.TIMEOUT,
                "The update was made and ECS is still deploying; follow it with `coko status`.",
            )
        sleep(poll_interval)


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
