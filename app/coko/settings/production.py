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
from coko.settings.databases import (
    DEFAULT_TIMEOUT_SECONDS,
    PRODUCTION_BASE_NAME,
    TLS_VERIFY_FULL,
    InvalidCaCertificate,
    build_databases,
    ca_file,
    connection_options,
)

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
# TLS verify-full against the RDS CA bundle in the image, or against POSTGRES_CA_CERT (a
# DigitalOcean cluster's own CA); every wait is bounded
# (coko.settings.databases.connection_options, docs/app.md "Time bounds").
DATABASE_READ_ONLY = _flag("DATABASE_READ_ONLY")
_timeout = os.environ.get("DATABASE_TIMEOUT_SECONDS", "").strip() or str(DEFAULT_TIMEOUT_SECONDS)
try:
    DATABASE_TIMEOUT_SECONDS = float(_timeout)
except ValueError:
    DATABASE_TIMEOUT_SECONDS = 0.0
if not 0 < DATABASE_TIMEOUT_SECONDS <= 600:
    raise ImproperlyConfigured(f"DATABASE_TIMEOUT_SECONDS must be a number of seconds in (0, 600], got {_timeout!r}")
try:
    DATABASE_ROOT_CERT = ca_file(os.environ.get("POSTGRES_CA_CERT", "").strip())
except InvalidCaCertificate as exc:
    raise ImproperlyConfigured(str(exc)) from None
DATABASES = build_databases(
    base_name=PRODUCTION_BASE_NAME,
    host=os.environ["POSTGRES_HOST"],
    port=os.environ["POSTGRES_PORT"],
    user=os.environ["POSTGRES_USER"],
    password=os.environ["POSTGRES_PASSWORD"],
    options=connection_options(timeout=DATABASE_TIMEOUT_SECONDS, tls=TLS_VERIFY_FULL, read_only=DATABASE_READ_ONLY, root_cert=DATABASE_ROOT_CERT),
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

# --- Storage: S3 through the task's IAM role (no access keys on AWS) ------------
# Off AWS (DigitalOcean Spaces speaks S3) the deployment passes the endpoint and a key: there is
# no task role there. Static and media each get their own domain where each bucket has its own
# CDN endpoint (Spaces); on AWS one CloudFront distribution serves both paths.
AWS_S3_REGION_NAME = os.environ["AWS_S3_REGION_NAME"]
AWS_S3_CUSTOM_DOMAIN = os.environ["AWS_S3_CUSTOM_DOMAIN"]
AWS_S3_STATIC_DOMAIN = os.environ.get("AWS_S3_STATIC_DOMAIN", "").strip() or AWS_S3_CUSTOM_DOMAIN
AWS_S3_MEDIA_DOMAIN = os.environ.get("AWS_S3_MEDIA_DOMAIN", "").strip() or AWS_S3_CUSTOM_DOMAIN
AWS_S3_SIGNATURE_VERSION = "s3v4"
AWS_DEFAULT_ACL = None
AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "max-age=86400"}
_endpoint = os.environ.get("AWS_S3_ENDPOINT_URL", "").strip()
if _endpoint:
    AWS_S3_ENDPOINT_URL = _endpoint
_key_id, _key_secret = os.environ.get("AWS_ACCESS_KEY_ID", "").strip(), os.environ.get("AWS_SECRET_ACCESS_KEY", "").strip()
if bool(_key_id) != bool(_key_secret):
    raise ImproperlyConfigured("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY come together: set both (a Spaces key) or neither (the task role)")
if _key_id:
    AWS_S3_ACCESS_KEY_ID, AWS_S3_SECRET_ACCESS_KEY = _key_id, _key_secret
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"], "location": "media", "custom_domain": AWS_S3_MEDIA_DOMAIN},
    },
    # Content-hashed names (admin/css/base.<hash>.css) and a manifest: each release serves its own
    # files, so they are cached for a year, immutable (CloudFront /static/* honours it up to its max TTL).
    "staticfiles": {
        "BACKEND": "storages.backends.s3.S3ManifestStaticStorage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STATIC_BUCKET_NAME"],
            "location": "static",
            "custom_domain": AWS_S3_STATIC_DOMAIN,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    },
}
STATIC_URL = f"https://{AWS_S3_STATIC_DOMAIN}/static/"
MEDIA_URL = f"https://{AWS_S3_MEDIA_DOMAIN}/media/"

# --- Email: SES through the task role (AWS), or SMTP with a user and password ---
# Off AWS there is no role to sign SES API calls: EMAIL_BACKEND=smtp sends through any SMTP
# server, e.g. SES's SMTP interface (STARTTLS on 587 or 2587, implicit TLS on 465 or 2465:
# https://docs.aws.amazon.com/ses/latest/dg/smtp-connect.html). Always encrypted, and bounded.
AWS_SES_REGION_NAME = os.environ["AWS_SES_REGION_NAME"]
AWS_SES_REGION_ENDPOINT = f"email.{AWS_SES_REGION_NAME}.amazonaws.com"
DEFAULT_FROM_EMAIL = os.environ["DEFAULT_FROM_EMAIL"]
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_transport = (os.environ.get("EMAIL_BACKEND", "").strip() or "ses").lower()
if _transport == "ses":
    EMAIL_BACKEND = "django_ses.SESBackend"
elif _transport == "smtp":
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "").strip()
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "").strip()
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "").strip()
    _smtp = {"EMAIL_HOST": EMAIL_HOST, "EMAIL_HOST_USER": EMAIL_HOST_USER, "EMAIL_HOST_PASSWORD": EMAIL_HOST_PASSWORD}
    _unset = [name for name, value in _smtp.items() if not value]
    if _unset:
        raise ImproperlyConfigured("EMAIL_BACKEND=smtp needs " + ", ".join(_unset))
    _port = os.environ.get("EMAIL_PORT", "").strip() or "587"
    if not _port.isdigit() or not 0 < int(_port) < 65536:
        raise ImproperlyConfigured(f"EMAIL_PORT must be a TCP port, got {_port!r}")
    EMAIL_PORT = int(_port)
    # Implicit TLS on the SMTPS ports, STARTTLS (required, never plaintext) on the others.
    EMAIL_USE_SSL = EMAIL_PORT in (465, 2465)
    EMAIL_USE_TLS = not EMAIL_USE_SSL
    EMAIL_TIMEOUT = 10
else:
    raise ImproperlyConfigured(f'EMAIL_BACKEND must be "ses" or "smtp", got {_transport!r}')

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
