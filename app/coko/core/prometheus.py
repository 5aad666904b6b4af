"""Request metrics: the three django-prometheus series the dashboards use, nothing else.

django-prometheus's Before/After middleware pair updates 9 labelled series and
5 histograms on every request. In multi-process mode (gunicorn workers) each
update is a locked write into an mmap'ed file, which made metrics the most
expensive middleware on a cached catalogue read (≈ 16 writes and 9
``labels()`` look-ups per request, ≈ 120 µs of ≈ 840 µs in-process).

This single middleware keeps the same names, labels and buckets for:

* ``django_http_requests_total_by_method{method}``
* ``django_http_responses_total_by_status{status}``
* ``django_http_requests_latency_seconds_by_view_method{view, method}``
  (``PROMETHEUS_LATENCY_BUCKETS``), measured around the whole stack below it
* ``django_http_exceptions_total_by_type{type}`` (only when a view raises)

that is four mmap writes per request, with the labelled children memoised
(methods are normalised and view names come from the URLconf, so the label
sets stay bounded). The database and cache backend wrappers of
django-prometheus are unchanged. It sits right after HealthCheckMiddleware, so
liveness probes and scrapes are not counted (as before).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django_prometheus.conf import NAMESPACE, PROMETHEUS_LATENCY_BUCKETS
from prometheus_client import Counter, Histogram

KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "OPTIONS", "CONNECT", "PATCH"})
UNNAMED_VIEW = "<unnamed view>"

requests_by_method = Counter("django_http_requests_total_by_method", "Count of requests by method.", ["method"], namespace=NAMESPACE)
responses_by_status = Counter("django_http_responses_total_by_status", "Count of responses by status.", ["status"], namespace=NAMESPACE)
latency_by_view_method = Histogram(
    "django_http_requests_latency_seconds_by_view_method",
    "Histogram of request processing time labelled by view.",
    ["view", "method"],
    buckets=PROMETHEUS_LATENCY_BUCKETS,
    namespace=NAMESPACE,
)
exceptions_by_type = Counter("django_http_exceptions_total_by_type", "Count of exceptions by object type.", ["type"], namespace=NAMESPACE)

_children: dict[tuple[object, ...], Any] = {}


def _child(metric: Counter | Histogram, *labels: str) -> Any:
    """``metric.labels(*labels)``, memoised per process (label sets are bounded)."""
    key = (metric, *labels)
    child = _children.get(key)
    if child is None:
        child = _children[key] = metric.labels(*labels)
    return child


def _method(request: HttpRequest) -> str:
    method = request.method or ""
    return method if method in KNOWN_METHODS else "<invalid method>"


class PrometheusMiddleware:
    """Count requests and responses and time them, per view and method."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        method = _method(request)
        _child(requests_by_method, method).inc()
        start = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match is not None else None) or UNNAMED_VIEW
        _child(latency_by_view_method, view, method).observe(time.perf_counter() - start)
        _child(responses_by_status, str(response.status_code)).inc()
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        """Count the exception; Django then turns it into the 500 counted above."""
        _child(exceptions_by_type, type(exception).__name__).inc()
