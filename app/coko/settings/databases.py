"""The five logical databases and how their names derive from one base name.

All aliases live on one PostgreSQL server; only the database name differs, so
production (base ``coko``), tests (base from DATABASE_URL) and the benchmark
share a single naming rule.
"""

from __future__ import annotations

import hashlib
import os
import ssl
import tempfile
from pathlib import Path
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

#: Aliases whose commits do not wait for the WAL flush (synchronous_commit=off). Reading
#: progress is rewritten every few pages: a crash of the primary may lose its last ~0.6 s
#: (3 x wal_writer_delay) of updates, never corrupt anything, and each write stops waiting for
#: an fsync (2.9 -> 0.26 ms per upsert here). https://www.postgresql.org/docs/15/wal-async-commit.html
ASYNC_COMMIT_ALIASES = frozenset({"reading_db"})

#: Amazon RDS CA bundle shipped in the image (provenance in its header and docs/app.md).
RDS_CA_BUNDLE = Path(__file__).resolve().parents[2] / "certs" / "rds-ca-bundle.pem"

#: TLS modes. Production verifies the server certificate and host name against the RDS CA, or
#: the CA the deployment passes (POSTGRES_CA_CERT: a DigitalOcean cluster's own CA).
TLS_VERIFY_FULL = "verify-full"
#: Local development and tests only (a local PostgreSQL has no RDS certificate): plaintext on
#: the loopback (sslmode=disable; libpq's "prefer" would also retry every failed connect
#: without TLS, doubling connect_timeout). Production never uses it (tested).
TLS_LOCAL_ONLY_UNVERIFIED = "local-only-unverified"

#: Seconds a statement may run (server statement_timeout); DATABASE_TIMEOUT_SECONDS overrides.
DEFAULT_TIMEOUT_SECONDS = 4.0
#: Extra seconds the client waits beyond statement_timeout before it gives up on the server
#: (frozen server or network): the server's own cancel, which keeps the connection, wins first.
CLIENT_MARGIN_SECONDS = 1.0
CONNECT_TIMEOUT_SECONDS = 3


class InvalidCaCertificate(ValueError):
    """POSTGRES_CA_CERT does not hold a PEM certificate."""


def ca_file(pem: str) -> Path:
    """The file libpq's ``sslrootcert`` should read: the RDS bundle, or ``pem`` written to disk.

    libpq takes the root CA only as a file, while App Platform passes configuration as
    environment variables: a DigitalOcean cluster's CA (``GET /v2/databases/{id}/ca``,
    https://docs.digitalocean.com/reference/pydo/reference/databases/get_ca/)
    arrives as PEM text and is written to a file named after its hash, atomically (gunicorn workers
    and a redeploy with a rotated CA never read a half-written or stale file). A value
    with literal ``\\n`` (pasted into a one-line field) is accepted. Anything that is not a PEM
    certificate is refused here, at start, instead of failing every connection later.
    """
    text = pem.replace("\\n", "\n").strip()
    if not text:
        return RDS_CA_BUNDLE
    if "-----BEGIN CERTIFICATE-----" not in text:
        raise InvalidCaCertificate("POSTGRES_CA_CERT is not a PEM CA certificate (no -----BEGIN CERTIFICATE----- line)")
    try:
        ssl.create_default_context(cadata=text)
    except (ssl.SSLError, ValueError) as exc:
        raise InvalidCaCertificate(f"POSTGRES_CA_CERT is not a PEM CA certificate ({exc})") from None
    folder = Path(tempfile.gettempdir())  # /tmp: writable on App Platform and a task volume on ECS
    target = folder / f"coko-postgres-ca-{hashlib.sha256(text.encode()).hexdigest()[:16]}.pem"
    handle, partial = tempfile.mkstemp(dir=folder, prefix=".coko-postgres-ca-")
    with os.fdopen(handle, "w") as out:
        out.write(text + "\n")
    os.chmod(partial, 0o644)
    os.replace(partial, target)  # atomic: a concurrent reader sees the old file or the whole new one
    return target


def connection_options(*, timeout: float = DEFAULT_TIMEOUT_SECONDS, tls: str, read_only: bool = False, root_cert: Path = RDS_CA_BUNDLE) -> dict[str, Any]:
    """libpq options bounding every wait on the database, plus TLS and read-only mode.

    statement_timeout bounds slow statements and lock waits on a live server; the client
    deadline (coko.core.postgres) bounds a server that stopped answering; connect_timeout
    bounds new connections; TCP keepalives and tcp_user_timeout drop pooled connections
    to a peer that vanished (https://www.postgresql.org/docs/15/libpq-connect.html).
    ``root_cert`` is the CA verify-full checks the server against (:func:`ca_file`).
    """
    if tls not in (TLS_VERIFY_FULL, TLS_LOCAL_ONLY_UNVERIFIED):
        raise ValueError(f"unknown database TLS mode {tls!r}")
    server = [f"-c statement_timeout={int(timeout * 1000)}", "-c idle_in_transaction_session_timeout=30000"]
    if read_only:
        server.append("-c default_transaction_read_only=on")
    options: dict[str, Any] = {
        "connect_timeout": CONNECT_TIMEOUT_SECONDS,
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 5,
        "keepalives_count": 3,
        "tcp_user_timeout": 10_000,
        "options": " ".join(server),
        "client_timeout": timeout + CLIENT_MARGIN_SECONDS,
    }
    if tls == TLS_VERIFY_FULL:
        options.update(sslmode="verify-full", sslrootcert=str(root_cert))
    else:
        options.update(sslmode="disable")
    return options


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
    """Django DATABASES for every alias (Prometheus-instrumented engine with client deadlines)."""
    return {
        alias: {
            "ENGINE": "coko.core.postgres",
            "NAME": database_name(base_name, alias),
            "HOST": host,
            "PORT": str(port),
            "USER": user,
            "PASSWORD": password,
            "OPTIONS": _alias_options(alias, options or {}),
            "CONN_MAX_AGE": conn_max_age,
            "CONN_HEALTH_CHECKS": True,
        }
        for alias in ALIAS_SUFFIXES
    }


def _alias_options(alias: str, options: dict[str, Any]) -> dict[str, Any]:
    result = dict(options)
    if alias in ASYNC_COMMIT_ALIASES:
        result["options"] = f"{result.get('options', '')} -c synchronous_commit=off".strip()
    return result


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
