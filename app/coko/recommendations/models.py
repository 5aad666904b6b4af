"""Popular books, recomputed periodically by Celery beat (recommendation_db)."""

from __future__ import annotations

from typing import Any

from django.db import models


class PopularBook(models.Model):
    """One row of the current "popular books" ranking (title copied: no cross-db join)."""

    rank = models.PositiveIntegerField(unique=True)
    book_id = models.BigIntegerField(unique=True)
    title = models.CharField(max_length=300)
    author = models.CharField(max_length=200)
    readers = models.PositiveIntegerField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ("rank",)

    def as_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "book_id": self.book_id,
            "title": self.title,
            "author": self.author,
            "readers": self.readers,
            "computed_at": self.computed_at.isoformat(),
        }
