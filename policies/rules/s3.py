"""S3: media and logs. Private, encrypted, TLS-only, owner-enforced, versioned where data lives."""

from __future__ import annotations

from collections.abc import Callable

from ..framework import Resource, Spec, StackView, as_list, register, rule, stack_rule, unknown
from ._util import companion_violations, enabled, equals, policy_statements
from .resource_types import BUCKETS

PUBLIC_ACCESS_BLOCK = ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",)
OWNERSHIP = ("aws:s3/bucketOwnershipControls:BucketOwnershipControls",)
ENCRYPTION = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
VERSIONING = ("aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2")
POLICY = ("aws:s3/bucketPolicy:BucketPolicy",)
ACL = ("aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2")
PAB_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
PUBLIC_ACLS = {"public-read", "public-read-write", "authenticated-read"}
UNKNOWN_LINK = "Companions are linked by name at preview (bucket ids are unknown), by physical name after up."

SETTINGS = (
    Spec("COKO-S3-001", PUBLIC_ACCESS_BLOCK, enabled(*PAB_FLAGS),
         "Public access blocks turn on all four settings", "critical",
         "cdk-nag AwsSolutions-S2; checkov CKV_AWS_53, CKV_AWS_54, CKV_AWS_55, CKV_AWS_56",
         "Set block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets to True."),
    Spec("COKO-S3-003", VERSIONING, equals("versioningConfiguration.status", "Enabled"),
         "Versioning, where configured, is Enabled", "medium",
         "checkov CKV_AWS_21",
         'Set versioning_configuration.status="Enabled" (media keeps noncurrent versions for recovery).'),
    Spec("COKO-S3-004", OWNERSHIP, equals("rule.objectOwnership", "BucketOwnerEnforced"),
         "Object ownership is BucketOwnerEnforced (ACLs off)", "medium",
         "checkov CKV2_AWS_65",
         'Set rule.object_ownership="BucketOwnerEnforced".'),
)
register(__name__, SETTINGS)


@rule("COKO-S3-002", ENCRYPTION, severity="high",
      anchor="checkov CKV_AWS_145",
      remediation='Set apply_server_side_encryption_by_default={sse_algorithm: "aws:kms", kms_master_key_id: <stack key>} and bucket_key_enabled.')
def sse_kms(r: Resource) -> list[str]:
    """Default bucket encryption is SSE-KMS"""
    rules = r.get("rules")
    if unknown(rules):
        return []
    algorithms = [rule_.get("applyServerSideEncryptionByDefault", {}).get("sseAlgorithm") for rule_ in as_list(rules) if isinstance(rule_, dict)]
    if not algorithms:
        return ["no applyServerSideEncryptionByDefault rule"]
    return [f"sseAlgorithm is {a!r}, not aws:kms" for a in algorithms if not unknown(a) and a not in ("aws:kms", "aws:kms:dsse")]


@rule("COKO-S3-005", POLICY, severity="high",
      anchor="cdk-nag AwsSolutions-S10",
      remediation='Add a Deny statement for "s3:*" on the bucket and its objects with Condition Bool aws:SecureTransport = "false".')
def tls_only(r: Resource) -> list[str]:
    """Bucket policies deny requests without TLS"""
    found = policy_statements(r, "policy")
    if found is None:
        return []
    for s in found:
        condition = s.get("Condition", {}) if isinstance(s.get("Condition"), dict) else {}
        secure = condition.get("Bool", {}).get("aws:SecureTransport") if isinstance(condition.get("Bool"), dict) else None
        if s.get("Effect") == "Deny" and str(secure).lower() == "false":
            return []
    return ["no Deny statement on aws:SecureTransport=false"]


@rule("COKO-S3-006", BUCKETS + ACL, severity="critical",
      anchor="checkov CKV_AWS_20, CKV_AWS_57",
      remediation='Drop acl (ownership is BucketOwnerEnforced) or use "private"/"log-delivery-write".')
def no_public_acl(r: Resource) -> list[str]:
    """No public canned ACL"""
    acl = r.get("acl")
    return [f"acl is {acl!r}"] if acl in PUBLIC_ACLS else []


# Companions every bucket needs: (rule id, companion types, resource class, title, severity, anchor, note).
COMPANIONS = (
    ("COKO-S3-007", PUBLIC_ACCESS_BLOCK, "BucketPublicAccessBlock", "Every bucket has a public access block", "critical", "cdk-nag AwsSolutions-S2; checkov CKV2_AWS_6", "(named <bucket>-public-access)"),
    ("COKO-S3-008", ENCRYPTION, "BucketServerSideEncryptionConfiguration", "Every bucket has a default encryption configuration", "high", "checkov CKV_AWS_145", ""),
    ("COKO-S3-009", OWNERSHIP, "BucketOwnershipControls", "Every bucket has ownership controls", "medium", "checkov CKV2_AWS_65", ""),
)


def _companion_rule(companions: tuple[str, ...], what: str) -> Callable[[StackView], list[tuple[str, str]]]:
    def check(stack: StackView) -> list[tuple[str, str]]:
        return companion_violations(stack, BUCKETS, companions, "bucket", what)

    return check


for _id, _types, _what, _title, _severity, _anchor, _note in COMPANIONS:
    stack_rule(
        _id,
        title=_title,
        severity=_severity,
        anchor=_anchor,
        remediation=f"Add an aws.s3.{_what} for the bucket{(' ' + _note) if _note else ''}.",
        unknowns=UNKNOWN_LINK,
    )(_companion_rule(_types, _what))
