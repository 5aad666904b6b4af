"""Catalogue JSON API: paginated, searchable list and detail, cached in Redis.

Rate limiting is charged on cache misses only: a miss is what reaches
PostgreSQL (a stream of random searches), while hits cost one Redis GET and
floods of them are CloudFront/WAF's job.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.db.models import Count, Window
from django.http import HttpRequest, HttpResponse
from django_ratelimit.core import is_ratelimited

from coko.catalog.cache import Payload, cached
from coko.catalog.models import SEARCH_CONFIG, SUMMARY_FIELDS, Book
from coko.core.errors import error_response
from coko.core.guards import allow
from coko.core.ratelimit import api_rate

WORD = re.compile(r"\w+")
MAX_SEARCH_WORDS = 8

NOT_FOUND: Payload = (404, error_response(404).content)


def _int_param(request: HttpRequest, name: str, default: int, maximum: int) -> int:
    try:
        value = int(request.GET.get(name, default))
    except ValueError:
        return default
    return min(max(value, 1), maximum)


def _encode(body: dict[str, Any]) -> Payload:
    return 200, json.dumps(body, ensure_ascii=False).encode()


def search_query(text: str) -> SearchQuery | None:
    """Prefix match on every word typed ("long lett" finds "Une si longue lettre"); None: nothing to search."""
    words = WORD.findall(text.lower())[:MAX_SEARCH_WORDS]
    if not words:
        return None
    return SearchQuery(" & ".join(f"{word}:*" for word in words), search_type="raw", config=SEARCH_CONFIG)


def _book_page(query: str, page: int, page_size: int) -> Payload:
    """One query: the page's rows with the total count beside each (a window count)."""
    books = Book.objects.all()
    if query:
        tsquery = search_query(query)
        books = books.filter(search=tsquery) if tsquery is not None else books.none()
    rows = list(books.annotate(total=Window(Count("*"))).values(*SUMMARY_FIELDS, "total")[(page - 1) * page_size : page * page_size])
    count = rows[0]["total"] if rows else (books.count() if page > 1 else 0)
    num_pages = max(1, -(-count // page_size))
    if not rows and page > num_pages:  # past the end: the last page, as Paginator.get_page did
        return _book_page(query, num_pages, page_size) if count else _encode(_page_body([], 0, 1, page_size))
    return _encode(_page_body(rows, count, page, page_size))


def _page_body(rows: list[dict[str, Any]], count: int, page: int, page_size: int) -> dict[str, Any]:
    num_pages = max(1, -(-count // page_size))
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "num_pages": num_pages,
        "has_next": page < num_pages,
        "has_previous": page > 1,
        "results": [{field: row[field] for field in SUMMARY_FIELDS} for row in rows],
    }


def _book_detail(book_id: int) -> Payload:
    book = Book.objects.defer("search").filter(pk=book_id).first()
    return _encode(book.detail()) if book else NOT_FOUND


def book_exists(book_id: int) -> bool:
    """Through the detail cache: progress writes check the book with a Redis GET, not a query."""
    payload = cached("detail", (book_id,), lambda: _book_detail(book_id))
    return payload is not None and payload[0] == 200


def _limited(request: HttpRequest, compute: Callable[[], Payload]) -> Callable[[], Payload | None]:
    """Wrap ``compute`` so it first charges the client's rate limit (None = refused)."""

    def guarded() -> Payload | None:
        if is_ratelimited(request, group="catalog", key="ip", rate=api_rate, increment=True):
            return None
        return compute()

    return guarded


def _respond(payload: Payload | None) -> HttpResponse:
    """Response for a payload; catalogue answers are public, so the CDN may keep them briefly.

    ``CATALOG_HTTP_MAX_AGE`` bounds how long CloudFront (whose API cache policy
    would otherwise apply its default TTL) serves a catalogue answer after a
    Book change has emptied the Redis cache. A 429 is never cached.
    """
    if payload is None:
        return error_response(429)
    status, body = payload
    response = HttpResponse(body, status=status, content_type="application/json")
    response["Cache-Control"] = f"public, max-age={settings.CATALOG_HTTP_MAX_AGE}"
    return response


@allow("GET")
def book_list(request: HttpRequest) -> HttpResponse:
    """GET /api/catalog/books/?q=&page=&page_size= (title/author search)."""
    query = request.GET.get("q", "").strip()[:100]
    page = _int_param(request, "page", 1, 10_000)
    size = _int_param(request, "page_size", settings.CATALOG_PAGE_SIZE, settings.CATALOG_MAX_PAGE_SIZE)
    compute = _limited(request, lambda: _book_page(query, page, size))
    return _respond(cached("list", (query.lower(), page, size), compute))


@allow("GET")
def book_detail(request: HttpRequest, book_id: int) -> HttpResponse:
    """GET /api/catalog/books/<id>/ (404s are cached too: no DB hit for repeated misses)."""
    return _respond(cached("detail", (book_id,), _limited(request, lambda: _book_detail(book_id))))
