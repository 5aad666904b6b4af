"""A Redis cache that degrades instead of failing, with a circuit breaker.

Redis is an accelerator here (catalogue pages, rate-limit counters, login-failure counters),
so when it is stopped or frozen every cache call answers "miss"/"not stored" instead of raising:
the catalogue is served from PostgreSQL and django-ratelimit applies RATELIMIT_FAIL_OPEN.

Bounded cost: socket timeouts are short (redis_cache in settings.base), and after one failure
the breaker stays open for CACHE_BREAKER_SECONDS: cache calls then return at once without
touching the network, so a frozen Redis costs one timeout per process per period, not one per
call. Every failure and every short-circuited call is counted:

* ``coko_cache_errors_total{operation}``: a Redis call failed (timeout, refused, reset);
* ``coko_cache_short_circuited_total{operation}``: skipped because the breaker was open.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django_prometheus.cache.backends.redis import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from prometheus_client import Counter
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("coko.cache")

cache_errors = Counter("coko_cache_errors_total", "Redis cache calls that failed (answered as a miss).", ["operation"])
cache_short_circuited = Counter("coko_cache_short_circuited_total", "Cache calls skipped while the breaker was open.", ["operation"])

FAILURES = (ConnectionInterrupted, RedisConnectionError, RedisTimeoutError, OSError)


class Breaker:
    """Open for ``seconds`` after a failure; then lets calls through again (half-open)."""

    def __init__(self) -> None:
        self._open_until = 0.0
        self._lock = threading.Lock()

    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def trip(self) -> None:
        with self._lock:
            self._open_until = time.monotonic() + float(getattr(settings, "CACHE_BREAKER_SECONDS", 5))

    def reset(self) -> None:
        self._open_until = 0.0


_breakers: dict[str, Breaker] = {}


def breaker_for(location: str) -> Breaker:
    """One breaker per Redis server per process (shared by the threads' cache instances)."""
    found = _breakers.get(location)
    if found is None:
        found = _breakers.setdefault(location, Breaker())
    return found


def _degrading(name: str, fallback: Callable[[tuple[Any, ...], dict[str, Any]], Any]) -> Callable[..., Any]:
    parent = getattr(RedisCache, name)

    def method(self: DegradingRedisCache, *args: Any, **kwargs: Any) -> Any:
        breaker = self.breaker
        if breaker.is_open():
            cache_short_circuited.labels(name).inc()
            return fallback(args, kwargs)
        try:
            return parent(self, *args, **kwargs)
        except FAILURES as exc:
            breaker.trip()
            cache_errors.labels(name).inc()
            logger.warning("redis cache %s failed, degrading: %s", name, type(exc.__cause__ or exc).__name__)
            return fallback(args, kwargs)

    method.__name__ = name
    method.__doc__ = f"{name}, answering as if Redis held nothing when it is unavailable."
    return method


def _default(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    return kwargs.get("default", args[1] if len(args) > 1 else None)


def _none(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    return None


def _false(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    return False


def _empty(args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    return {}


def _zero(args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    return 0


FALLBACKS: dict[str, Callable[[tuple[Any, ...], dict[str, Any]], Any]] = {
    "get": _default,
    "get_many": _empty,
    "set": _false,
    "set_many": _empty,
    "add": _false,
    "incr": _none,
    "decr": _none,
    "delete": _false,
    "delete_many": _zero,
    "delete_pattern": _zero,
    "has_key": _false,
    "touch": _false,
    "expire": _false,
    "ttl": _none,
}


class DegradingRedisCache(RedisCache):
    """django-redis (Prometheus-instrumented) whose calls never raise on a Redis outage."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self.breaker = breaker_for(str(server))

    def available(self) -> bool:
        """True when Redis answers a PING now; trips the breaker otherwise (login's gate)."""
        if self.breaker.is_open():
            return False
        try:
            self.client.get_client(write=True).ping()
        except FAILURES:
            self.breaker.trip()
            cache_errors.labels("ping").inc()
            return False
        return True


for _name, _fallback in FALLBACKS.items():
    setattr(DegradingRedisCache, _name, _degrading(_name, _fallback))
