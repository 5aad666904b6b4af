"""Application Load Balancer: the only public entry besides CloudFront; TLS and strict HTTP parsing."""

from __future__ import annotations

from ..framework import Resource, Spec, as_list, register, rule, unknown
from ._util import enabled, is_false, truthy
from .resource_types import LISTENERS, LOAD_BALANCERS, TARGET_GROUPS

# ELB security policies that refuse TLS 1.0/1.1.
TLS12_POLICIES_PREFIX = ("ELBSecurityPolicy-TLS13-", "ELBSecurityPolicy-TLS-1-2-", "ELBSecurityPolicy-FS-1-2-")

def _application(r: Resource) -> bool:
    return r.get("loadBalancerType") in (None, "application")


SETTINGS = (
    Spec("COKO-ALB-001", LOAD_BALANCERS, enabled("dropInvalidHeaderFields", when=_application),
         "The ALB drops invalid HTTP header fields", "medium",
         "checkov CKV_AWS_131; terraform-aws-modules/alb secure default",
         "Set drop_invalid_header_fields=True (request smuggling defence)."),
    Spec("COKO-ALB-003", LOAD_BALANCERS, enabled("enableDeletionProtection"),
         "ALB deletion protection is on", "medium",
         "checkov CKV_AWS_150",
         "Set enable_deletion_protection=True."),
)
register(__name__, SETTINGS)


@rule("COKO-ALB-002", LOAD_BALANCERS, severity="medium",
      anchor="cdk-nag AwsSolutions-ELB2; checkov CKV_AWS_91; awsguard elb-logging-enabled",
      remediation="Set access_logs={bucket: <log bucket>, enabled: True}.")
def access_logs(r: Resource) -> list[str]:
    """ALB access logs are on"""
    enabled = r.get("accessLogs.enabled")
    if unknown(enabled) or (truthy(enabled) and r.get("accessLogs.bucket")):
        return []
    return ["accessLogs are not enabled"]


@rule("COKO-ALB-004", LISTENERS, severity="high",
      anchor="checkov CKV_AWS_2, CKV2_AWS_20",
      remediation='Give the port-80 listener one default action {type: "redirect", redirect: {protocol: "HTTPS", port: "443", statusCode: "HTTP_301"}}.')
def http_redirects(r: Resource) -> list[str]:
    """Plain-HTTP listeners only redirect to HTTPS"""
    protocol = r.get("protocol")
    if unknown(protocol) or str(protocol or "HTTP").upper() != "HTTP":
        return []
    actions = r.get("defaultActions")
    if unknown(actions):
        return []
    problems = []
    for action in as_list(actions):
        if not isinstance(action, dict):
            continue
        if action.get("type") == "redirect" and str(action.get("redirect", {}).get("protocol", "")).upper() == "HTTPS":
            continue
        if action.get("type") == "fixed-response":
            continue
        problems.append(f"HTTP listener default action {action.get('type')!r} serves traffic unencrypted")
    return problems


@rule("COKO-ALB-005", LISTENERS, severity="high",
      anchor="checkov CKV_AWS_103",
      remediation='Set ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06" and certificate_arn.')
def tls_policy(r: Resource) -> list[str]:
    """HTTPS listeners use a TLS 1.2+ security policy and a certificate"""
    if str(r.get("protocol") or "").upper() != "HTTPS":
        return []
    policy = r.get("sslPolicy")
    problems = []
    if not unknown(policy) and not (isinstance(policy, str) and policy.startswith(TLS12_POLICIES_PREFIX)):
        problems.append(f"sslPolicy is {policy!r}")
    if not r.get("certificateArn"):
        problems.append("certificateArn is not set")
    return problems


@rule("COKO-ALB-006", TARGET_GROUPS, severity="medium",
      anchor="checkov CKV_AWS_261",
      remediation='Set health_check={enabled: True, path: "/health/", matcher: "200"}.')
def health_check(r: Resource) -> list[str]:
    """Target groups health-check the app's liveness path"""
    if r.get("targetType") == "lambda":
        return []
    enabled, path = r.get("healthCheck.enabled"), r.get("healthCheck.path")
    if is_false(enabled) and enabled is not None:
        return ["healthCheck.enabled is false"]
    return [] if unknown(path) or (isinstance(path, str) and path) else ["healthCheck.path is not set"]


