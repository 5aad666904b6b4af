"""Create the database roles and the five databases, with the RDS master credentials.

Run once per region as a one-off task (and again whenever you like: every step is
idempotent)::

    POSTGRES_MASTER_USER=... POSTGRES_MASTER_PASSWORD=... \\
    POSTGRES_APP_PASSWORD=... POSTGRES_APP_CLONE_PASSWORD=... \\
    python manage.py provision_db_users

Roles (``--role-prefix``, default ``coko``):

* ``coko_owner``: NOLOGIN group role that owns the five databases and every table in them;
* ``coko_app`` and ``coko_app_clone``: LOGIN members of it, for AWS Secrets Manager's
  alternating-users rotation (the rotation function switches the app between the two users,
  https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets_strategies.html).

Each login role has ``ALTER ROLE ... SET role = coko_owner``: every session of either user
acts as the owner, so tables created by migrations run as one user belong to coko_owner and
stay usable (and alterable) by the other. Passwords are set only when their variable is set.
"""

from __future__ import annotations

import os
from typing import Any

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from psycopg import sql

MAINTENANCE_DB = "postgres"
RELATION_KINDS = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}


def _connect(dbname: str, user: str, password: str) -> psycopg.Connection[Any]:
    db = settings.DATABASES["default"]
    options = {k: v for k, v in db.get("OPTIONS", {}).items() if k in {"sslmode", "sslrootcert", "connect_timeout"}}
    return psycopg.connect(host=db["HOST"], port=int(db["PORT"] or 5432), user=user, password=password or None, dbname=dbname, autocommit=True, **options)


def _role_exists(conn: psycopg.Connection[Any], role: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone() is not None


class Command(BaseCommand):
    help = "Create/verify the coko_owner group role, the two app login roles and the five databases (master credentials)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role-prefix", default="coko", help="role names: PREFIX_owner, PREFIX_app, PREFIX_app_clone")

    def handle(self, *args: Any, role_prefix: str, **options: Any) -> None:
        master = os.environ.get("POSTGRES_MASTER_USER", "").strip()
        master_password = os.environ.get("POSTGRES_MASTER_PASSWORD", "")
        if not master:
            raise CommandError("POSTGRES_MASTER_USER (and POSTGRES_MASTER_PASSWORD) must be set: this task runs with the RDS master credentials")
        owner = f"{role_prefix}_owner"
        logins = {
            f"{role_prefix}_app": os.environ.get("POSTGRES_APP_PASSWORD", ""),
            f"{role_prefix}_app_clone": os.environ.get("POSTGRES_APP_CLONE_PASSWORD", ""),
        }
        try:
            with _connect(MAINTENANCE_DB, master, master_password) as conn:
                self._roles(conn, master, owner, logins)
                names = [db["NAME"] for db in settings.DATABASES.values()]
                for name in names:
                    self._database(conn, name, owner)
            for name in names:
                with _connect(name, master, master_password) as conn:
                    self._objects(conn, name, owner)
        except psycopg.Error as exc:
            raise CommandError(f"provisioning failed: {type(exc).__name__}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"{owner} owns {len(names)} databases; logins: {', '.join(logins)}"))

    def _say(self, message: str) -> None:
        self.stdout.write(message)

    def _roles(self, conn: psycopg.Connection[Any], master: str, owner: str, logins: dict[str, str]) -> None:
        owner_id = sql.Identifier(owner)
        if _role_exists(conn, owner):
            conn.execute(sql.SQL("ALTER ROLE {} NOLOGIN").format(owner_id))
            self._say(f"role {owner}: exists")
        else:
            conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(owner_id))
            self._say(f"role {owner}: created (NOLOGIN)")
        # The master must be a member to create databases owned by the group and hand it objects.
        conn.execute(sql.SQL("GRANT {} TO {}").format(owner_id, sql.Identifier(master)))
        for login, password in logins.items():
            login_id = sql.Identifier(login)
            created = not _role_exists(conn, login)
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN" if created else "ALTER ROLE {} LOGIN").format(login_id))
            conn.execute(sql.SQL("GRANT {} TO {}").format(owner_id, login_id))
            # Every session of this login acts as the owner (migrations included).
            conn.execute(sql.SQL("ALTER ROLE {} SET role = {}").format(login_id, sql.Literal(owner)))
            if password:
                conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(login_id, sql.Literal(password)))
            state = "created" if created else "exists"
            self._say(f"role {login}: {state}, member of {owner}{', password set' if password else ', password unchanged'}")

    def _database(self, conn: psycopg.Connection[Any], name: str, owner: str) -> None:
        name_id, owner_id = sql.Identifier(name), sql.Identifier(owner)
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(name_id, owner_id))
            self._say(f"database {name}: exists, owner {owner}")
        else:
            try:
                conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(name_id, owner_id))
                self._say(f"database {name}: created, owner {owner}")
            except psycopg.errors.DuplicateDatabase:
                conn.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(name_id, owner_id))
        conn.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(name_id))

    def _objects(self, conn: psycopg.Connection[Any], name: str, owner: str) -> None:
        """Hand the public schema and anything created before (e.g. by the master) to the owner."""
        owner_id = sql.Identifier(owner)
        conn.execute(sql.SQL("ALTER SCHEMA public OWNER TO {}").format(owner_id))
        rows = conn.execute(
            """
            SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = ANY(%s) AND pg_get_userbyid(c.relowner) <> %s
              AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
            ORDER BY c.relkind = 'S', c.relname
            """,
            [list(RELATION_KINDS), owner],
        ).fetchall()
        for relname, relkind in rows:
            kind = sql.SQL(RELATION_KINDS[relkind])
            conn.execute(sql.SQL("ALTER {} {} OWNER TO {}").format(kind, sql.Identifier("public", relname), owner_id))
        self._say(f"database {name}: {len(rows)} object(s) handed to {owner}")
