"""Both stacks' disaster-recovery resources in moto, created from the program's own up-mode plan.

The plan comes from the real Pulumi program under the offline preview (``run_stacks(..., "up")``)
with a hosted zone configured, so the drill creates what `pulumi up` would: the primary's
database and both its login secrets, master and app (with their replica regions), the Route 53 health check and
both failover records, the secondary's read replica, ECS cluster, task definitions (their
DATABASE_READ_ONLY), services, autoscaling targets and ALB. What moto needs and the plan cannot
give is substituted and said so here: network IDs (moto's VPC), the DB password (a secret in
the plan), the secret's JSON value, the hosted zone ID (moto assigns one).
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import yaml

from coko_cli.offline.runner import ResourceRecord, StackPreview, run_stacks
from coko_contract import names

ACCOUNT = "123456789012"
PRIMARY, SECONDARY = "production", "capetown"
PLAN_ZONE = "ZDRILLPLANZONE"
# The passwords the plan keeps secret: the drill substitutes these (and checks no output ever shows them).
MASTER_PASSWORD = "drill-master-password-0123"
APP_PASSWORD = "drill-app-password"
ROOT = Path(__file__).resolve().parents[2]


def stack_root(directory: Path, zone_id: str | None) -> Path:
    """A project root whose stack files configure `zone_id` (none: no hosted zone) and pin the image tag (no git here)."""
    directory.mkdir(parents=True, exist_ok=True)
    for entry in ROOT.iterdir():
        if not entry.name.startswith("Pulumi.") or entry.name == "Pulumi.yaml":
            link = directory / entry.name
            if not link.exists():
                link.symlink_to(entry)
    for stack in (PRIMARY, SECONDARY):
        document = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())
        config = document["config"]
        if zone_id:
            config["coko:domain"] = {**(config.get("coko:domain") or {}), "hostedZoneId": zone_id}
        config["coko:image"] = {**(config.get("coko:image") or {}), "tag": "drill"}
        (directory / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump(document))
    return directory


def plan(directory: Path) -> dict[str, StackPreview]:
    return {p.stack: p for p in run_stacks([PRIMARY, SECONDARY], "up", root=stack_root(directory, PLAN_ZONE))}


def resources(preview: StackPreview, type_: str, **inputs: Any) -> list[ResourceRecord]:
    return [r for r in preview.resources if r.type == type_ and all(r.inputs.get(k) == v for k, v in inputs.items())]


def only(preview: StackPreview, type_: str, **inputs: Any) -> ResourceRecord:
    found = resources(preview, type_, **inputs)
    assert len(found) == 1, f"{preview.stack}'s plan has {len(found)} {type_} with {inputs}: the drill builds from the program's plan"
    return found[0]


@dataclass
class World:
    """Handles on what was created, and direct (not proxied) clients to check the outcome."""

    endpoint: str
    zone_id: str
    health_check_id: str
    cluster: str
    services: dict[str, str]
    task_families: dict[str, str]
    sources: dict[str, str] = field(default_factory=dict)

    def client(self, service: str, region: str) -> Any:
        return boto3.client(service, region_name=region, endpoint_url=self.endpoint)  # type: ignore[call-overload]


def _hosted_zone(r53: Any, apex: str) -> str:
    return str(r53.create_hosted_zone(Name=apex, CallerReference=f"drill-{datetime.now(UTC).timestamp()}")["HostedZone"]["Id"].rsplit("/", 1)[-1])


def _login_secret(sm: Any, p: StackPreview, name: str, login: dict[str, Any]) -> str:
    """One of the primary's login secrets, with the replica regions (and keys) its plan gives it; returns its ARN."""
    secret = only(p, "aws:secretsmanager/secret:Secret", name=name).inputs
    replicas = [{"Region": r["region"], **({"KmsKeyId": r["kmsKeyId"]} if r.get("kmsKeyId") else {})} for r in secret.get("replicas") or []]
    tags = [{"Key": k, "Value": v} for k, v in secret["tags"].items()]
    return str(sm.create_secret(Name=secret["name"], SecretString=json.dumps(login), AddReplicaRegions=replicas, Tags=tags)["ARN"])


