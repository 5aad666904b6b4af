"""End-to-end fixtures: the real `coko` CLI against moto's HTTP endpoint (see motostack.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from typer.testing import CliRunner

from coko_cli.main import app
from tests.moto_fixtures import clean_aws, moto_server, sim, stack
from tests.ops import faultproxy
from tests.ops.faultproxy import FaultProxy
from tests.ops.motostack import REGION, REPO, EcsSim, Stack, deploy_stack, digest, ecs_backend

__all__ = ["REGION", "REPO", "EcsSim", "FaultProxy", "Result", "Stack", "coko", "deploy_stack", "digest", "ecs_backend", "sim", "stack"]


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    yield from moto_server()


@pytest.fixture(scope="session")
def proxy_server(moto_endpoint: str) -> Iterator[tuple[FaultProxy, str]]:
    proxy, server, url = faultproxy.start(moto_endpoint)
    yield proxy, url
    server.shutdown()


@pytest.fixture
def faults(proxy_server: tuple[FaultProxy, str], monkeypatch: pytest.MonkeyPatch) -> FaultProxy:
    """The fault-injecting proxy the CLI talks to (see faultproxy.py); botocore's backoff made instant."""
    monkeypatch.setattr("botocore.retries.standard.ExponentialBackoff.delay_amount", lambda self, context: 0)
    return proxy_server[0]


@pytest.fixture
def aws(proxy_server: tuple[FaultProxy, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Clean ECS and logs state and the environment a CI job would have (keys, endpoint, no config).

    The CLI talks to moto through the fault proxy (no faults unless a test adds them). Only ECS
    and CloudWatch Logs are reset: rebuilding moto's EC2 backend costs ~1 s per test, and each
    test creates its own VPC anyway.
    """
    proxy, moto_endpoint = proxy_server
    proxy.reset()
    monkeypatch.setenv("COLUMNS", "200")
    with clean_aws(moto_endpoint, monkeypatch):  # its AWS_REGION must be ignored: the stack file says eu-west-3
        yield moto_endpoint
    proxy.reset()


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


def coko(*args: str, input: str | None = None) -> Result:
    """Run the real `coko` app in-process, as an operator would type it."""
    result = CliRunner().invoke(app, list(args), input=input, catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)
