"""coko.settings.production loads from the contract and refuses to load without it."""

from __future__ import annotations

import json

from coko.env_contract import sample_environment
from conftest import run_manage

PROBE = """
import json, django
django.setup()
from django.conf import settings
import sentry_sdk
client = sentry_sdk.get_client()
print(json.dumps({
    "debug": settings.DEBUG,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "proxy_header": list(settings.SECURE_PROXY_SSL_HEADER),
    "hsts": [settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS],
    "cookies_secure": [settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE],
    "nosniff": settings.SECURE_CONTENT_TYPE_NOSNIFF,
    "frame": settings.X_FRAME_OPTIONS,
    "upload": [settings.DATA_UPLOAD_MAX_MEMORY_SIZE, settings.FILE_UPLOAD_MAX_MEMORY_SIZE],
    "hosts": settings.ALLOWED_HOSTS,
    "cors": settings.CORS_ALLOWED_ORIGINS,
    "db_names": {a: d["NAME"] for a, d in settings.DATABASES.items()},
    "db_user": settings.DATABASES["catalog_db"]["USER"],
    "db_options": settings.DATABASES["default"]["OPTIONS"],
    "cache": settings.CACHES["default"],
    "celery": [settings.CELERY_BROKER_URL, settings.CELERY_TASK_SERIALIZER, settings.CELERY_TIMEZONE,
               settings.CELERY_WORKER_CONCURRENCY, settings.CELERY_WORKER_MAX_TASKS_PER_CHILD,
               "CELERY_BROKER_USE_SSL" in dir(settings)],
    "storages": settings.STORAGES,
    "static_url": settings.STATIC_URL,
    "media_url": settings.MEDIA_URL,
    "access_key": any(hasattr(settings, name) for name in
                      ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_S3_ACCESS_KEY_ID", "AWS_S3_SECRET_ACCESS_KEY", "AWS_S3_ENDPOINT_URL")),
    "email": [settings.EMAIL_BACKEND, settings.AWS_SES_REGION_NAME, settings.DEFAULT_FROM_EMAIL],
    "payments": [settings.ORANGE_MONEY_API_KEY, settings.MTN_MOMO_SECRET, settings.WAVE_API_KEY],
    "session_engine": settings.SESSION_ENGINE,
    "egress": sorted(settings.TRUSTED_EGRESS_IPS),
    "sentry": client.is_active() and {
        "pii": client.options["send_default_pii"], "traces": client.options["traces_sample_rate"],
        "environment": client.options["environment"],
    },
}))
"""


