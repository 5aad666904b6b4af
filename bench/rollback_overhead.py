"""How much does `coko rollback` cost beyond the AWS calls a rollback must make?

Starts moto's HTTP server in this process, deploys the production stack's three services with
two task-definition revisions each (tests/ops/motostack.py, the same state the end-to-end tests
use), then times, on a fresh stack each round:

- baseline: the bare boto3 calls a rollback cannot avoid, on a warm client — DescribeServices,
  3 x UpdateService, DescribeServices;
- in-process: `coko rollback --stack production --yes --poll-interval 0` through typer's
  CliRunner (the CLI's own work: stack file, session and clients, discovery by tags, revision
  lookup and release choice, plan, the rollback record in the cluster's tags — 1 read, 4 writes,
  1 removal — update, wait, verification, rendering);
- subprocess: the same command as `python -m coko_cli.main …` (adds interpreter start-up and
  imports: what an operator's terminal or a CI step actually waits).

Run: `uv run python bench/rollback_overhead.py [--rounds 5]`. Target: < 2 s of CLI overhead.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402
from moto.ecs.models import ecs_backends  # noqa: E402
from moto.logs.models import logs_backends  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from coko_cli.main import app  # noqa: E402
from tests.ops.motostack import ACCOUNT, REGION, deploy_stack, install_sim  # noqa: E402

COMMAND = ["rollback", "--stack", "production", "--yes", "--poll-interval", "0"]


def fresh_stack() -> dict[str, str]:
    for backends in (ecs_backends, logs_backends):
        backends[ACCOUNT].reset()
    return deploy_stack().services


def baseline(ecs: object, services: dict[str, str]) -> float:
    client = ecs  # type: ignore[assignment]
    started = time.perf_counter()
    names = list(services.values())
    described = client.describe_services(cluster="coko-production", services=names)["services"]  # type: ignore[attr-defined]
    for service in described:
        family, revision = service["taskDefinition"].rsplit("/", 1)[-1].rsplit(":", 1)
        client.update_service(cluster="coko-production", service=service["serviceName"], taskDefinition=f"{family}:{int(revision) - 1}")  # type: ignore[attr-defined]
    client.describe_services(cluster="coko-production", services=names)  # type: ignore[attr-defined]
    return time.perf_counter() - started


def in_process() -> float:
    started = time.perf_counter()
    result = CliRunner().invoke(app, COMMAND)
    elapsed = time.perf_counter() - started
    if result.exit_code != 0:
        raise SystemExit(f"coko rollback failed ({result.exit_code}): {result.stderr}")
    return elapsed


def subprocess_run() -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "coko_cli.main", *COMMAND], cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"coko rollback (subprocess) failed ({done.returncode}): {done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(port=0, verbose=False)
    server.start()
    port = server.get_host_and_port()[1]
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[key]
    os.environ.update(AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}", AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_EC2_METADATA_DISABLED="true")
    install_sim(setattr)  # ECS-like deployments in moto (the subprocess talks to this same server)
    ecs = boto3.client("ecs", region_name=REGION)
    baseline(ecs, fresh_stack())  # warm-up: moto's first requests load its backends
    fresh_stack()
    in_process()
    timings: dict[str, list[float]] = {"baseline (bare boto3)": [], "coko in-process": [], "coko subprocess": []}
    for _ in range(args.rounds):
        timings["baseline (bare boto3)"].append(baseline(ecs, fresh_stack()))
        fresh_stack()
        timings["coko in-process"].append(in_process())
        fresh_stack()
        timings["coko subprocess"].append(subprocess_run())
    server.stop()
    base = statistics.median(timings["baseline (bare boto3)"])
    print(f"rollback of 3 services x 2 revisions, moto HTTP server, poll interval 0, {args.rounds} rounds, median (min-max):")
    for name, values in timings.items():
        median = statistics.median(values)
        print(f"  {name:<22} {median:7.3f} s ({min(values):.3f}-{max(values):.3f})  x{median / base:5.1f}  overhead {median - base:+.3f} s")
    overhead = statistics.median(timings["coko in-process"]) - base
    print(f"CLI overhead beyond the bare calls (in-process): {overhead:.3f} s — target < 2 s: {'met' if overhead < 2 else 'NOT met'}")


if __name__ == "__main__":
    main()
