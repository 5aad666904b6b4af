"""OpenSearch: the catalogue search index; private, encrypted, TLS 1.2, with its own access control."""

from __future__ import annotations

from ..framework import Resource, as_list, rule, unknown
from ._util import off, truthy

DOMAIN = "aws:opensearch/domain:Domain"
TLS12_POLICIES = {"Policy-Min-TLS-1-2-2019-07", "Policy-Min-TLS-1-2-PFS-2023-10"}


@rule(
    "COKO-OS-001",
    types=[DOMAIN],
    title="OpenSearch encrypts data at rest",
    severity="high",
    anchor="checkov CKV_AWS_5; awsguard elasticsearch-encrypted-at-rest",
    remediation="Set encrypt_at_rest.enabled=True with the stack's KMS key.",
)
def at_rest(r: Resource) -> list[str]:
    return off(r, "encryptAtRest.enabled")


@rule(
    "COKO-OS-002",
    types=[DOMAIN],
    title="OpenSearch encrypts node-to-node traffic",
    severity="high",
    anchor="cdk-nag AwsSolutions-OS2; checkov CKV_AWS_6",
    remediation="Set node_to_node_encryption.enabled=True.",
)
def node_to_node(r: Resource) -> list[str]:
    return off(r, "nodeToNodeEncryption.enabled")


@rule(
    "COKO-OS-003",
    types=[DOMAIN],
    title="OpenSearch enforces HTTPS",
    severity="high",
    anchor="checkov CKV_AWS_83",
    remediation="Set domain_endpoint_options.enforce_https=True.",
)
def https(r: Resource) -> list[str]:
    return off(r, "domainEndpointOptions.enforceHttps")


@rule(
    "COKO-OS-004",
    types=[DOMAIN],
    title="OpenSearch requires TLS 1.2 or later",
    severity="high",
    anchor="checkov CKV_AWS_228",
    remediation='Set domain_endpoint_options.tls_security_policy="Policy-Min-TLS-1-2-PFS-2023-10".',
)
def tls_policy(r: Resource) -> list[str]:
    value = r.get("domainEndpointOptions.tlsSecurityPolicy")
    if unknown(value) or value in TLS12_POLICIES:
        return []
    return [f"domainEndpointOptions.tlsSecurityPolicy is {value!r}"]


@rule(
    "COKO-OS-005",
    types=[DOMAIN],
    title="OpenSearch lives inside the VPC",
    severity="critical",
    anchor="cdk-nag AwsSolutions-OS1; checkov CKV_AWS_137; awsguard elasticsearch-in-vpc-only",
    remediation="Set vpc_options with the data subnets and a dedicated security group.",
)
def in_vpc(r: Resource) -> list[str]:
    subnets = r.get("vpcOptions.subnetIds")
    if unknown(subnets) or as_list(subnets):
        return []
    return ["no vpcOptions.subnetIds: the domain has a public endpoint"]


@rule(
    "COKO-OS-006",
    types=[DOMAIN],
    title="OpenSearch has fine-grained access control",
    severity="medium",
    anchor="checkov CKV2_AWS_52; cdk-nag AwsSolutions-OS3/OS5",
    remediation="Set advanced_security_options.enabled=True (internal user database off, IAM master).",
)
def fine_grained(r: Resource) -> list[str]:
    return off(r, "advancedSecurityOptions.enabled")


@rule(
    "COKO-OS-007",
    types=[DOMAIN],
    title="OpenSearch publishes error and slow logs",
    severity="low",
    enforcement="advisory",
    anchor="cdk-nag AwsSolutions-OS9; checkov CKV_AWS_84",
    remediation="Add log_publishing_options for ES_APPLICATION_LOGS and SEARCH_SLOW_LOGS to a CloudWatch log group.",
)
def logs(r: Resource) -> list[str]:
    options = r.get("logPublishingOptions")
    if unknown(options):
        return []
    enabled = {o.get("logType") for o in as_list(options) if isinstance(o, dict) and (o.get("enabled") is None or truthy(o.get("enabled")))}
    return [] if "ES_APPLICATION_LOGS" in enabled else ["ES_APPLICATION_LOGS are not published"]
