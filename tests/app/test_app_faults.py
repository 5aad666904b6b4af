"""The app under outages: frozen or stopped PostgreSQL and Redis, through a proxy in the test.

Bounds asserted (docs/app.md "Failure modes"): a frozen database costs at most the statement
timeout plus one second per request and answers 503 JSON; readiness answers within 3 s whatever
its dependencies do and tells degraded from down; a frozen or stopped Redis costs at most
0.5 s per request and the catalogue is served from PostgreSQL; liveness stays answerable while
every request worker is stuck.
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from coko.catalog.models import Book
from coko.core.cache import breaker_for
from coko.settings.base import redis_cache
from coko.settings.databases import TLS_LOCAL_ONLY_UNVERIFIED, connection_options
from conftest import APP_DIR, free_port
from django.contrib.auth import get_user_model
from django.db import connections
from django.test import Client, override_settings
from faultproxy import DOWN, FROZEN, FaultProxy
from prometheus_client import REGISTRY

pytestmark = pytest.mark.django_db(databases="__all__", transaction=True)

PRIVATE_IP_HOST = "10.0.3.17:8000"
TIMEOUT = 1.0  # statement timeout used here; the client deadline is one second more
BOUND = TIMEOUT + 1.0


@pytest.fixture
def postgres_proxy() -> Iterator[FaultProxy]:
    proxy = FaultProxy(5432)
    yield proxy
    proxy.close()


@pytest.fixture
def redis_proxy() -> Iterator[FaultProxy]:
    proxy = FaultProxy(int(os.environ.get("REDIS_PORT", "6379")))
    yield proxy
    proxy.close()


@contextmanager
def alias_through(alias: str, proxy: FaultProxy) -> Iterator[None]:
    """Route ``alias`` through the proxy with production's time bounds (statement timeout TIMEOUT)."""
    connection = connections[alias]
    connection.close()
    original = (connection.settings_dict["PORT"], connection.settings_dict["OPTIONS"])
    connection.settings_dict["PORT"] = str(proxy.port)
    connection.settings_dict["OPTIONS"] = connection_options(timeout=TIMEOUT, tls=TLS_LOCAL_ONLY_UNVERIFIED)
    connection.client_timeout = connection.settings_dict["OPTIONS"]["client_timeout"]  # type: ignore[attr-defined]
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["PORT"], connection.settings_dict["OPTIONS"] = original
        connection.client_timeout = original[1].get("client_timeout")  # type: ignore[attr-defined]


@contextmanager
def cache_through(proxy: FaultProxy) -> Iterator[None]:
    location = f"redis://127.0.0.1:{proxy.port}/0"
    breaker_for(location).reset()
    with override_settings(CACHES={"default": redis_cache(location, key_prefix=f"faults-{proxy.port}")}):
        yield
    breaker_for(location).reset()


def timed(call):  # type: ignore[no-untyped-def]
    start = time.monotonic()
    result = call()
    return result, time.monotonic() - start


@pytest.fixture
def reader() -> Client:
    user = get_user_model().objects.create_user("fatou", password="lire-en-paix-2025")
    client = Client()
    client.force_login(user)
    return client


def test_a_frozen_database_costs_at_most_the_bound_and_answers_503_json(reader: Client, postgres_proxy: FaultProxy) -> None:
    with alias_through("reading_db", postgres_proxy):
        assert reader.get("/api/reading/progress/").status_code == 200  # a pooled connection exists
        postgres_proxy.set(FROZEN)
        response, elapsed = timed(lambda: reader.get("/api/reading/progress/"))
        assert response.status_code == 503 and response.json()["code"] == "database_unavailable"
        assert elapsed < BOUND + 0.5, f"reused connection: {elapsed:.1f}s"
        # The next request opens a new connection to the frozen server: connect_timeout bounds it.
        response, elapsed = timed(lambda: reader.get("/api/reading/progress/"))
        assert response.status_code == 503 and elapsed < 3.5, f"new connection: {elapsed:.1f}s"


def test_a_stopped_database_answers_503_at_once(reader: Client, postgres_proxy: FaultProxy) -> None:
    with alias_through("reading_db", postgres_proxy):
        assert reader.get("/api/reading/progress/").status_code == 200
        postgres_proxy.set(DOWN)
        response, elapsed = timed(lambda: reader.get("/api/reading/progress/"))
    assert response.status_code == 503 and response.json()["code"] == "database_unavailable"
    assert elapsed < 1.0


