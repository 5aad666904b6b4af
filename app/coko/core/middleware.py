"""Answers /health/, /health/ready/ and /metrics before host validation and SSL redirect.

(Also: LazyMessageMiddleware and NoStoreByDefaultMiddleware, see below.)

ALB health checks and Prometheus scrapes reach the task over plain HTTP with
its private IP (e.g. 10.0.3.17:8000) as Host; Django's ALLOWED_HOSTS would
answer 400 and SecurityMiddleware would redirect to HTTPS. This middleware
sits first in MIDDLEWARE so those two paths never reach either.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.functional import SimpleLazyObject, empty

from coko.core.health import liveness, readiness
from coko.core.metrics import metrics

SHORT_CIRCUITS: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/health/": liveness,
    "/health": liveness,
    "/health/ready/": readiness,
    "/health/ready": readiness,
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


class LazyMessageMiddleware(MessageMiddleware):
    """django.contrib.messages, with the storage built only when something uses it.

    The stock middleware builds a FallbackStorage (cookie + session backends) on
    every request and calls ``update()`` on every response. Only the admin uses
    messages; the JSON API never does. A storage nobody touched has nothing
    to save (``update()`` is a no-op unless messages were read or added), so
    skipping it is exactly equivalent and saves that work on every API call.
    """

    def process_request(self, request: HttpRequest) -> None:
        request._messages = SimpleLazyObject(lambda: default_storage(request))  # type: ignore[attr-defined]

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        storage = getattr(request, "_messages", None)
        if isinstance(storage, SimpleLazyObject) and storage._wrapped is empty:  # type: ignore[attr-defined]
            return response
        return super().process_response(request, response)


class NoStoreByDefaultMiddleware:
    """Responses that do not say how to cache themselves are not cached anywhere.

    CloudFront's API behaviour applies its default TTL (one hour, from the seed) to responses
    without Cache-Control, keyed per session: a reader would see their old progress for an hour
    after saving. Views that are safe to cache (the catalogue) set their own header.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
