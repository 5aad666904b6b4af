"""moto fixtures for the release steps: the ops tests' stack (tests/ops/motostack.py), our own server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.moto_fixtures import clean_aws, moto_server, sim, stack

__all__ = ["sim", "stack"]  # fixtures pytest finds here


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    """One server per module, stopped after it: no server thread outlives the tests that need it."""
    yield from moto_server()


@pytest.fixture
def aws(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A clean ECS/Logs state and the environment `pulumi up` would run in (keys, no config); the step's own region must win."""
    with clean_aws(moto_endpoint, monkeypatch):
        yield moto_endpoint
