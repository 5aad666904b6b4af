"""Will AWS accept the combination? Documented unsupported pairings that mocks never refuse.

These rules follow references between resources: through known ARNs, and at preview through
the input dependencies the engine records (``Resource.dependencies``: input key -> URNs), so an
unknown certificate ARN still tells which resource it comes from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from ..framework import Resource, StackView, as_list, get, rule, stack_rule, unknown
from ._util import EDGE_REGION, parse_json, statements, truthy
from .deploy_names import API
from .resource_types import BUCKETS, CERTIFICATE, CERTIFICATE_VALIDATION, DISTRIBUTION, KMS_KEY, LISTENERS, RDS_INSTANCE, WEB_ACL

# Resources whose certificateArn is a certificate that a listener serves.
CERTIFIED_LISTENERS = (*LISTENERS, "aws:lb/listenerCertificate:ListenerCertificate", "aws:alb/listenerCertificate:ListenerCertificate")
# CloudFront does not deliver standard logs to buckets in these (opt-in) Regions.
NO_CLOUDFRONT_LOGS = frozenset(
    ["af-south-1", "ap-east-1", "ap-south-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7", "ca-west-1", "eu-central-2", "eu-south-1", "eu-south-2", "il-central-1", "me-central-1", "me-south-1", "mx-central-1"]
)
S3_CONTEXT = "kms:EncryptionContext:aws:s3:arn"


def _depends_on(r: Resource, key: str, stack: StackView) -> list[Resource]:
    """Resources the input ``key`` (top-level) was computed from."""
    urns = set(as_list(r.dependencies.get(key)))
    return [x for x in stack.resources if x.urn in urns]


def _arn_region(arn: Any) -> str | None:
    return arn.split(":")[3] if isinstance(arn, str) and arn.startswith("arn:") and arn.count(":") >= 5 else None


def _everything(stack: StackView) -> Iterable[Resource]:
    yield from stack.resources
    for peer in stack.peers:
        yield from peer.resources


@stack_rule("COKO-DEPLOY-028", severity="critical",
            anchor=f"{API}/AmazonRDS/latest/UserGuide/rds-secrets-manager.html#rds-secrets-manager-limitations",
            remediation="Keep manage_master_user_password off on a replicated source (rotate the master password yourself), or drop the replica.",
            unknowns="Sources are matched by identifier or ARN in the checked stacks (`coko check` sees both; CrossGuard only the current stack).")
def replica_of_managed_password(stack: StackView) -> Iterator[tuple[str, str]]:
    """No read replica of a source whose master password RDS manages in Secrets Manager"""
    sources = [r for r in _everything(stack) if r.type == RDS_INSTANCE]
    for replica in stack.of_type(RDS_INSTANCE):
        ref = replica.get("replicateSourceDb")
        if not isinstance(ref, str) or not ref or unknown(ref):
            continue
        for source in sources:
            ident = source.get("identifier")
            same = ref in (ident, source.name) or (isinstance(ident, str) and ref.endswith(f":db:{ident}"))
            if same and truthy(source.get("manageMasterUserPassword")):
                yield replica.urn, f"replicates {ref}, whose master password is RDS-managed (manageMasterUserPassword): RDS refuses the replica"


@stack_rule("COKO-DEPLOY-029", severity="critical",
            anchor=f"{API}/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html#https-requirements-certificate-issuer; {API}/waf/latest/APIReference/API_CreateWebACL.html (Scope CLOUDFRONT)",
            remediation='Create the viewer certificate and the web ACL with region="us-east-1" (scope CLOUDFRONT).',
            unknowns="Known ARNs are read directly; unknown ones are followed to the resource they come from.")
def cloudfront_edge_region(stack: StackView) -> Iterator[tuple[str, str]]:
    """CloudFront's certificate and WAF web ACL are in us-east-1 (ACM ARN region, CLOUDFRONT-scope ACL)"""
    for dist in stack.of_type(DISTRIBUTION):
        arn = dist.get("viewerCertificate.acmCertificateArn")
        region = _arn_region(arn)
        if region and region != EDGE_REGION:
            yield dist.urn, f"viewer certificate {arn} is in {region}"
        for cert in (c for c in _depends_on(dist, "viewerCertificate", stack) if c.type == CERTIFICATE and c.region not in (None, EDGE_REGION)):
            yield dist.urn, f"viewer certificate {cert.name} is created in {cert.region}"
        acl_arn = dist.get("webAclId")
        if isinstance(acl_arn, str) and acl_arn.startswith("arn:") and (_arn_region(acl_arn) != EDGE_REGION or ":global/" not in acl_arn):
            yield dist.urn, f"web ACL {acl_arn} is not a us-east-1 global (CLOUDFRONT) ACL"
        for acl in (a for a in _depends_on(dist, "webAclId", stack) if a.type == WEB_ACL):
            if acl.region not in (None, EDGE_REGION) or (acl.get("scope") not in (None, "CLOUDFRONT") and not unknown(acl.get("scope"))):
                yield dist.urn, f"web ACL {acl.name} has scope {acl.get('scope')!r} in {acl.region}"


