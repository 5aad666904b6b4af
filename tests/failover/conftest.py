"""The failover drill's fixtures: moto in both regions behind a proxy that can take a region down."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from moto.backends import get_backend
from typer.testing import CliRunner

from coko_cli.main import app
from coko_cli.offline.runner import StackPreview
from tests.failover import drworld, motogaps
from tests.failover.outage import RegionOutage, start
from tests.ops.conftest import moto_endpoint
from tests.ops.motostack import EcsSim

__all__ = ["moto_endpoint"]  # moto's HTTP server, one per test session (shared with tests/ops)

RESET = ("ecs", "logs", "rds", "secretsmanager", "route53", "applicationautoscaling", "cloudwatch", "elbv2")


@pytest.fixture(scope="session")
def dr_plans(tmp_path_factory: pytest.TempPathFactory) -> dict[str, StackPreview]:
    """Both stacks' up-mode plans with a hosted zone configured (the program's own resource inputs)."""
    return drworld.plan(tmp_path_factory.mktemp("plan-root"))


@dataclass
class Drill:
    world: drworld.World
    outage: RegionOutage
    sim: EcsSim
    primary_region: str
    secondary_region: str


@pytest.fixture
def drill(moto_endpoint: str, dr_plans: dict[str, StackPreview], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Drill]:
    for name in RESET:
        backends: Any = get_backend(name)  # type: ignore[call-overload]
        backends[drworld.ACCOUNT].reset()
    sim = motogaps.install(lambda owner, name, value: monkeypatch.setattr(owner, name, value, raising=False))
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(key)
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": "/nonexistent",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_REGION": "eu-west-3",  # must be ignored: the failover works in the secondary's region only
        "COLUMNS": "220",
    }.items():
        monkeypatch.setenv(key, value)
    world = drworld.build(dr_plans, moto_endpoint)
    drworld.stack_root(tmp_path / "root", world.zone_id)
    monkeypatch.setenv("COKO_PROJECT_ROOT", str(tmp_path / "root"))
    outage = RegionOutage(upstream=moto_endpoint)
    server, proxy = start(outage)
    monkeypatch.setenv("AWS_ENDPOINT_URL", proxy)
    yield Drill(world, outage, sim, dr_plans[drworld.PRIMARY].region, dr_plans[drworld.SECONDARY].region)
    server.shutdown()
    server.server_close()


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


def coko(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)
