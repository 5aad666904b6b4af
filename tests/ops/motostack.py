"""A Coko stack in moto, as `pulumi up` creates it, and moto 5.2.5's ECS gaps bridged.

Shared by the end-to-end tests (through conftest fixtures) and bench/rollback_overhead.py.
The gaps are bridged here, never in product code (see docs/ops.md, "moto gaps"):
- RunTask on awsvpc needs the VPC's DNS hostnames on, and a per-container `memory`;
- tasks step one state per describe_tasks (the default 'manual, times=1' transition), exit code
  is always 0, stopCode never set, no log lines: `install_sim`'s run_task writes them;
- UpdateService leaves the PRIMARY deployment on the old task definition: the patched
  update_service completes (or, on request, "circuit-breaks") the deployment as ECS would;
- running == desired and a COMPLETED rollout are set on the backend after CreateService.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import boto3
from moto.ecs.models import EC2ContainerServiceBackend
from moto.logs.models import logs_backends

from coko_contract import names as naming

ACCOUNT = "123456789012"
REGION = "eu-west-3"  # Pulumi.production.yaml's aws:region
STACK = "production"
REPO = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/coko"
DESIRED = {"backend": 3, "worker": 2, "scheduler": 1}


def digest(n: int) -> str:
    return "sha256:" + f"{n:x}" * 64


@dataclass
class EcsSim:
    """What moto does not do for ECS, done the way ECS does it (set per test)."""

    exit_code: int = 0
    stop_code: str | None = None
    stopped_reason: str | None = None
    log_lines: list[str] = field(default_factory=lambda: ["Operations to perform:", "Running migrations:", "  No migrations to apply."])
    rollout: str = "complete"  # complete | circuit-breaker | stuck
    run_requests: list[dict[str, Any]] = field(default_factory=list)
    update_requests: list[dict[str, Any]] = field(default_factory=list)


def install_sim(setattr: Callable[[Any, str, Any], None]) -> EcsSim:
    """Patch moto's ECS backend (in this process) to behave like ECS; returns the knobs."""
    sim = EcsSim()
    original_run = EC2ContainerServiceBackend.run_task
    original_update = EC2ContainerServiceBackend.update_service

    def run_task(
        self: EC2ContainerServiceBackend,
        cluster_str: str,
        task_definition_str: str,
        count: int,
        overrides: Any,
        started_by: str,
        tags: Any,
        launch_type: Any,
        networking_configuration: Any = None,
        group: Any = None,
        platform_version: Any = None,
        capacity_provider_strategy: Any = None,
    ) -> Any:
        sim.run_requests.append(
            {
                "taskDefinition": task_definition_str,
                "overrides": overrides,
                "startedBy": started_by,
                "tags": tags,
                "launchType": launch_type,
                "networkConfiguration": networking_configuration,
                "platformVersion": platform_version,
            }
        )
        tasks = original_run(
            self,
            cluster_str,
            task_definition_str,
            count,
            overrides,
            started_by,
            tags,
            launch_type,
            networking_configuration,
            group,
            platform_version,
            capacity_provider_strategy,
        )
        definition = self.describe_task_definition(task_definition_str)
        options = definition.container_definitions[0]["logConfiguration"]["options"]
        for task in tasks:
            task.containers[0].exitCode = None if sim.stop_code else sim.exit_code
            if sim.stop_code:
                task.stop_code, task.stopped_reason = sim.stop_code, sim.stopped_reason
            if sim.log_lines and not sim.stop_code:
                stream = f"{options['awslogs-stream-prefix']}/{definition.container_definitions[0]['name']}/{task.id}"
                logs = logs_backends[self.account_id][self.region_name]
                logs.create_log_stream(options["awslogs-group"], stream)
                now = int(time.time() * 1000)
                logs.put_log_events(options["awslogs-group"], stream, [{"timestamp": now + i, "message": line} for i, line in enumerate(sim.log_lines)])
        return tasks

    def update_service(self: EC2ContainerServiceBackend, service_properties: dict[str, Any]) -> Any:
        sim.update_requests.append(dict(service_properties))
        name = service_properties["service"].split("/")[-1]
        before = self._get_service(service_properties.get("cluster", "default"), name).task_definition
        service = original_update(self, service_properties)
        deployment = service.deployments[0]
        if sim.rollout == "complete":
            deployment.update(taskDefinition=service.task_definition, rolloutState="COMPLETED", runningCount=service.desired_count)
        elif sim.rollout == "circuit-breaker":
            service.task_definition = before
            deployment.update(taskDefinition=before, rolloutState="COMPLETED")
            service.events.insert(
                0,
                {
                    "id": "cb",
                    "createdAt": datetime.now(UTC),
                    "message": f"(service {name}) rolling back to deployment {deployment['id']}: deployment circuit breaker tripped.",
                },
            )
        else:  # stuck: the new deployment never finishes
            service.deployments = [
                {**deployment, "status": "PRIMARY", "taskDefinition": service.task_definition, "rolloutState": "IN_PROGRESS", "runningCount": 0},
                {**deployment, "status": "ACTIVE", "id": "ecs-svc/old"},
            ]
        return service

    setattr(EC2ContainerServiceBackend, "run_task", run_task)
    setattr(EC2ContainerServiceBackend, "update_service", update_service)
    return sim


