"""Liveness and readiness probes.

Liveness never touches a backing service: an ALB whose targets all fail
"opens" to all of them and ECS restarts unhealthy tasks, so a database outage
must not turn into a restart loop. Readiness checks every dependency and names
the ones that failed.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.http import HttpRequest, JsonResponse


def liveness(request: HttpRequest) -> JsonResponse:
    """The process is up and serving HTTP; nothing else is checked."""
    return JsonResponse({"status": "ok"})


def _database_error(alias: str) -> str | None:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        connections[alias].close_if_unusable_or_obsolete()
        return f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
    return None


def _cache_error() -> str | None:
    try:
        client = caches["default"].client.get_client(write=True)  # type: ignore[attr-defined]
        client.ping()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def readiness(request: HttpRequest) -> JsonResponse:
    """200 when every database alias and Redis answer, else 503 naming the failures."""
    checks: dict[str, str | None] = {f"database:{alias}": _database_error(alias) for alias in settings.DATABASES}
    checks["cache:redis"] = _cache_error()
    failed = {name: error for name, error in checks.items() if error}
    body = {
        "status": "unavailable" if failed else "ok",
        "checks": {name: ("fail" if name in failed else "ok") for name in checks},
        "failed": sorted(failed),
        "errors": failed,
    }
    return JsonResponse(body, status=503 if failed else 200)
