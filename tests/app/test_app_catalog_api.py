"""Catalogue and reading-progress API, with the Redis cache in the loop."""

from __future__ import annotations

import json

import pytest
from coko.catalog.models import Book
from coko.reading.models import ReadingProgress
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def books() -> list[Book]:
    rows = [
        ("L'Aventure ambiguë", "Cheikh Hamidou Kane"),
        ("Une si longue lettre", "Mariama Bâ"),
        ("Things Fall Apart", "Chinua Achebe"),
        ("Le Soleil des indépendances", "Ahmadou Kourouma"),
        ("Les Bouts de bois de Dieu", "Ousmane Sembène"),
    ]
    return [Book.objects.create(title=title, author=author, isbn=f"978000000000{i}", published_year=1960 + i) for i, (title, author) in enumerate(rows)]


def test_list_is_paginated_in_title_order(client: Client, books: list[Book]) -> None:
    first = client.get("/api/catalog/books/", {"page_size": 2}).json()
    assert first["count"] == 5 and first["num_pages"] == 3 and first["has_next"] is True
    assert [b["title"] for b in first["results"]] == ["L'Aventure ambiguë", "Le Soleil des indépendances"]
    last = client.get("/api/catalog/books/", {"page_size": 2, "page": 3}).json()
    assert [b["title"] for b in last["results"]] == ["Une si longue lettre"]
    assert last["has_next"] is False


def test_search_matches_title_or_author_case_insensitively(client: Client, books: list[Book]) -> None:
    by_author = client.get("/api/catalog/books/", {"q": "achebe"}).json()
    assert [b["title"] for b in by_author["results"]] == ["Things Fall Apart"]
    by_title = client.get("/api/catalog/books/", {"q": "LETTRE"}).json()
    assert [b["author"] for b in by_title["results"]] == ["Mariama Bâ"]
    assert client.get("/api/catalog/books/", {"q": "nothing-like-this"}).json()["count"] == 0


def test_detail_returns_the_book_and_404_for_unknown_ids(client: Client, books: list[Book]) -> None:
    response = client.get(f"/api/catalog/books/{books[2].pk}/")
    assert response.status_code == 200
    assert response.json()["isbn"] == "9780000000002" and response.json()["author"] == "Chinua Achebe"
    missing = client.get("/api/catalog/books/999999/")
    assert missing.status_code == 404 and missing.json() == {"status": 404, "code": "not_found", "detail": "Not found."}


def test_second_list_request_is_served_from_redis_without_queries(client: Client, books: list[Book]) -> None:
    catalog = connections["catalog_db"]
    with CaptureQueriesContext(catalog) as first:
        body = client.get("/api/catalog/books/").json()
    assert len(first) >= 1
    stored = cache.client.get_client().keys(cache.make_key("catalog:list:*"))
    assert len(stored) == 1, "the page is stored in Redis under the app's key prefix"
    with CaptureQueriesContext(catalog) as second:
        again = client.get("/api/catalog/books/").json()
    assert len(second) == 0
    assert again == body


@pytest.mark.parametrize("hit", [False, True], ids=["miss", "hit"])
def test_catalogue_responses_are_publicly_cacheable_for_a_short_time(client: Client, books: list[Book], settings, hit: bool) -> None:
    settings.CATALOG_HTTP_MAX_AGE = 45
    urls = ["/api/catalog/books/", f"/api/catalog/books/{books[0].pk}/", "/api/catalog/books/999999/"]
    for url in urls:
        if hit:
            client.get(url)
        response = client.get(url)
        assert response.status_code in (200, 404)
        assert response["Cache-Control"] == "public, max-age=45", url
        assert response["X-Content-Type-Options"] == "nosniff" and response["X-Frame-Options"] == "DENY"


def test_changing_a_book_invalidates_cached_pages(client: Client, books: list[Book]) -> None:
    assert client.get(f"/api/catalog/books/{books[0].pk}/").json()["title"] == "L'Aventure ambiguë"
    books[0].title = "L'Aventure ambiguë (réédition)"
    books[0].save()
    assert client.get(f"/api/catalog/books/{books[0].pk}/").json()["title"] == "L'Aventure ambiguë (réédition)"


