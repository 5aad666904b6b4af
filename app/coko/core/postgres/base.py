"""PostgreSQL backend with a client-side deadline on every database round trip.

ENGINE ``coko.core.postgres``: django-prometheus's instrumented PostgreSQL backend plus
coko.core.deadline. ``OPTIONS["client_timeout"]`` (seconds) bounds each query, commit,
rollback and the per-request health check (CONN_HEALTH_CHECKS), which Django runs on the raw
psycopg connection and would otherwise wait forever on a frozen server. New connections are
bounded by libpq's ``connect_timeout``; slow statements by the server's statement_timeout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django_prometheus.db.backends.postgresql.base import DatabaseWrapper as PrometheusDatabaseWrapper

from coko.core.deadline import watchdog

#: The per-request health check is a SELECT 1: it answers in milliseconds or not at all.
HEALTH_CHECK_TIMEOUT = 1.0


class DatabaseWrapper(PrometheusDatabaseWrapper):
    """Every blocking call on the connection has a deadline (coko.core.deadline)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client_timeout: float | None = self.settings_dict["OPTIONS"].get("client_timeout")
        self.execute_wrappers.append(self._bounded_execute)

    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        params.pop("client_timeout", None)  # ours, not libpq's
        return params

    @contextmanager
    def bounded(self, seconds: float | None = None) -> Iterator[None]:
        """Run the block with a deadline on this connection's socket."""
        conn = self.connection
        fileno = conn.fileno() if conn is not None and not conn.closed else -1
        with watchdog.guard(fileno, seconds if seconds is not None else self.client_timeout):
            yield

    def _bounded_execute(self, execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: dict[str, Any]) -> Any:
        with self.bounded():
            return execute(sql, params, many, context)

    def is_usable(self) -> bool:
        with self.bounded(min(HEALTH_CHECK_TIMEOUT, self.client_timeout or HEALTH_CHECK_TIMEOUT)):
            return bool(super().is_usable())

    def _commit(self) -> None:
        with self.bounded():
            super()._commit()

    def _rollback(self) -> None:
        with self.bounded():
            super()._rollback()

    def _set_autocommit(self, autocommit: bool) -> None:
        with self.bounded():
            super()._set_autocommit(autocommit)


def without_time_limits(settings_dict: dict[str, Any]) -> None:
    """Lift statement_timeout and the client deadline (migrations, one-off admin tasks)."""
    options = settings_dict.setdefault("OPTIONS", {})
    options["client_timeout"] = None
    libpq_options = options.get("options", "")
    options["options"] = f"{libpq_options} -c statement_timeout=0".strip()
