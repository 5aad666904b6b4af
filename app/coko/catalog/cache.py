"""Redis caching of catalogue responses with generation-based invalidation.

Every key embeds a generation number; any book change bumps it, so stale
pages disappear at once without scanning keys.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache

GENERATION_KEY = "catalog:generation"


def generation() -> int:
    """Current catalogue generation (created on first use)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return int(value)


def bump_generation() -> None:
    """Invalidate every cached catalogue response."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


def cache_key(kind: str, *parts: object) -> str:
    """Key for one response of ``kind`` in the current generation."""
    digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()[:16]
    return f"catalog:v{generation()}:{kind}:{digest}"


def cached(kind: str, parts: tuple[object, ...], compute: Callable[[], Any]) -> Any:
    """Return the cached value for ``parts`` or compute, store and return it."""
    key = cache_key(kind, *parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=settings.CATALOG_CACHE_TIMEOUT)
    return value
