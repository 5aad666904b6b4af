"""A hostile-input corpus: nothing a client sends may cause a 500 or a non-JSON error.

Every case asserts: the expected 4xx status, a JSON body of the one error shape
(status/code/detail), and no ERROR log record (Django logs 500s at ERROR with a traceback).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

import pytest
from coko.catalog.models import Book
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db(databases="__all__")

PROGRESS = "/api/reading/progress/{book}/"
LOGIN = "/api/auth/login/"
BOOKS = "/api/catalog/books/"


@dataclass(frozen=True)
class Case:
    id: str
    method: str
    path: str
    status: int
    body: bytes | str | None = None
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    signed_in: bool = False
    csrf: bool = False


def _json(value: object) -> str:
    return json.dumps(value)


def _cases() -> list[Case]:
    c: list[Case] = []
    # --- NUL bytes, anywhere -------------------------------------------------------------
    for i, q in enumerate(["%00", "a%00b", "%00%00%00", "livre%00", "%C0%80"]):
        expected = 400 if "%00" in q else 200  # %C0%80 is invalid UTF-8: replaced, not NUL
        c.append(Case(f"search-nul-{i}", "GET", f"{BOOKS}?q={q}", expected))
    c.append(Case("page-nul", "GET", f"{BOOKS}?page=1%00", 400))
    c.append(Case("param-name-nul", "GET", f"{BOOKS}?q%00=x", 400))
    c.append(Case("path-nul", "GET", "/api/catalog/books/%00/", 400))
    for i, name in enumerate(["a\u0000b", "\u0000", "admin\u0000"]):
        c.append(Case(f"login-username-nul-{i}", "POST", LOGIN, 400, _json({"username": name, "password": "x"})))
    c.append(Case("login-password-nul", "POST", LOGIN, 400, _json({"username": "a", "password": "p\u0000"})))
    c.append(Case("login-raw-nul-byte", "POST", LOGIN, 400, b'{"username": "a\x00", "password": "x"}'))
    c.append(Case("progress-nul-key", "PUT", PROGRESS, 400, _json({"perc\u0000ent": 5}), signed_in=True))
    # --- wrong JSON shapes -----------------------------------------------------------------
    for i, body in enumerate(["[1]", '"x"', "1", "null", "true", "[]", '[{"username": "a"}]', "3.5e900"]):
        c.append(Case(f"login-shape-{i}", "POST", LOGIN, 400, body))
    for i, payload in enumerate(
        [
            {},
            {"username": "a"},
            {"password": "x"},
            {"username": 1, "password": "x"},
            {"username": ["a"], "password": "x"},
            {"username": "a", "password": None},
            {"username": "", "password": "x"},
            {"username": "a" * 151, "password": "x"},
            {"username": {"$ne": ""}, "password": "x"},
        ]
    ):
        c.append(Case(f"login-fields-{i}", "POST", LOGIN, 400, _json(payload)))
    for i, payload in enumerate(
        [
            {"percent": "50"},
            {"percent": 50.5},
            {"percent": True},
            {"percent": None},
            {"percent": -1},
            {"percent": 101},
            {"percent": 10**30},
            {"percent": [50]},
            {"percent": {"v": 5}},
            {},
            [50],
            "50",
            50,
        ]
    ):
        c.append(Case(f"progress-shape-{i}", "PUT", PROGRESS, 400, _json(payload), signed_in=True))
    for i, body in enumerate(["not json", "{", '{"percent": 5', "{'percent': 5}", "", "\ufeff{}", "NaN"]):
        c.append(Case(f"progress-syntax-{i}", "PUT", PROGRESS, 400, body, signed_in=True))
    c.append(Case("progress-invalid-utf8", "PUT", PROGRESS, 400, b'{"percent": "\xff\xfe"}', signed_in=True))
    # --- deep nesting ----------------------------------------------------------------------
    c.append(Case("progress-100k-brackets", "PUT", PROGRESS, 413, "[" * 100_000, signed_in=True))
    c.append(Case("progress-10k-brackets", "PUT", PROGRESS, 400, "[" * 10_000, signed_in=True))
    c.append(Case("login-deep-objects", "POST", LOGIN, 400, '{"a":' * 2000 + "1" + "}" * 2000))
    c.append(Case("progress-deep-closed", "PUT", PROGRESS, 400, "[" * 5000 + "]" * 5000, signed_in=True))
    # --- wrong content types ---------------------------------------------------------------
    for i, ctype in enumerate(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "application/jsonp"]):
        c.append(Case(f"progress-ctype-{i}", "PUT", PROGRESS, 400, _json({"percent": 5}), content_type=ctype, signed_in=True))
    c.append(Case("login-form-encoded", "POST", LOGIN, 400, "username=a&password=b", content_type="application/x-www-form-urlencoded"))
    c.append(Case("login-text-plain", "POST", LOGIN, 400, _json({"username": "a", "password": "b"}), content_type="text/plain"))
    # --- methods -----------------------------------------------------------------------------
    for i, (method, path) in enumerate(
        [
            ("POST", BOOKS),
            ("PUT", BOOKS),
            ("DELETE", BOOKS),
            ("PATCH", "/api/catalog/books/1/"),
            ("POST", "/api/reading/progress/"),
            ("DELETE", PROGRESS),
            ("POST", PROGRESS),
            ("GET", LOGIN),
            ("PUT", LOGIN),
            ("GET", "/api/auth/logout/"),
            ("POST", "/api/auth/me/"),
            ("POST", "/api/recommendations/popular/"),
        ]
    ):
        c.append(Case(f"method-{i}-{method}", method, path, 405, signed_in=True))
    c.append(Case("method-post-get-only-with-csrf-on", "POST", BOOKS, 405, "{}", csrf=True))
    # --- CSRF, hosts, sizes, auth, unknown paths ------------------------------------------------
    c.append(Case("csrf-missing-on-progress", "PUT", PROGRESS, 403, _json({"percent": 5}), signed_in=True, csrf=True))
    c.append(Case("csrf-missing-on-logout", "POST", "/api/auth/logout/", 403, "{}", signed_in=True, csrf=True))
    c.append(Case("csrf-bad-token", "PUT", PROGRESS, 403, _json({"percent": 5}), headers={"HTTP_X_CSRFTOKEN": "x" * 64}, signed_in=True, csrf=True))
    for i, host in enumerate(["evil.example", "api.coko.test.evil.example", "coko.evil:8000", "[::1", "a" * 300, "exa mple.com"]):
        c.append(Case(f"disallowed-host-{i}", "GET", BOOKS, 400, headers={"HTTP_HOST": host}))
    c.append(Case("json-body-over-16k", "PUT", PROGRESS, 413, _json({"percent": 5, "pad": "x" * 20_000}), signed_in=True))
    c.append(Case("login-body-over-16k", "POST", LOGIN, 413, _json({"username": "a", "password": "x" * 20_000})))
    c.append(Case("progress-anonymous", "PUT", PROGRESS, 401, _json({"percent": 5})))
    c.append(Case("progress-list-anonymous", "GET", "/api/reading/progress/", 401))
    c.append(Case("progress-unknown-book", "PUT", "/api/reading/progress/999999999/", 404, _json({"percent": 5}), signed_in=True))
    for i, path in enumerate(
        [
            "/api/",
            "/api/catalog/books/abc/",
            "/api/catalog/books/-1/",
            "/api/catalog/books/99999999999999999999999/",
            "/nope",
            "/api/reading/progress/1.5/",
            "/%ff%fe/",
            "/api/catalog/books/1/../../../etc/passwd",
        ]
    ):
        c.append(Case(f"unknown-path-{i}", "GET", path, 404))
    # --- odd but valid parameters: served, never 500 ----------------------------------------------
    for i, q in enumerate(
        [
            "page=-5",
            "page=abc",
            "page=99999999999999999999",
            "page_size=0",
            "page_size=100000",
            "q=" + "x" * 5000,
            "q=%25%25_",
            "q=%ff",
            "q=a&q=b",
            "q=%F0%9F%93%9A",
            "q='; DROP TABLE catalog_book; --",
            "q=\\",
            "q=%E2%80%AE",
        ]
    ):
        c.append(Case(f"odd-param-{i}", "GET", f"{BOOKS}?{q}", 200))
    return c


CASES = _cases()


def test_the_corpus_has_at_least_sixty_cases() -> None:
    assert len(CASES) >= 60
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_hostile_input_gets_a_json_4xx_never_a_500(case: Case, caplog: pytest.LogCaptureFixture) -> None:
    book = Book.objects.create(title="Livre", author="Auteur", isbn="hostile-1")
    client = Client(enforce_csrf_checks=case.csrf)
    if case.signed_in:
        user = get_user_model().objects.create_user("lectrice", password="lire-en-paix-2025")
        client.force_login(user)
    extra = {"HTTP_HOST": "api.coko.test", **case.headers}
    body = case.body if case.body is not None else b""
    with caplog.at_level(logging.WARNING):
        response = client.generic(case.method, case.path.format(book=book.pk), body, content_type=case.content_type, **extra)
    assert response.status_code == case.status, response.content[:300]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "no ERROR log / traceback"
    assert response["Content-Type"].startswith("application/json")
    body_json = response.json()
    if case.status >= 400:
        assert set(body_json) == {"status", "code", "detail"} and body_json["status"] == case.status
        assert isinstance(body_json["detail"], str) and body_json["detail"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_an_oversized_form_body_is_413_json(client: Client) -> None:
    response = client.post("/admin/login/", {"username": "a", "password": "x" * 4096}, HTTP_HOST="api.coko.test")
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_a_405_names_the_allowed_methods(client: Client) -> None:
    response = client.delete(BOOKS)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert "use GET, HEAD" in response.json()["detail"]


def test_an_unexpected_bug_is_a_500_in_the_same_json_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    import coko.catalog.views as views

    def broken(*args: object) -> object:
        raise RuntimeError("bug")

    monkeypatch.setattr(views, "_book_page", broken)
    response = Client(raise_request_exception=False).get(BOOKS, {"q": "anything"})
    assert response.status_code == 500
    assert response.json() == {"status": 500, "code": "server_error", "detail": "Server error."}


def test_a_rate_limited_client_gets_429_in_the_same_json_shape(client: Client) -> None:
    with override_settings(API_RATE_LIMIT="1/m"):
        codes = [client.get(BOOKS, {"q": f"miss{n}"}).status_code for n in range(2)]
        response = client.get(BOOKS, {"q": "miss-again"})
    assert codes == [200, 429]
    assert response.json() == {"status": 429, "code": "too_many_requests", "detail": "Too many requests."}
    assert response["Retry-After"] == "30"
