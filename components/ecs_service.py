"""One Fargate service: a role of the app image (backend, worker, scheduler) or the reader frontend.

Log group, task definition, service and -- when the role scales -- target-tracking autoscaling.
Secure defaults: private subnets without public IP, read-only root filesystem with a writable
task volume on /tmp only, non-root user, all Linux capabilities dropped, secrets through
``secrets``, circuit breaker with rollback, no ECS Exec.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.log_group import encrypted_log_group

ARCHITECTURES = {"linux/amd64": "X86_64", "linux/arm64": "ARM64"}
TMP_VOLUME = "tmp"


@dataclass(frozen=True)
class Scaling:
    """Target tracking on the service's average CPU and memory (values: ``coko:autoscaling``)."""

    min_count: int
    max_count: int
    cpu_target: float
    memory_target: float
    scale_in_cooldown: int
    scale_out_cooldown: int

    def __post_init__(self) -> None:
        if not 1 <= self.min_count <= self.max_count:
            raise ValueError(f"autoscaling needs 1 <= min ({self.min_count}) <= max ({self.max_count})")


@dataclass(frozen=True)
class RollingUpdate:
    """ECS deployment percentages. Use the constructors: they encode why each role deploys as it does."""

    minimum_healthy_percent: int
    maximum_percent: int

    @staticmethod
    def one_extra_task(desired_count: int) -> RollingUpdate:
        """Never below capacity, one new task at a time (the seed's ``parallelism: 1``).

        ECS starts floor(desired * max% / 100) tasks; 100 + ceil(100 / desired) gives exactly
        desired + 1 (134 % for 3 tasks). 200 % would replace every task at once.
        """
        return RollingUpdate(100, 100 + math.ceil(100 / max(desired_count, 1)))

    @staticmethod
    def stop_then_start() -> RollingUpdate:
        """Old task stops before the new one starts: for Celery beat, two schedulers would double-fire."""
        return RollingUpdate(0, 100)


@dataclass(frozen=True)
class LoadBalancing:
    """ALB wiring of a web role: its target group, and the ALB SG admitted on the container port."""

    target_group_arn: pulumi.Input[str]
    alb_security_group_id: pulumi.Input[str] | None = None
    health_check_grace_seconds: int = 60
    # A health-check port other than the container port (the backend's liveness listener).
    health_check_port: int | None = None


@dataclass(frozen=True)
class AppServiceArgs:
    """Flat inputs for one service; names come from coko_contract.names so the ops CLI finds them."""

    role: str
    region: str
    cluster_arn: pulumi.Input[str]
    cluster_name: str
    service_name: str
    family: str
    container_name: str
    log_group_name: str
    image: pulumi.Input[str]
    platform: str
    command: Sequence[str]
    cpu: int
    memory: int
    desired_count: int
    subnet_ids: Sequence[pulumi.Input[str]]
    security_group_id: pulumi.Input[str]
    execution_role_arn: pulumi.Input[str]
    task_role_arn: pulumi.Input[str]
    environment: Sequence[Mapping[str, pulumi.Input[str]]]
    secrets: Sequence[Mapping[str, pulumi.Input[str]]]
    rolling_update: RollingUpdate
    log_retention_days: int
    user: str
    kms_key_arn: pulumi.Input[str]
    port: int | None = None
    health_check: Sequence[str] | None = None
    load_balancing: LoadBalancing | None = None
    scaling: Scaling | None = None
    stop_timeout_seconds: int = 30
    writable_paths: Sequence[str] = ("/tmp",)
    wait_for_steady_state: bool = False
    # What the service waits for, given its new task definition: the release steps (migrations,
    # static upload) that must succeed before any task of the new revision starts.
    before_rollout: Callable[[aws.ecs.TaskDefinition], Sequence[pulumi.Resource]] | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.platform not in ARCHITECTURES:
            raise ValueError(f"platform {self.platform!r} is not a Fargate architecture ({', '.join(ARCHITECTURES)})")
        if self.load_balancing is not None and self.port is None:
            raise ValueError(f"{self.role}: a load-balanced service needs a container port")
        if self.user in {"", "root", "0", "0:0"}:
            raise ValueError(f"{self.role}: containers run as a non-root user")
        if not self.command:
            raise ValueError(f"{self.role}: the image serves three roles; each needs an explicit command")
        if not 2 <= self.stop_timeout_seconds <= 120:
            raise ValueError("Fargate stop timeout is 2..120 seconds")
        names = [str(e["name"]) for e in self.environment]
        secret_names = {str(s["name"]) for s in self.secrets}
        if overlap := secret_names & set(names):
            raise ValueError(f"{self.role}: {', '.join(sorted(overlap))} both in environment and secrets")

    def one_off(self, **changes: Any) -> AppServiceArgs:
        """The same container as a one-off task: no port, health check, load balancer or scaling
        (what only a long-running service has), then ``changes``."""
        return dataclasses.replace(self, port=None, health_check=None, load_balancing=None, scaling=None, **changes)


