"""Alternating-users rotation of the app's database login, run as the database-admin one-off task.

AWS's alternating-users strategy for PostgreSQL keeps two logins with the same privileges and
switches the app's secret between them: the login the secret does *not* name gets a new
password, is tested, then becomes the secret's AWSCURRENT value. The login the running tasks
use is untouched, so no connection breaks; it changes only at the next rotation, which is why
`coko rotate-db-credentials` refuses to rotate while a task older than the previous rotation
still runs. https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets_strategies.html#rotating-secrets-two-users

The password never travels in clear text to the server: the SCRAM-SHA-256 verifier is computed
client-side (libpq's PQencryptPasswordConn), so no server or statement log can contain it.
https://www.postgresql.org/docs/15/libpq-misc.html#LIBPQ-PQENCRYPTPASSWORDCONN

Run by `coko rotate-db-credentials` as::

    python manage.py rotate_db_credentials --secret-id coko/production/database --region eu-west-3
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable
from typing import Any, Protocol

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from psycopg import sql

CLONE_SUFFIX = "_clone"  # AWS's multi-user rotation names the second login <user>_clone
MAINTENANCE_DB = "postgres"


class SecretStore(Protocol):
    def get(self, secret_id: str) -> dict[str, Any]: ...

    def put(self, secret_id: str, value: dict[str, Any]) -> str: ...


class SecretsManagerStore:
    """The app's login secret in Secrets Manager (the task role may read and write only that one)."""

    def __init__(self, region: str | None):
        import boto3

        self.client = boto3.client("secretsmanager", region_name=region)

    def get(self, secret_id: str) -> dict[str, Any]:
        return dict(json.loads(self.client.get_secret_value(SecretId=secret_id)["SecretString"]))

    def put(self, secret_id: str, value: dict[str, Any]) -> str:
        # Without VersionStages the new version becomes AWSCURRENT and the old one AWSPREVIOUS.
        return str(self.client.put_secret_value(SecretId=secret_id, SecretString=json.dumps(value))["VersionId"])


def alternate(user: str) -> str:
    """coko_app <-> coko_app_clone."""
    return user.removesuffix(CLONE_SUFFIX) if user.endswith(CLONE_SUFFIX) else user + CLONE_SUFFIX


def new_password() -> str:
    """43 URL-safe characters: none of the characters RDS refuses in passwords (/ " @ space)."""
    return secrets.token_urlsafe(32)


def set_password(master: psycopg.Connection[Any], role: str, password: str) -> None:
    """ALTER ROLE ... PASSWORD with a client-computed SCRAM verifier (the clear text never leaves)."""
    if master.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone() is None:
        raise CommandError(f"login role {role} does not exist: run `python manage.py provision_db_users` first")
    verifier = master.pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256").decode()
    master.execute(sql.SQL("ALTER ROLE {} WITH LOGIN PASSWORD {}").format(sql.Identifier(role), sql.Literal(verifier)))


def rotate(
    store: SecretStore,
    secret_id: str,
    connect_master: Callable[[], psycopg.Connection[Any]],
    connect_as: Callable[[str, str, str], psycopg.Connection[Any]],
) -> tuple[str, str, str]:
    """(previous user, new user, new secret version); raises CommandError on any refusal."""
    current = store.get(secret_id)
    user = current.get("username")
    if not user:
        raise CommandError(f"secret {secret_id} has no username")
    other = alternate(user)
    password = new_password()
    with connect_master() as master:
        set_password(master, other, password)
    dbname = current.get("dbname") or MAINTENANCE_DB
    try:  # AWS's testSecret step: the new login works before anyone is told to use it
        with connect_as(other, password, dbname) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        raise CommandError(f"{other} cannot log in with its new password: {exc}; the secret still names {user}") from exc
    version = store.put(secret_id, {**current, "username": other, "password": password})
    return user, other, version


def _connect(user: str, password: str, dbname: str) -> psycopg.Connection[Any]:
    db = settings.DATABASES["default"]
    options = {k: v for k, v in db.get("OPTIONS", {}).items() if k in {"sslmode", "sslrootcert", "connect_timeout"}}
    return psycopg.connect(host=db["HOST"], port=int(db["PORT"] or 5432), user=user, password=password or None, dbname=dbname, autocommit=True, **options)


class Command(BaseCommand):
    help = "Switch the app's login secret to the other of the two app users, with a new, tested password (master credentials)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--secret-id", required=True, help="Name or ARN of the app's login secret (coko/<primary>/database).")
        parser.add_argument("--region", default=None, help="Region of that secret (default: the task's AWS_REGION).")

    def handle(self, *args: Any, secret_id: str, region: str | None, **options: Any) -> None:
        master_user = os.environ.get("POSTGRES_MASTER_USER", "").strip()
        master_password = os.environ.get("POSTGRES_MASTER_PASSWORD", "")
        if not master_user:
            raise CommandError("POSTGRES_MASTER_USER (and POSTGRES_MASTER_PASSWORD) must be set: run this as the database-admin task")
        store = SecretsManagerStore(region or os.environ.get("AWS_REGION") or os.environ.get("DEPLOYMENT_REGION"))
        previous, now, version = rotate(store, secret_id, lambda: _connect(master_user, master_password, MAINTENANCE_DB), _connect)
        self.stdout.write(
            self.style.SUCCESS(
                f"rotated: the app now logs in as {now} (new password set, tested, secret version {version}); {previous} keeps its password until the next rotation"
            )
        )
