"""Developer settings; also used at image build time for collectstatic.

Needs no secret and no running service at import time, which is what the
Dockerfile's collectstatic step relies on.
"""

from __future__ import annotations

import os

from coko.settings.base import *  # noqa: F403
from coko.settings.base import redis_cache
from coko.settings.databases import TLS_LOCAL_ONLY_UNVERIFIED, connection_options, databases_from_url

DEBUG = os.environ.get("DJANGO_DEBUG", "true").lower() == "true"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "local-only-insecure-key")
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

# A local PostgreSQL has no RDS certificate: the explicit local-only TLS mode (never production).
DATABASES = databases_from_url(
    os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/coko"),
    options=connection_options(tls=TLS_LOCAL_ONLY_UNVERIFIED),
)
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1")
CACHES = {"default": redis_cache(REDIS_URL, key_prefix="coko-local")}
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
CORS_ALLOWED_ORIGINS = ["http://localhost:3000"]
