"""OpenSearch: the catalogue search index; private, encrypted, TLS 1.2, with its own access control."""

from __future__ import annotations

from ..framework import Resource, Spec, as_list, register, rule, unknown
from ._util import enabled, truthy
from .resource_types import OPENSEARCH_DOMAIN

TLS12_POLICIES = {"Policy-Min-TLS-1-2-2019-07", "Policy-Min-TLS-1-2-PFS-2023-10"}

SETTINGS = (
    Spec("COKO-OS-001", [OPENSEARCH_DOMAIN], enabled("encryptAtRest.enabled"),
         "OpenSearch encrypts data at rest", "high",
         "checkov CKV_AWS_5; awsguard elasticsearch-encrypted-at-rest",
         "Set encrypt_at_rest.enabled=True with the stack's KMS key."),
    Spec("COKO-OS-002", [OPENSEARCH_DOMAIN], enabled("nodeToNodeEncryption.enabled"),
         "OpenSearch encrypts node-to-node traffic", "high",
         "cdk-nag AwsSolutions-OS2; checkov CKV_AWS_6",
         "Set node_to_node_encryption.enabled=True."),
    Spec("COKO-OS-003", [OPENSEARCH_DOMAIN], enabled("domainEndpointOptions.enforceHttps"),
         "OpenSearch enforces HTTPS", "high",
         "checkov CKV_AWS_83",
         "Set domain_endpoint_options.enforce_https=True."),
    Spec("COKO-OS-006", [OPENSEARCH_DOMAIN], enabled("advancedSecurityOptions.enabled"),
         "OpenSearch has fine-grained access control", "medium",
         "checkov CKV2_AWS_52; cdk-nag AwsSolutions-OS3/OS5",
         "Set advanced_security_options.enabled=True (internal user database off, IAM master)."),
)
register(__name__, SETTINGS)


@rule("COKO-OS-004", [OPENSEARCH_DOMAIN], severity="high",
      anchor="checkov CKV_AWS_228",
      remediation='Set domain_endpoint_options.tls_security_policy="Policy-Min-TLS-1-2-PFS-2023-10".')
def tls_policy(r: Resource) -> list[str]:
    """OpenSearch requires TLS 1.2 or later"""
    value = r.get("domainEndpointOptions.tlsSecurityPolicy")
    if unknown(value) or value in TLS12_POLICIES:
        return []
    return [f"domainEndpointOptions.tlsSecurityPolicy is {value!r}"]


@rule("COKO-OS-005", [OPENSEARCH_DOMAIN], severity="critical",
      anchor="cdk-nag AwsSolutions-OS1; checkov CKV_AWS_137; awsguard elasticsearch-in-vpc-only",
      remediation="Set vpc_options with the data subnets and a dedicated security group.")
def in_vpc(r: Resource) -> list[str]:
    """OpenSearch lives inside the VPC"""
    subnets = r.get("vpcOptions.subnetIds")
    if unknown(subnets) or as_list(subnets):
        return []
    return ["no vpcOptions.subnetIds: the domain has a public endpoint"]


@rule("COKO-OS-007", [OPENSEARCH_DOMAIN], severity="low", enforcement="advisory",
      anchor="cdk-nag AwsSolutions-OS9; checkov CKV_AWS_84",
      remediation="Add log_publishing_options for ES_APPLICATION_LOGS and SEARCH_SLOW_LOGS to a CloudWatch log group.")
def logs(r: Resource) -> list[str]:
    """OpenSearch publishes error and slow logs"""
    options = r.get("logPublishingOptions")
    if unknown(options):
        return []
    enabled = {o.get("logType") for o in as_list(options) if isinstance(o, dict) and (o.get("enabled") is None or truthy(o.get("enabled")))}
    return [] if "ES_APPLICATION_LOGS" in enabled else ["ES_APPLICATION_LOGS are not published"]
