"""ECS: the seed's replica counts and scaling targets, safe deployments, private networking, hardened containers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from coko_cli.offline.runner import StackPreview
from coko_contract import names as naming
from components.ecs_service import RollingUpdate
from stacks.config_source import load_stack_file
from tests.components.compute_helpers import ROLES, container, services, task_definitions
from tests.conftest import STACKS, of_type, one

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("stack", STACKS)
def test_cluster_has_container_insights_and_the_name_the_cli_expects(up: dict[str, StackPreview], stack: str) -> None:
    cluster = one(up[stack], "aws:ecs/cluster:Cluster")
    assert cluster.inputs["name"] == naming.cluster_name(stack)
    assert {"name": "containerInsights", "value": "enhanced"} in cluster.inputs["settings"]
    assert cluster.inputs["tags"]["Project"] == "coko" and cluster.inputs["tags"]["Stack"] == stack


def test_production_runs_the_seed_replica_counts(up: dict[str, StackPreview]) -> None:
    svc = services(up["production"])
    assert {role: svc[role].inputs["desiredCount"] for role in ROLES} == {"backend": 3, "worker": 2, "scheduler": 1}


@pytest.mark.parametrize("mode", ["preview", "up"])
@pytest.mark.parametrize("stack", STACKS)
def test_services_are_named_and_tagged_for_the_ops_cli(previews: dict[str, dict[str, StackPreview]], mode: str, stack: str) -> None:
    svc = services(previews[mode][stack])
    assert set(svc) == {*ROLES, naming.WEB_ROLE}
    for role, record in svc.items():
        assert record.inputs["name"] == naming.service_name(stack, role)
        assert record.inputs["tags"]["Service"] == role and record.inputs["tags"]["Stack"] == stack
        assert record.inputs["propagateTags"] == "SERVICE"
        assert task_definitions(previews[mode][stack])[role].inputs["family"] == naming.task_family(stack, role)


@pytest.mark.parametrize("stack", STACKS)
def test_scheduler_is_one_task_that_never_overlaps_during_deploys(up: dict[str, StackPreview], stack: str) -> None:
    beat = services(up[stack])["scheduler"].inputs
    assert beat["desiredCount"] == 1
    assert beat["deploymentMaximumPercent"] == 100
    assert beat["deploymentMinimumHealthyPercent"] == 0
    targets = [t.inputs["resourceId"] for t in of_type(up[stack], "aws:appautoscaling/target:Target")]
    assert not [t for t in targets if t.endswith("-scheduler")], "beat must never be scaled out"


@pytest.mark.parametrize("stack", STACKS)
def test_backend_and_worker_roll_one_extra_task_at_a_time(up: dict[str, StackPreview], stack: str) -> None:
    cfg = load_stack_file(stack)
    for role in ("backend", "worker"):
        svc = services(up[stack])[role].inputs
        desired = cfg.services.of(role).min_count
        assert svc["deploymentMinimumHealthyPercent"] == 100
        assert desired * svc["deploymentMaximumPercent"] // 100 == desired + 1


def test_rolling_update_math_gives_exactly_one_extra_task() -> None:
    assert RollingUpdate.one_extra_task(3).maximum_percent == 134
    for desired in range(1, 60):
        update = RollingUpdate.one_extra_task(desired)
        assert desired * update.maximum_percent // 100 == desired + 1, desired


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize("role", ROLES)
def test_deployments_roll_back_on_failure_without_exec_or_blocking(up: dict[str, StackPreview], stack: str, role: str) -> None:
    svc = services(up[stack])[role].inputs
    assert svc["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
    assert svc["enableExecuteCommand"] is False
    assert svc.get("waitForSteadyState") is False
    assert svc["launchType"] == "FARGATE" and svc["platformVersion"] in ("LATEST", "1.4.0")


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize("role", ROLES)
def test_tasks_run_in_private_subnets_without_public_ip_in_the_app_sg(up: dict[str, StackPreview], stack: str, role: str) -> None:
    preview = up[stack]
    network = services(preview)[role].inputs["networkConfiguration"]
    assert network["assignPublicIp"] is False
    assert network["subnets"] == preview.outputs["privateSubnetIds"]
    assert network["securityGroups"] == [preview.outputs["appSecurityGroupId"]]


def test_backend_and_worker_track_cpu_70_and_memory_80_with_300s_cooldowns(preview: StackPreview) -> None:
    cfg = load_stack_file(preview.stack)
    targets = {t.inputs["resourceId"]: t.inputs for t in of_type(preview, "aws:appautoscaling/target:Target")}
    policies = of_type(preview, "aws:appautoscaling/policy:Policy")
    for role in ("backend", "worker"):
        resource_id = f"service/{naming.cluster_name(preview.stack)}/{naming.service_name(preview.stack, role)}"
        svc_cfg = getattr(cfg.services, role)
        assert (targets[resource_id]["minCapacity"], targets[resource_id]["maxCapacity"]) == (svc_cfg.min_count, svc_cfg.max_count)
        assert targets[resource_id]["scalableDimension"] == "ecs:service:DesiredCount"
        tracked = {}
        for policy in (p.inputs for p in policies if p.inputs["resourceId"] == resource_id):
            assert policy["policyType"] == "TargetTrackingScaling"
            conf = policy["targetTrackingScalingPolicyConfiguration"]
            assert conf["scaleInCooldown"] == conf["scaleOutCooldown"] == 300
            tracked[conf["predefinedMetricSpecification"]["predefinedMetricType"]] = conf["targetValue"]
        assert tracked == {"ECSServiceAverageCPUUtilization": 70, "ECSServiceAverageMemoryUtilization": 80}


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize("role", ROLES)
def test_containers_are_read_only_non_root_and_unprivileged(up: dict[str, StackPreview], stack: str, role: str) -> None:
    defn = container(up[stack], role)
    assert defn["name"] == naming.container_name(role)
    assert defn["readonlyRootFilesystem"] is True
    assert defn["privileged"] is False
    assert defn["user"].split(":")[0] not in ("", "0", "root")
    assert defn["linuxParameters"]["capabilities"]["drop"] == ["ALL"]
    # /tmp is the one writable place (gunicorn's PROMETHEUS_MULTIPROC_DIR, beat's schedule, uploads).
    volumes = {v["name"] for v in task_definitions(up[stack])[role].inputs["volumes"]}
    assert [(m["containerPath"], m["sourceVolume"] in volumes) for m in defn["mountPoints"]] == [("/tmp", True)]


def test_container_user_is_the_dockerfile_user() -> None:
    dockerfile = (ROOT / "app" / "Dockerfile").read_text()
    match = re.search(r"useradd[^\n]*--uid (\d+)", dockerfile)
    assert match, "the Dockerfile creates a numeric non-root user"
    from stacks.compute import APP_USER

    assert APP_USER.split(":")[0] == match.group(1)


def test_every_writable_mount_is_a_dockerfile_volume_so_the_non_root_user_can_write_it() -> None:
    """Fargate task volumes keep the image's owner/mode only for paths the Dockerfile declares VOLUME."""
    from components.ecs_service import AppServiceArgs

    dockerfile = (ROOT / "app" / "Dockerfile").read_text()
    declared = {path for match in re.findall(r"^VOLUME\s+\[([^\]]*)\]", dockerfile, re.M) for path in json.loads(f"[{match}]")}
    writable = set(AppServiceArgs.__dataclass_fields__["writable_paths"].default)
    assert writable <= declared, f"declare VOLUME {sorted(writable - declared)} in app/Dockerfile"


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize("role", ROLES)
def test_logs_go_to_encrypted_groups_with_retention_and_role_prefix(up: dict[str, StackPreview], stack: str, role: str) -> None:
    preview = up[stack]
    logging = container(preview, role)["logConfiguration"]
    assert logging["logDriver"] == "awslogs"
    assert logging["options"]["awslogs-group"] == naming.log_group_name(stack, role)
    assert logging["options"]["awslogs-stream-prefix"] == role
    assert logging["options"]["awslogs-region"] == load_stack_file(stack).region
    (group,) = [g for g in of_type(preview, "aws:cloudwatch/logGroup:LogGroup") if g.inputs.get("name") == naming.log_group_name(stack, role)]
    assert group.inputs["retentionInDays"] == load_stack_file(stack).services.log_retention_days
    assert group.inputs["kmsKeyId"] == preview.outputs["kmsKeyArn"]


