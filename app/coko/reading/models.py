"""Reading progress (reading_db).

Users live in auth_db and books in catalog_db; Django cannot hold foreign keys
across databases, so both are stored as plain integer ids.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import MaxValueValidator
from django.db import connections, models, router


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

    @classmethod
    def upsert(cls, user_id: int, book_id: int, percent: int) -> ReadingProgress:
        """Set one user's progress on one book in ONE statement (autocommit, no transaction).

        update_or_create takes a transaction, a SELECT ... FOR UPDATE and an UPDATE (four round
        trips, and two concurrent first writes race on the unique constraint); bulk_create's
        ON CONFLICT still wraps itself in BEGIN/COMMIT. This is one round trip.
        """
        table = cls._meta.db_table
        alias = router.db_for_write(cls)
        with connections[alias].cursor() as cursor:
            cursor.execute(
                f'INSERT INTO "{table}" (user_id, book_id, percent, updated_at) VALUES (%s, %s, %s, now()) '
                "ON CONFLICT (user_id, book_id) DO UPDATE SET percent = EXCLUDED.percent, updated_at = EXCLUDED.updated_at "
                "RETURNING id, updated_at",
                [user_id, book_id, percent],
            )
            pk, updated_at = cursor.fetchone()
        return cls(pk=pk, user_id=user_id, book_id=book_id, percent=percent, updated_at=updated_at)

    def as_json(self) -> dict[str, Any]:
        return {"book_id": self.book_id, "percent": self.percent, "updated_at": self.updated_at.isoformat()}
