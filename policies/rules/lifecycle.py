"""Lifecycle safety and the gaps an independent scan found (issue 12 points 4 and 5).

Stateful resources must survive a mistaken `pulumi destroy` or a replacement; final snapshots
must not collide on the second deletion; names must leave room for longer stack names. The
scan findings: KMS on flow-log and WAF log groups, S3 access logs on data buckets, a role that
trusts the account root without a condition, OpenSearch audit logs and a resilient production
OpenSearch topology.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ..framework import Resource, StackView, as_list, number, rule, stack_rule, unknown
from ._util import owner, policy_statements, truthy
from .deploy_names import API, physical_name
from .resource_types import (
    BACKUP_VAULT,
    BUCKETS,
    FLOW_LOG,
    IAM_ROLE,
    KMS_KEY,
    LOAD_BALANCERS,
    LOG_GROUP,
    OPENSEARCH_DOMAIN,
    RDS_INSTANCE,
    REPLICATION_GROUP,
    SECRET_RESOURCE,
    TARGET_GROUPS,
)

STATEFUL = (
    RDS_INSTANCE,
    REPLICATION_GROUP,
    OPENSEARCH_DOMAIN,
    KMS_KEY,
    SECRET_RESOURCE,
    BACKUP_VAULT,
    *BUCKETS,
)
BUCKET_LOGGING = ("aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2")
NAME_LIMIT = 32  # ALB and target group names (COKO-DEPLOY-001/002)
HEADROOM = 8  # room left for a longer stack name: as much as Pulumi's auto-name suffix


def is_log_bucket(r: Resource) -> bool:
    """Log-delivery buckets (ALB, CloudFront, S3 access logs) are not data: their name says logs."""
    name, _ = physical_name(r, "bucket")
    return "log" in r.name or (name is not None and "log" in name)


def stateful(r: Resource) -> bool:
    return r.type in STATEFUL and not (r.type in BUCKETS and is_log_bucket(r))


@rule("COKO-LIFE-001", STATEFUL, severity="high",
      anchor="https://www.pulumi.com/docs/iac/concepts/options/protect/; https://www.pulumi.com/docs/iac/concepts/options/retainondelete/",
      remediation="Pass opts=ResourceOptions(protect=True) (coko:lifecycle.protect) or retain_on_delete=True to databases, caches, search, data buckets, keys, secrets and vaults.",
      unknowns="CrossGuard does not expose retainOnDelete: there, only protect can pass and an unprotected resource is skipped.")
def protected(r: Resource) -> list[str]:
    """Stateful resources are protected (protect or retainOnDelete)"""
    if not stateful(r):
        return []
    protect, retain = r.option("protect"), r.option("retainOnDelete")
    if protect is True or retain is True or unknown(retain) or not r.options:
        return []
    return ["neither protect nor retainOnDelete is set: a destroy or replacement deletes its data"]


@rule("COKO-LIFE-002", [RDS_INSTANCE, REPLICATION_GROUP], severity="medium",
      anchor=f"{API}/AmazonRDS/latest/APIReference/API_DeleteDBInstance.html (FinalDBSnapshotIdentifier must not name an existing snapshot)",
      remediation="Derive final_snapshot_identifier from a value that changes per replacement (e.g. pulumi_random.RandomId keepers on the identifier).",
      unknowns="A name that depends on another resource (random id, timestamp) passes; a literal fails.")
def unique_final_snapshot(r: Resource) -> list[str]:
    """Final snapshot names are unique per deletion"""
    if truthy(r.get("skipFinalSnapshot")):
        return []
    name = r.get("finalSnapshotIdentifier") or r.get("finalSnapshotName")
    key = "finalSnapshotIdentifier" if r.get("finalSnapshotIdentifier") else "finalSnapshotName"
    if not isinstance(name, str) or unknown(name) or r.dependencies.get(key):
        return []
    return [f"{key} is the fixed name {name!r}: after one delete-and-recreate the next deletion fails (snapshot already exists)"]


@rule("COKO-LIFE-003", [*LOAD_BALANCERS, *TARGET_GROUPS], severity="medium",
      title=f"The ALB and its target group have explicit names with {HEADROOM} characters of headroom",
      anchor=f"{API}/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html (32 characters); issue 12 (auto-name was 32 of 32)",
      remediation=f"Set name= explicitly to at most {NAME_LIMIT - HEADROOM} characters (e.g. coko-<stack>-alb / coko-<stack>-api).")
def named_with_headroom(r: Resource) -> list[str]:
    name, auto = physical_name(r, "name")
    if name is None:
        return []
    if auto:
        return [f"auto-named ({len(name)} of {NAME_LIMIT} characters with Pulumi's suffix)"]
    return [] if len(name) <= NAME_LIMIT - HEADROOM else [f"name {name!r} is {len(name)} characters; keep {HEADROOM} of {NAME_LIMIT} free for longer stack names"]


def _flow_log_groups(stack: StackView) -> set[int]:
    groups = stack.of_type(LOG_GROUP)
    return {id(g) for f in stack.of_type(FLOW_LOG) if (g := owner(f, groups, "logDestination") or owner(f, groups, "logGroupName")) is not None}


@stack_rule("COKO-LOG-003", severity="medium",
            anchor="checkov CKV_AWS_158 (independent scan of the Terraform-plan export); cdk-nag AwsSolutions-VPC7",
            remediation="Pass kms_key_id (the stack key, whose policy allows logs.<region>.amazonaws.com) to the flow-log and aws-waf-logs-* log groups.")
def security_logs_encrypted(stack: StackView) -> Iterator[tuple[str, str]]:
    """VPC flow-log and WAF log groups are encrypted with KMS"""
    flow = _flow_log_groups(stack)
    for group in stack.of_type(LOG_GROUP):
        name = group.get("name")
        waf = isinstance(name, str) and name.startswith("aws-waf-logs-")
        if (waf or id(group) in flow) and group.get("kmsKeyId") is None:
            yield group.urn, f"{'WAF' if waf else 'flow-log'} log group {group.name} has no kmsKeyId"


@stack_rule("COKO-S3-010", severity="medium",
            anchor="checkov CKV_AWS_18 (independent scan of the Terraform-plan export); cdk-nag AwsSolutions-S1",
            remediation="Add an aws.s3.BucketLogging for each data bucket, targeting the stack's log bucket with a per-bucket prefix.",
            unknowns="The BucketLogging is matched to its bucket by name at preview (bucket ids are unknown).")
def access_logging(stack: StackView) -> list[tuple[str, str]]:
    """Data buckets (media, static) have server access logging"""
    data = [b for b in stack.of_type(*BUCKETS) if not is_log_bucket(b)]
    covered = {id(b) for c in stack.of_type(*BUCKET_LOGGING) if (b := owner(c, data, "bucket")) is not None}
    return [(b.urn, f"{b.name} has no server access logging") for b in data if id(b) not in covered and not b.get("loggings") and not b.get("logging")]


ROOT_PRINCIPAL = re.compile(r"^(arn:aws[a-z-]*:iam::)?\d{12}(:root)?$")


def _principals(statement: dict[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if isinstance(principal, dict):
        return [p for p in as_list(principal.get("AWS")) if isinstance(p, str)]
    return []


@rule("COKO-IAM-005", [IAM_ROLE], severity="high",
      anchor="AWS IAM User Guide, roles for cross-account/IAM users (trust the account only with conditions); checkov CKV_AWS_61 (independent scan)",
      remediation="Trust specific role/user ARNs, or add a Condition (aws:PrincipalArn, aws:MultiFactorAuthPresent, aws:PrincipalTag).")
def root_trust_conditioned(r: Resource) -> list[str]:
    """A role that trusts the account root names a condition (MFA, principal ARN, tags)"""
    found = policy_statements(r, "assumeRolePolicy")
    if found is None:
        return []
    problems = []
    for st in found:
        roots = [p for p in _principals(st) if ROOT_PRINCIPAL.match(p)]
        if st.get("Effect") == "Allow" and roots and not st.get("Condition"):
            problems.append(f"trusts {', '.join(roots)} (every principal of the account) with no Condition")
    return problems


@rule("COKO-OS-008", [OPENSEARCH_DOMAIN], severity="medium",
      anchor="AWS OpenSearch Service audit logs (needs fine-grained access control); checkov CKV_AWS_317 (independent scan)",
      remediation='Add log_publishing_options {log_type: "AUDIT_LOGS", enabled: True, cloudwatch_log_group_arn: ...} and a log resource policy.')
def audit_logs(r: Resource) -> list[str]:
    """OpenSearch publishes audit logs"""
    options = r.get("logPublishingOptions")
    if unknown(options):
        return []
    for option in as_list(options):
        if isinstance(option, dict) and option.get("logType") == "AUDIT_LOGS" and option.get("enabled", True) is not False:
            return []
    return ["no AUDIT_LOGS in logPublishingOptions"]


@rule("COKO-OS-009", [OPENSEARCH_DOMAIN], severity="medium",
      anchor="AWS OpenSearch Service best practices (dedicated master nodes, Multi-AZ); checkov CKV_AWS_318 (independent scan)",
      remediation="Set cluster_config dedicated_master_enabled=True, dedicated_master_count=3, zone_awareness_enabled=True (coko:search in the stack file).")
def resilient_search(r: Resource) -> list[str]:
    """Production OpenSearch has three dedicated masters and zone awareness"""
    if r.tags.get("RegionRole") != "primary":
        return []
    config = r.get("clusterConfig")
    if unknown(config):
        return []
    config = config if isinstance(config, dict) else {}
    problems = []
    if config.get("dedicatedMasterEnabled") is not True:
        problems.append("dedicatedMasterEnabled is not true")
    elif (number(config.get("dedicatedMasterCount")) or 0) < 3:
        problems.append(f"dedicatedMasterCount is {config.get('dedicatedMasterCount')!r}, needs 3")
    if config.get("zoneAwarenessEnabled") is not True:
        problems.append("zoneAwarenessEnabled is not true")
    return problems