def build_primary(plans: dict[str, StackPreview], endpoint: str, region: str, zone_id: str) -> tuple[str, dict[str, str]]:
    """The primary's DR resources: database, both login secrets (master and app) + replicas, health check, PRIMARY record."""
    p = plans[PRIMARY]
    rds = boto3.client("rds", region_name=region, endpoint_url=endpoint)
    db = only(p, "aws:rds/instance:Instance", identifier=names.database_identifier(PRIMARY)).inputs
    created = rds.create_db_instance(
        DBInstanceIdentifier=db["identifier"],
        Engine=db["engine"],
        DBInstanceClass=db["instanceClass"],
        AllocatedStorage=int(db.get("allocatedStorage") or 20),
        MasterUsername=db["username"],
        MasterUserPassword=MASTER_PASSWORD,  # a secret in the plan
        StorageEncrypted=True,
    )["DBInstance"]
    sm = boto3.client("secretsmanager", region_name=region, endpoint_url=endpoint)
    common = {"host": created["Endpoint"]["Address"] if created.get("Endpoint") else "db", "port": 5432, "dbname": "coko", "engine": "postgres"}
    master_arn = _login_secret(sm, p, names.db_master_secret_name(PRIMARY), {"username": db["username"], "password": MASTER_PASSWORD, **common})
    _login_secret(
        sm, p, names.db_credentials_secret_name(PRIMARY), {"username": names.DB_APP_USERS[0], "password": APP_PASSWORD, **common, "masterarn": master_arn}
    )
    r53 = boto3.client("route53", region_name="us-east-1", endpoint_url=endpoint)
    checks = {}
    for check in resources(p, "aws:route53/healthCheck:HealthCheck"):
        config: dict[str, Any] = {"Type": check.inputs["type"]}
        if check.inputs.get("cloudwatchAlarmName"):
            config["AlarmIdentifier"] = {"Region": check.inputs["cloudwatchAlarmRegion"], "Name": check.inputs["cloudwatchAlarmName"]}
        if check.inputs.get("insufficientDataHealthStatus"):
            config["InsufficientDataHealthStatus"] = check.inputs["insufficientDataHealthStatus"]
        made = r53.create_health_check(CallerReference=check.name, HealthCheckConfig=config)["HealthCheck"]
        r53.change_tags_for_resource(
            ResourceType="healthcheck", ResourceId=made["Id"], AddTags=[{"Key": k, "Value": v} for k, v in check.inputs["tags"].items()]
        )
        checks[str(check.outputs.get("id"))] = made["Id"]
    return zone_id, checks


def create_failover_records(plans: dict[str, StackPreview], endpoint: str, zone_id: str, checks: dict[str, str]) -> int:
    """Every failover record of both plans, in moto's zone (the plan's health-check IDs mapped to moto's)."""
    r53 = boto3.client("route53", region_name="us-east-1", endpoint_url=endpoint)
    changes = []
    for stack in (PRIMARY, SECONDARY):
        for record in resources(plans[stack], "aws:route53/record:Record"):
            policies = record.inputs.get("failoverRoutingPolicies")
            if not policies:
                continue
            alias = record.inputs["aliases"][0]
            rrset: dict[str, Any] = {
                "Name": record.inputs["name"],
                "Type": record.inputs["type"],
                "SetIdentifier": record.inputs["setIdentifier"],
                "Failover": policies[0]["type"],
                "AliasTarget": {"HostedZoneId": alias["zoneId"], "DNSName": alias["name"], "EvaluateTargetHealth": bool(alias.get("evaluateTargetHealth"))},
            }
            if record.inputs.get("healthCheckId"):
                rrset["HealthCheckId"] = checks[record.inputs["healthCheckId"]]
            changes.append({"Action": "CREATE", "ResourceRecordSet": rrset})
    r53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": changes})
    return len(changes)


def _network(endpoint: str, region: str) -> tuple[list[str], str]:
    ec2 = boto3.client("ec2", region_name=region, endpoint_url=endpoint)
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})  # moto: RunTask on awsvpc needs it
    zones = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.1.1{i}.0/24", AvailabilityZone=z)["Subnet"]["SubnetId"] for i, z in enumerate(zones)]
    group = ec2.create_security_group(GroupName=f"drill-{os.getpid()}-{datetime.now(UTC).timestamp()}", Description="ECS tasks", VpcId=vpc)["GroupId"]
    return subnets, group


def _tags(inputs: dict[str, Any], key: str = "key", value: str = "value") -> list[dict[str, str]]:
    return [{key: k, value: v} for k, v in (inputs.get("tags") or {}).items()]


