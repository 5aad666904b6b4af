"""Wait for ECS services to finish a rollout, then check they run the revision that was asked for.

"Stable" alone is not success: with the deployment circuit breaker's rollback, a failed
deployment ends stable on the *previous* revision, and `wait_for_steady_state` reports success
(hashicorp/terraform-provider-aws#20858). So the PRIMARY deployment's task definition is
compared with the intended one (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


def primary_task_definition(service: Mapping[str, Any]) -> str:
    """What actually runs: the PRIMARY deployment's task definition (the service field is the request)."""
    primary = [d for d in service.get("deployments") or [] if d.get("status") == "PRIMARY"]
    return str(primary[0]["taskDefinition"]) if primary else str(service["taskDefinition"])


def is_stable(service: Mapping[str, Any]) -> bool:
    """The services_stable waiter's rule: a single deployment, running == desired."""
    return len(service.get("deployments") or []) == 1 and service.get("runningCount") == service.get("desiredCount")


def failed_rollout(service: Mapping[str, Any]) -> str | None:
    for deployment in service.get("deployments") or []:
        if deployment.get("status") == "PRIMARY" and deployment.get("rolloutState") == "FAILED":
            return str(deployment.get("rolloutStateReason") or "rollout FAILED")
    return None


def short(arn: str) -> str:
    """'arn:…:task-definition/coko-production-backend:12' -> 'coko-production-backend:12'."""
    return arn.rsplit("/", 1)[-1]


def problems(expected: Mapping[str, str], services: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """One line per service (by name) that failed its rollout or runs another revision than expected."""
    found = []
    for name, wanted in expected.items():
        service = services.get(name)
        if service is None:
            found.append(f"{name}: not found in the cluster.")
            continue
        running = primary_task_definition(service)
        if reason := failed_rollout(service):
            found.append(f"{name}: rollout to {short(wanted)} FAILED ({reason}).")
        elif short(running) != short(wanted):
            found.append(
                f"{name}: stable on {short(running)}, not {short(wanted)} — the deployment circuit breaker probably rolled it back (see `coko status` events)."
            )
    return found


@dataclass
class RolloutWait:
    """Polls describe_services (one call for all) until every service is stable or a rollout failed."""

    ecs: Any
    cluster: str
    expected: Mapping[str, str]  # service name -> task definition ARN it must run
    timeout: float
    poll_interval: float
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    last: dict[str, dict[str, Any]] = field(default_factory=dict)

    def describe(self) -> dict[str, dict[str, Any]]:
        described = self.ecs.describe_services(cluster=self.cluster, services=list(self.expected))["services"]
        self.last = {s["serviceName"]: dict(s) for s in described}
        return self.last

    def run(self) -> list[str]:
        """Problems once settled (empty: every service runs its expected revision); TimeoutError otherwise."""
        started = self.clock()
        while True:
            services = self.describe()
            missing = [name for name in self.expected if name not in services]
            settled = all(is_stable(s) for s in services.values()) or any(failed_rollout(s) for s in services.values())
            if missing or settled:
                return problems(self.expected, services)
            if self.clock() - started >= self.timeout:
                waiting = ", ".join(
                    f"{name} ({s.get('runningCount')}/{s.get('desiredCount')} running, {len(s.get('deployments') or [])} deployments)"
                    for name, s in services.items()
                    if not is_stable(s)
                )
                raise TimeoutError(f"timed out after {self.timeout:g}s waiting for services to become stable: {waiting}")
            self.sleep(self.poll_interval)
