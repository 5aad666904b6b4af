"""ModelBackend whose per-request user lookup is served from the cache.

Every signed-in request loads its user (Django's get_user) to check the session against the
password hash: one auth_db query per request. The user row changes rarely, so it is cached for
USER_CACHE_SECONDS and dropped whenever the user is saved or deleted (password change, staff
flag, deactivation): Django's session-hash check then still sees the current password hash.
With Redis down the lookup simply goes to the database.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

USER_CACHE_SECONDS = 60


def _key(user_id: Any) -> str:
    return f"auth:user:{user_id}"


class CachedModelBackend(ModelBackend):
    """ModelBackend; get_user() reads through the cache."""

    def get_user(self, user_id: Any) -> Any:
        user = cache.get(_key(user_id))
        if user is None:
            user = super().get_user(user_id)
            if user is not None:
                cache.set(_key(user_id), user, timeout=USER_CACHE_SECONDS)
        return user if self.user_can_authenticate(user) else None


def forget_user(sender: type, instance: Any, **kwargs: Any) -> None:
    """Any change to a user invalidates its cached copy at once."""
    cache.delete(_key(instance.pk))


def connect_invalidation() -> None:
    model = get_user_model()
    post_save.connect(forget_user, sender=model, dispatch_uid="coko-forget-user-save")
    post_delete.connect(forget_user, sender=model, dispatch_uid="coko-forget-user-delete")