def build_ecs(preview: StackPreview, endpoint: str, region: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """A stack's ECS cluster, every task definition (services' and the database-admin one), services and autoscaling targets."""
    subnets, group = _network(endpoint, region)
    ecs: Any = boto3.client("ecs", region_name=region, endpoint_url=endpoint)
    logs = boto3.client("logs", region_name=region, endpoint_url=endpoint)
    cluster_in = only(preview, "aws:ecs/cluster:Cluster").inputs
    cluster = ecs.create_cluster(clusterName=cluster_in["name"], tags=_tags(cluster_in))["cluster"]["clusterArn"]
    arns: dict[str, str] = {}
    for definition in resources(preview, "aws:ecs/taskDefinition:TaskDefinition"):
        inputs = definition.inputs
        containers = json.loads(inputs["containerDefinitions"])
        for container in containers:
            container.setdefault("memory", int(inputs.get("memory") or 512))  # moto: RunTask needs a per-container memory
            options = (container.get("logConfiguration") or {}).get("options") or {}
            if options.get("awslogs-group"):
                with contextlib.suppress(logs.exceptions.ResourceAlreadyExistsException):
                    logs.create_log_group(logGroupName=options["awslogs-group"])
        request = {
            k: inputs[k] for k in ("family", "cpu", "memory", "networkMode", "requiresCompatibilities", "taskRoleArn", "executionRoleArn") if inputs.get(k)
        }
        registered = ecs.register_task_definition(**request, containerDefinitions=containers, tags=_tags(inputs))["taskDefinition"]
        arns[str(definition.outputs.get("arn"))] = registered["taskDefinitionArn"]
    services: dict[str, str] = {}
    families: dict[str, str] = {}
    for service in resources(preview, "aws:ecs/service:Service"):
        inputs = service.inputs
        role = inputs["tags"][names.TAG_SERVICE]
        ecs.create_service(
            cluster=cluster,
            serviceName=inputs["name"],
            taskDefinition=arns[inputs["taskDefinition"]],
            desiredCount=int(inputs["desiredCount"]),
            launchType=inputs.get("launchType") or "FARGATE",
            networkConfiguration={"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [group], "assignPublicIp": "DISABLED"}},
            deploymentConfiguration={"deploymentCircuitBreaker": inputs["deploymentCircuitBreaker"]},
            propagateTags=inputs.get("propagateTags") or "SERVICE",
            tags=_tags(inputs),
        )
        services[role] = inputs["name"]
        families[role] = arns[inputs["taskDefinition"]].rsplit("/", 1)[-1].split(":")[0]
    from moto.ecs.models import ecs_backends

    backend = ecs_backends[ACCOUNT][region]
    for name in services.values():  # moto: running == desired, the deployment completed
        described = backend.services[f"{cluster_in['name']}:{name}"]
        described.running_count, described.pending_count = described.desired_count, 0
        described.deployments[0].update(runningCount=described.desired_count, pendingCount=0, rolloutState="COMPLETED")
    aas = boto3.client("application-autoscaling", region_name=region, endpoint_url=endpoint)
    for target in resources(preview, "aws:appautoscaling/target:Target"):
        inputs = target.inputs
        aas.register_scalable_target(
            ServiceNamespace=inputs["serviceNamespace"],
            ResourceId=inputs["resourceId"],
            ScalableDimension=inputs["scalableDimension"],
            MinCapacity=int(inputs["minCapacity"]),
            MaxCapacity=int(inputs["maxCapacity"]),
        )
    alb = only(preview, "aws:lb/loadBalancer:LoadBalancer").inputs
    boto3.client("elbv2", region_name=region, endpoint_url=endpoint).create_load_balancer(
        Name=alb.get("name") or f"{names.prefix(preview.stack)}-alb", Subnets=subnets, SecurityGroups=[group], Tags=_tags(alb, "Key", "Value")
    )
    return cluster, services, families


def build_secondary(plans: dict[str, StackPreview], endpoint: str, region: str, primary_region: str) -> tuple[str, dict[str, str], dict[str, str]]:
    """The secondary's DR resources: read replica, its ECS side (build_ecs), and the ReplicaLag RDS emits."""
    s = plans[SECONDARY]
    replica = only(s, "aws:rds/instance:Instance", identifier=names.database_identifier(SECONDARY)).inputs
    boto3.client("rds", region_name=region, endpoint_url=endpoint).create_db_instance_read_replica(
        DBInstanceIdentifier=replica["identifier"],
        SourceDBInstanceIdentifier=replica["replicateSourceDb"],
        DBInstanceClass=replica["instanceClass"],
        KmsKeyId=replica["kmsKeyId"],
        SourceRegion=primary_region,
    )
    cluster, services, families = build_ecs(s, endpoint, region)
    boto3.client("cloudwatch", region_name=region, endpoint_url=endpoint).put_metric_data(
        Namespace="AWS/RDS",
        MetricData=[
            {"MetricName": "ReplicaLag", "Dimensions": [{"Name": "DBInstanceIdentifier", "Value": replica["identifier"]}], "Value": 2.0, "Unit": "Seconds"}
        ],
    )
    return cluster, services, families


def build(plans: dict[str, StackPreview], endpoint: str) -> World:
    primary_region, secondary_region = plans[PRIMARY].region, plans[SECONDARY].region
    r53 = boto3.client("route53", region_name="us-east-1", endpoint_url=endpoint)
    zone = _hosted_zone(r53, "coko.africa")
    zone, checks = build_primary(plans, endpoint, primary_region, zone)
    cluster, services, families = build_secondary(plans, endpoint, secondary_region, primary_region)
    create_failover_records(plans, endpoint, zone, checks)
    return World(endpoint=endpoint, zone_id=zone, health_check_id=next(iter(checks.values())), cluster=cluster, services=services, task_families=families)
