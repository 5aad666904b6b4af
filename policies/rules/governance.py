"""Tags and regions: who owns what, and data only where the platform is allowed to run."""

from __future__ import annotations

from ..framework import ANY_AWS, Resource, rule, unknown
from ..taggable import is_taggable
from ._util import EDGE_REGION
from .resource_types import CERTIFICATE, CERTIFICATE_VALIDATION, DISTRIBUTION, LOG_GROUP, RESPONSE_HEADERS_POLICY, WEB_ACL, WEB_ACL_LOGGING

REQUIRED_TAGS = ("Project", "Stack", "RegionRole", "Owner")
ALLOWED_REGIONS = {"eu-west-3", "af-south-1"}
# Resources that must (or may) live in us-east-1 because CloudFront only reads them there.
EDGE_TYPES = {
    CERTIFICATE,
    CERTIFICATE_VALIDATION,
    WEB_ACL,
    WEB_ACL_LOGGING,
    DISTRIBUTION,
    RESPONSE_HEADERS_POLICY,
    "aws:cloudfront/originAccessControl:OriginAccessControl",
    "aws:cloudfront/cachePolicy:CachePolicy",
    "aws:cloudfront/originRequestPolicy:OriginRequestPolicy",
    "aws:cloudfront/function:Function",
}
# Global services: the provider reports its region, but nothing is stored there.
GLOBAL_PREFIXES = ("aws:iam/", "aws:route53/", "aws:cloudfront/")


def _edge(r: Resource) -> bool:
    if r.type in (WEB_ACL, "aws:wafv2/ipSet:IpSet"):  # an IP set a CLOUDFRONT ACL references lives beside it
        return r.get("scope") == "CLOUDFRONT"
    if r.type == LOG_GROUP:
        name = r.get("name")
        return isinstance(name, str) and name.startswith("aws-waf-logs-")
    if r.type.startswith(("aws:kms/key:", "aws:kms/alias:")):
        return "edge" in r.name  # the key that encrypts the us-east-1 WAF log group (COKO-LOG-003)
    if r.type.startswith("aws:s3/"):
        return "cdn-logs" in r.name  # CloudFront logs cannot go to an opt-in Region (COKO-DEPLOY-030)
    return r.type in EDGE_TYPES


@rule("COKO-TAG-001", [ANY_AWS], severity="low",
      anchor="awsguard (tagging); AWS tagging best practice; design §6 required tags",
      remediation="Pass the stack's tags (StackConfig.tags) to every taggable resource; components take them as an argument.",
      unknowns="An unknown tags map is skipped; taggable = the pulumi-aws 7.51 input schema has `tags` (policies/taggable_types.txt).")
def required_tags(r: Resource) -> list[str]:
    """Taggable resources carry Project, Stack, RegionRole and Owner"""
    if not is_taggable(r.type):
        return []
    tags = r.get("tags")
    if unknown(tags):
        return []
    present = tags if isinstance(tags, dict) else {}
    missing = [t for t in REQUIRED_TAGS if not present.get(t)]
    return [f"missing tag(s) {', '.join(missing)}"] if missing else []


@rule("COKO-REG-001", [ANY_AWS], severity="high",
      anchor="design §6 allowed regions; seed 'Stratégie Multi-Région'",
      remediation='Remove region= overrides; only ACM certificates for CloudFront, CLOUDFRONT WAF ACLs, their IP sets, their logging and its edge KMS key, and the CloudFront log bucket use region="us-east-1".',
      unknowns="Resources without a region (components, non-AWS) and unknown regions are skipped.")
def allowed_region(r: Resource) -> list[str]:
    """Resources live in eu-west-3 or af-south-1 (us-east-1 only for CloudFront's edge resources)"""
    region = r.region
    if not region or unknown(region) or region in ALLOWED_REGIONS:
        return []
    if region == EDGE_REGION and (_edge(r) or r.type.startswith(GLOBAL_PREFIXES)):
        return []
    return [f"{r.type} is in {region}"]
