"""Reading progress API for the signed-in user."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django_ratelimit.decorators import ratelimit

from coko.catalog.views import book_exists
from coko.core.errors import ApiError
from coko.core.guards import allow, json_object
from coko.core.ratelimit import api_rate
from coko.reading.models import ReadingProgress

PERCENT_SHAPE = 'Body must be JSON {"percent": <integer 0-100>}.'


def _require_user(request: HttpRequest) -> int:
    if not request.user.is_authenticated:
        raise ApiError(401, "Authentication required.")
    return int(request.user.pk)


@allow("GET")
def progress_list(request: HttpRequest) -> JsonResponse:
    """GET /api/reading/progress/: the user's books, most recently read first."""
    entries = ReadingProgress.objects.filter(user_id=_require_user(request))
    return JsonResponse({"results": [entry.as_json() for entry in entries]})


def _parse_percent(request: HttpRequest) -> int:
    percent = json_object(request).get("percent")
    if isinstance(percent, bool) or not isinstance(percent, int) or not 0 <= percent <= 100:
        raise ApiError(400, PERCENT_SHAPE, "invalid_shape")
    return percent


@allow("GET", "PUT")
@ratelimit(key="ip", rate=api_rate, method="PUT", block=True, group="reading")
def progress_detail(request: HttpRequest, book_id: int) -> JsonResponse:
    """GET or PUT {"percent": 0-100} for one book of the catalogue."""
    user_id = _require_user(request)
    if request.method == "GET":
        entry = ReadingProgress.objects.filter(user_id=user_id, book_id=book_id).first()
        if entry is None:
            return JsonResponse({"book_id": book_id, "percent": 0, "updated_at": None})
        return JsonResponse(entry.as_json())
    percent = _parse_percent(request)
    if not book_exists(book_id):
        raise ApiError(404, "Unknown book.")
    return JsonResponse(ReadingProgress.upsert(user_id, book_id, percent).as_json())
