"""IAM: least privilege for task, execution, monitoring and flow-log roles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..framework import Resource, as_list, rule, unknown
from ._util import parse_json, policy_statements, statements
from .resource_types import IAM_POLICY, IAM_ROLE, ROLE_POLICY

ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
ADMIN_POLICIES = ("/AdministratorAccess", "/PowerUserAccess", "/IAMFullAccess")
# Actions AWS does not scope to a resource: "*" is the only valid Resource for them.
UNSCOPED_ACTIONS = {"ecr:GetAuthorizationToken", "cloudwatch:PutMetricData", "logs:DescribeLogGroups", "xray:PutTraceSegments", "xray:PutTelemetryRecords",
                    "ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel",
                    "ec2:DescribeNetworkInterfaces", "sts:GetCallerIdentity"}


def documents(r: Resource) -> list[tuple[str, Any]]:
    """(label, parsed document) for a policy's JSON, or a role's inline policies."""
    if r.type == IAM_ROLE:
        return [(f"inlinePolicies[{p.get('name')}]", parse_json(p.get("policy"))) for p in as_list(r.get("inlinePolicies")) if isinstance(p, dict)]
    return [("policy", parse_json(r.get("policy")))]


def _allows(r: Resource) -> list[tuple[str, dict[str, Any]]]:
    return [(label, s) for label, doc in documents(r) if not unknown(doc) for s in statements(doc) if s.get("Effect") == "Allow"]


def _allowing(r: Resource, offending: Callable[[dict[str, Any]], list[Any]], where: str = "") -> list[str]:
    """One problem per Allow statement with offending actions, naming them."""
    return [f"{label} allows {', '.join(map(str, bad))}{where}" for label, s in _allows(r) if (bad := offending(s))]


@rule("COKO-IAM-001", [IAM_POLICY, ROLE_POLICY, IAM_ROLE], severity="critical",
      anchor="cdk-nag AwsSolutions-IAM5; checkov CKV_AWS_1, CKV_AWS_62, CKV_AWS_290",
      remediation="List the actions the role needs (e.g. s3:GetObject, s3:PutObject) instead of wildcards.")
def no_wildcard_actions(r: Resource) -> list[str]:
    """No IAM policy allows Action "*" or "<service>:*\""""
    return _allowing(r, lambda s: [a for a in as_list(s.get("Action")) if isinstance(a, str) and (a == "*" or a.endswith(":*"))])


@rule("COKO-IAM-002", [IAM_POLICY, ROLE_POLICY, IAM_ROLE], severity="medium", enforcement="advisory",
      anchor="cdk-nag AwsSolutions-IAM5; checkov CKV_AWS_355",
      remediation="Scope Resource to the bucket/queue/secret ARNs; keep * only for actions such as ecr:GetAuthorizationToken.")
def no_wildcard_resources(r: Resource) -> list[str]:
    """Resource "*" only for actions that cannot be scoped"""
    return _allowing(r, lambda s: [a for a in as_list(s.get("Action")) if a not in UNSCOPED_ACTIONS] if "*" in as_list(s.get("Resource")) else [], " on Resource *")


@rule("COKO-IAM-003", [ATTACHMENT], severity="critical",
      anchor="checkov CKV_AWS_274; cdk-nag AwsSolutions-IAM4",
      remediation="Attach a scoped customer-managed policy, or a narrow AWS managed one (e.g. AmazonECSTaskExecutionRolePolicy).")
def no_admin(r: Resource) -> list[str]:
    """No administrator-level managed policy is attached"""
    arn = r.get("policyArn")
    return [f"policyArn is {arn}"] if isinstance(arn, str) and arn.endswith(ADMIN_POLICIES) else []


@rule("COKO-IAM-004", [IAM_ROLE], severity="critical",
      anchor="checkov CKV_AWS_60",
      remediation='Set the trust policy Principal to {"Service": "ecs-tasks.amazonaws.com"} (or the exact account/role).')
def trust_policy(r: Resource) -> list[str]:
    """Roles trust named services or accounts, never Principal *"""
    found = policy_statements(r, "assumeRolePolicy")
    if found is None:
        return []
    problems = []
    for s in found:
        principal = s.get("Principal")
        values = [principal] if isinstance(principal, str) else [v for vs in principal.values() for v in as_list(vs)] if isinstance(principal, dict) else []
        if s.get("Effect") == "Allow" and "*" in values:
            problems.append("trust policy allows Principal *")
    return problems
