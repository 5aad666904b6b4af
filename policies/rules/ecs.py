"""ECS Fargate: backend, worker and scheduler run the same image; keep them unprivileged and observable."""

from __future__ import annotations

import re
from typing import Any

from ..framework import SECRET, Resource, Spec, as_list, register, rule, unknown
from ._util import disabled, enabled, parse_json, truthy
from .resource_types import ECS_SERVICE, TASK_DEFINITION

CLUSTER = "aws:ecs/cluster:Cluster"
SECRET_NAME = re.compile(r"(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|DSN)", re.IGNORECASE)

SETTINGS = (
    Spec("COKO-ECS-006", [ECS_SERVICE], disabled("networkConfiguration.assignPublicIp"),
         "Services get no public IP (tasks sit in private subnets behind the ALB)", "high",
         "checkov CKV_AWS_333",
         "Set network_configuration.assign_public_ip=False and use the private subnets."),
    Spec("COKO-ECS-007", [ECS_SERVICE], enabled("deploymentCircuitBreaker.enable", "deploymentCircuitBreaker.rollback"),
         "Deployments use the circuit breaker with rollback", "medium",
         "AWS ECS deployment circuit breaker; design §5/§7 (failed deploys must roll back)",
         "Set deployment_circuit_breaker={enable: True, rollback: True}."),
)
register(__name__, SETTINGS)


def containers(r: Resource) -> list[dict[str, Any]] | str:
    """Parsed containerDefinitions, or UNKNOWN/SECRET when the JSON is not readable at preview."""
    parsed = parse_json(r.get("containerDefinitions"))
    if unknown(parsed) or parsed == SECRET:
        return str(parsed)
    return [c for c in as_list(parsed) if isinstance(c, dict)]


def _each(r: Resource, fn: Any) -> list[str]:
    found = containers(r)
    if isinstance(found, str):
        return []
    return [message for c in found for message in fn(c)]


@rule("COKO-ECS-001", [TASK_DEFINITION], severity="critical",
      anchor="checkov CKV_AWS_334",
      remediation='Remove "privileged": true from the container definition (Fargate rejects it anyway).')
def not_privileged(r: Resource) -> list[str]:
    """Containers are not privileged"""
    return _each(r, lambda c: [f"container {c.get('name')!r} is privileged"] if truthy(c.get("privileged")) else [])


@rule("COKO-ECS-002", [TASK_DEFINITION], severity="medium",
      anchor="cdk-nag AwsSolutions-ECS7",
      remediation="Give each container a logConfiguration with the awslogs driver and a log group with retention.")
def logging(r: Resource) -> list[str]:
    """Every container ships its logs (awslogs)"""
    return _each(r, lambda c: [] if isinstance(c.get("logConfiguration"), dict) and c["logConfiguration"].get("logDriver") else [f"container {c.get('name')!r} has no logConfiguration"])


@rule("COKO-ECS-003", [TASK_DEFINITION], severity="critical",
      anchor="cdk-nag AwsSolutions-ECS2; design §7 (secrets in plain fields)",
      remediation="Move the variable to the container's `secrets` list with valueFrom = the Secrets Manager ARN (or ARN:key::).",
      unknowns="A containerDefinitions JSON that is entirely [secret] is a violation: a secret was interpolated into it.")
def secrets_not_in_environment(r: Resource) -> list[str]:
    """Secrets reach containers through `secrets` (valueFrom), never `environment`"""
    found = containers(r)
    if found == SECRET:
        return ["containerDefinitions is secret as a whole: a secret value was interpolated into the task definition"]
    if isinstance(found, str):
        return []
    problems = []
    for c in found:
        for env in as_list(c.get("environment")):
            if not isinstance(env, dict):
                continue
            name, value = str(env.get("name", "")), env.get("value")
            if SECRET_NAME.search(name) or value == SECRET:
                problems.append(f"container {c.get('name')!r} passes {name} in environment")
    return problems


@rule("COKO-ECS-004", [TASK_DEFINITION], severity="medium",
      anchor="checkov CKV_AWS_249",
      remediation="Give the task its own task_role_arn (app permissions) separate from execution_role_arn (pull, logs, secrets).")
def distinct_roles(r: Resource) -> list[str]:
    """Task and execution roles are distinct"""
    task, execution = r.get("taskRoleArn"), r.get("executionRoleArn")
    if not task or not execution:
        return ["taskRoleArn and executionRoleArn must both be set"]
    if unknown(task) or unknown(execution):
        return []
    return ["taskRoleArn equals executionRoleArn"] if task == execution else []


@rule("COKO-ECS-005", [CLUSTER], severity="medium",
      anchor="cdk-nag AwsSolutions-ECS4; checkov CKV_AWS_65",
      remediation='Add setting {"name": "containerInsights", "value": "enabled"} (or "enhanced").')
def container_insights(r: Resource) -> list[str]:
    """Container Insights is on"""
    settings = r.get("settings")
    if unknown(settings):
        return []
    for s in as_list(settings):
        if isinstance(s, dict) and s.get("name") == "containerInsights":
            return [] if s.get("value") in ("enabled", "enhanced") or unknown(s.get("value")) else [f"containerInsights is {s.get('value')!r}"]
    return ["containerInsights setting is absent"]


@rule("COKO-ECS-008", [TASK_DEFINITION], severity="low", enforcement="advisory",
      anchor="cookiecutter-django (non-root runtime stage)",
      remediation='Set "user" in the container definition (or USER in the Dockerfile runtime stage) to a non-root user.')
def non_root(r: Resource) -> list[str]:
    """Containers run as a non-root user"""
    return _each(r, lambda c: [f"container {c.get('name')!r} runs as root"] if str(c.get("user", "")).split(":")[0] in ("root", "0") else [])
