"""moto fixtures for the release steps: the ops tests' stack (tests/ops/motostack.py), our own server."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest
from moto.ecs.models import ecs_backends
from moto.logs.models import logs_backends
from moto.moto_api import state_manager
from moto.server import ThreadedMotoServer

from tests.ops.motostack import ACCOUNT, EcsSim, Stack, deploy_stack, install_sim


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    """One server per module, stopped after it: no server thread outlives the tests that need it."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(port=0, verbose=False)
    server.start()
    _host, port = server.get_host_and_port()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def aws(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A clean ECS/Logs state and the environment `pulumi up` would run in (keys, no config)."""
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
    monkeypatch.setenv("AWS_REGION", "us-east-1")  # the step's own region property must win
    yield moto_endpoint
    state_manager.unset_transition("ecs::task")


@pytest.fixture
def sim(aws: str, monkeypatch: pytest.MonkeyPatch) -> EcsSim:
    return install_sim(monkeypatch.setattr)


@pytest.fixture
def stack(sim: EcsSim) -> Stack:
    return deploy_stack()
