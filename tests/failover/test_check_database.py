"""`manage.py check_database --writable` (what `coko failover` runs in Cape Town) against the real PostgreSQL."""

from __future__ import annotations

from io import StringIO

import pytest
from coko.core.management.commands.check_database import PROBE_APP
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_every_alias_accepts_a_write_and_the_probe_leaves_no_row() -> None:
    out = StringIO()

    call_command("check_database", "--writable", stdout=out)

    text = out.getvalue()
    for alias in settings.DATABASES:
        assert f"{alias}: primary, session read-only=off" in text and "accepted a write (rolled back)" in text
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT count(*) FROM django_migrations WHERE app = %s", [PROBE_APP])
            assert cursor.fetchone() == (0,)
    assert "every alias accepted a write" in text


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_a_read_only_alias_fails_the_check_and_names_it() -> None:
    with connections["reading_db"].cursor() as cursor:  # what DATABASE_READ_ONLY=true sets on every session
        cursor.execute("SET default_transaction_read_only = on")
    err = StringIO()
    try:
        with pytest.raises(CommandError) as failure:
            call_command("check_database", "--writable", stdout=StringIO(), stderr=err)
    finally:
        with connections["reading_db"].cursor() as cursor:
            cursor.execute("SET default_transaction_read_only = off")

    assert failure.value.returncode == 1
    assert "reading_db: NOT WRITABLE" in err.getvalue() and "read-only transaction" in err.getvalue()
    assert "default: NOT WRITABLE" not in err.getvalue()


@pytest.mark.django_db(databases="__all__")
def test_an_unknown_alias_is_a_usage_error() -> None:
    with pytest.raises(CommandError, match="unknown database alias") as failure:
        call_command("check_database", "nope")

    assert failure.value.returncode == 2
