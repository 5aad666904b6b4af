"""Input guards: allowed methods, NUL bytes, JSON bodies, and read-only mode.

PostgreSQL cannot store NUL characters in text and psycopg raises on them, so a NUL in a
search term or a username used to become a 500. Every guard answers through
coko.core.errors (400/405/413/503 JSON) before the view or the database sees the input.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from coko.core.errors import ApiError, error_response, read_only_response

View = TypeVar("View", bound=Callable[..., Any])

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: JSON bodies of this API are a few fields; anything larger is refused before parsing.
MAX_JSON_BYTES = 16 * 1024
_NUL_ESCAPES = ("\\u0000", "\\U0000")


def allow(*methods: str) -> Callable[[View], View]:
    """Declare a view's methods; RequestGuardMiddleware answers 405 before CSRF runs.

    Django's require_http_methods runs inside the view, after CsrfViewMiddleware, so a POST
    to a GET-only endpoint got a CSRF 403 instead of 405.
    """
    allowed = frozenset(m.upper() for m in methods) | ({"HEAD"} if "GET" in methods else set())

    def mark(view: View) -> View:
        view.allowed_methods = allowed  # type: ignore[attr-defined]
        return view

    return mark


def session_only(view: View) -> View:
    """Mark a POST view that writes only the session (Redis in read-only mode), not the database."""
    view.session_only = True  # type: ignore[attr-defined]
    return view


def _has_nul(text: str) -> bool:
    return "\x00" in text


class RequestGuardMiddleware:
    """405 for undeclared methods, 400 for NUL bytes, 503 for writes in read-only mode.

    Placed before CsrfViewMiddleware (process_view runs in MIDDLEWARE order).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request.path) or any(_has_nul(k) or any(_has_nul(v) for v in vs) for k, vs in request.GET.lists()):
            return error_response(400, "NUL characters are not allowed in the URL.", "nul_character")
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any) -> HttpResponse | None:
        allowed = getattr(view, "allowed_methods", None)
        if allowed is not None and request.method not in allowed:
            response = error_response(405, f"Method {request.method} not allowed; use {', '.join(sorted(allowed))}.")
            response["Allow"] = ", ".join(sorted(allowed))
            return response
        if settings.DATABASE_READ_ONLY and request.method not in SAFE_METHODS and not getattr(view, "session_only", False):
            return read_only_response()
        return None


def json_object(request: HttpRequest) -> dict[str, Any]:
    """The request body as a JSON object, or ApiError naming what to fix (400/413)."""
    content_type = request.content_type or ""
    if content_type != "application/json":
        raise ApiError(400, f"Content-Type must be application/json (got {content_type or 'none'}).", "unsupported_content_type")
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > MAX_JSON_BYTES:
        raise ApiError(413, f"JSON bodies are limited to {MAX_JSON_BYTES} bytes.")
    try:
        text = request.body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, "The body is not valid UTF-8.", "invalid_json") from exc
    if _has_nul(text) or any(escape in text for escape in _NUL_ESCAPES):
        raise ApiError(400, "NUL characters are not allowed.", "nul_character")
    try:
        payload = json.loads(text)
    except RecursionError as exc:
        raise ApiError(400, "The JSON body is nested too deeply.", "invalid_json") from exc
    except ValueError as exc:
        raise ApiError(400, "The body is not valid JSON.", "invalid_json") from exc
    if not isinstance(payload, dict):
        raise ApiError(400, f"The body must be a JSON object, not {type(payload).__name__}.", "invalid_shape")
    return payload


def string_field(payload: dict[str, Any], name: str, max_length: int) -> str:
    """A required, non-empty string field of at most ``max_length`` characters."""
    value = payload.get(name)
    if not isinstance(value, str) or not value:
        raise ApiError(400, f'"{name}" must be a non-empty string.', "invalid_shape")
    if len(value) > max_length:
        raise ApiError(400, f'"{name}" is longer than {max_length} characters.', "invalid_shape")
    return value
