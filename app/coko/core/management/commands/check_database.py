"""Report each database alias's reachability and, with --writable, prove it accepts a write.

`coko failover` runs ``check_database --writable`` as a one-off task in the region it fails
over to: the readiness endpoint is only reachable inside the VPC, and "the replica is promoted"
(RDS's word) is not the same as "the app can write" (its own connection settings, its login,
its privileges). The write is an INSERT into ``django_migrations`` — a table every migrated
alias has and the app user owns — inside a transaction that is always rolled back, so the
check leaves no trace. A read-only session (``default_transaction_read_only``, a hot standby)
refuses it with SQLSTATE 25006: https://www.postgresql.org/docs/15/sql-set-transaction.html
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, connections, transaction

PROBE_APP = "coko_check_database"


class _RolledBack(Exception):
    """Raised inside the atomic block so the probe row is never committed."""


def probe(alias: str, writable: bool) -> str:
    """One line about the alias; raises DatabaseError when it is unreachable or refuses the write."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_setting('transaction_read_only'), current_user")
        in_recovery, read_only, user = cursor.fetchone()
    state = f"{'replica (in recovery)' if in_recovery else 'primary'}, session read-only={read_only}, user {user}"
    if not writable:
        return state
    try:
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute("INSERT INTO django_migrations (app, name, applied) VALUES (%s, %s, now())", [PROBE_APP, "writable"])
            raise _RolledBack
    except _RolledBack:
        pass
    return state + ", accepted a write (rolled back)"


class Command(BaseCommand):
    help = "Check every database alias (or those given); with --writable, exit 1 unless each accepts a write in a rolled-back transaction."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("aliases", nargs="*", help="Aliases to check (default: all).")
        parser.add_argument("--writable", action="store_true", help="Also prove each alias accepts a write (rolled back).")

    def handle(self, *args: Any, aliases: list[str], writable: bool, **options: Any) -> None:
        unknown = sorted(set(aliases) - set(settings.DATABASES))
        if unknown:
            raise CommandError(f"unknown database alias(es): {', '.join(unknown)} (known: {', '.join(settings.DATABASES)})", returncode=2)
        failures = []
        for alias in aliases or list(settings.DATABASES):
            try:
                self.stdout.write(f"{alias}: {probe(alias, writable)}")
            except DatabaseError as exc:
                reason = " ".join(str(exc).split()) or type(exc).__name__
                failures.append(alias)
                self.stderr.write(f"{alias}: {'NOT WRITABLE' if writable else 'UNREACHABLE'}: {reason}")
        if failures:
            raise CommandError(f"{len(failures)} alias(es) failed: {', '.join(failures)}", returncode=1)
        self.stdout.write(self.style.SUCCESS("every alias accepted a write" if writable else "every alias answered"))
