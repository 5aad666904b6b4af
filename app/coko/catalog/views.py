"""Catalogue JSON API: paginated, searchable list and detail, cached in Redis."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET
from django_ratelimit.decorators import ratelimit

from coko.catalog.cache import cached
from coko.catalog.models import Book
from coko.core.ratelimit import api_rate

_MISSING = {"detail": "Not found."}


def _int_param(request: HttpRequest, name: str, default: int, maximum: int) -> int:
    try:
        value = int(request.GET.get(name, default))
    except ValueError:
        return default
    return min(max(value, 1), maximum)


def _book_page(query: str, page: int, page_size: int) -> dict[str, Any]:
    books = Book.objects.all()
    if query:
        books = books.filter(Q(title__icontains=query) | Q(author__icontains=query))
    paginator = Paginator(books, page_size)
    current = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": current.number,
        "page_size": page_size,
        "num_pages": paginator.num_pages,
        "has_next": current.has_next(),
        "has_previous": current.has_previous(),
        "results": [book.summary() for book in current.object_list],
    }


@require_GET
@ratelimit(key="ip", rate=api_rate, block=True, group="catalog")
def book_list(request: HttpRequest) -> JsonResponse:
    """GET /api/catalog/books/?q=&page=&page_size= (title/author search)."""
    query = request.GET.get("q", "").strip()[:100]
    page = _int_param(request, "page", 1, 10_000)
    size = _int_param(request, "page_size", settings.CATALOG_PAGE_SIZE, settings.CATALOG_MAX_PAGE_SIZE)
    body = cached("list", (query.lower(), page, size), lambda: _book_page(query, page, size))
    return JsonResponse(body)


def _book_detail(book_id: int) -> dict[str, Any]:
    book = Book.objects.filter(pk=book_id).first()
    return book.detail() if book else _MISSING


@require_GET
@ratelimit(key="ip", rate=api_rate, block=True, group="catalog")
def book_detail(request: HttpRequest, book_id: int) -> JsonResponse:
    """GET /api/catalog/books/<id>/ (misses are cached too, briefly harmless)."""
    body = cached("detail", (book_id,), lambda: _book_detail(book_id))
    return JsonResponse(body, status=404 if body == _MISSING else 200)
