"""Passing and failing inputs for the deployability (COKO-DEPLOY-*), lifecycle and scan-finding rules.

Each failing case is a value AWS documents as refused (or, for lifecycle rules, unsafe); the
passing case is what the stacks should declare.
"""

from __future__ import annotations

from typing import Any

from policies.framework import Resource

from .cases import ACL, BUCKET, CERT, CF, KMS, LB, LISTENER, LOG, RDS, REDIS, ROLE, SECRET, SG, SSE, SVC, TD, TG, Case, policy, res, stack

OS = "aws:opensearch/domain:Domain"
VALIDATION = "aws:acm/certificateValidation:CertificateValidation"
FLOW = "aws:ec2/flowLog:FlowLog"
LOGGING = "aws:s3/bucketLogging:BucketLogging"
ALIAS = "aws:kms/alias:Alias"
VAULT = "aws:backup/vault:Vault"
ECR = "aws:ecr/repository:Repository"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
IAM_POLICY = "aws:iam/rolePolicy:RolePolicy"
PRIMARY = {"RegionRole": "primary"}
PROTECTED = {"protect": True, "retainOnDelete": None}
UNPROTECTED = {"protect": False, "retainOnDelete": None}


def with_options(r: Resource, options: dict[str, Any], dependencies: dict[str, list[str]] | None = None) -> Resource:
    return Resource(r.type, r.name, r.urn, r.region, r.inputs, r.parent, options=options, dependencies=dependencies or {})


def task(cpu: str, memory: str) -> Resource:
    return res(TD, {"requiresCompatibilities": ["FARGATE"], "cpu": cpu, "memory": memory})


def root_trust(condition: dict[str, Any] | None) -> str:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}
    return policy({**statement, "Condition": condition} if condition else statement)


def kms_context(value: str) -> str:
    return policy({"Effect": "Allow", "Action": "kms:Encrypt", "Resource": "*", "Condition": {"StringLike": {"kms:EncryptionContext:aws:s3:arn": value}}})


