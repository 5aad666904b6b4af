"""Will AWS accept the value? Enums, ranges and size tables from botocore's service models.

Each rule names the model parameter it reads; values unknown at preview are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..aws_models import Constraint, doc_number, doc_values, fargate_sizes, member, shape_doc
from ..framework import Resource, Severity, Spec, as_list, number, register, rule, unknown
from ._util import known
from .deploy_names import API
from .resource_types import (
    CERTIFICATE,
    ECR_REPOSITORY,
    ECS_SERVICE,
    KMS_KEY,
    LISTENERS,
    LOAD_BALANCERS,
    LOG_GROUP,
    METRIC_ALARM,
    OPENSEARCH_DOMAIN,
    RDS_INSTANCE,
    REPLICATION_GROUP,
    SECRET_RESOURCE,
    TARGET_GROUPS,
    TASK_DEFINITION,
)


def enum_problems(r: Resource, checks: dict[str, Constraint]) -> list[str]:
    """``{input path: model constraint}`` -> messages for known values the API would refuse."""
    problems: list[str] = []
    for path, constraint in checks.items():
        value = r.get(path)
        for item in as_list(value) if isinstance(value, list) else [value]:
            if known(item):
                problems += constraint.problems(item if isinstance(item, str) or number(item) is None else number(item), path)
    return problems


@rule("COKO-DEPLOY-016", [LOG_GROUP], severity="high",
      anchor=f"botocore logs shape Days (PutRetentionPolicy.retentionInDays); {API}/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
      remediation="Pick a listed value (1, 3, 5, 7, 14, 30, 60, 90, ... 3653), e.g. 30 or 90.")
def log_retention(r: Resource) -> list[str]:
    """Log retention is one of the day counts CloudWatch Logs accepts"""
    days = number(r.get("retentionInDays"))
    if days is None or days == 0:
        return []  # absent/0: never expire (COKO-LOG-001 asks for a retention)
    allowed = doc_values(Constraint("botocore logs Days", doc=shape_doc("logs", "Days")), r"Possible values are: ")
    return [] if int(days) in allowed else [f"retentionInDays {int(days)} is not one of {', '.join(map(str, allowed))}"]


def constraints(service: str, operation: str, fields: dict[str, str]) -> dict[str, Constraint]:
    """``{input path: member of the operation}`` -> ``{input path: that member's constraint}``."""
    return {path: member(service, operation, name) for path, name in fields.items()}


@dataclass(frozen=True)
class EnumRule:
    """Enum/range rules: per resource type, (service, operation, {input path: member}) of the API
    call that creates it."""

    id: str
    checks: dict[str, tuple[str, str, dict[str, str]]]
    title: str
    severity: Severity
    anchor: str
    remediation: str

    def check(self, r: Resource) -> list[str]:
        return enum_problems(r, constraints(*self.checks[r.type])) if r.type in self.checks else []


ENUM_RULES = (
    EnumRule(
        "COKO-DEPLOY-017",
        {
            **dict.fromkeys(LOAD_BALANCERS, ("elbv2", "CreateLoadBalancer", {"loadBalancerType": "Type", "ipAddressType": "IpAddressType"})),
            **dict.fromkeys(LISTENERS, ("elbv2", "CreateListener", {"protocol": "Protocol", "port": "Port"})),
            **dict.fromkeys(TARGET_GROUPS, ("elbv2", "CreateTargetGroup", {"protocol": "Protocol", "targetType": "TargetType", "port": "Port"})),
        },
        "Load balancer, listener and target group settings use the values ELBv2 accepts",
        "high",
        f"botocore elbv2 LoadBalancerTypeEnum, IpAddressType, ProtocolEnum, TargetTypeEnum, Port; {API}/elasticloadbalancing/latest/APIReference/",
        "Use the exact enum spelling (application, HTTPS, ip ...) and ports 1-65535.",
    ),
    EnumRule(
        "COKO-DEPLOY-019",
        {
            ECS_SERVICE: ("ecs", "CreateService", {"launchType": "launchType", "propagateTags": "propagateTags", "schedulingStrategy": "schedulingStrategy"}),
            TASK_DEFINITION: ("ecs", "RegisterTaskDefinition", {"networkMode": "networkMode", "requiresCompatibilities": "requiresCompatibilities"}),
        },
        "ECS services and task definitions use the values ECS accepts",
        "high",
        f"botocore ecs LaunchType, PropagateTags, SchedulingStrategy, NetworkMode, Compatibility; {API}/AmazonECS/latest/APIReference/",
        "Use FARGATE, SERVICE/TASK_DEFINITION/NONE, REPLICA and awsvpc as spelled by the API.",
    ),
    EnumRule(
        "COKO-DEPLOY-021",
        {
            CERTIFICATE: ("acm", "RequestCertificate", {"validationMethod": "ValidationMethod", "keyAlgorithm": "KeyAlgorithm"}),
            KMS_KEY: ("kms", "CreateKey", {"keyUsage": "KeyUsage", "customerMasterKeySpec": "KeySpec"}),
            ECR_REPOSITORY: ("ecr", "CreateRepository", {"imageTagMutability": "imageTagMutability"}),
        },
        "ACM, KMS and ECR settings use the values their APIs accept",
        "high",
        f"botocore acm ValidationMethod/KeyAlgorithm, kms KeyUsageType/KeySpec, ecr ImageTagMutability; {API}/acm/latest/APIReference/API_RequestCertificate.html",
        "Use DNS / RSA_2048 / ENCRYPT_DECRYPT / SYMMETRIC_DEFAULT / IMMUTABLE as spelled by the API.",
    ),
    EnumRule(
        "COKO-DEPLOY-022",
        {
            "aws:appautoscaling/policy:Policy": ("application-autoscaling", "PutScalingPolicy", {"policyType": "PolicyType"}),
            METRIC_ALARM: (
                "cloudwatch",
                "PutMetricAlarm",
                {"comparisonOperator": "ComparisonOperator", "statistic": "Statistic", "period": "Period", "evaluationPeriods": "EvaluationPeriods"},
            ),
        },
        "Alarms and scaling policies use the values CloudWatch and Application Auto Scaling accept",
        "medium",
        f"botocore cloudwatch ComparisonOperator/Statistic/Period, application-autoscaling PolicyType; {API}/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
        "Use the API's spelling (GreaterThanThreshold, Average, TargetTrackingScaling) and a period of at least 1 s.",
    ),
    EnumRule(
        "COKO-DEPLOY-023",
        {OPENSEARCH_DOMAIN: ("opensearch", "CreateDomain", {"engineVersion": "EngineVersion"})},
        "OpenSearch engine versions are spelled OpenSearch_X.Y (or Elasticsearch_X.Y)",
        "high",
        f"botocore opensearch CreateDomain.EngineVersion (VersionString pattern); {API}/opensearch-service/latest/developerguide/what-is.html#choosing-version",
        'Set engine_version="OpenSearch_2.19" (the API refuses "2.19" or "opensearch-2.19").',
    ),
)
register(__name__, [Spec(e.id, list(e.checks), e.check, e.title, e.severity, e.anchor, e.remediation) for e in ENUM_RULES])


@rule("COKO-DEPLOY-018", TARGET_GROUPS, severity="high",
      anchor=f"botocore elbv2 CreateTargetGroup.HealthCheck*; {API}/elasticloadbalancing/latest/application/target-group-health-checks.html",
      remediation="Interval 5-300 s, timeout 2-120 s and shorter than the interval, thresholds 2-10.")
def health_check_ranges(r: Resource) -> list[str]:
    """Target group health checks stay within ELBv2's ranges (interval, timeout, thresholds, path)"""
    fields = {
        "healthCheck.interval": "HealthCheckIntervalSeconds",
        "healthCheck.timeout": "HealthCheckTimeoutSeconds",
        "healthCheck.healthyThreshold": "HealthyThresholdCount",
        "healthCheck.unhealthyThreshold": "UnhealthyThresholdCount",
        "healthCheck.path": "HealthCheckPath",
    }
    problems = enum_problems(r, constraints("elbv2", "CreateTargetGroup", fields))
    interval, timeout = number(r.get("healthCheck.interval")), number(r.get("healthCheck.timeout"))
    if interval is not None and timeout is not None and timeout >= interval:
        problems.append(f"healthCheck.timeout {timeout:g} must be shorter than healthCheck.interval {interval:g}")
    return problems


def _units(value: Any, unit: str) -> int | None:
    """ECS accepts "1024", 1024, "1 vCPU" or "2 GB"; -> CPU units or MiB."""
    if isinstance(value, str):
        found = re.fullmatch(rf"\s*(\d+(?:\.\d+)?)\s*({unit})?\s*", value, re.IGNORECASE)
        if not found:
            return None
        return int(float(found.group(1)) * 1024) if found.group(2) else int(float(found.group(1)))
    n = number(value)
    return int(n) if n is not None else None


@rule("COKO-DEPLOY-020", [TASK_DEFINITION], severity="high",
      anchor=f"botocore ecs RegisterTaskDefinition.memory (Fargate size table); {API}/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size",
      remediation="Pick a memory size listed for the task's CPU (e.g. 512 CPU: 1024-4096 MiB; 1024 CPU: 2048-8192 MiB).")
def fargate_size(r: Resource) -> list[str]:
    """Fargate task CPU and memory form a supported combination"""
    if "FARGATE" not in [c for c in as_list(r.get("requiresCompatibilities")) if isinstance(c, str)]:
        return []
    cpu_value, memory_value = r.get("cpu"), r.get("memory")
    if not known(cpu_value) or not known(memory_value):
        return [] if unknown(cpu_value) or unknown(memory_value) else ["Fargate tasks need both cpu and memory at task level"]
    cpu, memory = _units(cpu_value, "vcpu"), _units(memory_value, "gb")
    sizes = fargate_sizes()
    if cpu not in sizes:
        return [f"cpu {cpu_value!r} is not a Fargate size ({', '.join(map(str, sorted(sizes)))} units)"]
    if memory not in sizes[cpu]:
        return [f"memory {memory_value!r} MiB is not available with cpu {cpu} (allowed {min(sizes[cpu])}-{max(sizes[cpu])} MiB in documented steps)"]
    return []


@rule("COKO-DEPLOY-024", [RDS_INSTANCE], severity="high",
      anchor=f"botocore rds CreateDBInstance.BackupRetentionPeriod / MonitoringInterval documentation; {API}/AmazonRDS/latest/APIReference/API_CreateDBInstance.html",
      remediation="backup_retention_period 1-35; monitoring_interval one of 0, 1, 5, 10, 15, 30, 60.")
def rds_numbers(r: Resource) -> list[str]:
    """RDS backup retention (0-35 days) and monitoring interval use accepted values"""
    problems = []
    retention, interval = number(r.get("backupRetentionPeriod")), number(r.get("monitoringInterval"))
    most = doc_number(member("rds", "CreateDBInstance", "BackupRetentionPeriod"), r"value from 0 to (\d+)")
    if retention is not None and not 0 <= retention <= most:
        problems.append(f"backupRetentionPeriod {retention:g} is outside 0-{most}")
    valid = doc_values(member("rds", "CreateDBInstance", "MonitoringInterval"), r"Valid Values: ")
    if interval is not None and int(interval) not in valid:
        problems.append(f"monitoringInterval {interval:g} is not one of {', '.join(map(str, valid))}")
    return problems


@rule("COKO-DEPLOY-025", [KMS_KEY, SECRET_RESOURCE], severity="medium",
      anchor=f"botocore kms ScheduleKeyDeletion.PendingWindowInDays, secretsmanager DeleteSecret.RecoveryWindowInDays documentation; {API}/kms/latest/APIReference/API_ScheduleKeyDeletion.html",
      remediation="deletion_window_in_days 7-30 on keys; recovery_window_in_days 7-30 (or 0 to force) on secrets.")
def deletion_windows(r: Resource) -> list[str]:
    """KMS deletion windows are 7-30 days; secret recovery windows are 0 or 7-30 days"""
    if r.type.startswith("aws:kms/"):
        key, constraint = "deletionWindowInDays", member("kms", "ScheduleKeyDeletion", "PendingWindowInDays")
    else:
        key, constraint = "recoveryWindowInDays", member("secretsmanager", "DeleteSecret", "RecoveryWindowInDays")
    days = number(r.get(key))
    if days is None or (key == "recoveryWindowInDays" and days == 0):
        return []
    low, high = (doc_number(constraint, pattern) for pattern in (r"(?:between|from) (\d+) (?:and|to)", r"(?:between|from) \d+ (?:and|to) (\d+)"))
    return [] if low <= days <= high else [f"{key} {days:g} is outside {low}-{high}"]


# DB instance classes by engine, from the RDS "Supported DB engines for DB instance classes"
# table (botocore has no list; the API call that has it, DescribeOrderableDBInstanceOptions,
# needs an account). Families available for RDS for PostgreSQL in commercial regions.
POSTGRES_CLASSES = re.compile(r"db\.(t3|t4g|m5|m5d|m6g|m6gd|m6i|m6id|m6idn|m6in|m7g|m7i|m8g|r5|r5b|r5d|r6g|r6gd|r6i|r6id|r6idn|r6in|r7g|r7i|r8g|x2g|x2iedn)\.(micro|small|medium|large|xlarge|\d+xlarge)")
CACHE_NODES = re.compile(r"cache\.(t3|t4g|m5|m6g|m7g|r5|r6g|r6gd|r7g|c7gn)\.(micro|small|medium|large|xlarge|\d+xlarge)")


@rule("COKO-DEPLOY-026", [RDS_INSTANCE, REPLICATION_GROUP], severity="high",
      anchor=f"{API}/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.SupportAurora.html#Concepts.DBInstanceClass.Support; {API}/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html",
      remediation="Pick a class listed for the engine (e.g. db.r6g.large for PostgreSQL, cache.r6g.large for Redis/Valkey).")
def instance_class(r: Resource) -> list[str]:
    """Instance classes and node types exist for the engine"""
    if r.type.startswith("aws:rds/"):
        engine, value = r.get("engine"), r.get("instanceClass")
        if not known(value) or (known(engine) and engine != "postgres"):
            return []
        return [] if isinstance(value, str) and POSTGRES_CLASSES.fullmatch(value) else [f"instanceClass {value!r} is not offered for RDS for PostgreSQL"]
    value = r.get("nodeType")
    if not known(value):
        return []
    return [] if isinstance(value, str) and CACHE_NODES.fullmatch(value) else [f"nodeType {value!r} is not a current ElastiCache node type"]


@rule("COKO-DEPLOY-027", LOAD_BALANCERS, severity="high",
      anchor=f"{API}/elasticloadbalancing/latest/application/application-load-balancers.html#availability-zones (at least two Availability Zones)",
      remediation="Pass the public subnets of two or more AZs.")
def alb_subnets(r: Resource) -> list[str]:
    """An Application Load Balancer spans at least two subnets"""
    if r.get("loadBalancerType", "application") != "application":
        return []
    subnets, mappings = r.get("subnets"), r.get("subnetMappings")
    if unknown(subnets) or unknown(mappings):
        return []
    count = len(as_list(subnets)) + len(as_list(mappings))
    return [] if count >= 2 else [f"{count} subnet(s); an Application Load Balancer needs two AZs"]

