"""Create one logical database if needed, then migrate it.

The ops CLI runs one ECS task per alias: ``python manage.py migrate_alias ALIAS``.
CREATE DATABASE cannot run inside a transaction, so it goes through a separate
autocommit connection to the ``postgres`` maintenance database, with the
alias's own credentials.
"""

from __future__ import annotations

from typing import Any

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from psycopg import sql

from coko.core.postgres.base import without_time_limits

MAINTENANCE_DB = "postgres"


def _connect_kwargs(db: dict[str, Any], dbname: str) -> dict[str, Any]:
    options = {k: v for k, v in db.get("OPTIONS", {}).items() if k in {"sslmode", "sslrootcert", "connect_timeout"}}
    return {
        "host": db["HOST"],
        "port": int(db["PORT"] or 5432),
        "user": db["USER"],
        "password": db["PASSWORD"] or None,
        "dbname": dbname,
        "autocommit": True,
        **options,
    }


def ensure_database(db: dict[str, Any]) -> bool:
    """Create ``db['NAME']`` if absent; True when it was created now."""
    name = db["NAME"]
    with psycopg.connect(**_connect_kwargs(db, MAINTENANCE_DB)) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        try:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.errors.DuplicateDatabase:
            return False  # another task created it meanwhile
    return True


class Command(BaseCommand):
    help = "Create the alias's database if missing, then run migrate --database ALIAS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("alias", choices=sorted(settings.DATABASES))
        parser.add_argument(
            "--check",
            action="store_true",
            help="Create nothing, apply nothing; exit non-zero if migrations are unapplied.",
        )

    def handle(self, *args: Any, alias: str, check: bool, **options: Any) -> None:
        db = settings.DATABASES[alias]
        # A migration may rewrite a large table: no statement timeout or client deadline here.
        connections[alias].close()
        without_time_limits(connections[alias].settings_dict)
        if check:
            try:
                call_command("migrate", database=alias, check_unapplied=True, interactive=False, verbosity=0)
            except SystemExit as exc:
                raise CommandError(f"{alias}: unapplied migrations in {db['NAME']}", returncode=1) from exc
            self.stdout.write(f"{alias}: {db['NAME']} is up to date")
            return
        try:
            created = ensure_database(db)
        except psycopg.Error as exc:
            raise CommandError(f"{alias}: cannot create database {db['NAME']}: {exc}") from exc
        self.stdout.write(f"{alias}: database {db['NAME']} {'created' if created else 'exists'}")
        call_command("migrate", database=alias, interactive=False, verbosity=options["verbosity"])
        self.stdout.write(self.style.SUCCESS(f"{alias}: migrations applied"))
