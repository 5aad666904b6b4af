"""Production settings with the local services the benchmark runs against.

Everything stays as in production (DEBUG off, degrading Redis cache, Prometheus-wrapped
backends with client deadlines, statement timeouts, JSON logging, rate limiting) except what a
laptop cannot provide: TLS to PostgreSQL (the local server has no RDS certificate: the
explicit local-only mode), the HTTPS redirect (wrk speaks plain HTTP) and S3 storage. The
dummy secrets come from the benchmark's environment.
"""

from __future__ import annotations

import os

from coko.settings.databases import TLS_LOCAL_ONLY_UNVERIFIED, build_databases, connection_options
from coko.settings.production import *  # noqa: F403
from coko.settings.production import DATABASE_TIMEOUT_SECONDS

DATABASES = build_databases(
    base_name=os.environ.get("BENCH_DB_BASE", "cokobench"),
    host=os.environ["POSTGRES_HOST"],
    port=os.environ["POSTGRES_PORT"],
    user=os.environ["POSTGRES_USER"],
    password=os.environ["POSTGRES_PASSWORD"],
    options=connection_options(timeout=DATABASE_TIMEOUT_SECONDS, tls=TLS_LOCAL_ONLY_UNVERIFIED),
)
SECURE_SSL_REDIRECT = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# One client IP generates all the load: keep the limiter's Redis work, not its 429s.
API_RATE_LIMIT = "100000000/m"
