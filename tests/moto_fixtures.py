"""Shared moto plumbing for the ops and release tests: one server, one clean AWS environment."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from moto.ecs.models import ecs_backends
from moto.logs.models import logs_backends
from moto.moto_api import state_manager
from moto.server import ThreadedMotoServer

from tests.ops.motostack import ACCOUNT, EcsSim, Stack, deploy_stack, install_sim


def moto_server() -> Iterator[str]:
    """Run moto's HTTP server on a free port for as long as the generator is open; yields its URL."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(port=0, verbose=False)
    server.start()
    _host, port = server.get_host_and_port()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@contextmanager
def clean_aws(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Reset moto's ECS and Logs state and give the process only what a CI job has: test keys, the endpoint, no config.

    AWS_REGION is set to a region the code under test must ignore (its own region setting wins).
    """
    for backends in (ecs_backends, logs_backends):
        backends[ACCOUNT].reset()
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    yield
    state_manager.unset_transition("ecs::task")


@pytest.fixture
def sim(aws: str, monkeypatch: pytest.MonkeyPatch) -> EcsSim:
    """moto's ECS with tasks that start, run and stop as the simulation says (needs the conftest's `aws`)."""
    return install_sim(monkeypatch.setattr)


@pytest.fixture
def stack(sim: EcsSim) -> Stack:
    return deploy_stack()
