"""Any saved or deleted book invalidates cached catalogue pages."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from coko.catalog.cache import invalidate
from coko.catalog.models import Book


@receiver(post_save, sender=Book)
@receiver(post_delete, sender=Book)
def invalidate_catalog_cache(sender: type[Book], **kwargs: Any) -> None:
    invalidate()
