"""Reading progress (reading_db).

Users live in auth_db and books in catalog_db; Django cannot hold foreign keys
across databases, so both are stored as plain integer ids.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator
from django.db import models


class ReadingProgress(models.Model):
    """How far one user got in one book."""

    user_id = models.BigIntegerField(db_index=True)
    book_id = models.BigIntegerField(db_index=True)
    percent = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["user_id", "book_id"], name="reading_progress_user_book_uniq"),
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="reading_progress_percent_lte_100"),
        )
        ordering = ("-updated_at", "id")

    def as_json(self) -> dict[str, Any]:
        return {"book_id": self.book_id, "percent": self.percent, "updated_at": self.updated_at.isoformat()}
