"""End-to-end fixtures: the real `coko` CLI against moto's HTTP endpoint (see motostack.py)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from moto.ecs.models import ecs_backends
from moto.logs.models import logs_backends
from moto.moto_api import state_manager
from moto.server import ThreadedMotoServer
from typer.testing import CliRunner

from coko_cli.main import app
from tests.ops import faultproxy
from tests.ops.faultproxy import FaultProxy
from tests.ops.motostack import ACCOUNT, REGION, REPO, EcsSim, Stack, deploy_stack, digest, ecs_backend, install_sim

__all__ = ["REGION", "REPO", "EcsSim", "FaultProxy", "Stack", "coko", "deploy_stack", "digest", "ecs_backend"]


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(port=0, verbose=False)
    server.start()
    _host, port = server.get_host_and_port()
    yield f"http://127.0.0.1:{port}"
    server.stop()


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
    for backends in (ecs_backends, logs_backends):
        backends[ACCOUNT].reset()
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_REGION", "us-east-1")  # must be ignored: the stack file says eu-west-3
    monkeypatch.setenv("COLUMNS", "200")
    yield moto_endpoint
    proxy.reset()
    state_manager.unset_transition("ecs::task")


@pytest.fixture
def sim(aws: str, monkeypatch: pytest.MonkeyPatch) -> EcsSim:
    return install_sim(monkeypatch.setattr)


@pytest.fixture
def stack(sim: EcsSim) -> Stack:
    return deploy_stack()


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


def coko(*args: str, input: str | None = None) -> Result:
    """Run the real `coko` app in-process, as an operator would type it."""
    result = CliRunner().invoke(app, list(args), input=input, catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)
