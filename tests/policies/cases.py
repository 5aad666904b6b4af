"""One passing and one failing minimal input per rule: the table every rule must appear in."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from policies.framework import Resource, StackView

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


RDS = "aws:rds/instance:Instance"
PG = "aws:rds/parameterGroup:ParameterGroup"
REDIS = "aws:elasticache/replicationGroup:ReplicationGroup"
OS = "aws:opensearch/domain:Domain"
TD = "aws:ecs/taskDefinition:TaskDefinition"
SVC = "aws:ecs/service:Service"
CLUSTER = "aws:ecs/cluster:Cluster"
LB = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
TG = "aws:lb/targetGroup:TargetGroup"
CF = "aws:cloudfront/distribution:Distribution"
RHP = "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy"
ACL = "aws:wafv2/webAcl:WebAcl"
ACL_LOG = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
CERT = "aws:acm/certificate:Certificate"
BUCKET = "aws:s3/bucket:Bucket"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
OWN = "aws:s3/bucketOwnershipControls:BucketOwnershipControls"
VER = "aws:s3/bucketVersioning:BucketVersioning"
BPOL = "aws:s3/bucketPolicy:BucketPolicy"
ECR = "aws:ecr/repository:Repository"
VPC = "aws:ec2/vpc:Vpc"
FLOW = "aws:ec2/flowLog:FlowLog"
SG = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
DSG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
SUBNET = "aws:ec2/subnet:Subnet"
SECRET = "aws:secretsmanager/secret:Secret"
SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
KMS = "aws:kms/key:Key"
LOG = "aws:cloudwatch/logGroup:LogGroup"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
IAM_POLICY = "aws:iam/rolePolicy:RolePolicy"
ROLE = "aws:iam/role:Role"
ATTACH = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"

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
    "COKO-RDS-001": Case(res(RDS, {"storageEncrypted": True}), res(RDS, {"storageEncrypted": False})),
    "COKO-RDS-002": Case(res(RDS, {"publiclyAccessible": False}), res(RDS, {"publiclyAccessible": True})),
    "COKO-RDS-003": Case(res(RDS, {"multiAz": True, "tags": TAGS}), res(RDS, {"multiAz": False, "tags": TAGS})),
    "COKO-RDS-004": Case(res(RDS, {"backupRetentionPeriod": 7}), res(RDS, {"backupRetentionPeriod": 1})),
    "COKO-RDS-005": Case(res(RDS, {"deletionProtection": True}), res(RDS, {"deletionProtection": False})),
    "COKO-RDS-006": Case(res(RDS, {"password": "[secret]"}), res(RDS, {"password": "hunter2"})),
    "COKO-RDS-007": Case(res(RDS, {"enabledCloudwatchLogsExports": ["postgresql"]}), res(RDS, {"enabledCloudwatchLogsExports": []})),
    "COKO-RDS-008": Case(res(RDS, {"monitoringInterval": 60}), res(RDS, {"monitoringInterval": 0})),
    "COKO-RDS-009": Case(res(PG, {"family": "postgres15", "parameters": [{"name": "rds.force_ssl", "value": "1"}]}), res(PG, {"family": "postgres15", "parameters": []})),
    "COKO-REDIS-001": Case(res(REDIS, {"atRestEncryptionEnabled": True}), res(REDIS, {"atRestEncryptionEnabled": False})),
    "COKO-REDIS-002": Case(res(REDIS, {"transitEncryptionEnabled": True}), res(REDIS, {"transitEncryptionEnabled": False})),
    "COKO-REDIS-003": Case(res(REDIS, {"authToken": "[secret]"}), res(REDIS, {})),
    "COKO-REDIS-004": Case(res(REDIS, {"automaticFailoverEnabled": True, "multiAzEnabled": True}), res(REDIS, {"automaticFailoverEnabled": True})),
    "COKO-REDIS-005": Case(res(REDIS, {"subnetGroupName": "coko-data"}), res(REDIS, {})),
    "COKO-OS-001": Case(res(OS, {"encryptAtRest": {"enabled": True}}), res(OS, {"encryptAtRest": {"enabled": False}})),
    "COKO-OS-002": Case(res(OS, {"nodeToNodeEncryption": {"enabled": True}}), res(OS, {})),
    "COKO-OS-003": Case(res(OS, {"domainEndpointOptions": {"enforceHttps": True}}), res(OS, {"domainEndpointOptions": {"enforceHttps": False}})),
    "COKO-OS-004": Case(res(OS, {"domainEndpointOptions": {"tlsSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"}}), res(OS, {"domainEndpointOptions": {"tlsSecurityPolicy": "Policy-Min-TLS-1-0-2019-07"}})),
    "COKO-OS-005": Case(res(OS, {"vpcOptions": {"subnetIds": ["[unknown]"]}}), res(OS, {})),
    "COKO-OS-006": Case(res(OS, {"advancedSecurityOptions": {"enabled": True}}), res(OS, {"advancedSecurityOptions": {"enabled": False}})),
    "COKO-OS-007": Case(res(OS, {"logPublishingOptions": [{"logType": "ES_APPLICATION_LOGS", "enabled": True}]}), res(OS, {"logPublishingOptions": []})),
    "COKO-ECS-001": Case(res(TD, {"containerDefinitions": containers()}), res(TD, {"containerDefinitions": containers(privileged=True)})),
    "COKO-ECS-002": Case(res(TD, {"containerDefinitions": containers()}), res(TD, {"containerDefinitions": containers(logConfiguration=None)})),
    "COKO-ECS-003": Case(res(TD, {"containerDefinitions": containers(environment=[{"name": "DJANGO_SETTINGS_MODULE", "value": "coko.settings.production"}])}), res(TD, {"containerDefinitions": containers(environment=[{"name": "DJANGO_SECRET_KEY", "value": "x"}])})),
    "COKO-ECS-004": Case(res(TD, {"taskRoleArn": "arn:task", "executionRoleArn": "arn:exec"}), res(TD, {"taskRoleArn": "arn:same", "executionRoleArn": "arn:same"})),
    "COKO-ECS-005": Case(res(CLUSTER, {"settings": [{"name": "containerInsights", "value": "enhanced"}]}), res(CLUSTER, {"settings": [{"name": "containerInsights", "value": "disabled"}]})),
    "COKO-ECS-006": Case(res(SVC, {"networkConfiguration": {"assignPublicIp": False}}), res(SVC, {"networkConfiguration": {"assignPublicIp": True}})),
    "COKO-ECS-007": Case(res(SVC, {"deploymentCircuitBreaker": {"enable": True, "rollback": True}}), res(SVC, {"deploymentCircuitBreaker": {"enable": True, "rollback": False}})),
    "COKO-ECS-008": Case(res(TD, {"containerDefinitions": containers(user="1000")}), res(TD, {"containerDefinitions": containers(user="root")})),
    "COKO-ECR-001": Case(res(ECR, {"imageTagMutability": "IMMUTABLE"}), res(ECR, {"imageTagMutability": "MUTABLE"})),
    "COKO-ECR-002": Case(res(ECR, {"imageScanningConfiguration": {"scanOnPush": True}}), res(ECR, {"imageScanningConfiguration": {"scanOnPush": False}})),
    "COKO-ECR-003": Case(res(ECR, {"encryptionConfigurations": [{"encryptionType": "KMS"}]}), res(ECR, {"encryptionConfigurations": [{"encryptionType": "AES256"}]})),
    "COKO-ALB-001": Case(res(LB, {"dropInvalidHeaderFields": True}), res(LB, {"dropInvalidHeaderFields": False})),
    "COKO-ALB-002": Case(res(LB, {"accessLogs": {"bucket": "logs", "enabled": True}}), res(LB, {})),
    "COKO-ALB-003": Case(res(LB, {"enableDeletionProtection": True}), res(LB, {"enableDeletionProtection": False})),
    "COKO-ALB-004": Case(
        res(LISTENER, {"protocol": "HTTP", "port": 80, "defaultActions": [{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443"}}]}),
        res(LISTENER, {"protocol": "HTTP", "port": 80, "defaultActions": [{"type": "forward", "targetGroupArn": "tg"}]}),
    ),
    "COKO-ALB-005": Case(
        res(LISTENER, {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06", "certificateArn": "arn:cert"}),
        res(LISTENER, {"protocol": "HTTPS", "sslPolicy": "ELBSecurityPolicy-2016-08", "certificateArn": "arn:cert"}),
    ),
    "COKO-ALB-006": Case(res(TG, {"healthCheck": {"enabled": True, "path": "/health/"}}), res(TG, {"healthCheck": {"enabled": False}})),
    "COKO-CF-001": Case(res(CF, {"viewerCertificate": {"minimumProtocolVersion": "TLSv1.2_2021"}}), res(CF, {"viewerCertificate": {"minimumProtocolVersion": "TLSv1_2016"}})),
    "COKO-CF-002": Case(res(CF, {"defaultCacheBehavior": BEHAVIOUR}), res(CF, {"defaultCacheBehavior": BEHAVIOUR, "orderedCacheBehaviors": [{**BEHAVIOUR, "viewerProtocolPolicy": "allow-all"}]})),
    "COKO-CF-003": Case(res(CF, {"webAclId": "[unknown]"}), res(CF, {})),
    "COKO-CF-004": Case(res(CF, {"loggingConfig": {"bucket": "logs.s3.amazonaws.com"}}), res(CF, {})),
    "COKO-CF-005": Case(res(CF, {"origins": [{**S3_ORIGIN, "originAccessControlId": "oac"}]}), res(CF, {"origins": [S3_ORIGIN]})),
    "COKO-CF-006": Case(res(CF, {"defaultCacheBehavior": BEHAVIOUR}), res(CF, {"defaultCacheBehavior": {"viewerProtocolPolicy": "redirect-to-https"}})),
    "COKO-CF-007": Case(res(CF, {"origins": [ORIGIN]}), res(CF, {"origins": [{**ORIGIN, "customOriginConfig": {"originProtocolPolicy": "http-only", "originSslProtocols": ["TLSv1"]}}]})),
    "COKO-CF-008": Case(res(RHP, {"securityHeadersConfig": HEADERS}), res(RHP, {"securityHeadersConfig": {**HEADERS, "strictTransportSecurity": {"accessControlMaxAgeSec": 300}}})),
    "COKO-CF-009": Case(
        stack(res(CF, {"webAclId": "[unknown]"}), res(ACL, {"scope": "CLOUDFRONT"}, region="us-east-1")),
        stack(res(CF, {"webAclId": "arn:aws:wafv2:eu-west-3:1:regional/webacl/x/1"}), res(ACL, {"scope": "CLOUDFRONT"}, region="us-east-1")),
    ),
    "COKO-ACM-001": Case(res(CERT, {"validationMethod": "DNS"}), res(CERT, {"validationMethod": "EMAIL"})),
    "COKO-WAF-001": Case(res(ACL, {"rules": MANAGED}), res(ACL, {"rules": MANAGED[:1]})),
    "COKO-WAF-002": Case(res(ACL, {"rules": RATE}), res(ACL, {"rules": MANAGED})),
    "COKO-WAF-003": Case(
        stack(res(ACL, {}, name="coko-production-waf-acl"), res(ACL_LOG, {"resourceArn": "[unknown]"}, name="coko-production-waf-logging")),
        stack(res(ACL, {}, name="coko-production-waf-acl")),
    ),
    "COKO-S3-001": Case(res(PAB, dict.fromkeys(("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"), True)), res(PAB, {"blockPublicAcls": True, "blockPublicPolicy": False, "ignorePublicAcls": True, "restrictPublicBuckets": True})),
    "COKO-S3-002": Case(res(SSE, {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}]}), res(SSE, {"rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]})),
    "COKO-S3-003": Case(res(VER, {"versioningConfiguration": {"status": "Enabled"}}), res(VER, {"versioningConfiguration": {"status": "Suspended"}})),
    "COKO-S3-004": Case(res(OWN, {"rule": {"objectOwnership": "BucketOwnerEnforced"}}), res(OWN, {"rule": {"objectOwnership": "ObjectWriter"}})),
    "COKO-S3-005": Case(res(BPOL, {"policy": policy(TLS_DENY)}), res(BPOL, {"policy": policy({"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "*"})})),
    "COKO-S3-006": Case(res(BUCKET, {}), res(BUCKET, {"acl": "public-read"})),
    "COKO-S3-007": Case(stack(res(BUCKET, {}, name=B), res(PAB, {"bucket": "[unknown]"}, name=f"{B}-public-access")), stack(res(BUCKET, {}, name=B))),
    "COKO-S3-008": Case(stack(res(BUCKET, {}, name=B), res(SSE, {"bucket": f"{B}-a1b2c3"}, name=f"{B}-sse")), stack(res(BUCKET, {}, name=B), res(SSE, {"bucket": "other-bucket"}, name="other-sse"))),
    "COKO-S3-009": Case(stack(res(BUCKET, {}, name=B), res(OWN, {"bucket": "[unknown]"}, name=f"{B}-ownership")), stack(res(BUCKET, {}, name=B))),
    "COKO-NET-001": Case(stack(res(VPC, {}, name="vpc"), res(FLOW, {"vpcId": "[unknown]"}, name="flow")), stack(res(VPC, {}, name="vpc"))),
    "COKO-NET-002": Case(
        res(INGRESS, {"cidrIpv4": "0.0.0.0/0", "fromPort": 443, "toPort": 443, "ipProtocol": "tcp"}),
        res(SG, {"ingress": [{"cidrBlocks": ["0.0.0.0/0"], "fromPort": 5432, "toPort": 5432, "protocol": "tcp"}]}),
    ),
    "COKO-NET-003": Case(res(DSG, {"ingress": [], "egress": []}), res(DSG, {"ingress": [{"protocol": "-1", "self": True}]})),
    "COKO-NET-004": Case(res(SUBNET, {"mapPublicIpOnLaunch": False}), res(SUBNET, {"mapPublicIpOnLaunch": True})),
    "COKO-NET-005": Case(res(FLOW, {"trafficType": "ALL"}), res(FLOW, {"trafficType": "REJECT"})),
    "COKO-SM-001": Case(res(SECRET, {"kmsKeyId": "[unknown]"}), res(SECRET, {})),
    "COKO-SM-002": Case(res(SECRET_VERSION, {"secretString": "[secret]"}), res(SECRET_VERSION, {"secretString": "hunter2"})),
    "COKO-KMS-001": Case(res(KMS, {"enableKeyRotation": True}), res(KMS, {"enableKeyRotation": False})),
    "COKO-KMS-002": Case(res(KMS, {"deletionWindowInDays": 30}), res(KMS, {"deletionWindowInDays": 7})),
    "COKO-LOG-001": Case(res(LOG, {"retentionInDays": 90}), res(LOG, {})),
    "COKO-LOG-002": Case(res(LOG, {"kmsKeyId": "arn:key"}), res(LOG, {})),
    "COKO-CW-001": Case(res(ALARM, {"alarmActions": ["arn:topic"]}), res(ALARM, {"alarmActions": []})),
    "COKO-SNS-001": Case(res(TOPIC, {"kmsMasterKeyId": "alias/coko"}), res(TOPIC, {})),
    "COKO-IAM-001": Case(res(IAM_POLICY, {"policy": policy({"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*"})}), res(IAM_POLICY, {"policy": policy({"Effect": "Allow", "Action": "*", "Resource": "*"})})),
    "COKO-IAM-002": Case(res(IAM_POLICY, {"policy": policy({"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"})}), res(IAM_POLICY, {"policy": policy({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"})})),
    "COKO-IAM-003": Case(res(ATTACH, {"policyArn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"}), res(ATTACH, {"policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"})),
    "COKO-IAM-004": Case(res(ROLE, {"assumeRolePolicy": policy(TRUST)}), res(ROLE, {"assumeRolePolicy": policy({**TRUST, "Principal": {"AWS": "*"}})})),
    "COKO-TAG-001": Case(res(BUCKET, {"tags": TAGS}), res(BUCKET, {"tags": {"Project": "coko"}})),
    "COKO-REG-001": Case(res(BUCKET, {}, region="af-south-1"), res(BUCKET, {}, region="us-west-2")),
}

# DigitalOcean rules keep their cases beside the DigitalOcean tests.
from ..digitalocean.policy_cases import DO_CASES  # noqa: E402

CASES.update(DO_CASES)

from .deploy_cases import DEPLOY_CASES  # noqa: E402  (deployability, lifecycle and scan-finding rules)

CASES.update(DEPLOY_CASES)