def ecs_backend() -> EC2ContainerServiceBackend:
    from moto.ecs.models import ecs_backends

    return ecs_backends[ACCOUNT][REGION]


@dataclass
class Stack:
    """Handles on what the fixture deployed."""

    cluster: str
    subnets: list[str]
    security_group: str
    services: dict[str, str]

    @property
    def ecs(self) -> Any:
        return boto3.client("ecs", region_name=REGION)

    def task_definition(self, role: str) -> str:
        service = self.ecs.describe_services(cluster=self.cluster, services=[self.services[role]])["services"][0]
        return str(service["taskDefinition"]).rsplit("/", 1)[-1]

    def primary(self, role: str) -> str:
        service = self.ecs.describe_services(cluster=self.cluster, services=[self.services[role]])["services"][0]
        return next(str(d["taskDefinition"]) for d in service["deployments"] if d["status"] == "PRIMARY").rsplit("/", 1)[-1]

    def register(self, role: str, tag: str, *, image: str | None = None, labels: bool = True) -> str:
        """A new revision of the role's family, as `pulumi up` registers it (image by digest)."""
        n = int(tag.lstrip("v")) if tag.lstrip("v").isdigit() else 9
        container: dict[str, Any] = {
            "name": naming.container_name(role),
            "image": image or f"{REPO}@{digest(n)}",
            "memory": 1024,
            "cpu": 512,
            "essential": True,
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {"awslogs-group": naming.log_group_name(STACK, role), "awslogs-region": REGION, "awslogs-stream-prefix": role},
            },
        }
        if labels:
            container["dockerLabels"] = {"coko.image.tag": tag}
        arn = self.ecs.register_task_definition(
            family=naming.task_family(STACK, role),
            networkMode="awsvpc",
            requiresCompatibilities=["FARGATE"],
            cpu="512",
            memory="1024",
            containerDefinitions=[container],
            tags=[{"key": "Project", "value": "coko"}, {"key": "Stack", "value": STACK}],
        )["taskDefinition"]["taskDefinitionArn"]
        return str(arn)


