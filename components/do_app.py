"""The App Platform app: backend service, Celery worker and beat, the PRE_DEPLOY release job, alerts.

One image (by digest) for every component, as on ECS. Migrations (then collectstatic) run as a ``PRE_DEPLOY`` job:
App Platform runs it after the build and before any component is replaced, and a non-zero exit
fails the deployment, so a failed migration never reaches the services.
App spec reference: https://docs.digitalocean.com/products/app-platform/reference/app-spec/
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_digitalocean as do

from components.app_env import ContractVar, EnvContractError

HTTP_PORT = 8000
HEALTH_PATH = "/health/"  # liveness: answers without touching the database (docs/app.md)
# The image's start scripts per role (the same as the ECS task definitions run).
RUN_COMMANDS = {"backend": "/app/bin/start-backend", "worker": "/app/bin/start-worker", "scheduler": "/app/bin/start-beat"}


@dataclass(frozen=True)
class Component:
    """Counts and size of one role; fixed count when min == max, else CPU autoscaling."""

    role: str
    min_count: int
    max_count: int
    size_slug: str


@dataclass(frozen=True)
class AlertThresholds:
    """Per-component alert thresholds (the seed's Prometheus rules); e-mails get every alert."""

    cpu_percent: float
    memory_percent: float
    restarts: int = 3
    emails: Sequence[str] = ()


@dataclass(frozen=True)
class AppArgs:
    name: str
    region: str  # App Platform region slug (fra), not the data center
    vpc_id: pulumi.Input[str]
    repository: str
    digest: pulumi.Input[str]
    components: Mapping[str, Component]
    migration_command: str
    migration_size_slug: str
    envs: Sequence[Mapping[str, Any]]
    # Per component (backend, worker, scheduler, migrate): variables whose value differs by
    # component. They are never also app-level, so no precedence rule decides what a component sees.
    component_envs: Mapping[str, Sequence[Mapping[str, Any]]] = field(default_factory=dict)
    domain: str | None = None
    alerts: AlertThresholds = field(default_factory=lambda: AlertThresholds(90.0, 90.0))
    autoscale_cpu_percent: int = 70

    def __post_init__(self) -> None:
        missing = {"backend", "worker", "scheduler"} - set(self.components)
        if missing:
            raise ValueError(f"App Platform app needs components {sorted(missing)}")
        shared = {e["key"] for e in self.envs}
        both = sorted({e["key"] for envs in self.component_envs.values() for e in envs} & shared)
        if both:
            raise ValueError(f"{', '.join(both)}: set both app-wide and per component")
        if (self.components["scheduler"].min_count, self.components["scheduler"].max_count) != (1, 1):
            raise ValueError("Celery beat must run exactly one instance")


def app_platform_envs(
    contract: Sequence[ContractVar], values: Mapping[str, pulumi.Input[str]], secrets: Mapping[str, pulumi.Input[str]]
) -> list[dict[str, Any]]:
    """App-spec ``envs`` matching the app's env contract both ways; secrets typed SECRET.

    App Platform stores SECRET values encrypted and never shows them again; a contract secret
    offered as a plain value, or a plain one offered as a secret, is refused like on ECS.
    """
    by_name = {var.name: var for var in contract}
    problems = [f"{n}: set by the infrastructure but not declared in the app's env contract" for n in sorted((set(values) | set(secrets)) - set(by_name))]
    envs: list[dict[str, Any]] = []
    for var in sorted(contract, key=lambda v: v.name):
        given, wrong = (secrets, values) if var.secret else (values, secrets)
        if var.name in wrong:
            problems.append(f"{var.name}: the contract marks it {'secret' if var.secret else 'plain'}; it is offered the other way")
        elif var.name in given:
            envs.append(env(var.name, given[var.name], secret=var.secret))
        elif var.required:
            problems.append(f"{var.name}: required ({var.description}) has no value in this stack")
    if problems:
        raise EnvContractError("the App Platform environment does not match app/coko/env_contract.py:\n  " + "\n  ".join(problems))
    return envs


def env(key: str, value: pulumi.Input[str], secret: bool) -> dict[str, Any]:
    """One run-time variable; SECRET values are also Pulumi secrets."""
    if secret:
        return {"key": key, "value": pulumi.Output.secret(value), "type": "SECRET", "scope": "RUN_TIME"}
    return {"key": key, "value": value, "type": "GENERAL", "scope": "RUN_TIME"}


def component_alerts(thresholds: AlertThresholds) -> list[dict[str, Any]]:
    """CPU and memory above the seed's 90 %, and restarts, each over five minutes."""
    destinations = {"emails": list(thresholds.emails)} if thresholds.emails else None
    rules = (("CPU_UTILIZATION", thresholds.cpu_percent), ("MEM_UTILIZATION", thresholds.memory_percent), ("RESTART_COUNT", float(thresholds.restarts)))
    return [
        {"rule": rule, "operator": "GREATER_THAN", "value": value, "window": "FIVE_MINUTES", **({"destinations": destinations} if destinations else {})}
        for rule, value in rules
    ]


def _scaling(component: Component, cpu_percent: int) -> dict[str, Any]:
    if component.min_count == component.max_count:
        return {"instance_count": component.min_count}
    return {"autoscaling": {"min_instance_count": component.min_count, "max_instance_count": component.max_count, "metrics": {"cpu": {"percent": cpu_percent}}}}


class AppPlatformApp(pulumi.ComponentResource):
    """The app: one service, two workers, one PRE_DEPLOY job, app- and component-level alerts."""

    app: do.App
    id: pulumi.Output[str]
    urn_do: pulumi.Output[str]
    live_url: pulumi.Output[str]
    default_ingress: pulumi.Output[str]

    def __init__(self, name: str, args: AppArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:do:AppPlatformApp", name, {}, opts)
        image = {"registry_type": "DOCR", "repository": args.repository, "digest": args.digest}
        alerts = component_alerts(args.alerts)
        backend = args.components["backend"]
        service = {
            "name": "backend",
            "image": image,
            "run_command": RUN_COMMANDS["backend"],
            "http_port": HTTP_PORT,
            "instance_size_slug": backend.size_slug,
            **_scaling(backend, args.autoscale_cpu_percent),
            "health_check": {"http_path": HEALTH_PATH, "initial_delay_seconds": 10, "period_seconds": 10, "timeout_seconds": 5, "failure_threshold": 3},
            "envs": list(args.component_envs.get("backend", ())),
            "alerts": alerts,
        }
        workers = [
            {
                "name": role,
                "image": image,
                "run_command": RUN_COMMANDS[role],
                "instance_size_slug": args.components[role].size_slug,
                **_scaling(args.components[role], args.autoscale_cpu_percent),
                "envs": list(args.component_envs.get(role, ())),
                "alerts": alerts,
            }
            for role in ("worker", "scheduler")
        ]
        job = {
            "name": "migrate",
            "kind": "PRE_DEPLOY",
            "image": image,
            "run_command": args.migration_command,
            "instance_size_slug": args.migration_size_slug,
            "instance_count": 1,
            "envs": list(args.component_envs.get("migrate", ())),
        }
        app_destinations = {"destinations": {"emails": list(args.alerts.emails)}} if args.alerts.emails else {}
        spec: dict[str, Any] = {
            "name": args.name,
            "region": args.region,
            "vpcs": [{"id": args.vpc_id}],
            "envs": list(args.envs),
            "services": [service],
            "workers": workers,
            "jobs": [job],
            "alerts": [{"rule": rule, **app_destinations} for rule in ("DEPLOYMENT_FAILED", "DOMAIN_FAILED")],
            "ingress": {"rules": [{"component": {"name": "backend"}, "match": {"path": {"prefix": "/"}}}]},
        }
        if args.domain:
            spec["domain_names"] = [{"name": args.domain, "type": "PRIMARY"}]
        self.app = do.App(f"{name}-app", spec=spec, opts=pulumi.ResourceOptions(parent=self))
        self.id = self.app.id
        self.urn_do = self.app.app_urn
        self.live_url = self.app.live_url
        self.default_ingress = self.app.default_ingress
        self.register_outputs({"id": self.app.id, "liveUrl": self.app.live_url})
