"""Break one security property at a time in the real preview and expect `coko check --plan` to fail on it.

Each mutation asserts that its target exists first, so a mutation can never pass vacuously
when a component is renamed or removed.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from coko_cli.main import app
from policies.rules import resource_types as t
from policies.rules.data import SNS_TOPIC
from policies.rules.ecs import CLUSTER as ECS_CLUSTER
from policies.rules.network import DEFAULT_SG, INGRESS_RULE, SUBNET
from policies.rules.rds import PARAMETER_GROUP
from tests.policies.cases import OWN, PAB, SSE, VER

Doc = dict[str, Any]


def targets(doc: Doc, stack: str, type_: str, name: str = "") -> list[dict[str, Any]]:
    found = [r for s in doc["stacks"] if s["stack"] == stack for r in s["resources"] if r["type"] == type_ and name in r["name"]]
    assert found, f"mutation target {type_} {name!r} missing from {stack}"
    return found


def setter(type_: str, name: str, path: str, value: Any, stack: str = "production") -> Callable[[Doc], None]:
    """Set inputs.<path> (dotted) on every matching resource; value None deletes the key."""

    def mutate(doc: Doc) -> None:
        for r in targets(doc, stack, type_, name):
            *parents, last = path.split(".")
            node = r["inputs"]
            for key in parents:
                node = node.setdefault(key, {})
            if value is None:
                assert last in node, f"{r['name']} has no {path} to delete"
                del node[last]
            else:
                node[last] = value
                r.get("dependencies", {}).pop(path.split(".")[0], None)  # a literal depends on no resource

    return mutate


def delete(type_: str, name: str = "", stack: str = "production") -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        gone = {r["urn"] for r in targets(doc, stack, type_, name)}
        for s in doc["stacks"]:
            s["resources"] = [r for r in s["resources"] if r["urn"] not in gone]

    return mutate


def containers(name: str, change: Callable[[dict[str, Any]], None]) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        for r in targets(doc, "production", t.TASK_DEFINITION, name):
            defs = json.loads(r["inputs"]["containerDefinitions"])
            for c in defs:
                change(c)
            r["inputs"]["containerDefinitions"] = json.dumps(defs)

    return mutate


def region(type_: str, name: str, value: str) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        for r in targets(doc, "production", type_, name):
            r["region"] = value
            r["inputs"]["region"] = value

    return mutate


def policy_statement(type_: str, name: str, statement: dict[str, Any], key: str = "policy") -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        for r in targets(doc, "production", type_, name):
            document = json.loads(r["inputs"][key])
            document["Statement"].append(statement)
            r["inputs"][key] = json.dumps(document)

    return mutate


def world_postgres(doc: Doc) -> None:
    for r in targets(doc, "production", INGRESS_RULE, "db-pg-from-app"):
        r["inputs"].pop("referencedSecurityGroupId", None)
        r["inputs"].update({"cidrIpv4": "0.0.0.0/0", "fromPort": 5432, "toPort": 5432})


def http_forwards(doc: Doc) -> None:
    plain_http = [r for r in targets(doc, "production", t.LISTENER, "edge-http") if r["inputs"].get("protocol") == "HTTP"]
    assert plain_http, "no HTTP listener to break"
    for r in plain_http:
        r["inputs"]["defaultActions"] = [{"type": "forward", "targetGroupArn": "arn:aws:elasticloadbalancing:eu-west-3:1:targetgroup/tg/1"}]


def drop_owner_tag(doc: Doc) -> None:
    for r in targets(doc, "production", t.BUCKET, "storage-media"):
        del r["inputs"]["tags"]["Owner"]


def no_managed_rules(doc: Doc) -> None:
    for r in targets(doc, "production", t.WEB_ACL, "waf-acl"):
        r["inputs"]["rules"] = [x for x in r["inputs"]["rules"] if "managedRuleGroupStatement" not in x.get("statement", {})]


def no_force_ssl(doc: Doc) -> None:
    for r in targets(doc, "production", PARAMETER_GROUP):
        r["inputs"]["parameters"] = [p for p in r["inputs"]["parameters"] if p["name"] != "rds.force_ssl"]


# (rule id expected, mode of the preview to mutate, mutation)
MUTATIONS: dict[str, tuple[str, str, Callable[[Doc], None]]] = {
    "rds-storage-unencrypted": ("COKO-RDS-001", "up", setter(t.RDS_INSTANCE, "db-instance", "storageEncrypted", False)),
    "rds-public": ("COKO-RDS-002", "preview", setter(t.RDS_INSTANCE, "db-instance", "publiclyAccessible", True)),
    "rds-single-az-primary": ("COKO-RDS-003", "up", setter(t.RDS_INSTANCE, "db-instance", "multiAz", False)),
    "rds-backups-1-day": ("COKO-RDS-004", "preview", setter(t.RDS_INSTANCE, "db-instance", "backupRetentionPeriod", 1)),
    "rds-no-deletion-protection": ("COKO-RDS-005", "up", setter(t.RDS_INSTANCE, "db-instance", "deletionProtection", False)),
    "rds-plain-password": ("COKO-RDS-006", "up", setter(t.RDS_INSTANCE, "db-instance", "password", "hunter2")),
    "rds-no-force-ssl": ("COKO-RDS-009", "up", no_force_ssl),
    "redis-at-rest-off": ("COKO-REDIS-001", "up", setter(t.REPLICATION_GROUP, "cache-group", "atRestEncryptionEnabled", False)),
    "redis-transit-off": ("COKO-REDIS-002", "preview", setter(t.REPLICATION_GROUP, "cache-group", "transitEncryptionEnabled", False)),
    "redis-no-auth": ("COKO-REDIS-003", "up", setter(t.REPLICATION_GROUP, "cache-group", "authToken", None)),
    "opensearch-at-rest-off": ("COKO-OS-001", "up", setter(t.OPENSEARCH_DOMAIN, "search-domain", "encryptAtRest.enabled", False)),
    "opensearch-node-to-node-off": ("COKO-OS-002", "preview", setter(t.OPENSEARCH_DOMAIN, "search-domain", "nodeToNodeEncryption.enabled", False)),
    "opensearch-https-not-enforced": ("COKO-OS-003", "up", setter(t.OPENSEARCH_DOMAIN, "search-domain", "domainEndpointOptions.enforceHttps", False)),
    "opensearch-tls-1-0": ("COKO-OS-004", "up", setter(t.OPENSEARCH_DOMAIN, "search-domain", "domainEndpointOptions.tlsSecurityPolicy", "Policy-Min-TLS-1-0-2019-07")),
    "opensearch-public": ("COKO-OS-005", "up", setter(t.OPENSEARCH_DOMAIN, "search-domain", "vpcOptions", None)),
    "ecs-privileged": ("COKO-ECS-001", "up", containers("backend-task", lambda c: c.update(privileged=True))),
    "ecs-no-logging": ("COKO-ECS-002", "up", containers("worker-task", lambda c: c.pop("logConfiguration"))),
    "ecs-secret-in-environment": (
        "COKO-ECS-003",
        "up",
        containers("backend-task", lambda c: c.setdefault("environment", []).append({"name": "DJANGO_SECRET_KEY", "value": "x"})),
    ),
    "ecs-container-insights-off": ("COKO-ECS-005", "preview", setter(ECS_CLUSTER, "ecs-cluster", "settings", [{"name": "containerInsights", "value": "disabled"}])),
    "ecs-public-ip": ("COKO-ECS-006", "up", setter(t.ECS_SERVICE, "backend-service", "networkConfiguration.assignPublicIp", True)),
    "ecs-circuit-breaker-off": ("COKO-ECS-007", "up", setter(t.ECS_SERVICE, "worker-service", "deploymentCircuitBreaker.enable", False)),
    "ecr-mutable-tags": ("COKO-ECR-001", "preview", setter(t.ECR_REPOSITORY, "app-repo", "imageTagMutability", "MUTABLE")),
    "ecr-no-scan-on-push": ("COKO-ECR-002", "up", setter(t.ECR_REPOSITORY, "app-repo", "imageScanningConfiguration.scanOnPush", False)),
    "alb-keeps-invalid-headers": ("COKO-ALB-001", "up", setter(t.LOAD_BALANCER, "edge-alb", "dropInvalidHeaderFields", False)),
    "alb-no-access-logs": ("COKO-ALB-002", "up", setter(t.LOAD_BALANCER, "edge-alb", "accessLogs", None)),
    "alb-http-forwards": ("COKO-ALB-004", "up", http_forwards),
    "alb-old-tls": ("COKO-ALB-005", "up", setter(t.LISTENER, "edge-https", "sslPolicy", "ELBSecurityPolicy-TLS-1-0-2015-04")),
    "cloudfront-tls-2016": ("COKO-CF-001", "preview", setter(t.DISTRIBUTION, "cdn-distribution", "viewerCertificate.minimumProtocolVersion", "TLSv1_2016")),
    "cloudfront-allow-all": ("COKO-CF-002", "up", setter(t.DISTRIBUTION, "cdn-distribution", "defaultCacheBehavior.viewerProtocolPolicy", "allow-all")),
    "cloudfront-no-waf": ("COKO-CF-003", "up", setter(t.DISTRIBUTION, "cdn-distribution", "webAclId", None)),
    "cloudfront-no-logging": ("COKO-CF-004", "up", setter(t.DISTRIBUTION, "cdn-distribution", "loggingConfig", None)),
    "cloudfront-no-headers-policy": ("COKO-CF-006", "up", setter(t.DISTRIBUTION, "cdn-distribution", "defaultCacheBehavior.responseHeadersPolicyId", None)),
    "waf-acl-in-paris": ("COKO-CF-009", "up", setter(t.DISTRIBUTION, "cdn-distribution", "webAclId", "arn:aws:wafv2:eu-west-3:123456789012:regional/webacl/x/1")),
    "waf-no-managed-rules": ("COKO-WAF-001", "up", no_managed_rules),
    "waf-no-logging": ("COKO-WAF-003", "preview", delete(t.WEB_ACL_LOGGING)),
    "s3-public-acls-allowed": ("COKO-S3-001", "preview", setter(PAB, "storage-media", "blockPublicAcls", False)),
    "s3-media-sse-s3": ("COKO-S3-002", "up", setter(SSE, "storage-media", "rules", [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}])),
    "s3-media-versioning-suspended": ("COKO-S3-003", "preview", setter(VER, "storage-media", "versioningConfiguration.status", "Suspended")),
    "s3-media-acls-enabled": ("COKO-S3-004", "up", setter(OWN, "storage-media", "rule.objectOwnership", "ObjectWriter")),
    "s3-no-public-access-block": ("COKO-S3-007", "preview", delete(PAB, "storage-static")),
    "s3-no-encryption-config": ("COKO-S3-008", "up", delete(SSE, "storage-media")),
    "vpc-no-flow-log": ("COKO-NET-001", "preview", delete(t.FLOW_LOG)),
    "sg-world-postgres": ("COKO-NET-002", "up", world_postgres),
    "default-sg-open": ("COKO-NET-003", "preview", setter(DEFAULT_SG, "default-sg", "ingress", [{"protocol": "-1", "fromPort": 0, "toPort": 0, "self": True}])),
    "subnet-public-ip": ("COKO-NET-004", "preview", setter(SUBNET, "public-1", "mapPublicIpOnLaunch", True)),
    "secret-default-key": ("COKO-SM-001", "up", setter(t.SECRET_RESOURCE, "django-secret-key", "kmsKeyId", None)),
    "kms-rotation-off": ("COKO-KMS-001", "preview", setter(t.KMS_KEY, "kms-key", "enableKeyRotation", False)),
    "log-group-forever": ("COKO-LOG-001", "preview", setter(t.LOG_GROUP, "flow-logs", "retentionInDays", None)),
    "alarm-without-action": ("COKO-CW-001", "up", setter(t.METRIC_ALARM, "5xx-rate", "alarmActions", [])),
    "sns-unencrypted": ("COKO-SNS-001", "up", setter(SNS_TOPIC, "alerts", "kmsMasterKeyId", None)),
    "iam-action-star": ("COKO-IAM-001", "up", policy_statement(t.ROLE_POLICY, "task-roles-task-policy", {"Effect": "Allow", "Action": "*", "Resource": "*"})),
    "iam-trust-anyone": (
        "COKO-IAM-004",
        "up",
        policy_statement(t.IAM_ROLE, "task-roles-task", {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}, key="assumeRolePolicy"),
    ),
    "required-tag-removed": ("COKO-TAG-001", "preview", drop_owner_tag),
    "bucket-in-us-west-2": ("COKO-REG-001", "preview", region(t.BUCKET, "storage-media", "us-west-2")),
}


def run_check(tmp_path: Path, doc: Doc, *args: str) -> tuple[int, dict[str, Any]]:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(doc))
    result = CliRunner().invoke(app, ["check", "--plan", str(plan), "--format", "json", *args])
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip().startswith("{") else {}


def test_at_least_thirty_distinct_mutations() -> None:
    assert len(MUTATIONS) >= 30
    assert len({rule for rule, _, _ in MUTATIONS.values()}) >= 30


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_mutation_fails_the_check_on_its_rule(name: str, plan_docs: dict[str, Doc], tmp_path: Path) -> None:
    rule, mode, mutate = MUTATIONS[name]
    doc = copy.deepcopy(plan_docs[mode])
    mutate(doc)
    code, report = run_check(tmp_path, doc)
    assert code == 1, report
    hits = [v for v in report["violations"] if v["rule"] == rule]
    assert hits and all(v["enforcement"] == "mandatory" for v in hits), f"{rule} not reported; got {[v['rule'] for v in report['violations']]}"
