"""Production settings: every value comes from the env contract, no defaults.

Loading fails with one ImproperlyConfigured listing every missing variable, so
a misconfigured task definition is fixed in one round trip.
"""

from __future__ import annotations

import os
import ssl

from django.core.exceptions import ImproperlyConfigured

from coko.env_contract import missing
from coko.settings.base import *  # noqa: F403
from coko.settings.base import json_logging, redis_cache
from coko.settings.databases import DEFAULT_TIMEOUT_SECONDS, PRODUCTION_BASE_NAME, TLS_VERIFY_FULL, build_databases, connection_options

_absent = missing(os.environ)
if _absent:
    raise ImproperlyConfigured("Missing required environment variables (see coko/env_contract.py): " + ", ".join(_absent))


def _csv(name: str) -> list[str]:
    return [item.strip() for item in os.environ[name].split(",") if item.strip()]


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = _csv("DJANGO_ALLOWED_HOSTS")
METRICS_REFUSED_HOSTS = list(ALLOWED_HOSTS)
CORS_ALLOWED_ORIGINS = _csv("CORS_ALLOWED_ORIGINS")
CSRF_TRUSTED_ORIGINS = list(CORS_ALLOWED_ORIGINS)

ENVIRONMENT = os.environ["ENVIRONMENT"]
DEPLOYMENT_REGION = os.environ["DEPLOYMENT_REGION"]
OPENSEARCH_URL = os.environ["OPENSEARCH_URL"]

# --- Databases: five logical databases on one server --------------------------
# TLS verify-full against the RDS CA bundle in the image; every wait is bounded
# (coko.settings.databases.connection_options, docs/app.md "Time bounds").
DATABASE_READ_ONLY = _flag("DATABASE_READ_ONLY")
_timeout = os.environ.get("DATABASE_TIMEOUT_SECONDS", "").strip() or str(DEFAULT_TIMEOUT_SECONDS)
try:
    DATABASE_TIMEOUT_SECONDS = float(_timeout)
except ValueError:
    DATABASE_TIMEOUT_SECONDS = 0.0
if not 0 < DATABASE_TIMEOUT_SECONDS <= 600:
    raise ImproperlyConfigured(f"DATABASE_TIMEOUT_SECONDS must be a number of seconds in (0, 600], got {_timeout!r}")
DATABASES = build_databases(
    base_name=PRODUCTION_BASE_NAME,
    host=os.environ["POSTGRES_HOST"],
    port=os.environ["POSTGRES_PORT"],
    user=os.environ["POSTGRES_USER"],
    password=os.environ["POSTGRES_PASSWORD"],
    options=connection_options(timeout=DATABASE_TIMEOUT_SECONDS, tls=TLS_VERIFY_FULL, read_only=DATABASE_READ_ONLY),
)
if DATABASE_READ_ONLY:
    # Sessions cannot be written to a replica; keep them in Redis there.
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"

# --- Redis: cache, Celery broker and results -----------------------------------
REDIS_URL = os.environ["REDIS_URL"]
CACHES = {"default": redis_cache(REDIS_URL)}
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
if REDIS_URL.startswith("rediss://"):
    import certifi

    CELERY_BROKER_USE_SSL = {"ssl_cert_reqs": ssl.CERT_REQUIRED, "ssl_ca_certs": certifi.where()}
    CELERY_REDIS_BACKEND_USE_SSL = dict(CELERY_BROKER_USE_SSL)

# --- Storage: S3 through the task's IAM role (no access keys here) -------------
AWS_S3_REGION_NAME = os.environ["AWS_S3_REGION_NAME"]
AWS_S3_CUSTOM_DOMAIN = os.environ["AWS_S3_CUSTOM_DOMAIN"]
AWS_S3_SIGNATURE_VERSION = "s3v4"
AWS_DEFAULT_ACL = None
AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "max-age=86400"}
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"], "location": "media"},
    },
    # Content-hashed names (admin/css/base.<hash>.css) and a manifest: each release serves its own
    # files, so they are cached for a year, immutable (CloudFront /static/* honours it up to its max TTL).
    "staticfiles": {
        "BACKEND": "storages.backends.s3.S3ManifestStaticStorage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STATIC_BUCKET_NAME"],
            "location": "static",
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    },
}
STATIC_URL = f"https://{AWS_S3_CUSTOM_DOMAIN}/static/"
MEDIA_URL = f"https://{AWS_S3_CUSTOM_DOMAIN}/media/"

# --- Email through SES (IAM role as well) --------------------------------------
EMAIL_BACKEND = "django_ses.SESBackend"
AWS_SES_REGION_NAME = os.environ["AWS_SES_REGION_NAME"]
AWS_SES_REGION_ENDPOINT = f"email.{AWS_SES_REGION_NAME}.amazonaws.com"
DEFAULT_FROM_EMAIL = os.environ["DEFAULT_FROM_EMAIL"]
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- African payment providers -------------------------------------------------
ORANGE_MONEY_API_KEY = os.environ["ORANGE_MONEY_API_KEY"]
ORANGE_MONEY_SECRET = os.environ["ORANGE_MONEY_SECRET"]
MTN_MOMO_API_KEY = os.environ["MTN_MOMO_API_KEY"]
MTN_MOMO_SECRET = os.environ["MTN_MOMO_SECRET"]
WAVE_API_KEY = os.environ["WAVE_API_KEY"]
WAVE_SECRET = os.environ["WAVE_SECRET"]

LOGGING = json_logging("INFO")

# --- Sentry, only when a DSN is configured -------------------------------------
SENTRY_DSN = os.environ.get("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    from coko.settings.sentry import init_sentry

    init_sentry(SENTRY_DSN, environment=ENVIRONMENT, region=DEPLOYMENT_REGION)