@pytest.mark.parametrize("stack", STACKS)
def test_each_role_runs_its_start_script_and_only_the_backend_serves_8000(up: dict[str, StackPreview], stack: str) -> None:
    expected = {"backend": "/app/bin/start-backend", "worker": "/app/bin/start-worker", "scheduler": "/app/bin/start-beat"}
    for role, script in expected.items():
        defn = container(up[stack], role)
        assert defn["command"] == [script]
        assert (ROOT / "app" / script.removeprefix("/app/")).is_file(), f"{script} is not in app/"
        assert ("portMappings" in defn) == (role == "backend")
    backend = container(up[stack], "backend")
    assert backend["portMappings"][0]["containerPort"] == 8000
    assert backend["healthCheck"]["command"] == ["CMD", "python", "/app/bin/healthcheck"]
    assert (ROOT / "app" / "bin" / "healthcheck").is_file()
    assert (backend["healthCheck"]["interval"], backend["healthCheck"]["timeout"], backend["healthCheck"]["retries"]) == (30, 10, 3)


def test_start_scripts_keep_the_seed_process_settings() -> None:
    gunicorn = (ROOT / "app" / "gunicorn.conf.py").read_text()
    assert re.search(r'GUNICORN_WORKERS", "3"', gunicorn) and re.search(r"^timeout = 120$", gunicorn, re.M)
    worker = (ROOT / "app" / "bin" / "start-worker").read_text()
    assert "--concurrency 4" in worker and "--max-tasks-per-child 1000" in worker
    assert " beat " in (ROOT / "app" / "bin" / "start-beat").read_text()


