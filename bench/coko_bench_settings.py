"""Production settings with the local services the benchmark runs against.

Everything stays as in production (DEBUG off, Redis cache, Prometheus-wrapped
backends, JSON logging, rate limiting) except what a laptop cannot provide:
TLS to PostgreSQL, the HTTPS redirect (wrk speaks plain HTTP) and S3 storage.
The dummy secrets come from app_load.py's environment.
"""

from __future__ import annotations

import os

from coko.settings.databases import build_databases
from coko.settings.production import *  # noqa: F403

DATABASES = build_databases(
    base_name=os.environ.get("BENCH_DB_BASE", "cokobench"),
    host=os.environ["POSTGRES_HOST"],
    port=os.environ["POSTGRES_PORT"],
    user=os.environ["POSTGRES_USER"],
    password=os.environ["POSTGRES_PASSWORD"],
    options={"connect_timeout": 5},
)
SECURE_SSL_REDIRECT = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# One client IP generates all the load: keep the limiter's Redis work, not its 429s.
API_RATE_LIMIT = "100000000/m"