BUCKET_KEYS = res(SSE, {"rules": [{"bucketKeyEnabled": True, "applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}]}, name="media-sse")
ORIGIN_CERT = res(CERT, {"validationMethod": "DNS"}, name="coko-production-certs-origin")
ORIGIN_VALIDATION = res(VALIDATION, {}, name="coko-production-certs-origin-validation")
SOURCE_DB = res(RDS, {"identifier": "coko-production-db", "manageMasterUserPassword": True}, name="coko-production-db-instance")
CDN_LOGS = res(BUCKET, {}, name="coko-capetown-cdn-logs", region="af-south-1")
EDGE_CERT = res(CERT, {}, name="viewer", region="us-east-1")

DEPLOY_CASES: dict[str, Case] = {
    "COKO-DEPLOY-001": Case(res(LB, {}, name="coko-production-edge-alb"), res(LB, {}, name="coko-production-edge-alb-2")),  # auto-named: 24+8 fits 32, 26+8 does not
    "COKO-DEPLOY-002": Case(res(TG, {"name": "coko-prod-api"}), res(TG, {"name": "coko-production-edge-target-group"})),
    "COKO-DEPLOY-003": Case(res(OS, {"domainName": "coko-production"}), res(OS, {"domainName": "coko-production-search-domain"})),
    "COKO-DEPLOY-004": Case(res(REDIS, {"replicationGroupId": "coko-production"}), res(REDIS, {"replicationGroupId": "coko--production"})),
    "COKO-DEPLOY-005": Case(res(RDS, {"identifier": "coko-production-db"}), res(RDS, {"identifier": "1coko-production-db"})),
    "COKO-DEPLOY-006": Case(res(ROLE, {}, name="coko-production-search-admin"), res(ROLE, {}, name="coko-production-" + "x" * 50)),
    "COKO-DEPLOY-007": Case(res(IAM_POLICY, {"name": "coko-media-replication"}), res(IAM_POLICY, {"name": "coko media replication"})),
    "COKO-DEPLOY-008": Case(res(LOG, {"name": "/coko/production/backend"}), res(LOG, {"name": "/coko/production/backend:latest"})),
    "COKO-DEPLOY-009": Case(res(BUCKET, {"bucket": "coko-production-media-123456789012"}), res(BUCKET, {"bucket": "Coko_Production_Media"})),
    "COKO-DEPLOY-010": Case(res(ECR, {"name": "coko/production"}), res(ECR, {"name": "Coko/Production"})),
    "COKO-DEPLOY-011": Case(res(ACL, {"name": "coko-production-waf"}), res(ACL, {"name": "coko production waf"})),
    "COKO-DEPLOY-012": Case(res(ALIAS, {"name": "alias/coko-production"}), res(ALIAS, {"name": "alias/aws/coko"})),
    "COKO-DEPLOY-013": Case(res(VAULT, {"name": "coko-production"}), res(VAULT, {"name": "coko production vault"})),
    "COKO-DEPLOY-014": Case(res(SECRET, {"name": "coko/production/DJANGO_SECRET_KEY"}), res(SECRET, {"name": "coko/production/clé"})),
    "COKO-DEPLOY-015": Case(res(SG, {"description": "App tasks: from the ALB only"}), res(SG, {"description": "Tâches de l'application"})),
    "COKO-DEPLOY-016": Case(res(LOG, {"retentionInDays": 30}), res(LOG, {"retentionInDays": 45})),
    "COKO-DEPLOY-017": Case(res(LISTENER, {"protocol": "HTTPS", "port": 443}), res(LISTENER, {"protocol": "https", "port": 443})),
    "COKO-DEPLOY-018": Case(
        res(TG, {"healthCheck": {"interval": 30, "timeout": 5, "healthyThreshold": 2, "unhealthyThreshold": 3, "path": "/health/"}}),
        res(TG, {"healthCheck": {"interval": 10, "timeout": 10, "healthyThreshold": 1}}),
    ),
    "COKO-DEPLOY-019": Case(res(SVC, {"launchType": "FARGATE", "propagateTags": "SERVICE"}), res(SVC, {"launchType": "FARGATE_SPOT", "propagateTags": "SERVICE"})),
    "COKO-DEPLOY-020": Case(task("512", "1024"), task("256", "4096")),
    "COKO-DEPLOY-021": Case(res(CERT, {"validationMethod": "DNS", "keyAlgorithm": "RSA_2048"}), res(CERT, {"validationMethod": "dns"})),
    "COKO-DEPLOY-022": Case(res(ALARM, {"comparisonOperator": "GreaterThanThreshold", "statistic": "Average", "period": 60}), res(ALARM, {"comparisonOperator": "GreaterThan", "period": 0})),
    "COKO-DEPLOY-023": Case(res(OS, {"engineVersion": "OpenSearch_2.19"}), res(OS, {"engineVersion": "2.19"})),
    "COKO-DEPLOY-024": Case(res(RDS, {"backupRetentionPeriod": 7, "monitoringInterval": 60}), res(RDS, {"backupRetentionPeriod": 40, "monitoringInterval": 20})),
    "COKO-DEPLOY-025": Case(res(KMS, {"deletionWindowInDays": 30}), res(KMS, {"deletionWindowInDays": 45})),
    "COKO-DEPLOY-026": Case(res(RDS, {"engine": "postgres", "instanceClass": "db.r6g.large"}), res(RDS, {"engine": "postgres", "instanceClass": "db.r6g.huge"})),
    "COKO-DEPLOY-027": Case(res(LB, {"subnets": ["[unknown]", "[unknown]"]}), res(LB, {"subnets": ["subnet-1"]})),
    "COKO-DEPLOY-028": Case(
        stack(res(RDS, {"identifier": "coko-production-db", "manageMasterUserPassword": False}), res(RDS, {"replicateSourceDb": "arn:aws:rds:eu-west-3:1:db:coko-production-db"}, name="replica")),
        stack(SOURCE_DB, res(RDS, {"replicateSourceDb": "arn:aws:rds:eu-west-3:1:db:coko-production-db"}, name="replica")),
    ),
    "COKO-DEPLOY-029": Case(
        stack(EDGE_CERT, with_options(res(CF, {"viewerCertificate": {"acmCertificateArn": "[unknown]"}}), {}, {"viewerCertificate": [EDGE_CERT.urn]})),
        stack(res(CF, {"viewerCertificate": {"acmCertificateArn": "arn:aws:acm:eu-west-3:1:certificate/x"}})),
    ),
    "COKO-DEPLOY-030": Case(
        stack(with_options(res(CF, {"loggingConfig": {"bucket": "[unknown]"}}), {}, {"loggingConfig": [res(BUCKET, {}, name="logs", region="us-east-1").urn]}), res(BUCKET, {}, name="logs", region="us-east-1")),
        stack(with_options(res(CF, {"loggingConfig": {"bucket": "[unknown]"}}), {}, {"loggingConfig": [CDN_LOGS.urn]}), CDN_LOGS),
    ),
    "COKO-DEPLOY-031": Case(
        stack(BUCKET_KEYS, res(KMS, {"policy": kms_context("arn:aws:s3:::coko-production-media")})),
        stack(BUCKET_KEYS, res(KMS, {"policy": kms_context("arn:aws:s3:::coko-production-media/*")})),
    ),
    "COKO-DEPLOY-032": Case(
        stack(ORIGIN_CERT, ORIGIN_VALIDATION, with_options(res(LISTENER, {"certificateArn": "[unknown]"}), {}, {"certificateArn": [ORIGIN_VALIDATION.urn, ORIGIN_CERT.urn]})),
        stack(ORIGIN_CERT, with_options(res(LISTENER, {"certificateArn": "[unknown]"}), {}, {"certificateArn": [ORIGIN_CERT.urn]})),
    ),
    "COKO-DEPLOY-033": Case(res(RDS, {"engine": "postgres", "engineVersion": "15", "autoMinorVersionUpgrade": True}), res(RDS, {"engine": "postgres", "engineVersion": "15.8", "autoMinorVersionUpgrade": True})),
    "COKO-LIFE-001": Case(with_options(res(RDS, {}), PROTECTED), with_options(res(RDS, {}), UNPROTECTED)),
    "COKO-LIFE-002": Case(
        with_options(res(RDS, {"finalSnapshotIdentifier": "[unknown]"}), {}, {"finalSnapshotIdentifier": ["urn:pulumi:production::coko::random:index/randomId:RandomId::snap"]}),
        res(RDS, {"finalSnapshotIdentifier": "coko-production-db-final"}),
    ),
    "COKO-LIFE-003": Case(res(LB, {"name": "coko-production-alb"}), res(LB, {}, name="coko-production-edge-alb")),
    "COKO-LOG-003": Case(
        stack(res(LOG, {"name": "aws-waf-logs-coko-production", "kmsKeyId": "[unknown]"})),
        stack(res(LOG, {}, name="coko-production-flow-logs"), res(FLOW, {"logDestination": "[unknown]"}, name="coko-production-flow-log")),
    ),
    "COKO-S3-010": Case(
        stack(res(BUCKET, {}, name="coko-production-storage-media"), res(LOGGING, {"bucket": "[unknown]"}, name="coko-production-storage-media-logging")),
        stack(res(BUCKET, {}, name="coko-production-storage-media"), res(BUCKET, {}, name="coko-production-edge-logs")),
    ),
    "COKO-IAM-005": Case(res(ROLE, {"assumeRolePolicy": root_trust({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::123456789012:role/ops-*"}})}), res(ROLE, {"assumeRolePolicy": root_trust(None)})),
    "COKO-OS-008": Case(res(OS, {"logPublishingOptions": [{"logType": "AUDIT_LOGS", "enabled": True}]}), res(OS, {"logPublishingOptions": [{"logType": "ES_APPLICATION_LOGS"}]})),
    "COKO-OS-009": Case(
        res(OS, {"tags": PRIMARY, "clusterConfig": {"dedicatedMasterEnabled": True, "dedicatedMasterCount": 3, "zoneAwarenessEnabled": True}}),
        res(OS, {"tags": PRIMARY, "clusterConfig": {"dedicatedMasterEnabled": False, "zoneAwarenessEnabled": True}}),
    ),
}
