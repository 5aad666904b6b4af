"""One passing and one failing minimal input per rule: the table every rule must appear in."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from policies.framework import Resource, StackView
from policies.rules import resource_types as t
from policies.rules.data import SECRET_VERSION, SNS_TOPIC
from policies.rules.ecs import CLUSTER as ECS_CLUSTER
from policies.rules.iam import ATTACHMENT
from policies.rules.network import DEFAULT_SG, INGRESS_RULE, SUBNET, VPC
from policies.rules.rds import PARAMETER_GROUP

TAGS = {"Project": "coko", "Stack": "production", "RegionRole": "primary", "Owner": "platform"}
PARENT = "urn:pulumi:production::coko::coko:x:Component::parent"


def res(type_: str, inputs: dict[str, Any] | None = None, name: str = "coko-production-x", region: str | None = "eu-west-3", parent: str = PARENT) -> Resource:
    return Resource(type_, name, f"urn:pulumi:production::coko::{type_}::{name}", region, inputs or {}, parent)


@dataclass(frozen=True)
class Case:
    passing: Resource | StackView
    failing: Resource | StackView


def stack(*resources: Resource) -> StackView:
    return StackView("production", resources)


def containers(**extra: Any) -> str:
    base = {"name": "backend", "image": "x@sha256:1", "logConfiguration": {"logDriver": "awslogs"}, "secrets": [{"name": "SECRET_KEY", "valueFrom": "arn"}]}
    return json.dumps([{**base, **extra}])


def policy(statement: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


# S3 companion types: the rules name them as tuples (policies/rules/s3.py, with V2 aliases); one spelling here.
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
OWN = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
VER = "aws:s3/bucketVersioning:BucketVersioning"
BPOL = "aws:s3/bucketPolicy:BucketPolicy"

BEHAVIOUR = {"viewerProtocolPolicy": "redirect-to-https", "responseHeadersPolicyId": "rhp"}
HEADERS = {"strictTransportSecurity": {"accessControlMaxAgeSec": 31536000, "includeSubdomains": True, "override": True}, "contentTypeOptions": {"override": True}, "frameOptions": {"frameOption": "DENY", "override": True}}
MANAGED = [{"name": n, "statement": {"managedRuleGroupStatement": {"name": n, "vendorName": "AWS"}}} for n in ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesSQLiRuleSet")]
RATE = [{"name": "rate", "statement": {"rateBasedStatement": {"limit": 2000, "aggregateKeyType": "IP"}}}]
ORIGIN = {"originId": "alb", "domainName": "api.coko.africa", "customOriginConfig": {"originProtocolPolicy": "https-only", "originSslProtocols": ["TLSv1.2"]}}
S3_ORIGIN = {"originId": "media", "domainName": "media.s3.eu-west-3.amazonaws.com"}
TLS_DENY = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
TRUST = {"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}
B = "coko-production-media"

CASES: dict[str, Case] = {
    "COKO-RDS-001": Case(res(t.RDS_INSTANCE, {"storageEncrypted": True}), res(t.RDS_INSTANCE, {"storageEncrypted": False})),
    "COKO-RDS-002": Case(res(t.RDS_INSTANCE, {"publiclyAccessible": False}), res(t.RDS_INSTANCE, {"publiclyAccessible": True})),
    "COKO-RDS-003": Case(res(t.RDS_INSTANCE, {"multiAz": True, "tags": TAGS}), res(t.RDS_INSTANCE, {"multiAz": False, "tags": TAGS})),
    "COKO-RDS-004": Case(res(t.RDS_INSTANCE, {"backupRetentionPeriod": 7}), res(t.RDS_INSTANCE, {"backupRetentionPeriod": 1})),
    "COKO-RDS-005": Case(res(t.RDS_INSTANCE, {"deletionProtection": True}), res(t.RDS_INSTANCE, {"deletionProtection": False})),
    "COKO-RDS-006": Case(res(t.RDS_INSTANCE, {"password": "[secret]"}), res(t.RDS_INSTANCE, {"password": "hunter2"})),
    "COKO-RDS-007": Case(res(t.RDS_INSTANCE, {"enabledCloudwatchLogsExports": ["postgresql"]}), res(t.RDS_INSTANCE, {"enabledCloudwatchLogsExports": []})),
    "COKO-RDS-008": Case(res(t.RDS_INSTANCE, {"monitoringInterval": 60}), res(t.RDS_INSTANCE, {"monitoringInterval": 0})),
    "COKO-RDS-009": Case(res(PARAMETER_GROUP, {"family": "postgres15", "parameters": [{"name": "rds.force_ssl", "value": "1"}]}), res(PARAMETER_GROUP, {"family": "postgres15", "parameters": []})),
    "COKO-REDIS-001": Case(res(t.REPLICATION_GROUP, {"atRestEncryptionEnabled": True}), res(t.REPLICATION_GROUP, {"atRestEncryptionEnabled": False})),
    "COKO-REDIS-002": Case(res(t.REPLICATION_GROUP, {"transitEncryptionEnabled": True}), res(t.REPLICATION_GROUP, {"transitEncryptionEnabled": False})),
    "COKO-REDIS-003": Case(res(t.REPLICATION_GROUP, {"authToken": "[secret]"}), res(t.REPLICATION_GROUP, {})),
    "COKO-REDIS-004": Case(res(t.REPLICATION_GROUP, {"automaticFailoverEnabled": True, "multiAzEnabled": True}), res(t.REPLICATION_GROUP, {"automaticFailoverEnabled": True})),
    "COKO-REDIS-005": Case(res(t.REPLICATION_GROUP, {"subnetGroupName": "coko-data"}), res(t.REPLICATION_GROUP, {})),
    "COKO-OS-001": Case(res(t.OPENSEARCH_DOMAIN, {"encryptAtRest": {"enabled": True}}), res(t.OPENSEARCH_DOMAIN, {"encryptAtRest": {"enabled": False}})),
    "COKO-OS-002": Case(res(t.OPENSEARCH_DOMAIN, {"nodeToNodeEncryption": {"enabled": True}}), res(t.OPENSEARCH_DOMAIN, {})),
    "COKO-OS-003": Case(res(t.OPENSEARCH_DOMAIN, {"domainEndpointOptions": {"enforceHttps": True}}), res(t.OPENSEARCH_DOMAIN, {"domainEndpointOptions": {"enforceHttps": False}})),
    "COKO-OS-004": Case(res(t.OPENSEARCH_DOMAIN, {"domainEndpointOptions": {"tlsSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"}}), res(t.OPENSEARCH_DOMAIN, {"domainEndpointOptions": {"tlsSecurityPolicy": "Policy-Min-TLS-1-0-2019-07"}})),
    "COKO-OS-005": Case(res(t.OPENSEARCH_DOMAIN, {"vpcOptions": {"subnetIds": ["[unknown]"]}}), res(t.OPENSEARCH_DOMAIN, {})),
    "COKO-OS-006": Case(res(t.OPENSEARCH_DOMAIN, {"advancedSecurityOptions": {"enabled": True}}), res(t.OPENSEARCH_DOMAIN, {"advancedSecurityOptions": {"enabled": False}})),
    "COKO-OS-007": Case(res(t.OPENSEARCH_DOMAIN, {"logPublishingOptions": [{"logType": "ES_APPLICATION_LOGS", "enabled": True}]}), res(t.OPENSEARCH_DOMAIN, {"logPublishingOptions": []})),
    "COKO-ECS-001": Case(res(t.TASK_DEFINITION, {"containerDefinitions": containers()}), res(t.TASK_DEFINITION, {"containerDefinitions": containers(privileged=True)})),
    "COKO-ECS-002": Case(res(t.TASK_DEFINITION, {"containerDefinitions": containers()}), res(t.TASK_DEFINITION, {"containerDefinitions": containers(logConfiguration=None)})),
    "COKO-ECS-003": Case(res(t.TASK_DEFINITION, {"containerDefinitions": containers(environment=[{"name": "DJANGO_SETTINGS_MODULE", "value": "coko.settings.production"}])}), res(t.TASK_DEFINITION, {"containerDefinitions": containers(environment=[{"name": "DJANGO_SECRET_KEY", "value": "x"}])})),
    "COKO-ECS-004": Case(res(t.TASK_DEFINITION, {"taskRoleArn": "arn:task", "executionRoleArn": "arn:exec"}), res(t.TASK_DEFINITION, {"taskRoleArn": "arn:same", "executionRoleArn": "arn:same"})),
    "COKO-ECS-005": Case(res(ECS_CLUSTER, {"settings": [{"name": "containerInsights", "value": "enhanced"}]}), res(ECS_CLUSTER, {"settings": [{"name": "containerInsights", "value": "disabled"}]})),
    "COKO-ECS-006": Case(res(t.ECS_SERVICE, {"networkConfiguration": {"assignPublicIp": False}}), res(t.ECS_SERVICE, {"networkConfiguration": {"assignPublicIp": True}})),
    "COKO-ECS-007": Case(res(t.ECS_SERVICE, {"deploymentCircuitBreaker": {"enable": True, "rollback": True}}), res(t.ECS_SERVICE, {"deploymentCircuitBreaker": {"enable": True, "rollback": False}})),
    "COKO-ECS-008": Case(res(t.TASK_DEFINITION, {"containerDefinitions": containers(user="1000")}), res(t.TASK_DEFINITION, {"containerDefinitions": containers(user="root")})),
    "COKO-ECR-001": Case(res(t.ECR_REPOSITORY, {"imageTagMutability": "IMMUTABLE"}), res(t.ECR_REPOSITORY, {"imageTagMutability": "MUTABLE"})),
    "COKO-ECR-002": Case(res(t.ECR_REPOSITORY, {"imageScanningConfiguration": {"scanOnPush": True}}), res(t.ECR_REPOSITORY, {"imageScanningConfiguration": {"scanOnPush": False}})),
    "COKO-ECR-003": Case(res(t.ECR_REPOSITORY, {"encryptionConfigurations": [{"encryptionType": "KMS"}]}), res(t.ECR_REPOSITORY, {"encryptionConfigurations": [{"encryptionType": "AES256"}]})),
    "COKO-ALB-001": Case(res(t.LOAD_BALANCER, {"dropInvalidHeaderFields": True}), res(t.LOAD_BALANCER, {"dropInvalidHeaderFields": False})),
    "COKO-ALB-002": Case(res(t.LOAD_BALANCER, {"accessLogs": {"bucket": "logs", "enabled": True}}), res(t.LOAD_BALANCER, {})),
    "COKO-ALB-003": Case(res(t.LOAD_BALANCER, {"enableDeletionProtection": True}), res(t.LOAD_BALANCER, {"enableDeletionProtection": False})),
    "COKO-ALB-004": Case(
        res(t.LISTENER, {"protocol": "HTTP", "port": 80, "defaultActions": [{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443"}}]}),
        res(t.LISTENER, {"protocol": "HTTP", "port": 80, "defaultActions": [{"type": "forward", "targetGroupArn": "tg"}]}),
    ),
    "COKO-ALB-005": Case(
        res(t.LISTENER, {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "certificateArn": "arn:cert"}),
        res(t.LISTENER, {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-2016-08", "certificateArn": "arn:cert"}),
    ),
    "COKO-ALB-006": Case(res(t.TARGET_GROUP, {"healthCheck": {"enabled": True, "path": "/health/"}}), res(t.TARGET_GROUP, {"healthCheck": {"enabled": False}})),
    "COKO-CF-001": Case(res(t.DISTRIBUTION, {"viewerCertificate": {"minimumProtocolVersion": "TLSv1.2_2021"}}), res(t.DISTRIBUTION, {"viewerCertificate": {"minimumProtocolVersion": "TLSv1_2016"}})),
    "COKO-CF-002": Case(res(t.DISTRIBUTION, {"defaultCacheBehavior": BEHAVIOUR}), res(t.DISTRIBUTION, {"defaultCacheBehavior": BEHAVIOUR, "orderedCacheBehaviors": [{**BEHAVIOUR, "viewerProtocolPolicy": "allow-all"}]})),
    "COKO-CF-003": Case(res(t.DISTRIBUTION, {"webAclId": "[unknown]"}), res(t.DISTRIBUTION, {})),
    "COKO-CF-004": Case(res(t.DISTRIBUTION, {"loggingConfig": {"bucket": "logs.s3.amazonaws.com"}}), res(t.DISTRIBUTION, {})),
    "COKO-CF-005": Case(res(t.DISTRIBUTION, {"origins": [{**S3_ORIGIN, "originAccessControlId": "oac"}]}), res(t.DISTRIBUTION, {"origins": [S3_ORIGIN]})),
    "COKO-CF-006": Case(res(t.DISTRIBUTION, {"defaultCacheBehavior": BEHAVIOUR}), res(t.DISTRIBUTION, {"defaultCacheBehavior": {"viewerProtocolPolicy": "redirect-to-https"}})),
    "COKO-CF-007": Case(res(t.DISTRIBUTION, {"origins": [ORIGIN]}), res(t.DISTRIBUTION, {"origins": [{**ORIGIN, "customOriginConfig": {"originProtocolPolicy": "http-only", "originSslProtocols": ["TLSv1"]}}]})),
    "COKO-CF-008": Case(res(t.RESPONSE_HEADERS_POLICY, {"securityHeadersConfig": HEADERS}), res(t.RESPONSE_HEADERS_POLICY, {"securityHeadersConfig": {**HEADERS, "strictTransportSecurity": {"accessControlMaxAgeSec": 300}}})),
    "COKO-CF-009": Case(
        stack(res(t.DISTRIBUTION, {"webAclId": "[unknown]"}), res(t.WEB_ACL, {"scope": "CLOUDFRONT"}, region="us-east-1")),
        stack(res(t.DISTRIBUTION, {"webAclId": "arn:aws:wafv2:eu-west-3:1:regional/webacl/x/1"}), res(t.WEB_ACL, {"scope": "CLOUDFRONT"}, region="us-east-1")),
    ),
    "COKO-ACM-001": Case(res(t.CERTIFICATE, {"validationMethod": "DNS"}), res(t.CERTIFICATE, {"validationMethod": "EMAIL"})),
    "COKO-WAF-001": Case(res(t.WEB_ACL, {"rules": MANAGED}), res(t.WEB_ACL, {"rules": MANAGED[:1]})),
    "COKO-WAF-002": Case(res(t.WEB_ACL, {"rules": RATE}), res(t.WEB_ACL, {"rules": MANAGED})),
    "COKO-WAF-003": Case(
        stack(res(t.WEB_ACL, {}, name="coko-production-waf-acl"), res(t.WEB_ACL_LOGGING, {"resourceArn": "[unknown]"}, name="coko-production-waf-logging")),
        stack(res(t.WEB_ACL, {}, name="coko-production-waf-acl")),
    ),
    "COKO-S3-001": Case(res(PAB, dict.fromkeys(("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"), True)), res(PAB, {"blockPublicAcls": True, "blockPublicPolicy": False, "ignorePublicAcls": True, "restrictPublicBuckets": True})),
    "COKO-S3-002": Case(res(SSE, {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}]}), res(SSE, {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]})),
    "COKO-S3-003": Case(res(VER, {"versioningConfiguration": {"status": "Enabled"}}), res(VER, {"versioningConfiguration": {"status": "Suspended"}})),
    "COKO-S3-004": Case(res(OWN, {"rule": {"objectOwnership": "BucketOwnerEnforced"}}), res(OWN, {"rule": {"objectOwnership": "ObjectWriter"}})),
    "COKO-S3-005": Case(res(BPOL, {"policy": policy(TLS_DENY)}), res(BPOL, {"policy": policy({"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "*"})})),
    "COKO-S3-006": Case(res(t.BUCKET, {}), res(t.BUCKET, {"acl": "public-read"})),
    "COKO-S3-007": Case(stack(res(t.BUCKET, {}, name=B), res(PAB, {"bucket": "[unknown]"}, name=f"{B}-public-access")), stack(res(t.BUCKET, {}, name=B))),
    "COKO-S3-008": Case(stack(res(t.BUCKET, {}, name=B), res(SSE, {"bucket": f"{B}-a1b2c3"}, name=f"{B}-sse")), stack(res(t.BUCKET, {}, name=B), res(SSE, {"bucket": "other-bucket"}, name="other-sse"))),
    "COKO-S3-009": Case(stack(res(t.BUCKET, {}, name=B), res(OWN, {"bucket": "[unknown]"}, name=f"{B}-ownership")), stack(res(t.BUCKET, {}, name=B))),
    "COKO-NET-001": Case(stack(res(VPC, {}, name="vpc"), res(t.FLOW_LOG, {"vpcId": "[unknown]"}, name="flow")), stack(res(VPC, {}, name="vpc"))),
    "COKO-NET-002": Case(
        res(INGRESS_RULE, {"cidrIpv4": "0.0.0.0/0", "fromPort": 443, "toPort": 443, "ipProtocol": "tcp"}),
        res(t.SECURITY_GROUP, {"ingress": [{"cidrBlocks": ["0.0.0.0/0"], "fromPort": 5432, "toPort": 5432, "protocol": "tcp"}]}),
    ),
    "COKO-NET-003": Case(res(DEFAULT_SG, {"ingress": [], "egress": []}), res(DEFAULT_SG, {"ingress": [{"protocol": "-1", "self": True}]})),
    "COKO-NET-004": Case(res(SUBNET, {"mapPublicIpOnLaunch": False}), res(SUBNET, {"mapPublicIpOnLaunch": True})),
    "COKO-NET-005": Case(res(t.FLOW_LOG, {"trafficType": "ALL"}), res(t.FLOW_LOG, {"trafficType": "REJECT"})),
    "COKO-SM-001": Case(res(t.SECRET_RESOURCE, {"kmsKeyId": "[unknown]"}), res(t.SECRET_RESOURCE, {})),
    "COKO-SM-002": Case(res(SECRET_VERSION, {"secretString": "[secret]"}), res(SECRET_VERSION, {"secretString": "hunter2"})),
    "COKO-KMS-001": Case(res(t.KMS_KEY, {"enableKeyRotation": True}), res(t.KMS_KEY, {"enableKeyRotation": False})),
    "COKO-KMS-002": Case(res(t.KMS_KEY, {"deletionWindowInDays": 30}), res(t.KMS_KEY, {"deletionWindowInDays": 7})),
    "COKO-LOG-001": Case(res(t.LOG_GROUP, {"retentionInDays": 90}), res(t.LOG_GROUP, {})),
    "COKO-LOG-002": Case(res(t.LOG_GROUP, {"kmsKeyId": "arn:key"}), res(t.LOG_GROUP, {})),
    "COKO-CW-001": Case(res(t.METRIC_ALARM, {"alarmActions": ["arn:topic"]}), res(t.METRIC_ALARM, {"alarmActions": []})),
    "COKO-SNS-001": Case(res(SNS_TOPIC, {"kmsMasterKeyId": "alias/coko"}), res(SNS_TOPIC, {})),
    "COKO-IAM-001": Case(res(t.ROLE_POLICY, {"policy": policy({"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*"})}), res(t.ROLE_POLICY, {"policy": policy({"Effect": "Allow", "Action": "*", "Resource": "*"})})),
    "COKO-IAM-002": Case(res(t.ROLE_POLICY, {"policy": policy({"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"})}), res(t.ROLE_POLICY, {"policy": policy({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"})})),
    "COKO-IAM-003": Case(res(ATTACHMENT, {"policyArn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"}), res(ATTACHMENT, {"policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})),
    "COKO-IAM-004": Case(res(t.IAM_ROLE, {"assumeRolePolicy": policy(TRUST)}), res(t.IAM_ROLE, {"assumeRolePolicy": policy({**TRUST, "Principal": {"AWS": "*"}})})),
    "COKO-TAG-001": Case(res(t.BUCKET, {"tags": TAGS}), res(t.BUCKET, {"tags": {"Project": "coko"}})),
    "COKO-REG-001": Case(res(t.BUCKET, {}, region="af-south-1"), res(t.BUCKET, {}, region="us-west-2")),
}

# DigitalOcean rules keep their cases beside the DigitalOcean tests.
from ..digitalocean.policy_cases import DO_CASES  # noqa: E402

CASES.update(DO_CASES)

from .deploy_cases import DEPLOY_CASES  # noqa: E402  (deployability, lifecycle and scan-finding rules)

CASES.update(DEPLOY_CASES)
