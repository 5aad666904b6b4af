"""Settings shared by every environment. Holds no secrets and reads no env."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent.parent  # .../app

DEBUG = False
ALLOWED_HOSTS: list[str] = []

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_prometheus",
    "corsheaders",
    "django_ratelimit",
    "axes",
    "coko.core",
    "coko.catalog",
    "coko.reading",
    "coko.recommendations",
]

# HealthCheckMiddleware is first: /health/, /health/ready/ and /metrics answer before host
# validation (ALB health checks send the task's private IP as Host) and before the SSL
# redirect (the ALB talks plain HTTP to the task). PrometheusMiddleware (coko.core.prometheus)
# replaces django-prometheus's Before/After pair with the three request series the dashboards
# use. JsonErrorMiddleware turns every error below it into the one JSON error shape and
# expected faults (database away, read-only replica) into 503. RequestGuardMiddleware answers
# 405/400/503 (methods, NUL bytes, read-only mode) before CSRF runs. LazyMessageMiddleware
# only builds the message storage when something (the admin) uses it. AxesMiddleware turns
# a locked-out sign-in into AXES_LOCKOUT_CALLABLE's 429.
MIDDLEWARE = [
    "coko.core.middleware.HealthCheckMiddleware",
    "coko.core.prometheus.PrometheusMiddleware",
    "coko.core.errors.JsonErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "coko.core.middleware.NoStoreByDefaultMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "coko.core.guards.RequestGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "coko.core.middleware.LazyMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "coko.urls"
WSGI_APPLICATION = "coko.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_ROUTERS = ["coko.core.routers.DatabaseRouter"]
#: True in the secondary region (read replica): writes answer 503 "read-only: failover in
#: progress" (coko.core.guards) and the database refuses any that slip through.
DATABASE_READ_ONLY = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"

# Security flags on by default (the seed's values); local/test relax them.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = 31_536_000  # one year
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from Redis and written to both Redis and auth_db: a signed-in request costs
# one Redis GET instead of a database query, and a Redis outage falls back to the database.
# (The read-only region keeps them in Redis only: coko.settings.production.)
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024  # 10 MB (larger bodies: 413 JSON)
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024  # 10 MB

CORS_ALLOWED_ORIGINS: list[str] = []
CORS_ALLOW_CREDENTIALS = True

# Rate limiting through the default (Redis) cache. The client IP is taken from
# X-Forwarded-For (CloudFront -> ALB), see coko.core.ratelimit.
RATELIMIT_ENABLE = True
RATELIMIT_USE_CACHE = "default"
RATELIMIT_VIEW = "coko.core.views.ratelimited"
# Redis down: catalogue misses and progress writes go on unlimited (fail open: the limiter
# protects PostgreSQL from floods, and the WAF rate rule still applies at the edge), while
# sign-in fails closed with 503 (coko.core.auth_views): without counters, password guessing
# would be unlimited. See docs/app.md "Failure modes".
RATELIMIT_FAIL_OPEN = True
RATELIMIT_IP_META_KEY = "coko.core.ratelimit.client_ip"
API_RATE_LIMIT = "300/m"
# Our own egress IPs (production: TRUSTED_EGRESS_IPS): see coko.core.ratelimit.client_ip.
TRUSTED_EGRESS_IPS: frozenset[str] = frozenset()
# The Prometheus cache backend subclasses django_redis.cache.RedisCache, which
# django-ratelimit supports; its name is just not on the allow-list.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

# Sign-in lockout (django-axes) per client IP and, separately, per username, for the admin
# and the API login alike (both go through authenticate()). Counters live in Redis, so the
# secondary region's read-only database is never written; sign-in is refused while Redis is
# down. https://django-axes.readthedocs.io/en/latest/4_configuration.html
# CachedModelBackend serves the per-request user lookup from Redis (coko.core.auth_backend);
# ModelBackend stays listed so sessions opened before it keep working.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "coko.core.auth_backend.CachedModelBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_CACHE = "default"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_CLIENT_IP_CALLABLE = "coko.core.ratelimit.client_ip"
AXES_LOCKOUT_CALLABLE = "coko.core.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password"]

CSRF_FAILURE_VIEW = "coko.core.views.csrf_failure"

#: Seconds the cache stays "down" after a Redis failure before it is tried again.
CACHE_BREAKER_SECONDS = 5

#: Hosts on which /metrics answers 404 (the public path); see coko.core.metrics.
METRICS_REFUSED_HOSTS: list[str] = []

CATALOG_PAGE_SIZE = 20
CATALOG_MAX_PAGE_SIZE = 100
CATALOG_CACHE_TIMEOUT = 300
#: Cache-Control max-age of catalogue responses (CloudFront/browsers): staleness after an import.
CATALOG_HTTP_MAX_AGE = 60
POPULAR_BOOKS_LIMIT = 20

# Celery (values from the seed).
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_WORKER_CONCURRENCY = 4
CELERY_WORKER_MAX_TASKS_PER_CHILD = 1000
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_TIME_LIMIT = 300
CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "recompute-popular-books": {
        "task": "coko.recommendations.tasks.compute_popular_books",
        "schedule": 15 * 60.0,
    },
}


def redis_cache(url: str, key_prefix: str = "coko") -> dict[str, Any]:
    """django-redis cache config (seed values) that degrades instead of failing.

    Timeouts of 0.25 s and no retry bound what a frozen Redis costs a request (the breaker in
    coko.core.cache then skips Redis for CACHE_BREAKER_SECONDS). ``rediss://`` verifies the
    server certificate and host name against certifi's CAs (ElastiCache in-transit
    encryption uses publicly trusted Amazon certificates).
    """
    pool: dict[str, Any] = {"max_connections": 50, "retry_on_timeout": False}
    if url.startswith("rediss://"):
        import certifi

        pool.update(ssl_cert_reqs="required", ssl_check_hostname=True, ssl_ca_certs=certifi.where())
    return {
        "BACKEND": "coko.core.cache.DegradingRedisCache",
        "LOCATION": url,
        "KEY_PREFIX": key_prefix,
        "TIMEOUT": 300,
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 0.25,
            "SOCKET_TIMEOUT": 0.25,
            "CONNECTION_POOL_KWARGS": pool,
        },
    }


#: Requests with a forged/unknown Host (scanners) are answered 400 JSON and counted in the
#: request metrics; Django would also log each one at ERROR, flooding the error channel.
QUIET_LOGGERS: dict[str, dict[str, Any]] = {"django.security.DisallowedHost": {"handlers": [], "level": "CRITICAL", "propagate": False}}


def json_logging(level: str = "INFO") -> dict[str, Any]:
    """Console logging as one JSON object per line (CloudWatch-friendly)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
                "rename_fields": {"levelname": "level", "asctime": "time"},
            },
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django": {"handlers": ["console"], "level": level, "propagate": False},
            "coko": {"handlers": ["console"], "level": level, "propagate": False},
            **QUIET_LOGGERS,
        },
    }


LOGGING = json_logging()
