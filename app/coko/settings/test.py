"""Test settings: real PostgreSQL and Redis from DATABASE_URL / REDIS_URL.

Each alias gets its own database name (base name from DATABASE_URL plus the
alias suffix), so pytest-django creates one test_ database per alias.
"""

from __future__ import annotations

import os

from coko.settings.base import *  # noqa: F403
from coko.settings.base import QUIET_LOGGERS, redis_cache
from coko.settings.databases import TLS_LOCAL_ONLY_UNVERIFIED, connection_options, databases_from_url

DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")

# The local server has no RDS certificate: the explicit local-only TLS mode (never production).
# A generous statement timeout: pytest-django creates and drops whole databases through these
# connections. The fault tests set production's bounds on the aliases they break.
DATABASES = databases_from_url(DATABASE_URL, options=connection_options(timeout=60, tls=TLS_LOCAL_ONLY_UNVERIFIED))

SECRET_KEY = "test-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1", "api.coko.test"]
METRICS_REFUSED_HOSTS = ["api.coko.test"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# One key prefix per xdist worker so parallel runs never see each other's keys.
CACHES = {"default": redis_cache(REDIS_URL, key_prefix=f"coko-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}")}

CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
API_RATE_LIMIT = "30/m"
LOGGING = {"version": 1, "disable_existing_loggers": False, "loggers": QUIET_LOGGERS}
