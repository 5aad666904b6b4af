"""Routing, migrations per alias (migrate_alias against the real server)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from coko.settings.databases import database_name
from conftest import ALIASES, run_manage
from django.apps import apps
from django.db import router

EXPECTED_ALIAS = {
    "auth.user": "auth_db",
    "auth.permission": "auth_db",
    "contenttypes.contenttype": "auth_db",
    "sessions.session": "auth_db",
    "admin.logentry": "auth_db",
    "catalog.book": "catalog_db",
    "reading.readingprogress": "reading_db",
    "recommendations.popularbook": "recommendation_db",
}


@pytest.mark.parametrize(("model", "alias"), EXPECTED_ALIAS.items())
def test_router_sends_each_model_to_its_database(model: str, alias: str) -> None:
    model_cls = apps.get_model(model)
    assert router.db_for_read(model_cls) == alias
    assert router.db_for_write(model_cls) == alias
    assert [a for a in ALIASES if router.allow_migrate_model(a, model_cls)] == [alias]


def test_every_model_is_routed_somewhere_other_than_default() -> None:
    unrouted = [m._meta.label for m in apps.get_models() if router.db_for_write(m) == "default"]
    assert unrouted == []


def test_makemigrations_reports_no_pending_model_changes() -> None:
    result = run_manage(["makemigrations", "--check", "--dry-run"], _env("unused"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def _env(base: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "coko.settings.test",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{base}",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
    }


def _server() -> psycopg.Connection:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    return psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True)


def _tables(dbname: str) -> set[str]:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    with psycopg.connect(url.rsplit("/", 1)[0] + f"/{dbname}") as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
    return {row[0] for row in rows}


@pytest.fixture
def fresh_base() -> Iterator[str]:
    """A base name whose five databases do not exist yet; dropped afterwards."""
    base = f"cokomig_{uuid.uuid4().hex[:8]}"
    yield base
    with _server() as conn:
        for alias in ALIASES:
            conn.execute(f'DROP DATABASE IF EXISTS "{database_name(base, alias)}" WITH (FORCE)')


def test_migrate_alias_creates_each_database_with_only_its_own_tables(fresh_base: str) -> None:
    env = _env(fresh_base)
    for alias in ALIASES:
        result = run_manage(["migrate_alias", alias], env)
        assert result.returncode == 0, result.stderr
        assert f"database {database_name(fresh_base, alias)} created" in result.stdout
    assert _tables(database_name(fresh_base, "default")) == {"django_migrations"}
    auth = _tables(database_name(fresh_base, "auth_db"))
    assert {"auth_user", "django_session", "django_content_type", "django_admin_log"} <= auth
    assert "catalog_book" not in auth
    assert _tables(database_name(fresh_base, "catalog_db")) == {"django_migrations", "catalog_book"}
    assert _tables(database_name(fresh_base, "reading_db")) == {"django_migrations", "reading_readingprogress"}
    assert _tables(database_name(fresh_base, "recommendation_db")) == {
        "django_migrations",
        "recommendations_popularbook",
    }


def test_migrate_alias_is_idempotent_and_check_reflects_state(fresh_base: str) -> None:
    env = _env(fresh_base)
    assert run_manage(["migrate_alias", "catalog_db"], env).returncode == 0
    again = run_manage(["migrate_alias", "catalog_db"], env)
    assert again.returncode == 0, again.stderr
    assert "exists" in again.stdout and "No migrations to apply" in again.stdout
    assert run_manage(["migrate_alias", "catalog_db", "--check"], env).returncode == 0
    # reading_db's database exists but is empty: --check must fail and create nothing.
    with _server() as conn:
        conn.execute(f'CREATE DATABASE "{database_name(fresh_base, "reading_db")}"')
    pending = run_manage(["migrate_alias", "reading_db", "--check"], env)
    assert pending.returncode != 0
    assert "unapplied migrations" in pending.stderr
    assert _tables(database_name(fresh_base, "reading_db")) == set()


def test_migrate_alias_rejects_an_unknown_alias(fresh_base: str) -> None:
    result = run_manage(["migrate_alias", "payments_db"], _env(fresh_base))
    assert result.returncode != 0
    assert "invalid choice" in result.stderr
