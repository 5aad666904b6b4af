"""The book catalogue (catalog_db)."""

from __future__ import annotations

from typing import Any

from django.db import models


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

    class Meta:
        ordering = ("title", "id")
        indexes = (models.Index(fields=["author"], name="catalog_book_author_idx"),)

    def __str__(self) -> str:
        return f"{self.title} ({self.author})"

    def summary(self) -> dict[str, Any]:
        """Fields shown in list responses."""
        return {
            "id": self.pk,
            "title": self.title,
            "author": self.author,
            "language": self.language,
            "published_year": self.published_year,
        }

    def detail(self) -> dict[str, Any]:
        """Fields shown on the detail page."""
        return {
            **self.summary(),
            "isbn": self.isbn,
            "description": self.description,
            "updated_at": self.updated_at.isoformat(),
        }
