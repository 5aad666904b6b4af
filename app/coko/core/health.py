"""Liveness and readiness probes.

Liveness never touches a backing service: an ALB whose targets all fail "opens" to all of
them and ECS restarts unhealthy tasks, so a database outage must not turn into a restart
loop. Readiness checks every dependency at once (one thread each) and answers within
READINESS_BUDGET seconds whatever they do: a frozen dependency is reported as "timeout".

Readiness is internal (dashboards, deploy checks, from inside the VPC): it is refused on the
public path like /metrics, and its body names checks, never hosts or error texts (those go to
the log).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from functools import partial

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.http import HttpRequest, JsonResponse

from coko.core.errors import error_response
from coko.core.metrics import is_public_request

logger = logging.getLogger("coko.health")

READINESS_BUDGET = 2.5  # seconds, total, for all checks together
#: Without these the API cannot serve its core (sign-in, catalogue, progress): "down".
CRITICAL_ALIASES = frozenset({"auth_db", "catalog_db", "reading_db"})


def liveness(request: HttpRequest) -> JsonResponse:
    """The process is up and serving HTTP; nothing else is checked."""
    return JsonResponse({"status": "ok"})


def _check_database(alias: str) -> None:
    connection = connections[alias]  # this thread's own connection, closed right after
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connection.close()


def _check_cache() -> None:
    caches["default"].client.get_client(write=True).ping()  # type: ignore[attr-defined]


def _run(name: str, check: Callable[[], None]) -> str:
    try:
        check()
    except Exception as exc:
        logger.warning("readiness check %s failed: %s: %s", name, type(exc).__name__, exc)
        return "fail"
    return "ok"


def checks() -> dict[str, str]:
    """Every dependency's state ("ok", "fail", "timeout"), all checked concurrently."""
    probes: dict[str, Callable[[], None]] = {f"database:{alias}": partial(_check_database, alias) for alias in settings.DATABASES}
    probes["cache:redis"] = _check_cache
    pool = ThreadPoolExecutor(max_workers=len(probes), thread_name_prefix="coko-ready")
    futures = {name: pool.submit(_run, name, probe) for name, probe in probes.items()}
    wait(futures.values(), timeout=READINESS_BUDGET)
    pool.shutdown(wait=False, cancel_futures=True)  # stragglers end at their own deadlines
    states = {name: (future.result() if future.done() else "timeout") for name, future in futures.items()}
    for name, state in states.items():
        if state == "timeout":
            logger.warning("readiness check %s timed out after %.1fs", name, READINESS_BUDGET)
    return states


def verdict(states: dict[str, str]) -> str:
    """ "down" when a critical database fails, "degraded" when only Redis or a minor alias does."""
    failed = {name for name, state in states.items() if state != "ok"}
    if not failed:
        return "ok"
    if any(name.removeprefix("database:") in CRITICAL_ALIASES for name in failed):
        return "down"
    return "degraded"


def readiness(request: HttpRequest) -> JsonResponse:
    """200 ok/degraded (serving, maybe without cache), 503 down; 404 on the public path."""
    if is_public_request(request):
        return error_response(404)
    states = checks()
    status = verdict(states)
    body = {"status": status, "checks": states, "failed": sorted(name for name, state in states.items() if state != "ok")}
    return JsonResponse(body, status=503 if status == "down" else 200)
