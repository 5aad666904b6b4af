"""Passing and failing inputs for the deployability (COKO-DEPLOY-*), lifecycle and scan-finding rules.

Each failing case is a value AWS documents as refused (or, for lifecycle rules, unsafe); the
passing case is what the stacks should declare.
"""

from __future__ import annotations

from typing import Any

from policies.framework import Resource
from policies.rules import resource_types as t

from .cases import SSE, Case, policy, res, stack

LOGGING = "aws:s3/bucketLogging:BucketLogging"
ALIAS = "aws:kms/alias:Alias"
PRIMARY = {"RegionRole": "primary"}
PROTECTED = {"protect": True, "retainOnDelete": None}
UNPROTECTED = {"protect": False, "retainOnDelete": None}


def with_options(r: Resource, options: dict[str, Any], dependencies: dict[str, list[str]] | None = None) -> Resource:
    return Resource(r.type, r.name, r.urn, r.region, r.inputs, r.parent, options=options, dependencies=dependencies or {})


def task(cpu: str, memory: str) -> Resource:
    return res(t.TASK_DEFINITION, {"requiresCompatibilities": ["FARGATE"], "cpu": cpu, "memory": memory})


def root_trust(condition: dict[str, Any] | None) -> str:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}
    return policy({**statement, "Condition": condition} if condition else statement)


def kms_context(value: str) -> str:
    return policy({"Effect": "Allow", "Action": "kms:Encrypt", "Resource": "*", "Condition": {"StringLike": {"kms:EncryptionContext:aws:s3:arn": value}}})


BLOCKED_IPS = {"ipSetReferenceStatement": {"arn": "[unknown]"}}


def web_acl_rule(statement: dict[str, Any]) -> Resource:
    """A WebAcl whose one rule has ``statement`` (the plan's camelCase shape)."""
    visibility = {"metricName": "allow-listed", "sampledRequestsEnabled": True, "cloudwatchMetricsEnabled": True}
    rule = {"name": "allow-listed", "priority": 0, "action": {"block": {}}, "statement": statement, "visibilityConfig": visibility}
    return res(t.WEB_ACL, {"scope": "REGIONAL", "defaultAction": {"allow": {}}, "rules": [rule], "visibilityConfig": visibility, "tags": {"Any Key": "v"}})