def test_uncached_searches_are_rate_limited_per_client_ip(client: Client, books: list[Book], settings) -> None:
    settings.API_RATE_LIMIT = "3/m"
    viewer = {"HTTP_X_FORWARDED_FOR": "196.200.1.1, 130.176.0.1"}
    codes = [client.get("/api/catalog/books/", {"q": f"term{n}"}, **viewer).status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get("/api/catalog/books/", {"q": "term5"}, **viewer)
    assert refused.status_code == 429 and refused["Cache-Control"] == "no-store", "a CDN must not keep a 429"
    assert client.get("/api/catalog/books/", {"q": "term0"}, **viewer).status_code == 200, "cached: free"
    other_viewer = {"HTTP_X_FORWARDED_FOR": "41.82.0.9, 130.176.0.1"}  # same CloudFront edge
    assert client.get("/api/catalog/books/", {"q": "term9"}, **other_viewer).status_code == 200


def test_the_web_servers_calls_are_limited_per_reader_not_per_nat_ip(client: Client, books: list[Book], settings) -> None:
    """The reader frontend calls the API for every reader from the same NAT egress IP; it forwards
    each reader's IP, which counts only when the request comes from one of our own egress IPs."""
    settings.API_RATE_LIMIT = "3/m"
    settings.TRUSTED_EGRESS_IPS = frozenset({"15.188.7.7"})

    def through_web(reader_ip: str) -> dict[str, str]:  # web -> CloudFront (appends the NAT IP) -> ALB
        return {"HTTP_X_FORWARDED_FOR": f"{reader_ip}, 15.188.7.7, 130.176.0.1"}

    codes = [client.get("/api/catalog/books/", {"q": f"web{n}"}, **through_web("196.200.1.1")).status_code for n in range(4)]
    assert codes == [200, 200, 200, 429], "one reader is still limited"
    assert client.get("/api/catalog/books/", {"q": "web9"}, **through_web("41.82.0.9")).status_code == 200, "another reader is not"
    # Anyone else claiming a reader's IP is counted by their own address (CloudFront's viewer).
    spoofed = {"HTTP_X_FORWARDED_FOR": "41.82.0.9, 102.0.0.66, 130.176.0.1"}
    codes = [client.get("/api/catalog/books/", {"q": f"spoof{n}"}, **spoofed).status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]
    assert client.get("/api/catalog/books/", {"q": "web10"}, **through_web("41.82.0.9")).status_code == 200, "the spoofed reader kept its own budget"


@pytest.fixture
def reader(client: Client):
    user = get_user_model().objects.create_user("awa", password="lire-en-paix-2025")
    client.force_login(user)
    return user


def test_progress_requires_a_signed_in_user(client: Client, books: list[Book]) -> None:
    response = client.put(f"/api/reading/progress/{books[0].pk}/", {"percent": 10}, content_type="application/json")
    assert response.status_code == 401


def test_reader_saves_and_lists_progress(client: Client, books: list[Book], reader) -> None:
    url = f"/api/reading/progress/{books[1].pk}/"
    assert client.put(url, {"percent": 35}, content_type="application/json").json()["percent"] == 35
    assert client.put(url, {"percent": 60}, content_type="application/json").json()["percent"] == 60
    assert client.get(url).json()["percent"] == 60
    listing = client.get("/api/reading/progress/").json()["results"]
    assert [(e["book_id"], e["percent"]) for e in listing] == [(books[1].pk, 60)]
    stored = ReadingProgress.objects.using("reading_db").get()
    assert stored.user_id == reader.pk


def test_per_user_responses_are_never_cached_by_the_cdn(client: Client, books: list[Book], reader) -> None:
    url = f"/api/reading/progress/{books[1].pk}/"
    client.put(url, {"percent": 35}, content_type="application/json")
    for response in (client.get(url), client.get("/api/reading/progress/"), client.get("/api/auth/me/")):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_progress_rejects_bad_values_and_unknown_books(client: Client, books: list[Book], reader) -> None:
    url = f"/api/reading/progress/{books[0].pk}/"
    assert client.put(url, {"percent": 140}, content_type="application/json").status_code == 400
    assert client.put(url, "not json", content_type="application/json").status_code == 400
    unknown = client.put("/api/reading/progress/999999/", {"percent": 5}, content_type="application/json")
    assert unknown.status_code == 404
    assert ReadingProgress.objects.count() == 0


def test_login_opens_a_session_stored_in_auth_db(client: Client) -> None:
    get_user_model().objects.create_user("moussa", password="lire-en-paix-2025")
    bad = client.post("/api/auth/login/", json.dumps({"username": "moussa", "password": "x"}), content_type="application/json")
    assert bad.status_code == 400
    ok = client.post("/api/auth/login/", {"username": "moussa", "password": "lire-en-paix-2025"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["username"] == "moussa"
    assert client.get("/api/auth/me/").json()["authenticated"] is True
    with connections["auth_db"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_session")
        assert cursor.fetchone()[0] == 1


def test_search_matches_word_prefixes_in_any_order_and_ignores_punctuation(client: Client, books: list[Book]) -> None:
    assert [b["title"] for b in client.get("/api/catalog/books/", {"q": "long lett"}).json()["results"]] == ["Une si longue lettre"]
    assert [b["title"] for b in client.get("/api/catalog/books/", {"q": "kane aventure"}).json()["results"]] == ["L'Aventure ambiguë"]
    assert client.get("/api/catalog/books/", {"q": "%_&|!:*"}).json()["count"] == 0, "no words, no match, no 500"


def test_a_page_past_the_end_answers_the_last_page(client: Client, books: list[Book]) -> None:
    body = client.get("/api/catalog/books/", {"page_size": 2, "page": 9}).json()
    assert body["page"] == 3 and body["num_pages"] == 3 and [b["title"] for b in body["results"]] == ["Une si longue lettre"]
    empty = client.get("/api/catalog/books/", {"q": "zzz", "page": 4}).json()
    assert empty["count"] == 0 and empty["results"] == [] and empty["page"] == 1


def test_progress_write_is_one_upsert_and_updates_in_place(client: Client, books: list[Book]) -> None:
    user = get_user_model().objects.create_user("ndeye", password="lire-en-paix-2025")
    client.force_login(user)
    url = f"/api/reading/progress/{books[0].pk}/"
    client.put(url, {"percent": 10}, content_type="application/json")  # warms the detail cache
    reading = connections["reading_db"]
    with CaptureQueriesContext(reading) as queries, CaptureQueriesContext(connections["catalog_db"]) as catalog:
        second = client.put(url, {"percent": 55}, content_type="application/json")
    assert second.status_code == 200 and second.json()["percent"] == 55
    assert len(queries) == 1 and "ON CONFLICT" in queries[0]["sql"], [q["sql"] for q in queries]
    assert len(catalog) == 0, "the book check comes from the detail cache"
    assert ReadingProgress.objects.filter(user_id=user.pk, book_id=books[0].pk).get().percent == 55


def test_signed_in_requests_read_the_user_from_redis_and_a_password_change_ends_old_sessions(client: Client) -> None:
    user = get_user_model().objects.create_user("khady", password="lire-en-paix-2025")
    response = client.post("/api/auth/login/", {"username": "khady", "password": "lire-en-paix-2025"}, content_type="application/json")
    assert response.status_code == 200
    client.get("/api/reading/progress/")  # caches the user
    with CaptureQueriesContext(connections["auth_db"]) as auth_queries:
        assert client.get("/api/reading/progress/").status_code == 200
    assert len(auth_queries) == 0, "session and user both come from Redis"
    user.set_password("un-autre-mot-de-passe")
    user.save()
    assert client.get("/api/reading/progress/").status_code == 401, "the old session no longer matches the password hash"