def load(env: dict[str, str]) -> dict:
    result = run_manage(["shell", "-c", PROBE], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_apply_the_seed_security_and_service_values() -> None:
    s = load(sample_environment())
    assert s["debug"] is False and s["ssl_redirect"] is True
    assert s["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["hsts"] == [31_536_000, True] and s["cookies_secure"] == [True, True]
    assert s["nosniff"] is True and s["frame"] == "DENY"
    assert s["upload"] == [10 * 1024 * 1024] * 2
    assert s["hosts"] == ["api.coko.africa", "www.coko.africa"] and s["cors"] == ["https://coko.africa"]
    assert s["db_names"] == {
        "default": "coko",
        "auth_db": "coko_auth",
        "catalog_db": "coko_catalog",
        "reading_db": "coko_reading",
        "recommendation_db": "coko_recommendation",
    }
    assert s["db_user"] == "placeholder-postgres_user"
    cache = s["cache"]
    assert cache["KEY_PREFIX"] == "coko" and cache["TIMEOUT"] == 300
    assert cache["OPTIONS"]["SOCKET_TIMEOUT"] <= 0.5 and cache["OPTIONS"]["SOCKET_CONNECT_TIMEOUT"] <= 0.5
    pool = cache["OPTIONS"]["CONNECTION_POOL_KWARGS"]
    assert pool["max_connections"] == 50 and pool["retry_on_timeout"] is False
    assert s["celery"] == ["rediss://:token@cache.internal:6379/0", "json", "UTC", 4, 1000, True]
    assert s["storages"]["staticfiles"]["OPTIONS"]["bucket_name"] == "placeholder-aws_static_bucket_name"
    # Content-hashed names: the old and the new release each serve their own files, cached a year.
    assert s["storages"]["staticfiles"]["BACKEND"] == "storages.backends.s3.S3ManifestStaticStorage"
    assert s["storages"]["staticfiles"]["OPTIONS"]["object_parameters"] == {"CacheControl": "public, max-age=31536000, immutable"}
    assert s["storages"]["default"]["OPTIONS"]["bucket_name"] == "placeholder-aws_storage_bucket_name"
    assert s["static_url"] == "https://d111.cloudfront.net/static/"
    # One CloudFront distribution serves both paths: media and static share its domain.
    assert s["media_url"] == "https://d111.cloudfront.net/media/"
    assert {s["storages"][k]["OPTIONS"]["custom_domain"] for k in ("default", "staticfiles")} == {"d111.cloudfront.net"}
    assert s["access_key"] is False, "S3 must use the task role, not keys, and AWS's own endpoint"
    assert s["email"] == ["django_ses.SESBackend", "eu-west-1", "placeholder-default_from_email"]
    # verify-full against the RDS bundle shipped in the image (no POSTGRES_CA_CERT on AWS).
    assert s["db_options"]["sslmode"] == "verify-full" and s["db_options"]["sslrootcert"].endswith("/certs/rds-ca-bundle.pem")
    assert s["payments"] == ["placeholder-orange_money_api_key", "placeholder-mtn_momo_secret", "placeholder-wave_api_key"]
    assert s["sentry"] is False, "no DSN, no Sentry"


def test_sentry_is_enabled_by_a_dsn_without_personal_data() -> None:
    s = load(sample_environment(SENTRY_DSN="https://public@sentry.invalid/1", ENVIRONMENT="staging"))
    assert s["sentry"] == {"pii": False, "traces": 0.1, "environment": "staging"}


def test_read_replica_region_makes_database_sessions_read_only() -> None:
    s = load(sample_environment(DATABASE_READ_ONLY="true"))
    assert "-c default_transaction_read_only=on" in s["db_options"]["options"]
    assert s["session_engine"] == "django.contrib.sessions.backends.cache"
    assert "default_transaction_read_only" not in load(sample_environment())["db_options"]["options"]


def test_production_bounds_every_database_wait_by_default() -> None:
    options = load(sample_environment())["db_options"]
    assert "-c statement_timeout=4000" in options["options"]
    assert options["client_timeout"] == 5.0, "a frozen server costs at most 5 s per statement"
    assert options["connect_timeout"] <= 5 and options["keepalives"] == 1 and options["tcp_user_timeout"] > 0
    assert "-c statement_timeout=2500" in load(sample_environment(DATABASE_TIMEOUT_SECONDS="2.5"))["db_options"]["options"]


def test_a_malformed_database_timeout_is_refused_with_its_name() -> None:
    result = run_manage(["check"], sample_environment(DATABASE_TIMEOUT_SECONDS="five"))
    assert result.returncode != 0
    assert "DATABASE_TIMEOUT_SECONDS must be a number of seconds" in result.stderr.strip().splitlines()[-1]


def test_our_egress_ips_are_read_and_checked() -> None:
    assert load(sample_environment(TRUSTED_EGRESS_IPS="15.188.7.7, 15.236.1.2"))["egress"] == ["15.188.7.7", "15.236.1.2"]
    assert load(sample_environment())["egress"] == []
    result = run_manage(["check"], sample_environment(TRUSTED_EGRESS_IPS="15.188.7.7,nat-gateway"))
    assert result.returncode != 0
    assert "TRUSTED_EGRESS_IPS must be comma-separated IP addresses" in result.stderr.strip().splitlines()[-1]


def test_production_settings_refuse_to_load_and_name_every_missing_variable() -> None:
    env = sample_environment()
    for name in ("DJANGO_SECRET_KEY", "POSTGRES_PASSWORD", "WAVE_SECRET"):
        del env[name]
    env["AWS_S3_CUSTOM_DOMAIN"] = ""
    result = run_manage(["check"], env)
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("django.core.exceptions.ImproperlyConfigured: Missing required")
    for name in ("DJANGO_SECRET_KEY", "POSTGRES_PASSWORD", "WAVE_SECRET", "AWS_S3_CUSTOM_DOMAIN"):
        assert name in message, message
    assert "SENTRY_DSN" not in message