def add_web(stack: Stack, revisions: int = 2, desired: int = 3) -> str:
    """The reader frontend's service beside the three roles, as `pulumi up` creates it: its own image
    (coko/<stack>-web, by digest), family, log group and Service=web tag, on its latest revision."""
    ecs, role = stack.ecs, naming.WEB_ROLE
    boto3.client("logs", region_name=REGION).create_log_group(logGroupName=naming.log_group_name(STACK, role))
    web_repo = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{naming.web_repository_name(STACK)}"
    arns = [stack.register(role, f"v{i + 1}", image=f"{web_repo}@{digest(i + 11)}") for i in range(revisions)]
    name = naming.service_name(STACK, role)
    ecs.create_service(
        cluster=stack.cluster,
        serviceName=name,
        taskDefinition=arns[-1],
        desiredCount=desired,
        launchType="FARGATE",
        networkConfiguration={"awsvpcConfiguration": {"subnets": stack.subnets, "securityGroups": [stack.security_group], "assignPublicIp": "DISABLED"}},
        deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True}, "maximumPercent": 200, "minimumHealthyPercent": 100},
        propagateTags="SERVICE",
        tags=[{"key": "Project", "value": "coko"}, {"key": "Stack", "value": STACK}, {"key": "Service", "value": role}],
    )
    service = ecs_backend().services[f"{naming.cluster_name(STACK)}:{name}"]  # moto: running == desired, deployment completed
    service.running_count, service.pending_count = desired, 0
    service.deployments[0].update(runningCount=desired, pendingCount=0, rolloutState="COMPLETED")
    stack.services[role] = name
    return name


def deploy_stack(revisions: int = 2, *, tagged: bool = True, names: dict[str, str] | None = None) -> Stack:
    """Cluster, three services on their latest revision, VPC and log groups, like the infrastructure."""
    ec2 = boto3.client("ec2", region_name=REGION)
    logs = boto3.client("logs", region_name=REGION)
    ecs = boto3.client("ecs", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.1{i}.0/24")["Subnet"]["SubnetId"] for i in range(3)]
    sg = ec2.create_security_group(GroupName="coko-production-tasks", Description="ECS tasks", VpcId=vpc)["GroupId"]
    stack_tags = [
        {"key": "Project", "value": "coko"},
        {"key": "Stack", "value": STACK},
        {"key": "RegionRole", "value": "primary"},
        {"key": "ManagedBy", "value": "pulumi"},
    ]
    cluster = ecs.create_cluster(clusterName=naming.cluster_name(STACK), tags=stack_tags if tagged else [])["cluster"]["clusterArn"]
    ecs.create_cluster(clusterName="someone-else", tags=[{"key": "Project", "value": "other"}])
    stack = Stack(cluster=cluster, subnets=subnets, security_group=sg, services={})
    for role in naming.SERVICE_ROLES:
        logs.create_log_group(logGroupName=naming.log_group_name(STACK, role))
        arns = [stack.register(role, f"v{i + 1}") for i in range(revisions)]
        name = (names or {}).get(role, naming.service_name(STACK, role))
        ecs.create_service(
            cluster=cluster,
            serviceName=name,
            taskDefinition=arns[-1],
            desiredCount=DESIRED[role],
            launchType="FARGATE",
            platformVersion="1.4.0",
            networkConfiguration={"awsvpcConfiguration": {"subnets": subnets, "securityGroups": [sg], "assignPublicIp": "DISABLED"}},
            deploymentConfiguration={"deploymentCircuitBreaker": {"enable": True, "rollback": True}, "maximumPercent": 200, "minimumHealthyPercent": 100},
            propagateTags="SERVICE",
            tags=[*stack_tags, {"key": "Service", "value": role}] if tagged else [],
        )
        stack.services[role] = name
    backend = ecs_backend()
    for role, name in stack.services.items():  # moto: running == desired, deployment completed
        service = backend.services[f"{naming.cluster_name(STACK)}:{name}"]
        service.running_count, service.pending_count = DESIRED[role], 0
        service.deployments[0].update(runningCount=DESIRED[role], pendingCount=0, rolloutState="COMPLETED")
        service.events = [
            {"id": f"{role}-1", "createdAt": datetime(2026, 11, 25, 3, 0, tzinfo=UTC), "message": f"(service {name}) has reached a steady state."}
        ]
    return stack