@pytest.mark.parametrize("stack", STACKS)
def test_task_size_and_architecture_follow_the_config(up: dict[str, StackPreview], stack: str) -> None:
    cfg = load_stack_file(stack)
    arch = {"linux/amd64": "X86_64", "linux/arm64": "ARM64"}[cfg.image.platform]
    for role, record in task_definitions(up[stack]).items():
        svc = cfg.services.of("backend" if role == "dbadmin" else role)  # the admin task is the backend's container
        assert (record.inputs["cpu"], record.inputs["memory"]) == (str(svc.cpu), str(svc.memory))
        assert record.inputs["requiresCompatibilities"] == ["FARGATE"] and record.inputs["networkMode"] == "awsvpc"
        assert record.inputs["runtimePlatform"]["cpuArchitecture"] == arch


@pytest.mark.parametrize("stack", STACKS)
def test_preview_mode_keeps_unknown_container_definitions_unknown(previews: dict[str, dict[str, StackPreview]], stack: str) -> None:
    for record in task_definitions(previews["preview"][stack]).values():
        value = record.inputs["containerDefinitions"]
        assert value == "[unknown]" or json.loads(value)


def test_backend_is_registered_in_the_alb_and_only_the_alb_reaches_its_ports(preview: StackPreview) -> None:
    target_group = one(preview, "aws:lb/targetGroup:TargetGroup", "edge-tg")
    backend = services(preview)["backend"].inputs
    assert backend["loadBalancers"] == [{"targetGroupArn": target_group.outputs["arn"], "containerName": "backend", "containerPort": 8000}]
    assert backend["healthCheckGracePeriodSeconds"] > 0
    for role in ("worker", "scheduler"):
        assert not services(preview)[role].inputs.get("loadBalancers")
    app_sg = preview.outputs["appSecurityGroupId"]
    ingress = [r.inputs for r in of_type(preview, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") if r.inputs["securityGroupId"] == app_sg]
    alb_sg = one(preview, "aws:lb/loadBalancer:LoadBalancer").inputs["securityGroups"]
    # The request port, and the liveness port the ALB health check uses (served apart from the workers).
    assert sorted((i["fromPort"], i["toPort"], i["ipProtocol"]) for i in ingress) == [(8000, 8000, "tcp"), (8001, 8001, "tcp")]
    assert {i["referencedSecurityGroupId"] for i in ingress} == set(alb_sg)
    assert not any("cidrIpv4" in i for i in ingress)
