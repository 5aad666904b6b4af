"""Find a stack's ECS cluster and services from tags, as a CI job with only AWS credentials can.

Order: explicit ``--cluster``/``--service`` overrides, then the tags the infrastructure puts on
every resource (Project=coko, Stack=<stack>, Service=<role>), then the naming convention. Tags
come first so a renamed resource is still found; the names are the fallback when tags are
missing (e.g. resources imported by hand). ECS tags are read with describe_* include=TAGS,
which needs no extra IAM action (resourcegroupstaggingapi would, and moto lacks it for ECS).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coko_cli.ops.aws import Exit, OpsError, aws_errors
from coko_contract import names as naming

if TYPE_CHECKING:
    from mypy_boto3_ecs import ECSClient


@dataclass
class StackServices:
    """What the commands act on: the cluster and one described service per role."""

    stack: str
    region: str
    cluster: str
    cluster_found_by: str
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    found_by: dict[str, str] = field(default_factory=dict)


def _tags(resource: dict[str, Any]) -> dict[str, str]:
    return {t["key"]: t["value"] for t in resource.get("tags") or [] if "key" in t}


def _is_stack(tags: dict[str, str], stack: str) -> bool:
    return tags.get(naming.TAG_PROJECT) == naming.PROJECT and tags.get(naming.TAG_STACK) == stack


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def parse_service_overrides(values: Sequence[str], roles: Sequence[str]) -> dict[str, str]:
    """``--service ROLE=NAME`` (repeatable); a bare NAME is allowed when one role is in play."""
    overrides: dict[str, str] = {}
    for value in values:
        role, sep, name = value.partition("=")
        if not sep:
            if len(roles) != 1:
                raise OpsError(f"--service {value!r}: say which role it is, e.g. --service backend={value}", Exit.USAGE)
            role, name = roles[0], value
        if role not in roles or not name:
            raise OpsError(f"--service {value!r}: expected ROLE=NAME with ROLE one of {', '.join(roles)}", Exit.USAGE)
        overrides[role] = name
    return overrides


def find_cluster(ecs: ECSClient, stack: str, region: str, override: str | None = None) -> tuple[str, str]:
    """(cluster ARN, how it was found). Ambiguity and absence are errors, not guesses."""
    with aws_errors():
        if override:
            return _describe_cluster(ecs, override, region) or _missing_cluster(stack, region, f"--cluster {override}"), "--cluster"
        arns = [arn for page in ecs.get_paginator("list_clusters").paginate() for arn in page["clusterArns"]]
        tagged = []
        for chunk in _chunks(arns, 100):
            for cluster in ecs.describe_clusters(clusters=list(chunk), include=["TAGS"])["clusters"]:
                if cluster.get("status") == "ACTIVE" and _is_stack(_tags(dict(cluster)), stack):
                    tagged.append(cluster["clusterArn"])
        if len(tagged) > 1:
            raise OpsError(
                f"{len(tagged)} ECS clusters in {region} are tagged Project=coko, Stack={stack}: {', '.join(tagged)}", Exit.USAGE, "Pick one with --cluster."
            )
        if tagged:
            return tagged[0], "tags"
        name = naming.cluster_name(stack)
        return _describe_cluster(ecs, name, region) or _missing_cluster(stack, region, f"tags Project=coko, Stack={stack} or the name {name}"), "name"


def _describe_cluster(ecs: ECSClient, name: str, region: str) -> str | None:
    found = ecs.describe_clusters(clusters=[name])["clusters"]
    active = [c for c in found if c.get("status") == "ACTIVE"]
    return active[0]["clusterArn"] if active else None


def _missing_cluster(stack: str, region: str, looked_for: str) -> str:
    raise OpsError(
        f"No ECS cluster for stack {stack!r} in {region} (looked for {looked_for}).",
        Exit.USAGE,
        "Is the stack deployed in this region? Use --region or --cluster to override.",
    )


def find_services(
    ecs: ECSClient, cluster: str, stack: str, roles: Sequence[str], overrides: dict[str, str] | None = None
) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """Described services per role and how each was found; every role must resolve."""
    overrides = overrides or {}
    services: dict[str, dict[str, Any]] = {}
    found_by: dict[str, str] = {}
    with aws_errors():
        if any(role not in overrides for role in roles):
            arns = [arn for page in ecs.get_paginator("list_services").paginate(cluster=cluster) for arn in page["serviceArns"]]
            for chunk in _chunks(arns, 10):
                for service in ecs.describe_services(cluster=cluster, services=list(chunk), include=["TAGS"])["services"]:
                    tags = _tags(dict(service))
                    role = tags.get(naming.TAG_SERVICE, "")
                    if service.get("status") == "ACTIVE" and _is_stack(tags, stack) and role in roles and role not in overrides:
                        if role in services:
                            raise OpsError(
                                f"Two ECS services are tagged Stack={stack}, Service={role}: {services[role]['serviceName']} and {service['serviceName']}",
                                Exit.USAGE,
                                f"Pick one with --service {role}=NAME.",
                            )
                        services[role], found_by[role] = dict(service), "tags"
        wanted = {role: overrides.get(role) or naming.service_name(stack, role) for role in roles if role not in services}
        if wanted:
            described = ecs.describe_services(cluster=cluster, services=list(wanted.values()))["services"]
            by_name = {s["serviceName"]: dict(s) for s in described if s.get("status") == "ACTIVE"}
            for role, name in wanted.items():
                if name not in by_name:
                    how = "--service" if role in overrides else f"tags Stack={stack}, Service={role} or the name {name}"
                    raise OpsError(
                        f"No active ECS service for {role} in cluster {cluster.rsplit('/', 1)[-1]} (looked for {how}).",
                        Exit.USAGE,
                        "Is the stack deployed? Override with --service ROLE=NAME.",
                    )
                services[role], found_by[role] = by_name[name], "--service" if role in overrides else "name"
    return {role: services[role] for role in roles}, found_by


def discover(
    ecs: ECSClient, stack: str, region: str, roles: Sequence[str], cluster: str | None = None, service_overrides: dict[str, str] | None = None
) -> StackServices:
    cluster_arn, cluster_by = find_cluster(ecs, stack, region, cluster)
    services, found_by = find_services(ecs, cluster_arn, stack, roles, service_overrides)
    return StackServices(stack=stack, region=region, cluster=cluster_arn, cluster_found_by=cluster_by, services=services, found_by=found_by)


def refresh(ecs: ECSClient, target: StackServices) -> dict[str, dict[str, Any]]:
    """Re-describe the discovered services (one call), keyed by role."""
    with aws_errors():
        names = {s["serviceName"]: role for role, s in target.services.items()}
        described = ecs.describe_services(cluster=target.cluster, services=list(names))["services"]
    return {names[s["serviceName"]]: dict(s) for s in described if s["serviceName"] in names}
