"""Read-only API over the precomputed ranking."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse

from coko.core.guards import allow
from coko.recommendations.models import PopularBook


@allow("GET")
def popular_books(request: HttpRequest) -> JsonResponse:
    """GET /api/recommendations/popular/: the latest ranking computed by beat."""
    return JsonResponse({"results": [row.as_json() for row in PopularBook.objects.all()]})
