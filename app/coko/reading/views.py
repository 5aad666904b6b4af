"""Reading progress API for the signed-in user."""

from __future__ import annotations

import json

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from coko.catalog.models import Book
from coko.core.ratelimit import api_rate
from coko.reading.models import ReadingProgress


def _unauthenticated() -> JsonResponse:
    return JsonResponse({"detail": "Authentication required."}, status=401)


@require_http_methods(["GET"])
def progress_list(request: HttpRequest) -> JsonResponse:
    """GET /api/reading/progress/: the user's books, most recently read first."""
    if not request.user.is_authenticated:
        return _unauthenticated()
    entries = ReadingProgress.objects.filter(user_id=request.user.pk)
    return JsonResponse({"results": [entry.as_json() for entry in entries]})


def _parse_percent(request: HttpRequest) -> int | None:
    try:
        percent = json.loads(request.body or b"{}").get("percent")
    except (ValueError, AttributeError):
        return None
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        return None
    return percent


@require_http_methods(["GET", "PUT"])
@ratelimit(key="ip", rate=api_rate, method="PUT", block=True, group="reading")
def progress_detail(request: HttpRequest, book_id: int) -> JsonResponse:
    """GET or PUT {"percent": 0-100} for one book of the catalogue."""
    if not request.user.is_authenticated:
        return _unauthenticated()
    if request.method == "GET":
        entry = ReadingProgress.objects.filter(user_id=request.user.pk, book_id=book_id).first()
        if entry is None:
            return JsonResponse({"book_id": book_id, "percent": 0, "updated_at": None})
        return JsonResponse(entry.as_json())
    percent = _parse_percent(request)
    if percent is None:
        return JsonResponse({"detail": 'Body must be JSON {"percent": 0-100}.'}, status=400)
    if not Book.objects.filter(pk=book_id).exists():
        return JsonResponse({"detail": "Unknown book."}, status=404)
    entry, _ = ReadingProgress.objects.update_or_create(user_id=request.user.pk, book_id=book_id, defaults={"percent": percent})
    return JsonResponse(entry.as_json())
