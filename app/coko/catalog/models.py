"""The book catalogue (catalog_db)."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models

#: Text search configuration: "simple" lower-cases and splits words without language
#: stemming (titles mix French, English, Wolof, Swahili...). Shared by the column and queries.
SEARCH_CONFIG = "simple"
#: Fields shown in list responses (also what list queries select).
SUMMARY_FIELDS = ("id", "title", "author", "language", "published_year")


class Book(models.Model):
    """A book readers can find, open and track progress on."""

    title = models.CharField(max_length=300)
    author = models.CharField(max_length=200)
    isbn = models.CharField(max_length=17, unique=True)
    language = models.CharField(max_length=8, default="fr")
    description = models.TextField(blank=True)
    published_year = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    #: Title and author as a tsvector, maintained by PostgreSQL, GIN-indexed for search.
    search = models.GeneratedField(
        expression=SearchVector("title", "author", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ("title", "id")
        indexes = (
            models.Index(fields=["author"], name="catalog_book_author_idx"),
            GinIndex(fields=["search"], name="catalog_book_search_gin"),
        )

    def __str__(self) -> str:
        return f"{self.title} ({self.author})"

    def summary(self) -> dict[str, Any]:
        """Fields shown in list responses."""
        return {field: getattr(self, field) for field in SUMMARY_FIELDS}

    def detail(self) -> dict[str, Any]:
        """Fields shown on the detail page."""
        return {
            **self.summary(),
            "isbn": self.isbn,
            "description": self.description,
            "updated_at": self.updated_at.isoformat(),
        }