@stack_rule("COKO-DEPLOY-030", severity="high",
            anchor=f"{API}/AmazonCloudFront/latest/DeveloperGuide/standard-logging-legacy-s3.html#access-logs-choosing-s3-bucket",
            remediation="Put the CloudFront log bucket in us-east-1 (or another Region enabled by default), never af-south-1.",
            unknowns="The bucket is found through the logging input's dependency, or its regional domain name.")
def cloudfront_log_region(stack: StackView) -> Iterator[tuple[str, str]]:
    """CloudFront standard logs do not go to a bucket in an opt-in Region"""
    for dist in stack.of_type(DISTRIBUTION):
        domain = dist.get("loggingConfig.bucket")
        named = re.search(r"\.s3[.-]([a-z0-9-]+)\.amazonaws\.com", domain) if isinstance(domain, str) else None
        regions = {named.group(1)} if named else set()
        regions |= {b.region for b in _depends_on(dist, "loggingConfig", stack) if b.type in BUCKETS and b.region}
        for region in sorted(regions & NO_CLOUDFRONT_LOGS):
            yield dist.urn, f"standard logs go to a bucket in {region}, where CloudFront does not deliver logs"


def _policies(r: Resource) -> list[Any]:
    keys = ("policy", "assumeRolePolicy") if r.type != KMS_KEY else ("policy",)
    return [parse_json(r.get(k)) for k in keys]


@stack_rule("COKO-DEPLOY-031", severity="high",
            anchor=f"{API}/AmazonS3/latest/userguide/bucket-key.html#bucket-key-changes (encryption context becomes the bucket ARN); {API}/AmazonS3/latest/userguide/replication-config-for-kms-objects.html",
            remediation='With bucket_key_enabled, match kms:EncryptionContext:aws:s3:arn against "arn:aws:s3:::<bucket>" (not only "<bucket>/*").')
def bucket_key_context(stack: StackView) -> Iterator[tuple[str, str]]:
    """KMS conditions on the S3 encryption context name the bucket ARN when Bucket Keys are on"""
    bucket_keys = any(
        truthy(get(rule_, "bucketKeyEnabled"))
        for sse in stack.resources
        if "bucketServerSideEncryptionConfiguration" in sse.type
        for rule_ in as_list(sse.get("rules"))
        if isinstance(rule_, dict)
    )
    if not bucket_keys:
        return
    for r in stack.resources:
        for document in _policies(r):
            for st in statements(document):
                for operator in (st.get("Condition") or {}).values():
                    values = [v for v in as_list((operator or {}).get(S3_CONTEXT)) if isinstance(v, str) and not unknown(v)]
                    if values and all(v.endswith("/*") for v in values):
                        yield r.urn, f"{S3_CONTEXT} only matches object ARNs ({', '.join(values)}); with Bucket Keys S3 sends the bucket ARN"


@stack_rule("COKO-DEPLOY-032", severity="high",
            anchor=f"{API}/acm/latest/userguide/dns-validation.html; {API}/elasticloadbalancing/latest/application/https-listener-certificates.html (certificate must be issued)",
            remediation="Pass the certificate_arn of an aws.acm.CertificateValidation (which waits for ISSUED), or a pre-issued certificate ARN from config.",
            unknowns="At preview the ARN is unknown: the input's dependencies tell whether it comes from a CertificateValidation.")
def certificate_validated(stack: StackView) -> Iterator[tuple[str, str]]:
    """Listeners and distributions use a certificate only once it is validated (or an imported, issued ARN)"""
    users = [(r, "certificateArn") for r in stack.resources if r.type in CERTIFIED_LISTENERS] + [(d, "viewerCertificate") for d in stack.of_type(DISTRIBUTION)]
    for r, key in users:
        sources = _depends_on(r, key, stack)
        certs = [s for s in sources if s.type == CERTIFICATE]
        if certs and not any(s.type == CERTIFICATE_VALIDATION for s in sources):
            yield r.urn, f"{key} comes from {certs[0].name} directly, which is still PENDING_VALIDATION when first created"


@rule("COKO-DEPLOY-033", [RDS_INSTANCE], severity="high",
      anchor=f"{API}/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.PostgreSQL.Minor.html; terraform-provider-aws docs (engine_version with auto_minor_version_upgrade)",
      remediation='Pin the major only (engine_version="15") or set auto_minor_version_upgrade=False and upgrade deliberately.')
def version_pin(r: Resource) -> list[str]:
    """The engine version is not pinned to a minor/patch level while automatic minor upgrades are on"""
    version, engine = r.get("engineVersion"), r.get("engine")
    if not isinstance(version, str) or unknown(version) or r.get("replicateSourceDb"):
        return []
    auto = r.get("autoMinorVersionUpgrade")
    if unknown(auto) or auto is False or (isinstance(auto, str) and auto.lower() == "false"):
        return []
    minor_parts = 2 if engine in (None, "postgres") else 3  # PostgreSQL 10+: X.Y is a minor; MySQL/MariaDB: X.Y.Z
    if len(version.split(".")) >= minor_parts:
        return [f"engineVersion {version!r} with autoMinorVersionUpgrade on: after AWS upgrades the instance, the next update tries to downgrade"]
    return []
