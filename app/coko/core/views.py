"""Django's error hooks (handler400/403/404/500, CSRF failure, rate limits) answering JSON.

Shape and codes: coko.core.errors. Django calls these instead of its HTML templates
(https://docs.djangoproject.com/en/5.2/ref/urls/#error-handling and the CSRF_FAILURE_VIEW
setting), which covers DisallowedHost and oversized bodies (both SuspiciousOperation -> 400).
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import DisallowedHost, RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse

from coko.core.errors import error_response, response_for


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    """400, or 413 when the body exceeded DATA_UPLOAD_MAX_MEMORY_SIZE."""
    if isinstance(exception, RequestDataTooBig):
        return error_response(413, "The request body is too large.")
    if isinstance(exception, DisallowedHost):
        return error_response(400, "Unknown host.", "invalid_host")
    if isinstance(exception, TooManyFieldsSent):
        return error_response(400, "Too many fields.")
    return error_response(400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(404)


def server_error(request: HttpRequest) -> JsonResponse:
    """500, unless the exception is an expected fault (database away, read-only): then 503."""
    exc = sys.exc_info()[1]
    return (response_for(exc) if exc is not None else None) or error_response(500)


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    """CSRF_FAILURE_VIEW: the browser must first GET /api/auth/me/ (sets the csrftoken cookie)."""
    return error_response(403, "CSRF check failed: send the X-CSRFToken header from the csrftoken cookie.", "csrf_failed")


def ratelimited(request: HttpRequest, exception: Exception) -> JsonResponse:
    """429 rather than django-ratelimit's default 403, so clients know to back off."""
    return error_response(429)


def locked_out(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: too many failed sign-ins for this IP or this username."""
    return error_response(429, "Too many failed sign-in attempts; try again later.", "login_locked")