BUCKET_KEYS = res(SSE, {"rules": [{"bucketKeyEnabled": True, "applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}]}, name="media-sse")
ORIGIN_CERT = res(t.CERTIFICATE, {"validationMethod": "DNS"}, name="coko-production-certs-origin")
ORIGIN_VALIDATION = res(t.CERTIFICATE_VALIDATION, {}, name="coko-production-certs-origin-validation")
SOURCE_DB = res(t.RDS_INSTANCE, {"identifier": "coko-production-db", "manageMasterUserPassword": True}, name="coko-production-db-instance")
CDN_LOGS = res(t.BUCKET, {}, name="coko-capetown-cdn-logs", region="af-south-1")
EDGE_CERT = res(t.CERTIFICATE, {}, name="viewer", region="us-east-1")

DEPLOY_CASES: dict[str, Case] = {
    "COKO-DEPLOY-001": Case(res(t.LOAD_BALANCER, {}, name="coko-production-edge-alb"), res(t.LOAD_BALANCER, {}, name="coko-production-edge-alb-2")),  # auto-named: 24+8 fits 32, 26+8 does not
    "COKO-DEPLOY-002": Case(res(t.TARGET_GROUP, {"name": "coko-prod-api"}), res(t.TARGET_GROUP, {"name": "coko-production-edge-target-group"})),
    "COKO-DEPLOY-003": Case(res(t.OPENSEARCH_DOMAIN, {"domainName": "coko-production"}), res(t.OPENSEARCH_DOMAIN, {"domainName": "coko-production-search-domain"})),
    "COKO-DEPLOY-004": Case(res(t.REPLICATION_GROUP, {"replicationGroupId": "coko-production"}), res(t.REPLICATION_GROUP, {"replicationGroupId": "coko--production"})),
    "COKO-DEPLOY-005": Case(res(t.RDS_INSTANCE, {"identifier": "coko-production-db"}), res(t.RDS_INSTANCE, {"identifier": "1coko-production-db"})),
    "COKO-DEPLOY-006": Case(res(t.IAM_ROLE, {}, name="coko-production-search-admin"), res(t.IAM_ROLE, {}, name="coko-production-" + "x" * 50)),
    "COKO-DEPLOY-007": Case(res(t.ROLE_POLICY, {"name": "coko-media-replication"}), res(t.ROLE_POLICY, {"name": "coko media replication"})),
    "COKO-DEPLOY-008": Case(res(t.LOG_GROUP, {"name": "/coko/production/backend"}), res(t.LOG_GROUP, {"name": "/coko/production/backend:latest"})),
    "COKO-DEPLOY-009": Case(res(t.BUCKET, {"bucket": "coko-production-media-123456789012"}), res(t.BUCKET, {"bucket": "Coko_Production_Media"})),
    "COKO-DEPLOY-010": Case(res(t.ECR_REPOSITORY, {"name": "coko/production"}), res(t.ECR_REPOSITORY, {"name": "Coko/Production"})),
    "COKO-DEPLOY-011": Case(res(t.WEB_ACL, {"name": "coko-production-waf"}), res(t.WEB_ACL, {"name": "coko production waf"})),
    "COKO-DEPLOY-012": Case(res(ALIAS, {"name": "alias/coko-production"}), res(ALIAS, {"name": "alias/aws/coko"})),
    "COKO-DEPLOY-013": Case(res(t.BACKUP_VAULT, {"name": "coko-production"}), res(t.BACKUP_VAULT, {"name": "coko production vault"})),
    "COKO-DEPLOY-014": Case(res(t.SECRET_RESOURCE, {"name": "coko/production/DJANGO_SECRET_KEY"}), res(t.SECRET_RESOURCE, {"name": "coko/production/clé"})),
    "COKO-DEPLOY-015": Case(res(t.SECURITY_GROUP, {"description": "App tasks: from the ALB only"}), res(t.SECURITY_GROUP, {"description": "Tâches de l'application"})),
    "COKO-DEPLOY-016": Case(res(t.LOG_GROUP, {"retentionInDays": 30}), res(t.LOG_GROUP, {"retentionInDays": 45})),
    "COKO-DEPLOY-017": Case(res(t.LISTENER, {"protocol": "HTTPS", "port": 443}), res(t.LISTENER, {"protocol": "https", "port": 443})),
    "COKO-DEPLOY-018": Case(
        res(t.TARGET_GROUP, {"healthCheck": {"interval": 30, "timeout": 5, "healthyThreshold": 2, "unhealthyThreshold": 3, "path": "/health/"}}),
        res(t.TARGET_GROUP, {"healthCheck": {"interval": 10, "timeout": 10, "healthyThreshold": 1}}),
    ),
    "COKO-DEPLOY-019": Case(res(t.ECS_SERVICE, {"launchType": "FARGATE", "propagateTags": "SERVICE"}), res(t.ECS_SERVICE, {"launchType": "FARGATE_SPOT", "propagateTags": "SERVICE"})),
    "COKO-DEPLOY-020": Case(task("512", "1024"), task("256", "4096")),
    "COKO-DEPLOY-021": Case(res(t.CERTIFICATE, {"validationMethod": "DNS", "keyAlgorithm": "RSA_2048"}), res(t.CERTIFICATE, {"validationMethod": "dns"})),
    "COKO-DEPLOY-022": Case(res(t.METRIC_ALARM, {"comparisonOperator": "GreaterThanThreshold", "statistic": "Average", "period": 60}), res(t.METRIC_ALARM, {"comparisonOperator": "GreaterThan", "period": 0})),
    "COKO-DEPLOY-023": Case(res(t.OPENSEARCH_DOMAIN, {"engineVersion": "OpenSearch_2.19"}), res(t.OPENSEARCH_DOMAIN, {"engineVersion": "2.19"})),
    "COKO-DEPLOY-024": Case(res(t.RDS_INSTANCE, {"backupRetentionPeriod": 7, "monitoringInterval": 60}), res(t.RDS_INSTANCE, {"backupRetentionPeriod": 40, "monitoringInterval": 20})),
    "COKO-DEPLOY-025": Case(res(t.KMS_KEY, {"deletionWindowInDays": 30}), res(t.KMS_KEY, {"deletionWindowInDays": 45})),
    "COKO-DEPLOY-026": Case(res(t.RDS_INSTANCE, {"engine": "postgres", "instanceClass": "db.r6g.large"}), res(t.RDS_INSTANCE, {"engine": "postgres", "instanceClass": "db.r6g.huge"})),
    "COKO-DEPLOY-027": Case(res(t.LOAD_BALANCER, {"subnets": ["[unknown]", "[unknown]"]}), res(t.LOAD_BALANCER, {"subnets": ["subnet-1"]})),
    "COKO-DEPLOY-028": Case(
        stack(res(t.RDS_INSTANCE, {"identifier": "coko-production-db", "manageMasterUserPassword": False}), res(t.RDS_INSTANCE, {"replicateSourceDb": "arn:aws:rds:eu-west-3:1:db:coko-production-db"}, name="replica")),
        stack(SOURCE_DB, res(t.RDS_INSTANCE, {"replicateSourceDb": "arn:aws:rds:eu-west-3:1:db:coko-production-db"}, name="replica")),
    ),
    "COKO-DEPLOY-029": Case(
        stack(EDGE_CERT, with_options(res(t.DISTRIBUTION, {"viewerCertificate": {"acmCertificateArn": "[unknown]"}}), {}, {"viewerCertificate": [EDGE_CERT.urn]})),
        stack(res(t.DISTRIBUTION, {"viewerCertificate": {"acmCertificateArn": "arn:aws:acm:eu-west-3:1:certificate/x"}})),
    ),
    "COKO-DEPLOY-030": Case(
        stack(with_options(res(t.DISTRIBUTION, {"loggingConfig": {"bucket": "[unknown]"}}), {}, {"loggingConfig": [res(t.BUCKET, {}, name="logs", region="us-east-1").urn]}), res(t.BUCKET, {}, name="logs", region="us-east-1")),
        stack(with_options(res(t.DISTRIBUTION, {"loggingConfig": {"bucket": "[unknown]"}}), {}, {"loggingConfig": [CDN_LOGS.urn]}), CDN_LOGS),
    ),
    "COKO-DEPLOY-031": Case(
        stack(BUCKET_KEYS, res(t.KMS_KEY, {"policy": kms_context("arn:aws:s3:::coko-production-media")})),
        stack(BUCKET_KEYS, res(t.KMS_KEY, {"policy": kms_context("arn:aws:s3:::coko-production-media/*")})),
    ),
    "COKO-DEPLOY-032": Case(
        stack(ORIGIN_CERT, ORIGIN_VALIDATION, with_options(res(t.LISTENER, {"certificateArn": "[unknown]"}), {}, {"certificateArn": [ORIGIN_VALIDATION.urn, ORIGIN_CERT.urn]})),
        stack(ORIGIN_CERT, with_options(res(t.LISTENER, {"certificateArn": "[unknown]"}), {}, {"certificateArn": [ORIGIN_CERT.urn]})),
    ),
    "COKO-DEPLOY-033": Case(res(t.RDS_INSTANCE, {"engine": "postgres", "engineVersion": "15", "autoMinorVersionUpgrade": True}), res(t.RDS_INSTANCE, {"engine": "postgres", "engineVersion": "15.8", "autoMinorVersionUpgrade": True})),
    "COKO-DEPLOY-034": Case(web_acl_rule({"notStatement": {"statement": BLOCKED_IPS}}), web_acl_rule({"notStatement": {"statements": [BLOCKED_IPS]}})),
    "COKO-LIFE-001": Case(with_options(res(t.RDS_INSTANCE, {}), PROTECTED), with_options(res(t.RDS_INSTANCE, {}), UNPROTECTED)),
    "COKO-LIFE-002": Case(
        with_options(res(t.RDS_INSTANCE, {"finalSnapshotIdentifier": "[unknown]"}), {}, {"finalSnapshotIdentifier": ["urn:pulumi:production::coko::random:index/randomId:RandomId::snap"]}),
        res(t.RDS_INSTANCE, {"finalSnapshotIdentifier": "coko-production-db-final"}),
    ),
    "COKO-LIFE-003": Case(res(t.LOAD_BALANCER, {"name": "coko-production-alb"}), res(t.LOAD_BALANCER, {}, name="coko-production-edge-alb")),
    "COKO-LOG-003": Case(
        stack(res(t.LOG_GROUP, {"name": "aws-waf-logs-coko-production", "kmsKeyId": "[unknown]"})),
        stack(res(t.LOG_GROUP, {}, name="coko-production-flow-logs"), res(t.FLOW_LOG, {"logDestination": "[unknown]"}, name="coko-production-flow-log")),
    ),
    "COKO-S3-010": Case(
        stack(res(t.BUCKET, {}, name="coko-production-storage-media"), res(LOGGING, {"bucket": "[unknown]"}, name="coko-production-storage-media-logging")),
        stack(res(t.BUCKET, {}, name="coko-production-storage-media"), res(t.BUCKET, {}, name="coko-production-edge-logs")),
    ),
    "COKO-IAM-005": Case(res(t.IAM_ROLE, {"assumeRolePolicy": root_trust({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/ops-*"}})}), res(t.IAM_ROLE, {"assumeRolePolicy": root_trust(None)})),
    "COKO-OS-008": Case(res(t.OPENSEARCH_DOMAIN, {"logPublishingOptions": [{"logType": "AUDIT_LOGS", "enabled": True}]}), res(t.OPENSEARCH_DOMAIN, {"logPublishingOptions": [{"logType": "ES_APPLICATION_LOGS"}]})),
    "COKO-OS-009": Case(
        res(t.OPENSEARCH_DOMAIN, {"tags": PRIMARY, "clusterConfig": {"dedicatedMasterEnabled": True, "dedicatedMasterCount": 3, "zoneAwarenessEnabled": True}}),
        res(t.OPENSEARCH_DOMAIN, {"tags": PRIMARY, "clusterConfig": {"dedicatedMasterEnabled": False, "zoneAwarenessEnabled": True}}),
    ),
}
