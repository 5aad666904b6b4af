"""Minimal session login for the JSON API (users live in auth_db).

Sign-in fails closed when Redis is down (503): the per-IP rate limit and django-axes'
per-IP/per-username failure counters live there, and without them password guessing would
be unlimited. The admin login goes through the same gate (coko.urls).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth import authenticate, login, logout
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import ensure_csrf_cookie
from django_ratelimit.decorators import ratelimit

from coko.core.errors import ApiError
from coko.core.guards import allow, json_object, session_only, string_field
from coko.core.ratelimit import api_rate

LOGIN_UNAVAILABLE = "Sign-in is temporarily unavailable; retry shortly."


def require_counters(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """503 for POSTs while the cache holding the attempt counters is unreachable."""

    @wraps(view)
    def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        available = getattr(cache, "available", None)
        if request.method == "POST" and available is not None and not available():
            raise ApiError(503, LOGIN_UNAVAILABLE, "login_unavailable")
        return view(request, *args, **kwargs)

    return gated


@allow("GET")
@ensure_csrf_cookie
def me(request: HttpRequest) -> JsonResponse:
    """Who is signed in; also sets the CSRF cookie browsers need for POST/PUT."""
    if not request.user.is_authenticated:
        return JsonResponse({"authenticated": False})
    return JsonResponse({"authenticated": True, "id": request.user.pk, "username": request.user.get_username()})


@allow("POST")
@session_only
@require_counters
@ratelimit(key="ip", rate=api_rate, block=True, group="login")
def login_view(request: HttpRequest) -> JsonResponse:
    """POST {"username", "password"}: opens a session; 400 for bad input or wrong credentials."""
    payload = json_object(request)
    username = string_field(payload, "username", 150)
    password = string_field(payload, "password", 4096)
    user = authenticate(request, username=username, password=password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            raise ApiError(429, "Too many failed sign-in attempts; try again later.", "login_locked")
        raise ApiError(400, "Invalid credentials.", "invalid_credentials")
    login(request, user)
    return JsonResponse({"authenticated": True, "id": user.pk, "username": user.get_username()})


@allow("POST")
@session_only
def logout_view(request: HttpRequest) -> JsonResponse:
    logout(request)
    return JsonResponse({"authenticated": False})