def test_readiness_answers_within_three_seconds_and_tells_down_from_degraded(postgres_proxy: FaultProxy, redis_proxy: FaultProxy) -> None:
    client = Client()
    with alias_through("catalog_db", postgres_proxy):
        postgres_proxy.set(FROZEN)
        response, elapsed = timed(lambda: client.get("/health/ready/", HTTP_HOST=PRIVATE_IP_HOST))
    assert elapsed < 3.0
    assert response.status_code == 503 and response.json()["status"] == "down"
    assert response.json()["checks"]["database:catalog_db"] in {"timeout", "fail"}
    assert response.json()["checks"]["database:reading_db"] == "ok"
    with cache_through(redis_proxy):
        redis_proxy.set(FROZEN)
        response, elapsed = timed(lambda: client.get("/health/ready/", HTTP_HOST=PRIVATE_IP_HOST))
    assert elapsed < 3.0
    assert response.status_code == 200 and response.json()["status"] == "degraded"
    assert response.json()["failed"] == ["cache:redis"]


@pytest.mark.parametrize("mode", [FROZEN, DOWN])
def test_without_redis_the_catalogue_comes_from_postgresql_within_half_a_second(mode: str, redis_proxy: FaultProxy) -> None:
    Book.objects.bulk_create(Book(title=f"Livre {n}", author="Auteur", isbn=f"fault-{n}") for n in range(30))
    client = Client()
    before = REGISTRY.get_sample_value("coko_cache_errors_total", {"operation": "get"}) or 0.0
    with cache_through(redis_proxy):
        assert client.get("/api/catalog/books/").status_code == 200
        redis_proxy.set(mode)
        durations, codes = [], []
        for n in range(30):
            response, elapsed = timed(lambda n=n: client.get("/api/catalog/books/", {"q": f"Livre {n}"}))
            durations.append(elapsed)
            codes.append(response.status_code)
            assert response.json()["count"] >= 1
    assert codes == [200] * 30
    assert max(durations) < 0.5, f"slowest request {max(durations):.2f}s"
    after = REGISTRY.get_sample_value("coko_cache_errors_total", {"operation": "get"}) or 0.0
    assert after > before, "cache errors are counted"


def test_without_redis_progress_writes_go_on_and_sign_in_fails_closed(redis_proxy: FaultProxy) -> None:
    user = get_user_model().objects.create_user("mariam", password="lire-en-paix-2025")
    book = Book.objects.create(title="Livre", author="Auteur", isbn="fault-x")
    client = Client()
    client.force_login(user)
    with cache_through(redis_proxy):
        redis_proxy.set(DOWN)
        write = client.put(f"/api/reading/progress/{book.pk}/", {"percent": 40}, content_type="application/json")
        login, elapsed = timed(
            lambda: Client().post("/api/auth/login/", json.dumps({"username": "mariam", "password": "lire-en-paix-2025"}), content_type="application/json")
        )
    assert write.status_code == 200 and write.json()["percent"] == 40, "the rate limiter fails open for writes"
    assert login.status_code == 503 and login.json()["code"] == "login_unavailable", "sign-in fails closed"
    assert elapsed < 0.5


# --- liveness while every request worker is stuck (real gunicorn) -----------------------------


def _status(url: str, timeout: float) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def test_liveness_stays_answerable_while_every_worker_waits_on_a_frozen_database(tmp_path: Path, postgres_proxy: FaultProxy) -> None:
    port, live_port = free_port(), free_port()
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="coko.settings.test",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{postgres_proxy.port}/test",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_LIVENESS_BIND=f"127.0.0.1:{live_port}",
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="2",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    proc = subprocess.Popen([str(APP_DIR / "bin" / "start-backend")], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while _status_or_none(f"http://127.0.0.1:{live_port}/health/") != 200:
            assert proc.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.3)
        postgres_proxy.set(FROZEN)
        with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
            stuck = [pool.submit(_timed_status, f"http://127.0.0.1:{port}/api/catalog/books/?q=stuck{n}") for n in range(12)]
            time.sleep(0.5)  # every request thread is now waiting on the database
            probes = [_timed_status(f"http://127.0.0.1:{live_port}/health/") for _ in range(5)]
            results = [future.result() for future in stuck]
        assert all(code == 200 and elapsed < 1.0 for code, elapsed in probes), probes
        assert {code for code, _ in results} == {503}, results
        # Each request waits at most connect_timeout (3 s) for the frozen server; queued ones
        # wait for a free thread first. None gets anywhere near gunicorn's worker timeout.
        durations = sorted(elapsed for _, elapsed in results)
        assert durations[0] < 4.0 and durations[-1] < 25, durations
        healthcheck = subprocess.run(
            [sys.executable, str(APP_DIR / "bin" / "healthcheck")], env=dict(env, HEALTHCHECK_URL=f"http://127.0.0.1:{live_port}/health/"), check=False
        )
        assert healthcheck.returncode == 0
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


def _status_or_none(url: str) -> int | None:
    try:
        return _status(url, 1.0)
    except OSError:
        return None


def _timed_status(url: str) -> tuple[int, float]:
    start = time.monotonic()
    code = _status(url, 30.0)
    return code, time.monotonic() - start
