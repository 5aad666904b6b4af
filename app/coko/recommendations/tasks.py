"""Celery task that ranks books by number of readers.

Reads reading_db, looks titles up in catalog_db and replaces the ranking in
recommendation_db in one transaction, so readers never see a half-written list.
"""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from coko.catalog.models import Book
from coko.core.routers import database_for
from coko.reading.models import ReadingProgress
from coko.recommendations.models import PopularBook


@shared_task(name="coko.recommendations.tasks.compute_popular_books")
def compute_popular_books(limit: int | None = None) -> int:
    """Recompute the ranking; returns how many books were ranked."""
    limit = limit or settings.POPULAR_BOOKS_LIMIT
    counts = list(ReadingProgress.objects.values("book_id").annotate(readers=Count("user_id", distinct=True)).order_by("-readers", "book_id")[: limit * 2])
    books = Book.objects.in_bulk([row["book_id"] for row in counts])
    now = timezone.now()
    ranked = [row for row in counts if row["book_id"] in books][:limit]
    rows = [
        PopularBook(
            rank=position,
            book_id=row["book_id"],
            title=books[row["book_id"]].title,
            author=books[row["book_id"]].author,
            readers=row["readers"],
            computed_at=now,
        )
        for position, row in enumerate(ranked, start=1)
    ]
    with transaction.atomic(using=database_for("recommendations")):
        PopularBook.objects.all().delete()
        PopularBook.objects.bulk_create(rows)
    return len(rows)
