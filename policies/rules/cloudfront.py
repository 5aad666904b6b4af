"""CloudFront: the readers' front door from Dakar to Nairobi; HTTPS everywhere, WAF, headers, logs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..framework import Resource, Spec, StackView, as_list, register, rule, stack_rule, unknown
from ._util import EDGE_REGION, present
from .resource_types import CERTIFICATE, DISTRIBUTION, RESPONSE_HEADERS_POLICY, WEB_ACL

MIN_TLS = {"TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"}

SETTINGS = (
    Spec("COKO-CF-003", [DISTRIBUTION], present("webAclId"),
         "A WAF web ACL is attached", "high",
         "cdk-nag AwsSolutions-CFR2; checkov CKV_AWS_68",
         "Set web_acl_id to the ARN of the CLOUDFRONT-scope wafv2 WebAcl (created in us-east-1).",
         unknowns="An unknown webAclId (the ACL is created in the same run) counts as attached."),
    Spec("COKO-CF-004", [DISTRIBUTION], present("loggingConfig.bucket"),
         "Access logging is on", "medium",
         "cdk-nag AwsSolutions-CFR3; checkov CKV_AWS_86",
         "Set logging_config.bucket to a log bucket in a non-opt-in region (CloudFront cannot log to af-south-1)."),
)
register(__name__, SETTINGS)


def behaviours(r: Resource) -> list[tuple[str, dict[str, Any]]]:
    found = [("defaultCacheBehavior", r.get("defaultCacheBehavior"))]
    found += [(f"orderedCacheBehaviors[{b.get('pathPattern', i) if isinstance(b, dict) else i}]", b) for i, b in enumerate(as_list(r.get("orderedCacheBehaviors")))]
    return [(label, b) for label, b in found if isinstance(b, dict)]


@rule("COKO-CF-001", [DISTRIBUTION], severity="high",
      anchor="cdk-nag AwsSolutions-CFR4; checkov CKV_AWS_174",
      remediation='Set viewer_certificate.minimum_protocol_version="TLSv1.2_2021" with an ACM certificate (sni-only).')
def min_tls(r: Resource) -> list[str]:
    """Viewers need TLS 1.2 (TLSv1.2_2021 or later)"""
    value = r.get("viewerCertificate.minimumProtocolVersion")
    if unknown(value) or value in MIN_TLS:
        return []
    return [f"viewerCertificate.minimumProtocolVersion is {value!r}"]


@rule("COKO-CF-002", [DISTRIBUTION], severity="high",
      anchor="checkov CKV_AWS_34",
      remediation='Set viewer_protocol_policy="redirect-to-https" (or "https-only") on the default and every ordered behaviour.')
def https_viewers(r: Resource) -> list[str]:
    """Every cache behaviour redirects viewers to HTTPS"""
    return [
        f"{label}.viewerProtocolPolicy is {b.get('viewerProtocolPolicy')!r}"
        for label, b in behaviours(r)
        if not unknown(b.get("viewerProtocolPolicy")) and b.get("viewerProtocolPolicy") not in ("redirect-to-https", "https-only")
    ]


@rule("COKO-CF-005", [DISTRIBUTION], severity="high",
      anchor="cdk-nag AwsSolutions-CFR7",
      remediation="Create an aws.cloudfront.OriginAccessControl (s3, sigv4, always) and set origin_access_control_id on the S3 origin.")
def s3_oac(r: Resource) -> list[str]:
    """S3 origins are reached through Origin Access Control"""
    problems = []
    for origin in as_list(r.get("origins")):
        if not isinstance(origin, dict):
            continue
        domain = origin.get("domainName")
        is_s3 = "s3OriginConfig" in origin or (isinstance(domain, str) and ".s3." in domain and not unknown(domain))
        if is_s3 and not origin.get("originAccessControlId"):
            problems.append(f"S3 origin {origin.get('originId')!r} has no originAccessControlId")
    return problems


@rule("COKO-CF-006", [DISTRIBUTION], severity="medium",
      anchor="checkov CKV2_AWS_32; seed checklist 'Headers de sécurité configurés'",
      remediation="Set response_headers_policy_id on the default and every ordered behaviour (HSTS, nosniff, frame options).")
def headers_policy(r: Resource) -> list[str]:
    """Every cache behaviour adds the security-headers policy"""
    return [f"{label} has no responseHeadersPolicyId" for label, b in behaviours(r) if not b.get("responseHeadersPolicyId")]


@rule("COKO-CF-007", [DISTRIBUTION], severity="high",
      anchor="cdk-nag AwsSolutions-CFR5",
      remediation='Set custom_origin_config.origin_protocol_policy="https-only" and origin_ssl_protocols=["TLSv1.2"].')
def origin_https(r: Resource) -> list[str]:
    """Custom origins are reached over HTTPS with TLS 1.2 only"""
    problems = []
    for origin in as_list(r.get("origins")):
        config = origin.get("customOriginConfig") if isinstance(origin, dict) else None
        if not isinstance(config, dict):
            continue
        name = origin.get("originId")
        if config.get("originProtocolPolicy") != "https-only" and not unknown(config.get("originProtocolPolicy")):
            problems.append(f"origin {name!r} originProtocolPolicy is {config.get('originProtocolPolicy')!r}")
        protocols = config.get("originSslProtocols")
        if not unknown(protocols) and set(as_list(protocols)) - {"TLSv1.2"}:
            problems.append(f"origin {name!r} allows {sorted(set(as_list(protocols)) - {'TLSv1.2'})}")
    return problems


@rule("COKO-CF-008", [RESPONSE_HEADERS_POLICY], severity="medium",
      anchor="seed nginx config (Strict-Transport-Security max-age=31536000; includeSubDomains); checkov CKV2_AWS_32",
      remediation="Set security_headers_config with strict_transport_security (max-age >= 31536000, include_subdomains, override), content_type_options and frame_options.")
def security_headers(r: Resource) -> list[str]:
    """The security-headers policy sends HSTS, nosniff and frame options"""
    config = r.get("securityHeadersConfig")
    if unknown(config):
        return []
    if not isinstance(config, dict):
        return ["securityHeadersConfig is not set"]
    problems = [f"securityHeadersConfig.{key} is not set" for key in ("strictTransportSecurity", "contentTypeOptions", "frameOptions") if not config.get(key)]
    hsts = config.get("strictTransportSecurity")
    if isinstance(hsts, dict) and not unknown(hsts.get("accessControlMaxAgeSec")) and float(hsts.get("accessControlMaxAgeSec") or 0) < 31536000:
        problems.append("HSTS max-age is shorter than one year")
    return problems


def _arn_region(value: Any) -> str | None:
    if not isinstance(value, str) or not value.startswith("arn:"):
        return None
    parts = value.split(":")
    return parts[3] if len(parts) > 3 else None


@stack_rule("COKO-CF-009", severity="high",
            anchor="AWS CloudFront requirement (us-east-1 for ACM and CLOUDFRONT WAF); design §4",
            remediation='Create the WebAcl with scope="CLOUDFRONT" and the ACM certificate with region="us-east-1" (pulumi-aws 7 per-resource region).',
            unknowns="At preview the ACL/certificate ARNs are unknown: the stack must then contain a CLOUDFRONT-scope ACL and a certificate in us-east-1.")
def edge_region(stack: StackView) -> Iterator[tuple[str, str]]:
    """CloudFront's WAF ACL and certificate live in us-east-1 (CLOUDFRONT scope)"""
    acls = [a for a in stack.of_type(WEB_ACL) if a.get("scope") == "CLOUDFRONT"]
    certs = stack.of_type(CERTIFICATE)
    for dist in stack.of_type(DISTRIBUTION):
        acl = dist.get("webAclId")
        if acl and not unknown(acl):
            region = _arn_region(acl)
            if region is not None and region != EDGE_REGION:
                yield dist.urn, f"webAclId is in {region}, not {EDGE_REGION}"
        if acl and unknown(acl) and not any(a.region == EDGE_REGION for a in acls):
            yield dist.urn, f"no CLOUDFRONT-scope WebAcl in {EDGE_REGION} in this stack"
        cert = dist.get("viewerCertificate.acmCertificateArn")
        if cert and not unknown(cert):
            region = _arn_region(cert)
            if region is not None and region != EDGE_REGION:
                yield dist.urn, f"viewer certificate is in {region}, not {EDGE_REGION}"
        elif cert and not any(c.region == EDGE_REGION for c in certs):
            yield dist.urn, f"no ACM certificate in {EDGE_REGION} in this stack"
    for acl_resource in acls:
        if acl_resource.region and not unknown(acl_resource.region) and acl_resource.region != EDGE_REGION:
            yield acl_resource.urn, f"CLOUDFRONT-scope WebAcl is in {acl_resource.region}, not {EDGE_REGION}"


@rule("COKO-ACM-001", [CERTIFICATE], severity="medium",
      anchor="AWS ACM best practice (managed renewal needs DNS validation)",
      remediation='Set validation_method="DNS" and create the Route53 validation records plus aws.acm.CertificateValidation.')
def dns_validation(r: Resource) -> list[str]:
    """Certificates validate through DNS (renewed automatically)"""
    method = r.get("validationMethod")
    if unknown(method) or method == "DNS" or r.get("certificateAuthorityArn") or r.get("privateKey"):
        return []
    return [f"validationMethod is {method!r}"]
