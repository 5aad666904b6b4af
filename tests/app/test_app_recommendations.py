"""The beat task ranks books by readers and publishes them in recommendation_db."""

from __future__ import annotations

import pytest
from coko.catalog.models import Book
from coko.reading.models import ReadingProgress
from coko.recommendations.models import PopularBook
from coko.recommendations.tasks import compute_popular_books
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db(databases="__all__")


def test_beat_schedules_the_popular_books_task() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["recompute-popular-books"]
    assert entry["task"] == compute_popular_books.name
    assert entry["schedule"] <= 3600


def test_task_writes_the_ranking_into_recommendation_db(client: Client) -> None:
    kane = Book.objects.create(title="L'Aventure ambiguë", author="Cheikh Hamidou Kane", isbn="1")
    ba = Book.objects.create(title="Une si longue lettre", author="Mariama Bâ", isbn="2")
    Book.objects.create(title="Unread", author="Nobody", isbn="3")
    for user_id in (1, 2, 3):
        ReadingProgress.objects.create(user_id=user_id, book_id=ba.pk, percent=10 * user_id)
    ReadingProgress.objects.create(user_id=1, book_id=kane.pk, percent=50)
    ReadingProgress.objects.create(user_id=9, book_id=424242, percent=5)  # book deleted since

    result = compute_popular_books.delay()  # eager in test settings: runs now, through Celery
    assert result.get() == 2

    stored = list(PopularBook.objects.using("recommendation_db").values_list("rank", "title", "readers"))
    assert stored == [(1, "Une si longue lettre", 3), (2, "L'Aventure ambiguë", 1)]
    ranking = client.get("/api/recommendations/popular/").json()["results"]
    assert [row["book_id"] for row in ranking] == [ba.pk, kane.pk]


def test_recomputing_replaces_the_previous_ranking() -> None:
    book = Book.objects.create(title="Things Fall Apart", author="Chinua Achebe", isbn="4")
    ReadingProgress.objects.create(user_id=1, book_id=book.pk, percent=1)
    compute_popular_books.delay()
    ReadingProgress.objects.all().delete()
    assert compute_popular_books.delay().get() == 0
    assert PopularBook.objects.count() == 0
