"""Fixtures for the Django app tests: real PostgreSQL (five aliases) and Redis."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from django.core.cache import cache

REPO_ROOT = Path(__file__).resolve().parents[2]
APP_DIR = REPO_ROOT / "app"
ALIASES = ("default", "auth_db", "catalog_db", "reading_db", "recommendation_db")


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Each test starts with no cached pages and no rate-limit counters (own prefix only)."""
    cache.delete_pattern("*")
    yield
    cache.delete_pattern("*")


def free_port() -> int:
    """A local TCP port nothing listens on (right now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def closed_port() -> int:
    """A local TCP port nothing listens on."""
    return free_port()


def run_manage(args: list[str], env: Mapping[str, str], timeout: int = 120) -> subprocess.CompletedProcess[str]:
    """Run app/manage.py in a fresh interpreter (settings load from scratch)."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=APP_DIR,
        env={"PATH": os.environ.get("PATH", ""), **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
