"""ElastiCache Redis: sessions and Celery's broker, so encrypted, authenticated and highly available."""

from __future__ import annotations

from ..framework import Resource, Spec, register, rule, unknown
from ._util import enabled, off
from .resource_types import REPLICATION_GROUP

SETTINGS = (
    Spec("COKO-REDIS-001", [REPLICATION_GROUP], enabled("atRestEncryptionEnabled"),
         "Redis encrypts data at rest", "high",
         "checkov CKV_AWS_29",
         "Set at_rest_encryption_enabled=True (with kms_key_id for a customer-managed key)."),
    Spec("COKO-REDIS-004", [REPLICATION_GROUP], enabled("automaticFailoverEnabled", "multiAzEnabled"),
         "Redis fails over automatically across AZs", "medium",
         "cdk-nag AwsSolutions-AEC3",
         "Set automatic_failover_enabled=True and multi_az_enabled=True with at least 2 nodes."),
)
register(__name__, SETTINGS)


@rule("COKO-REDIS-002", [REPLICATION_GROUP], severity="high",
      anchor="checkov CKV_AWS_30",
      remediation='Set transit_encryption_enabled=True and transit_encryption_mode="required".')
def in_transit(r: Resource) -> list[str]:
    """Redis encrypts data in transit"""
    problems = off(r, "transitEncryptionEnabled")
    if r.get("transitEncryptionMode") == "preferred":
        problems.append("transitEncryptionMode is preferred (plaintext still accepted)")
    return problems


@rule("COKO-REDIS-003", [REPLICATION_GROUP], severity="high",
      anchor="checkov CKV_AWS_31",
      remediation="Pass auth_token from a Pulumi secret (coko:redisAuthToken) or user_group_ids.",
      unknowns="An auth token redacted as [secret] counts as present; unknown values are skipped.")
def auth(r: Resource) -> list[str]:
    """Redis requires AUTH"""
    if r.get("authToken") or r.get("userGroupIds"):
        return []
    return ["neither authToken nor userGroupIds is set"]


@rule("COKO-REDIS-005", [REPLICATION_GROUP], severity="medium",
      anchor="cdk-nag AwsSolutions-AEC1",
      remediation="Create an aws.elasticache.SubnetGroup over the data subnets and pass subnet_group_name.")
def subnet_group(r: Resource) -> list[str]:
    """Redis runs in its own subnet group (data subnets, not the default VPC)"""
    value = r.get("subnetGroupName")
    if unknown(value) or (isinstance(value, str) and value and value != "default"):
        return []
    return [f"subnetGroupName is {value!r}"]
