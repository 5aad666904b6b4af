"""Minimal session login for the JSON API (users live in auth_db)."""

from __future__ import annotations

import json

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from coko.core.ratelimit import api_rate


@require_GET
@ensure_csrf_cookie
def me(request: HttpRequest) -> JsonResponse:
    """Who is signed in; also sets the CSRF cookie browsers need for POST/PUT."""
    if not request.user.is_authenticated:
        return JsonResponse({"authenticated": False})
    return JsonResponse({"authenticated": True, "id": request.user.pk, "username": request.user.get_username()})


@require_POST
@ratelimit(key="ip", rate=api_rate, block=True, group="login")
def login_view(request: HttpRequest) -> JsonResponse:
    """POST {"username", "password"}: opens a session or answers 400."""
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        payload = {}
    user = authenticate(request, username=payload.get("username"), password=payload.get("password"))
    if user is None:
        return JsonResponse({"detail": "Invalid credentials."}, status=400)
    login(request, user)
    return JsonResponse({"authenticated": True, "id": user.pk, "username": user.get_username()})


@require_POST
def logout_view(request: HttpRequest) -> JsonResponse:
    logout(request)
    return JsonResponse({"authenticated": False})
