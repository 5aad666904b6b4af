"""The app's own middleware: lean request metrics and lazily built message storage."""

from __future__ import annotations

import pytest
from coko.core import prometheus
from coko.core.middleware import LazyMessageMiddleware
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.utils.functional import empty
from prometheus_client import REGISTRY

PRIVATE_IP_HOST = "10.0.3.17:8000"


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_request_metrics_middleware_replaces_the_django_prometheus_pair() -> None:
    assert "coko.core.prometheus.PrometheusMiddleware" in settings.MIDDLEWARE
    assert not [m for m in settings.MIDDLEWARE if m.startswith("django_prometheus.middleware")]
    assert settings.MIDDLEWARE.index("coko.core.prometheus.PrometheusMiddleware") == 1, "right after HealthCheckMiddleware"


@pytest.mark.django_db(databases="__all__")
def test_requests_responses_and_latency_are_counted_per_view_and_method(client: Client) -> None:
    before = {
        "requests": sample("django_http_requests_total_by_method_total", method="GET"),
        "ok": sample("django_http_responses_total_by_status_total", status="200"),
        "not_found": sample("django_http_responses_total_by_status_total", status="404"),
        "latency": sample("django_http_requests_latency_seconds_by_view_method_count", view="book-list", method="GET"),
        "unnamed": sample("django_http_requests_latency_seconds_by_view_method_count", view="<unnamed view>", method="GET"),
    }
    assert client.get("/api/catalog/books/").status_code == 200
    assert client.get("/no/such/page/").status_code == 404
    assert client.get("/health/").status_code == 200  # answered before the metrics middleware: not counted
    assert sample("django_http_requests_total_by_method_total", method="GET") == before["requests"] + 2
    assert sample("django_http_responses_total_by_status_total", status="200") == before["ok"] + 1
    assert sample("django_http_responses_total_by_status_total", status="404") == before["not_found"] + 1
    assert sample("django_http_requests_latency_seconds_by_view_method_count", view="book-list", method="GET") == before["latency"] + 1
    assert sample("django_http_requests_latency_seconds_by_view_method_count", view="<unnamed view>", method="GET") == before["unnamed"] + 1


def test_exceptions_are_counted_by_type_and_odd_methods_are_bucketed() -> None:
    def boom(request: HttpRequest) -> HttpResponse:
        raise RuntimeError("x")

    middleware = prometheus.PrometheusMiddleware(boom)
    before = sample("django_http_exceptions_total_by_type_total", type="RuntimeError")
    middleware.process_exception(RequestFactory().get("/"), RuntimeError("x"))
    assert sample("django_http_exceptions_total_by_type_total", type="RuntimeError") == before + 1
    odd = RequestFactory().generic("BREW", "/")
    assert prometheus._method(odd) == "<invalid method>"


def test_message_storage_is_built_only_when_used() -> None:
    def untouched(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    request = RequestFactory().get("/api/catalog/books/")
    request.session = {}
    response = LazyMessageMiddleware(untouched)(request)
    assert request._messages._wrapped is empty, "no storage built for a request that ignores messages"
    assert "messages" not in response.cookies

    def adds(request: HttpRequest) -> HttpResponse:
        messages.success(request, "Livre enregistré")
        return HttpResponse("ok")

    request = RequestFactory().post("/admin/")
    request.session = {}
    response = LazyMessageMiddleware(adds)(request)
    assert isinstance(request._messages._wrapped, FallbackStorage)
    assert "messages" in response.cookies, "an added message is stored (cookie backend first)"
    follow_up = RequestFactory().get("/admin/", HTTP_COOKIE=f"messages={response.cookies['messages'].value}")
    follow_up.session = {}
    seen: list[str] = []

    def reads(request: HttpRequest) -> HttpResponse:
        seen.extend(str(m) for m in messages.get_messages(request))
        return HttpResponse("ok")

    LazyMessageMiddleware(reads)(follow_up)
    assert seen == ["Livre enregistré"]
