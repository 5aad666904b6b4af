"""Production settings: every value comes from the env contract, no defaults.

Loading fails with one ImproperlyConfigured listing every missing variable, so
a misconfigured task definition is fixed in one round trip.
"""

from __future__ import annotations

import ipaddress
import os
import ssl
from urllib.parse import urlsplit

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

_egress = [item.strip() for item in os.environ.get("TRUSTED_EGRESS_IPS", "").split(",") if item.strip()]
try:
    TRUSTED_EGRESS_IPS = frozenset(str(ipaddress.ip_address(item)) for item in _egress)
except ValueError as exc:
    raise ImproperlyConfigured(f"TRUSTED_EGRESS_IPS must be comma-separated IP addresses: {exc}") from None

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
_media_domain = os.environ.get("AWS_S3_MEDIA_DOMAIN", "").strip()
AWS_S3_MEDIA_DOMAIN = _media_domain or AWS_S3_CUSTOM_DOMAIN
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

# Who may read the objects. AWS: every object stays private and CloudFront reads them through its
# origin access control, so the links are plain CloudFront URLs (both variables unset). DigitalOcean:
# the Spaces CDN has no such access; files are private by default and an object is readable without
# a signature only when its ACL is public-read; a private one is reached through a presigned URL
# (https://docs.digitalocean.com/products/spaces/how-to/set-file-permissions/). So there:
# - static files (collectstatic output, public by nature) are uploaded public-read and served by the
#   CDN (STATIC_OBJECT_ACL=public-read); the bucket itself stays private (no listing);
# - media (user uploads) stay private and every link is presigned on the bucket's own endpoint
#   (MEDIA_PRESIGNED_URL_SECONDS), not the CDN: the CDN does not cache presigned requests, so it
#   would add a second transfer charge for nothing
#   (https://docs.digitalocean.com/products/spaces/how-to/manage-cdn-cache/).
STATIC_OBJECT_ACLS = ("private", "public-read")
STATIC_OBJECT_ACL = os.environ.get("STATIC_OBJECT_ACL", "").strip() or "private"
if STATIC_OBJECT_ACL not in STATIC_OBJECT_ACLS:
    raise ImproperlyConfigured(f'STATIC_OBJECT_ACL must be "private" or "public-read", got {STATIC_OBJECT_ACL!r}')
# SigV4 presigned URLs live at most 7 days (https://docs.aws.amazon.com/cli/latest/reference/s3/presign.html).
PRESIGNED_URL_MAX_SECONDS = 604_800
_presign = os.environ.get("MEDIA_PRESIGNED_URL_SECONDS", "").strip()
MEDIA_PRESIGNED_URL_SECONDS = 0  # unset: unsigned links on the media domain
if _presign:
    if not _presign.isdigit() or not 0 < int(_presign) <= PRESIGNED_URL_MAX_SECONDS:
        raise ImproperlyConfigured(f"MEDIA_PRESIGNED_URL_SECONDS must be a number of seconds in [1, {PRESIGNED_URL_MAX_SECONDS}], got {_presign!r}")
    MEDIA_PRESIGNED_URL_SECONDS = int(_presign)
if MEDIA_PRESIGNED_URL_SECONDS and _media_domain:
    raise ImproperlyConfigured("MEDIA_PRESIGNED_URL_SECONDS and AWS_S3_MEDIA_DOMAIN exclude each other: presigned media links go to the bucket's own endpoint")

_media_bucket = os.environ["AWS_STORAGE_BUCKET_NAME"]
_media: dict[str, object] = {"bucket_name": _media_bucket, "location": "media"}
if MEDIA_PRESIGNED_URL_SECONDS:
    # Virtual-hosted URLs, each bucket on its own host (https://<bucket>.<datacenter>.digitaloceanspaces.com/media/...),
    # the form Spaces documents for presigned links (https://docs.digitalocean.com/products/spaces/how-to/enable-cdn/);
    # boto3 signs them with the key above.
    _origin = urlsplit(_endpoint or f"https://s3.{AWS_S3_REGION_NAME}.amazonaws.com")
    _media |= {"custom_domain": None, "querystring_auth": True, "querystring_expire": MEDIA_PRESIGNED_URL_SECONDS, "addressing_style": "virtual"}
    MEDIA_URL = f"{_origin.scheme}://{_media_bucket}.{_origin.netloc}/media/"  # unsigned, it answers 403: link with storage.url()
else:
    _media["custom_domain"] = AWS_S3_MEDIA_DOMAIN
    MEDIA_URL = f"https://{AWS_S3_MEDIA_DOMAIN}/media/"
_static: dict[str, object] = {
    "bucket_name": os.environ["AWS_STATIC_BUCKET_NAME"],
    "location": "static",
    "custom_domain": AWS_S3_STATIC_DOMAIN,
    "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
}
if STATIC_OBJECT_ACL != "private":
    _static["default_acl"] = STATIC_OBJECT_ACL  # sent as x-amz-acl on every collectstatic upload
STORAGES = {
    "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _media},
    # Content-hashed names (admin/css/base.<hash>.css) and a manifest: each release serves its own
    # files, so they are cached for a year, immutable (CloudFront /static/* honours it up to its max TTL).
    "staticfiles": {"BACKEND": "storages.backends.s3.S3ManifestStaticStorage", "OPTIONS": _static},
}
STATIC_URL = f"https://{AWS_S3_STATIC_DOMAIN}/static/"

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
