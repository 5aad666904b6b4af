"""Liveness, readiness and the /metrics guard, as the ALB and Prometheus see them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from coko.settings.base import redis_cache
from django.db import connections
from django.test import Client, override_settings

PRIVATE_IP_HOST = "10.0.3.17:8000"


@contextmanager
def alias_pointing_at(alias: str, port: int) -> Iterator[None]:
    """Point one database alias at ``port`` (e.g. a closed one) for the block."""
    connection = connections[alias]
    connection.close()
    original = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = str(port)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["PORT"] = original


@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["api.coko.test"])
def test_liveness_answers_alb_with_private_ip_host_without_redirect_or_backends(client: Client, closed_port: int) -> None:
    # No django_db mark: any database query would raise. Redis is made unreachable too.
    with override_settings(CACHES={"default": redis_cache(f"redis://127.0.0.1:{closed_port}/0")}):
        response = client.get("/health/", HTTP_HOST=PRIVATE_IP_HOST)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    # The same Host on any other path is still rejected by ALLOWED_HOSTS.
    assert client.get("/api/catalog/books/", HTTP_HOST=PRIVATE_IP_HOST).status_code == 400


@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["api.coko.test"])
def test_public_api_over_plain_http_is_redirected_to_https(client: Client) -> None:
    response = client.get("/api/catalog/books/", HTTP_HOST="api.coko.test")
    assert response.status_code == 301
    assert response["Location"].startswith("https://api.coko.test/")


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_readiness_is_ok_when_every_database_and_redis_answer(client: Client) -> None:
    response = client.get("/health/ready/", HTTP_HOST=PRIVATE_IP_HOST)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["failed"] == []
    assert set(body["checks"]) == {
        "database:default",
        "database:auth_db",
        "database:catalog_db",
        "database:reading_db",
        "database:recommendation_db",
        "cache:redis",
    }


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_readiness_names_the_unreachable_database_while_liveness_stays_up(client: Client, closed_port: int) -> None:
    with alias_pointing_at("reading_db", closed_port):
        ready = client.get("/health/ready/", HTTP_HOST=PRIVATE_IP_HOST)
        live = client.get("/health/", HTTP_HOST=PRIVATE_IP_HOST)
    assert ready.status_code == 503
    body = ready.json()
    assert body["status"] == "down"
    assert body["failed"] == ["database:reading_db"]
    assert body["checks"]["database:catalog_db"] == "ok"
    assert "127.0.0.1" not in ready.content.decode() and str(closed_port) not in ready.content.decode(), "no internal addresses"
    assert live.status_code == 200


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_readiness_reports_degraded_not_down_when_only_redis_is_unreachable(client: Client, closed_port: int) -> None:
    with override_settings(CACHES={"default": redis_cache(f"redis://127.0.0.1:{closed_port}/0")}):
        ready = client.get("/health/ready/", HTTP_HOST=PRIVATE_IP_HOST)
        live = client.get("/health/", HTTP_HOST=PRIVATE_IP_HOST)
    assert ready.status_code == 200, "the API still serves (catalogue from PostgreSQL)"
    assert ready.json()["status"] == "degraded" and ready.json()["failed"] == ["cache:redis"]
    assert live.status_code == 200


@pytest.mark.django_db(databases="__all__")
def test_metrics_expose_request_database_and_cache_series_to_internal_scrapes(client: Client) -> None:
    assert client.get("/api/catalog/books/").status_code == 200
    response = client.get("/metrics", HTTP_HOST=PRIVATE_IP_HOST)
    assert response.status_code == 200
    text = response.content.decode()
    assert "django_http_requests_total_by_method_total" in text
    assert 'django_http_responses_total_by_status_total{status="200"}' in text
    assert 'django_db_execute_total{alias="catalog_db",vendor="postgresql"}' in text
    assert 'django_cache_get_total{backend="redis"}' in text
    assert 'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="book-list"}' in text


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_X_FORWARDED_FOR": "196.200.1.1, 130.176.0.1"},  # came through CloudFront -> ALB
        {"HTTP_HOST": "api.coko.test"},  # the public API domain
        {"HTTP_HOST": "api.coko.test:443"},
    ],
    ids=["forwarded", "public-host", "public-host-with-port"],
)
@pytest.mark.parametrize("path", ["/metrics", "/health/ready/"])
def test_metrics_and_readiness_are_hidden_on_the_public_path(client: Client, headers: dict[str, str], path: str) -> None:
    response = client.get(path, **headers)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert b"django_http" not in response.content and b"database" not in response.content
