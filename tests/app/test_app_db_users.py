"""provision_db_users against the real PostgreSQL: roles, ownership, and the two logins sharing tables.

Roles are cluster-wide, so the test uses its own role prefix and database base name and drops
both afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from conftest import run_manage
from psycopg import sql

SERVER = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "autocommit": True}
SUFFIXES = ("", "_auth", "_catalog", "_reading", "_recommendation")


@pytest.fixture
def sandbox() -> Iterator[tuple[str, str]]:
    tag = uuid.uuid4().hex[:8]
    prefix, base = f"cokoprov{tag}", f"cokoprov{tag}db"
    yield prefix, base
    with psycopg.connect(dbname="postgres", **SERVER) as conn:
        for suffix in SUFFIXES:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(base + suffix)))
        for role in (f"{prefix}_app", f"{prefix}_app_clone", f"{prefix}_owner"):
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def _provision(prefix: str, base: str, **extra: str) -> str:
    env = {
        "DJANGO_SETTINGS_MODULE": "coko.settings.test",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{base}",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "POSTGRES_MASTER_USER": "postgres",
        "POSTGRES_MASTER_PASSWORD": "unused-with-trust",
        **extra,
    }
    result = run_manage(["provision_db_users", "--role-prefix", prefix], env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _as(user: str, dbname: str) -> psycopg.Connection:
    return psycopg.connect(dbname=dbname, **dict(SERVER, user=user))


def test_provisioning_creates_owner_logins_and_databases_idempotently(sandbox: tuple[str, str]) -> None:
    prefix, base = sandbox
    first = _provision(prefix, base, POSTGRES_APP_PASSWORD="s3cret-app")
    assert f"role {prefix}_owner: created (NOLOGIN)" in first
    assert f"database {base}_catalog: created, owner {prefix}_owner" in first
    second = _provision(prefix, base)
    assert f"database {base}_catalog: exists" in second and "password unchanged" in second
    with psycopg.connect(dbname="postgres", **SERVER) as conn:
        owners = dict(conn.execute("SELECT datname, pg_get_userbyid(datdba) FROM pg_database WHERE datname LIKE %s", [f"{base}%"]).fetchall())
        roles = dict(conn.execute("SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE %s", [f"{prefix}%"]).fetchall())
        members = {r[0] for r in conn.execute("SELECT pg_get_userbyid(member) FROM pg_auth_members WHERE roleid = to_regrole(%s)", [f"{prefix}_owner"])}
        has_password = conn.execute("SELECT rolpassword IS NOT NULL FROM pg_authid WHERE rolname = %s", [f"{prefix}_app"]).fetchone()
    assert owners == {base + s: f"{prefix}_owner" for s in SUFFIXES}
    assert roles == {f"{prefix}_owner": False, f"{prefix}_app": True, f"{prefix}_app_clone": True}
    assert {f"{prefix}_app", f"{prefix}_app_clone"} <= members
    assert has_password == (True,)


def test_tables_migrated_by_one_login_are_usable_and_alterable_by_the_other(sandbox: tuple[str, str]) -> None:
    prefix, base = sandbox
    _provision(prefix, base)
    # Real migrations of the catalogue, run as the first login (what a deploy does).
    env = {
        "DJANGO_SETTINGS_MODULE": "coko.settings.test",
        "DATABASE_URL": f"postgres://{prefix}_app@127.0.0.1:5432/{base}",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    }
    migrated = run_manage(["migrate_alias", "catalog_db"], env)
    assert migrated.returncode == 0, migrated.stderr
    with _as(f"{prefix}_app_clone", f"{base}_catalog") as clone:
        owner = clone.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'catalog_book'").fetchone()
        clone.execute(
            "INSERT INTO catalog_book (title, author, isbn, language, description, created_at, updated_at) VALUES ('t', 'a', 'x-1', 'fr', '', now(), now())"
        )
        clone.execute("ALTER TABLE catalog_book ADD COLUMN rotation_probe integer")  # DDL needs ownership
        count = clone.execute("SELECT count(*) FROM catalog_book").fetchone()
    assert owner == (f"{prefix}_owner",)
    assert count == (1,)
    # After the rotation the first login takes over again: it still owns what the clone changed.
    with _as(f"{prefix}_app", f"{base}_catalog") as app:
        app.execute("ALTER TABLE catalog_book DROP COLUMN rotation_probe")
        assert app.execute("SELECT count(*) FROM catalog_book").fetchone() == (1,)


def test_provisioning_without_master_credentials_names_what_is_missing(sandbox: tuple[str, str]) -> None:
    prefix, base = sandbox
    env = {"DJANGO_SETTINGS_MODULE": "coko.settings.test", "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{base}"}
    result = run_manage(["provision_db_users", "--role-prefix", prefix], env)
    assert result.returncode == 1
    assert "POSTGRES_MASTER_USER" in result.stderr and "Traceback" not in result.stderr
