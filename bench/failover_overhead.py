"""How much does `coko failover` cost beyond the AWS calls (and AWS's waits) a failover must make?

Starts moto's HTTP server in this process, creates both stacks' disaster-recovery resources from
the program's up-mode plan (tests/failover/drworld.py, the drill's world) and, on a fresh world
each round, times:

- baseline: the bare boto3 calls a failover cannot avoid, on warm clients, in af-south-1 and
  Route 53 only — DescribeDBInstances, PromoteReadReplica, DescribeDBInstances, DescribeSecret,
  StopReplicationToReplica, GetSecretValue, DescribeServices, 3 x (DescribeTaskDefinition,
  RegisterTaskDefinition, UpdateService), 2 x RegisterScalableTarget, 2 x UpdateService
  (desired count), DescribeServices, ListHealthChecks, UpdateHealthCheck, RunTask, DescribeTasks;
- coko: `coko failover --to capetown --poll-interval 0` through typer's CliRunner: the CLI's own
  work (both stack files, the guarded session, discovery, every state check that makes it
  resumable, the wait loops, the verification task, the timeline).

moto answers at once, so AWS's real waits (promotion: minutes; task replacement: minutes) are
not in either figure: the difference is the CLI's overhead. Run:
`uv run python bench/failover_overhead.py [--rounds 3]`. Target: <= 30 s of CLI overhead.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402
from moto.backends import get_backend  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from coko_cli.main import app  # noqa: E402
from coko_contract import names  # noqa: E402
from tests.failover import drworld, motogaps  # noqa: E402

COMMAND = ["failover", "--to", "capetown", "--poll-interval", "0"]
RESET = ("ecs", "logs", "rds", "secretsmanager", "route53", "applicationautoscaling", "cloudwatch", "elbv2")
SECONDARY_REGION = "af-south-1"


def fresh_world(plans: dict[str, Any], endpoint: str, root: Path) -> drworld.World:
    for name in RESET:
        backends: Any = get_backend(name)  # type: ignore[call-overload]
        backends[drworld.ACCOUNT].reset()
    world = drworld.build(plans, endpoint)
    os.environ["COKO_PROJECT_ROOT"] = str(drworld.stack_root(root, world.zone_id))
    return world


def baseline(world: drworld.World, clients: dict[str, Any]) -> float:
    rds, sm, ecs, aas, r53 = (clients[k] for k in ("rds", "secretsmanager", "ecs", "application-autoscaling", "route53"))
    db = names.database_identifier("capetown")
    secrets = (names.db_credentials_secret_name("production"), names.db_master_secret_name("production"))
    started = time.perf_counter()
    rds.describe_db_instances(DBInstanceIdentifier=db)
    rds.promote_read_replica(DBInstanceIdentifier=db)
    rds.describe_db_instances(DBInstanceIdentifier=db)
    for secret in secrets:  # the app login, then (last step of a failover) the master login
        arn = sm.describe_secret(SecretId=secret)["ARN"]
        sm.stop_replication_to_replica(SecretId=arn)
        sm.get_secret_value(SecretId=arn)
    django = [world.services[role] for role in names.SERVICE_ROLES]  # the web has no database: no read-write revision
    services = ecs.describe_services(cluster=world.cluster, services=django)["services"]
    for service in services:
        definition = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]
        keep = ("family", "networkMode", "requiresCompatibilities", "cpu", "memory", "taskRoleArn", "executionRoleArn")
        request = {k: definition[k] for k in keep if definition.get(k)}
        new = ecs.register_task_definition(**request, containerDefinitions=definition["containerDefinitions"])["taskDefinition"]["taskDefinitionArn"]
        ecs.update_service(cluster=world.cluster, service=service["serviceName"], taskDefinition=new)
    cluster_name = world.cluster.rsplit("/", 1)[-1]
    for role, (low, high) in {"backend": (3, 10), "worker": (2, 6), names.WEB_ROLE: (3, 10)}.items():
        resource = f"service/{cluster_name}/{world.services[role]}"
        aas.register_scalable_target(ServiceNamespace="ecs", ResourceId=resource, ScalableDimension="ecs:service:DesiredCount", MinCapacity=low, MaxCapacity=high)
        ecs.update_service(cluster=world.cluster, service=world.services[role], desiredCount=low)
    backend = ecs.describe_services(cluster=world.cluster, services=django)["services"][0]
    check = r53.list_health_checks()["HealthChecks"][0]
    r53.update_health_check(HealthCheckId=check["Id"], HealthCheckVersion=check["HealthCheckVersion"], Inverted=True)
    task = ecs.run_task(
        cluster=world.cluster,
        taskDefinition=backend["taskDefinition"],
        launchType="FARGATE",
        networkConfiguration=backend["networkConfiguration"],
        overrides={"containerOverrides": [{"name": "backend", "command": ["python", "manage.py", "check_database", "--writable"]}]},
    )["tasks"][0]
    ecs.describe_tasks(cluster=world.cluster, tasks=[task["taskArn"]])
    return time.perf_counter() - started


def coko_in_process() -> float:
    started = time.perf_counter()
    result = CliRunner().invoke(app, COMMAND, catch_exceptions=False)
    elapsed = time.perf_counter() - started
    if result.exit_code != 0:
        raise SystemExit(f"coko failover exited {result.exit_code}:\n{result.stderr}\n{result.stdout}")
    return elapsed


def summary(label: str, values: list[float], base: float) -> str:
    median = statistics.median(values)
    return f"  {label:<22} {median:6.3f} s ({min(values):.3f}-{max(values):.3f})  x {median / base:5.1f}  overhead {median - base:+.3f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="also print the figures as one JSON line")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(port=0, verbose=False)
    server.start()
    _host, port = server.get_host_and_port()
    endpoint = f"http://127.0.0.1:{port}"
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[key]
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_ENDPOINT_URL=endpoint, AWS_EC2_METADATA_DISABLED="true")
    os.environ.update(AWS_CONFIG_FILE="/nonexistent", AWS_SHARED_CREDENTIALS_FILE="/nonexistent")
    motogaps.install(setattr)
    with tempfile.TemporaryDirectory() as tmp:
        plan_started = time.perf_counter()
        plans = drworld.plan(Path(tmp) / "plan")
        plan_seconds = time.perf_counter() - plan_started
        region_clients = {
            s: boto3.client(s, region_name=SECONDARY_REGION, endpoint_url=endpoint)  # type: ignore[call-overload]
            for s in ("rds", "secretsmanager", "ecs", "application-autoscaling")
        }
        region_clients["route53"] = boto3.client("route53", region_name=SECONDARY_REGION, endpoint_url=endpoint)
        base, cli = [], []
        for round_ in range(args.rounds):
            world = fresh_world(plans, endpoint, Path(tmp) / f"b{round_}")
            base.append(baseline(world, region_clients))
            fresh_world(plans, endpoint, Path(tmp) / f"c{round_}")
            cli.append(coko_in_process())
    server.stop()
    b = statistics.median(base)
    print(f"failover to capetown (both stacks' DR resources from the plan, plan built once in {plan_seconds:.1f} s), moto HTTP server,")
    print(f"poll interval 0, {args.rounds} rounds, median (min-max):")
    print(summary("baseline (bare boto3)", base, b))
    print(summary("coko in-process", cli, b))
    overhead = statistics.median(cli) - b
    print(f"CLI overhead beyond the bare calls: {overhead:.3f} s — target <= 30 s: {'met' if overhead <= 30 else 'NOT met'}")
    if args.json:
        print(json.dumps({"baseline": base, "coko": cli, "overhead": overhead}))


if __name__ == "__main__":
    main()
