"""The five logical databases and how their names derive from one base name.

All aliases live on one PostgreSQL server; only the database name differs, so
production (base ``coko``), tests (base from DATABASE_URL) and the benchmark
share a single naming rule.
"""

from __future__ import annotations

from typing import Any

#: alias -> suffix appended to the base database name ("" for default).
ALIAS_SUFFIXES: dict[str, str] = {
    "default": "",
    "auth_db": "_auth",
    "catalog_db": "_catalog",
    "reading_db": "_reading",
    "recommendation_db": "_recommendation",
}

PRODUCTION_BASE_NAME = "coko"


def database_name(base: str, alias: str) -> str:
    """Name of ``alias``'s database: coko, coko_auth, coko_catalog, ..."""
    return f"{base}{ALIAS_SUFFIXES[alias]}"


def build_databases(
    *,
    base_name: str,
    host: str,
    port: str | int,
    user: str,
    password: str,
    options: dict[str, Any] | None = None,
    conn_max_age: int = 60,
) -> dict[str, dict[str, Any]]:
    """Django DATABASES for every alias, with the Prometheus-instrumented engine."""
    return {
        alias: {
            "ENGINE": "django_prometheus.db.backends.postgresql",
            "NAME": database_name(base_name, alias),
            "HOST": host,
            "PORT": str(port),
            "USER": user,
            "PASSWORD": password,
            "OPTIONS": dict(options or {}),
            "CONN_MAX_AGE": conn_max_age,
            "CONN_HEALTH_CHECKS": True,
        }
        for alias in ALIAS_SUFFIXES
    }


def databases_from_url(url: str, *, options: dict[str, Any] | None = None, conn_max_age: int = 0) -> dict[str, dict[str, Any]]:
    """DATABASES from one URL: its path is the base name of the five databases."""
    import environ  # django-environ, only needed where a URL is used (local, tests)

    parsed = environ.Env.db_url_config(url)
    return build_databases(
        base_name=parsed["NAME"],
        host=parsed.get("HOST") or "127.0.0.1",
        port=parsed.get("PORT") or 5432,
        user=parsed.get("USER") or "postgres",
        password=parsed.get("PASSWORD") or "",
        options=options,
        conn_max_age=conn_max_age,
    )
