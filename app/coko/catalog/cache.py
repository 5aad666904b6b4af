"""Redis caching of serialized catalogue responses.

A cache hit costs one Redis GET and no JSON encoding: the stored value is the
final (status, body) pair. Book changes are rare (imports, admin), so they
delete every catalogue key; the hot read path pays nothing for invalidation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

KEY_PATTERN = "catalog:*"

Payload = tuple[int, bytes]  # HTTP status, JSON body


def cache_key(kind: str, *parts: object) -> str:
    """Key for one response of ``kind`` (list, detail)."""
    digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()[:20]
    return f"catalog:{kind}:{digest}"


def invalidate() -> None:
    """Forget every cached catalogue response."""
    # delete_pattern is django-redis API, not part of the BaseCache interface.
    cache.delete_pattern(KEY_PATTERN)  # type: ignore[attr-defined]


def cached(kind: str, parts: tuple[object, ...], compute: Callable[[], Payload | None]) -> Payload | None:
    """Cached payload for ``parts``, else ``compute()`` stored; None when compute refuses."""
    key = cache_key(kind, *parts)
    payload = cache.get(key)
    if payload is None:
        payload = compute()
        if payload is not None:
            cache.set(key, payload, timeout=settings.CATALOG_CACHE_TIMEOUT)
    return payload
