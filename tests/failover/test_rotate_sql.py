"""rotate_db_credentials against the real PostgreSQL (roles, SCRAM verifiers) and a Secrets Manager secret in moto.

The local server trusts every login, so a successful connection proves nothing about passwords:
the test checks the stored SCRAM-SHA-256 verifiers against the passwords instead (RFC 7677:
StoredKey = H(HMAC(SaltedPassword, "Client Key"))), which is what a password login verifies.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import psycopg
import pytest
from coko.core.management.commands.rotate_db_credentials import SecretsManagerStore, alternate, rotate
from django.core.management.base import CommandError
from moto import mock_aws
from psycopg import sql

SERVER: dict[str, Any] = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "autocommit": True}
SECRET = "coko/production/database"


def verifies(verifier: str, password: str) -> bool:
    method, _, rest = verifier.partition("$")
    params, _, keys = rest.partition("$")
    iterations, _, salt = params.partition(":")
    stored_key, _, _server_key = keys.partition(":")
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return method == "SCRAM-SHA-256" and hashlib.sha256(client_key).digest() == base64.b64decode(stored_key)


def verifier_of(role: str) -> str:
    with psycopg.connect(dbname="postgres", **SERVER) as conn:
        row = conn.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s", [role]).fetchone()
    assert row is not None
    return str(row[0])


@pytest.fixture
def users() -> Iterator[tuple[str, str]]:
    base = f"cokorot{uuid.uuid4().hex[:8]}_app"
    pair = (base, alternate(base))
    with psycopg.connect(dbname="postgres", **SERVER) as conn:
        for role in pair:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role), sql.Literal(f"initial-{role}")))
    yield pair
    with psycopg.connect(dbname="postgres", **SERVER) as conn:
        for role in pair:
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch, users: tuple[str, str]) -> Iterator[SecretsManagerStore]:
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        login = {"username": users[0], "password": f"initial-{users[0]}", "host": "127.0.0.1", "port": 5432, "dbname": "postgres", "engine": "postgres"}
        boto3.client("secretsmanager", region_name="eu-west-3").create_secret(Name=SECRET, SecretString=json.dumps(login))
        yield SecretsManagerStore("eu-west-3")


def master() -> psycopg.Connection[Any]:
    return psycopg.connect(dbname="postgres", **SERVER)


def login_as(user: str, password: str, dbname: str) -> psycopg.Connection[Any]:
    return psycopg.connect(dbname=dbname, **dict(SERVER, user=user, password=password))


def test_rotation_switches_to_the_other_user_with_a_new_password_and_leaves_the_live_one_alone(users: tuple[str, str], store: SecretsManagerStore) -> None:
    app, clone = users

    previous, now, _version = rotate(store, SECRET, master, login_as)

    assert (previous, now) == (app, clone)
    secret = store.get(SECRET)
    assert secret["username"] == clone and secret["host"] == "127.0.0.1" and secret["dbname"] == "postgres"
    assert verifies(verifier_of(clone), secret["password"]), "the clone's stored verifier does not match the secret's password"
    assert verifies(verifier_of(app), f"initial-{app}"), "running tasks' login (the old user) was changed"
    previous_value = store.client.get_secret_value(SecretId=SECRET, VersionStage="AWSPREVIOUS")["SecretString"]
    assert json.loads(previous_value)["username"] == app


def test_the_next_rotation_switches_back_and_changes_only_the_first_user(users: tuple[str, str], store: SecretsManagerStore) -> None:
    app, clone = users
    rotate(store, SECRET, master, login_as)
    clone_password = store.get(SECRET)["password"]

    previous, now, _ = rotate(store, SECRET, master, login_as)

    assert (previous, now) == (clone, app)
    assert verifies(verifier_of(app), store.get(SECRET)["password"])
    assert not verifies(verifier_of(app), f"initial-{app}")
    assert verifies(verifier_of(clone), clone_password), "the clone (now the old login) must keep working until the next rotation"


def test_a_missing_second_login_is_refused_and_the_secret_is_unchanged(users: tuple[str, str], store: SecretsManagerStore) -> None:
    with psycopg.connect(dbname="postgres", **SERVER) as conn:
        conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(users[1])))

    with pytest.raises(CommandError, match="provision_db_users"):
        rotate(store, SECRET, master, login_as)

    assert store.get(SECRET)["username"] == users[0]
