"""DATABASE_READ_ONLY (secondary region before promotion): every write gets 503 JSON, none reaches the database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest
from coko.catalog.models import Book
from coko.reading.models import ReadingProgress
from django.contrib.auth import get_user_model
from django.db import connections
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db(databases="__all__")

WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "CREATE", "ALTER", "DROP", "TRUNCATE")
READ_ONLY_BODY = {"status": 503, "code": "read_only", "detail": "read-only: failover in progress"}


@contextmanager
def statements_reaching_the_databases() -> Iterator[list[str]]:
    """Every SQL statement sent to any alias inside the block."""
    seen: list[str] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(sql)
        return execute(sql, params, many, context)

    with ExitStack() as stack:
        for alias in connections:
            stack.enter_context(connections[alias].execute_wrapper(record))
        yield seen


@pytest.fixture
def reader(client: Client) -> tuple[Client, Book]:
    user = get_user_model().objects.create_user("awa", password="lire-en-paix-2025")
    book = Book.objects.create(title="Livre", author="Auteur", isbn="ro-1")
    ReadingProgress.objects.create(user_id=user.pk, book_id=book.pk, percent=10)
    client.force_login(user)
    return client, book


@override_settings(DATABASE_READ_ONLY=True)
def test_every_write_endpoint_answers_503_and_no_write_statement_is_sent(reader: tuple[Client, Book]) -> None:
    client, book = reader
    writes = [
        ("PUT", f"/api/reading/progress/{book.pk}/", json.dumps({"percent": 80})),
        ("POST", "/admin/login/", "username=a&password=b"),
        ("POST", f"/admin/catalog/book/{book.pk}/delete/", "post=yes"),
        ("POST", "/admin/catalog/book/add/", "title=x"),
    ]
    with statements_reaching_the_databases() as seen:
        for method, path, body in writes:
            ctype = "application/json" if body.startswith("{") else "application/x-www-form-urlencoded"
            response = client.generic(method, path, body, content_type=ctype)
            assert response.status_code == 503, (path, response.content[:200])
            assert response.json() == READ_ONLY_BODY and response["Retry-After"]
    assert not [sql for sql in seen if sql.lstrip().upper().startswith(WRITE_VERBS)], seen
    assert ReadingProgress.objects.get(book_id=book.pk).percent == 10


@override_settings(DATABASE_READ_ONLY=True)
def test_reads_keep_working_in_read_only_mode(reader: tuple[Client, Book]) -> None:
    client, book = reader
    assert client.get(f"/api/reading/progress/{book.pk}/").json()["percent"] == 10
    assert client.get("/api/catalog/books/").status_code == 200


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_a_write_that_slips_past_the_guard_is_refused_by_the_database_as_503() -> None:
    """Belt and braces: the replica's session refuses writes (default_transaction_read_only)."""
    user = get_user_model().objects.create_user("binta", password="lire-en-paix-2025")
    book = Book.objects.create(title="Livre", author="Auteur", isbn="ro-2")
    reading = connections["reading_db"]
    reading.close()
    original = dict(reading.settings_dict["OPTIONS"])
    reading.settings_dict["OPTIONS"]["options"] = original.get("options", "") + " -c default_transaction_read_only=on"
    try:
        client = Client()
        client.force_login(user)
        response = client.put(f"/api/reading/progress/{book.pk}/", {"percent": 50}, content_type="application/json")
    finally:
        reading.close()
        reading.settings_dict["OPTIONS"] = original
    assert response.status_code == 503 and response.json() == READ_ONLY_BODY
    assert not ReadingProgress.objects.filter(book_id=book.pk).exists()


@override_settings(DATABASE_READ_ONLY=True, SESSION_ENGINE="django.contrib.sessions.backends.cache")
def test_sign_in_still_works_with_sessions_in_redis_and_writes_nothing(client: Client) -> None:
    from django.contrib.auth.models import update_last_login
    from django.contrib.auth.signals import user_logged_in

    get_user_model().objects.create_user("coumba", password="lire-en-paix-2025")
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")  # what CoreConfig.ready does
    try:
        with statements_reaching_the_databases() as seen:
            response = client.post("/api/auth/login/", {"username": "coumba", "password": "lire-en-paix-2025"}, content_type="application/json")
    finally:
        user_logged_in.connect(update_last_login, dispatch_uid="update_last_login")
    assert response.status_code == 200 and response.json()["authenticated"] is True
    assert not [sql for sql in seen if sql.lstrip().upper().startswith(WRITE_VERBS)], seen
    assert get_user_model().objects.get(username="coumba").last_login is None


LAST_LOGIN_PROBE = """
import django
django.setup()
from django.contrib.auth.signals import user_logged_in
print(any(entry[0][0] == "update_last_login" for entry in user_logged_in.receivers))
"""


@pytest.mark.parametrize(("read_only", "connected"), [("true", "False"), ("", "True")])
def test_production_stops_writing_last_login_only_in_read_only_mode(read_only: str, connected: str) -> None:
    from coko.env_contract import sample_environment
    from conftest import run_manage

    result = run_manage(["shell", "-c", LAST_LOGIN_PROBE], sample_environment(DATABASE_READ_ONLY=read_only))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == connected