def container_definition(args: AppServiceArgs) -> dict[str, Any]:
    """The one container of the task, as ECS's JSON (may hold Outputs; serialise with Output.json_dumps)."""
    definition: dict[str, Any] = {
        "name": args.container_name,
        "image": args.image,
        "essential": True,
        "command": list(args.command),
        "environment": [dict(e) for e in args.environment],
        "secrets": [dict(s) for s in args.secrets],
        "user": args.user,
        "readonlyRootFilesystem": True,
        "privileged": False,
        "linuxParameters": {"initProcessEnabled": True, "capabilities": {"drop": ["ALL"]}},
        "mountPoints": [{"sourceVolume": _volume_name(path), "containerPath": path, "readOnly": False} for path in args.writable_paths],
        "stopTimeout": args.stop_timeout_seconds,
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": args.log_group_name,
                "awslogs-region": args.region,
                "awslogs-stream-prefix": args.role,
                # A slow CloudWatch must not block the app's stdout (and with it the requests).
                "mode": "non-blocking",
                "max-buffer-size": "25m",
            },
        },
    }
    if args.port is not None:
        definition["portMappings"] = [{"name": "http", "containerPort": args.port, "hostPort": args.port, "protocol": "tcp"}]
    if args.health_check:
        # The seed: every 30 s, 10 s timeout, 3 retries; ECS ignores the Dockerfile HEALTHCHECK.
        definition["healthCheck"] = {"command": list(args.health_check), "interval": 30, "timeout": 10, "retries": 3, "startPeriod": 60}
    return definition


def _volume_name(path: str) -> str:
    return TMP_VOLUME if path == "/tmp" else "scratch" + path.replace("/", "-")


def logged_task_definition(
    name: str, args: AppServiceArgs, tags: Mapping[str, str], parent: pulumi.Resource
) -> tuple[aws.cloudwatch.LogGroup, aws.ecs.TaskDefinition]:
    """The role's encrypted log group and its Fargate task definition (one container, ``args``)."""
    log_group = encrypted_log_group(
        f"{name}-logs", log_group_name=args.log_group_name, retention_days=args.log_retention_days, kms_key_arn=args.kms_key_arn, tags=tags, parent=parent
    )
    task_definition = aws.ecs.TaskDefinition(
        f"{name}-task",
        family=args.family,
        requires_compatibilities=["FARGATE"],
        network_mode="awsvpc",
        cpu=str(args.cpu),
        memory=str(args.memory),
        runtime_platform=aws.ecs.TaskDefinitionRuntimePlatformArgs(operating_system_family="LINUX", cpu_architecture=ARCHITECTURES[args.platform]),
        execution_role_arn=args.execution_role_arn,
        task_role_arn=args.task_role_arn,
        # Fargate task storage, mounted where the read-only image must still write (/tmp, metrics).
        volumes=[aws.ecs.TaskDefinitionVolumeArgs(name=_volume_name(path)) for path in args.writable_paths],
        container_definitions=pulumi.Output.json_dumps([container_definition(args)]),
        # A new revision must not deregister the previous one: `coko rollback` (and a failed
        # release's smoke check) deploys it again, and ECS cannot deploy an INACTIVE revision.
        skip_destroy=True,
        tags=dict(tags),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[log_group]),
    )
    return log_group, task_definition


