"""Sends each app's models to its logical database.

Django has no foreign keys across databases, so apps that refer to each other
across aliases store plain integer ids (see coko.reading.models).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model

#: app label -> database alias. Anything not listed lives in ``default``,
#: which in practice only holds its own django_migrations table.
APP_DATABASES: dict[str, str] = {
    "auth": "auth_db",
    "contenttypes": "auth_db",
    "sessions": "auth_db",
    "admin": "auth_db",
    "axes": "auth_db",
    "catalog": "catalog_db",
    "reading": "reading_db",
    "recommendations": "recommendation_db",
}


def database_for(app_label: str) -> str:
    """Alias that owns ``app_label``'s tables."""
    return APP_DATABASES.get(app_label, "default")


class DatabaseRouter:
    """Reads, writes and migrations all follow APP_DATABASES."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        return database_for(model._meta.app_label)

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        return database_for(model._meta.app_label)

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool:
        return database_for(obj1._meta.app_label) == database_for(obj2._meta.app_label)

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == database_for(app_label)
