"""Answers /health/ and /metrics before host validation and SSL redirect.

ALB health checks and Prometheus scrapes reach the task over plain HTTP with
its private IP (e.g. 10.0.3.17:8000) as Host; Django's ALLOWED_HOSTS would
answer 400 and SecurityMiddleware would redirect to HTTPS. This middleware
sits first in MIDDLEWARE so those two paths never reach either.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from coko.core.health import liveness
from coko.core.metrics import metrics

SHORT_CIRCUITS: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/health/": liveness,
    "/health": liveness,
    "/metrics": metrics,
    "/metrics/": metrics,
}


class HealthCheckMiddleware:
    """Serve liveness and metrics directly; everything else goes down the stack."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        handler = SHORT_CIRCUITS.get(request.path_info)
        if handler is not None and request.method in ("GET", "HEAD"):
            return handler(request)
        return self.get_response(request)
