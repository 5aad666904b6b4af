"""JSON error views shared by the API."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse


def ratelimited(request: HttpRequest, exception: Exception) -> JsonResponse:
    """429 rather than django-ratelimit's default 403, so clients know to back off."""
    return JsonResponse({"detail": "Too many requests."}, status=429)


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse({"detail": "Not found."}, status=404)


def server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": "Server error."}, status=500)
