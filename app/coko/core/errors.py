"""One JSON error shape for every API error: ``{"status", "code", "detail"}``.

Clients (the Next.js frontend, mobile apps) branch on ``code`` and show ``detail``; the HTTP
status is repeated in the body so logs and proxies that strip it keep it. Django's own HTML
pages (CSRF failure, DisallowedHost, oversized body, bare 405) are replaced by this shape:
either by the handlers in coko.core.views or, for responses built without a body, by
:class:`JsonErrorMiddleware`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger("coko.errors")

#: status -> default code and message, for responses that arrive without one.
DEFAULTS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "The request is malformed."),
    401: ("unauthenticated", "Authentication required."),
    403: ("forbidden", "You are not allowed to do this."),
    404: ("not_found", "Not found."),
    405: ("method_not_allowed", "Method not allowed."),
    413: ("payload_too_large", "The request body is too large."),
    415: ("unsupported_media_type", "Unsupported content type."),
    429: ("too_many_requests", "Too many requests."),
    500: ("server_error", "Server error."),
    503: ("unavailable", "Service temporarily unavailable; retry shortly."),
}

READ_ONLY_DETAIL = "read-only: failover in progress"
RETRY_AFTER_SECONDS = 30


class ApiError(Exception):
    """Raised anywhere below a view to answer with one JSON error (no traceback logged)."""

    def __init__(self, status: int, detail: str, code: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code or DEFAULTS.get(status, ("error", ""))[0]


def error_response(status: int, detail: str | None = None, code: str | None = None) -> JsonResponse:
    """The JSON error response; 429/503 tell clients when to retry."""
    default_code, default_detail = DEFAULTS.get(status, ("error", "Error."))
    response = JsonResponse({"status": status, "code": code or default_code, "detail": detail or default_detail}, status=status)
    if status in (429, 503):
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
    return response


def read_only_response() -> JsonResponse:
    """What a write gets in the secondary region before promotion (DATABASE_READ_ONLY)."""
    return error_response(503, READ_ONLY_DETAIL, "read_only")


def is_read_only_violation(exc: BaseException) -> bool:
    """PostgreSQL refused a write because the session/server is read-only (SQLSTATE 25006)."""
    cause = exc.__cause__ or exc
    return getattr(cause, "sqlstate", None) == "25006"


def response_for(exc: BaseException) -> JsonResponse | None:
    """The JSON answer for an exception we expect under faults, else None (a real 500)."""
    if isinstance(exc, ApiError):
        return error_response(exc.status, exc.detail, exc.code)
    if isinstance(exc, DatabaseError):
        if is_read_only_violation(exc):
            logger.warning("write refused by a read-only database: %s", type(exc.__cause__ or exc).__name__)
            return read_only_response()
        if isinstance(exc, (OperationalError, InterfaceError)):
            # Timeouts (statement_timeout, our client-side deadline) and lost connections:
            # the database is slow or away, not the request wrong.
            logger.warning("database unavailable: %s", type(exc.__cause__ or exc).__name__)
            return error_response(503, "The database is unavailable; retry shortly.", "database_unavailable")
    return None


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


class JsonErrorMiddleware:
    """Every error response is JSON with the stable shape; expected faults become 503, not 500.

    Sits high in MIDDLEWARE so it also rewrites error responses produced by the middleware
    below it (CSRF, host validation, method checks) that carry HTML or nothing.
    The admin's own HTML pages (200s and redirects) are left alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or _is_json(response):
            return response
        converted = error_response(response.status_code)
        for header in ("Allow", "Retry-After"):
            if response.has_header(header):
                converted[header] = response[header]
        if response.status_code == 405 and response.has_header("Allow"):
            converted.content = JsonResponse(
                {"status": 405, "code": "method_not_allowed", "detail": f"Method {request.method} not allowed; use {response['Allow']}."}
            ).content
        return converted

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return response_for(exception)