class AppService(pulumi.ComponentResource):
    """Log group + task definition + Fargate service (+ autoscaling, + ALB ingress) for one role."""

    service_name: pulumi.Output[str]
    task_definition_arn: pulumi.Output[str]
    log_group_name: pulumi.Output[str]

    def __init__(self, name: str, args: AppServiceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:compute:AppService", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = {**args.tags, "Service": args.role}
        log_group, task_definition = logged_task_definition(name, args, tags, parent=self)

        load_balancers = []
        if args.load_balancing is not None:
            assert args.port is not None
            load_balancers = [
                aws.ecs.ServiceLoadBalancerArgs(
                    target_group_arn=args.load_balancing.target_group_arn, container_name=args.container_name, container_port=args.port
                )
            ]
            alb_sg = args.load_balancing.alb_security_group_id
            health_port = args.load_balancing.health_check_port
            ports = {"": args.port, **({"-health": health_port} if health_port and health_port != args.port else {})}
            for suffix, port in ports.items() if alb_sg is not None else ():
                aws.vpc.SecurityGroupIngressRule(
                    f"{name}-from-alb{suffix}",
                    security_group_id=args.security_group_id,
                    referenced_security_group_id=alb_sg,
                    description=f"{args.role} port {port} from the ALB only",
                    ip_protocol="tcp",
                    from_port=port,
                    to_port=port,
                    tags={**tags, "Name": f"{name}-from-alb{suffix}"},
                    opts=child,
                )

        gate = list(args.before_rollout(task_definition)) if args.before_rollout else []
        service = aws.ecs.Service(
            f"{name}-service",
            name=args.service_name,
            cluster=args.cluster_arn,
            task_definition=task_definition.arn,
            desired_count=args.desired_count,
            launch_type="FARGATE",
            platform_version="LATEST",
            network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
                subnets=list(args.subnet_ids), security_groups=[args.security_group_id], assign_public_ip=False
            ),
            load_balancers=load_balancers,
            health_check_grace_period_seconds=args.load_balancing.health_check_grace_seconds if args.load_balancing else None,
            deployment_controller=aws.ecs.ServiceDeploymentControllerArgs(type="ECS"),
            deployment_circuit_breaker=aws.ecs.ServiceDeploymentCircuitBreakerArgs(enable=True, rollback=True),
            deployment_minimum_healthy_percent=args.rolling_update.minimum_healthy_percent,
            deployment_maximum_percent=args.rolling_update.maximum_percent,
            propagate_tags="SERVICE",
            enable_ecs_managed_tags=True,
            enable_execute_command=False,
            wait_for_steady_state=args.wait_for_steady_state,
            tags=tags,
            # With autoscaling, the live task count belongs to Application Auto Scaling: a later
            # `pulumi up` must not reset it to the configured starting count.
            opts=pulumi.ResourceOptions(parent=self, depends_on=gate, ignore_changes=["desiredCount"] if args.scaling else None),
        )

        if args.scaling is not None:
            self._autoscaling(name, args, service, tags)

        self.service_name = service.name
        self.task_definition_arn = task_definition.arn
        self.log_group_name = log_group.name
        self.register_outputs({"serviceName": service.name, "serviceArn": service.id, "taskDefinitionArn": task_definition.arn, "logGroupName": log_group.name})

    def _autoscaling(self, name: str, args: AppServiceArgs, service: aws.ecs.Service, tags: Mapping[str, str]) -> None:
        scaling = args.scaling
        assert scaling is not None
        child = pulumi.ResourceOptions(parent=self)
        target = aws.appautoscaling.Target(
            f"{name}-scaling",
            service_namespace="ecs",
            scalable_dimension="ecs:service:DesiredCount",
            resource_id=pulumi.Output.concat("service/", args.cluster_name, "/", service.name),
            min_capacity=scaling.min_count,
            max_capacity=scaling.max_count,
            tags=dict(tags),
            opts=child,
        )
        for metric, predefined, value in (
            ("cpu", "ECSServiceAverageCPUUtilization", scaling.cpu_target),
            ("memory", "ECSServiceAverageMemoryUtilization", scaling.memory_target),
        ):
            aws.appautoscaling.Policy(
                f"{name}-scale-{metric}",
                name=f"{args.service_name}-{metric}",
                policy_type="TargetTrackingScaling",
                service_namespace=target.service_namespace,
                scalable_dimension=target.scalable_dimension,
                resource_id=target.resource_id,
                target_tracking_scaling_policy_configuration=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationArgs(
                    target_value=value,
                    scale_in_cooldown=scaling.scale_in_cooldown,
                    scale_out_cooldown=scaling.scale_out_cooldown,
                    predefined_metric_specification=aws.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecificationArgs(
                        predefined_metric_type=predefined
                    ),
                ),
                opts=child,
            )
