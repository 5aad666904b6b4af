"""``migrate`` that refuses to run without ``--database``.

Plain ``manage.py migrate`` only migrates ``default``, which here holds nothing but its own
django_migrations table, and used to exit 0: the four databases that hold data stayed
unmigrated without anyone noticing. Naming the alias (or using migrate_alias, which also
creates the database) makes the target explicit. Django's test runner always passes it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.core.management.commands.migrate import Command as DjangoMigrate


class Command(DjangoMigrate):
    help = "Migrate ONE database alias: --database is required (see migrate_alias)."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(database=None)

    def execute(self, *args: Any, **options: Any) -> str | None:
        if not options.get("database"):
            aliases = ", ".join(settings.DATABASES)
            raise CommandError(
                "this project has one database per alias and plain `migrate` would only migrate 'default'. "
                f"Run `python manage.py migrate_alias ALIAS` for each of: {aliases} "
                "(it creates the database if needed), or `python manage.py migrate --database ALIAS`."
            )
        return super().execute(*args, **options)
