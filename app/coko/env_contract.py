"""The environment contract between the infrastructure and the Django image.

Pure standard library on purpose: the Pulumi program loads this file with
``importlib.util.spec_from_file_location`` to build the ECS task definition
(``environment`` for plain values, ``secrets`` for Secrets Manager values),
and production settings call :func:`missing` to fail fast. Keeping one list
means the two sides cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class EnvVar:
    """One variable the container expects at start."""

    name: str
    secret: bool  # injected by ECS `secrets` (Secrets Manager), never `environment`
    required: bool
    description: str
    json_key: str | None = None  # key inside a JSON secret (RDS managed secret)
    #: Read only by the one-off admin task (``manage.py provision_db_users``), never by the
    #: settings: the service task definitions must not carry it.
    one_off: bool = False


def _plain(name: str, description: str, required: bool = True) -> EnvVar:
    return EnvVar(name=name, secret=False, required=required, description=description)


def _secret(name: str, description: str, required: bool = True, json_key: str | None = None) -> EnvVar:
    return EnvVar(name=name, secret=True, required=required, description=description, json_key=json_key)


def _admin_secret(name: str, description: str, json_key: str | None = None) -> EnvVar:
    return EnvVar(name=name, secret=True, required=False, description=description, json_key=json_key, one_off=True)


CONTRACT: tuple[EnvVar, ...] = (
    _plain("DJANGO_SETTINGS_MODULE", "Settings module; always coko.settings.production."),
    _plain("DJANGO_ALLOWED_HOSTS", "Comma-separated public host names (API domain)."),
    _plain("CORS_ALLOWED_ORIGINS", "Comma-separated browser origins allowed by CORS."),
    _plain("POSTGRES_HOST", "PostgreSQL endpoint (primary, or read replica in the secondary)."),
    _plain("POSTGRES_PORT", "PostgreSQL port."),
    _plain("DEPLOYMENT_REGION", "Region (AWS) or data center (DigitalOcean) this task runs in (tags logs and Sentry events)."),
    _plain("ENVIRONMENT", "Environment name, e.g. production or staging."),
    _plain("AWS_STORAGE_BUCKET_NAME", "S3 bucket for user-uploaded media."),
    _plain("AWS_STATIC_BUCKET_NAME", "S3 bucket for collected static files."),
    _plain("AWS_S3_REGION_NAME", "Region of the media and static buckets."),
    _plain("AWS_S3_CUSTOM_DOMAIN", "Domain of static and media URLs (AWS: the CloudFront distribution serving /static/ and /media/)."),
    _plain("OPENSEARCH_URL", "OpenSearch endpoint for catalog search."),
    _plain("DEFAULT_FROM_EMAIL", "Sender address for outgoing mail (SES verified)."),
    _plain("AWS_SES_REGION_NAME", "Region of the SES identity used to send mail."),
    # --- Needed off AWS only (DigitalOcean); the ECS task definitions leave them unset. ---
    _plain(
        "AWS_S3_STATIC_DOMAIN",
        "Domain serving static files when it differs from AWS_S3_CUSTOM_DOMAIN (DigitalOcean: the static bucket's CDN endpoint).",
        required=False,
    ),
    _plain(
        "AWS_S3_MEDIA_DOMAIN",
        "Domain serving media files when it differs from AWS_S3_CUSTOM_DOMAIN; not with MEDIA_PRESIGNED_URL_SECONDS.",
        required=False,
    ),
    _plain(
        "STATIC_OBJECT_ACL",
        '"public-read" where the CDN serves only public objects (DigitalOcean Spaces CDN): collectstatic uploads with that object ACL; '
        'unset or "private": no ACL sent (AWS: CloudFront reads the private objects through origin access control).',
        required=False,
    ),
    _plain(
        "MEDIA_PRESIGNED_URL_SECONDS",
        "Lifetime (1-604800 s) of presigned media links on the bucket's own endpoint, for private media without a CDN that can read them "
        "(DigitalOcean); unset: unsigned links on the media domain (AWS: CloudFront).",
        required=False,
    ),
    _plain(
        "AWS_S3_ENDPOINT_URL",
        "S3-compatible endpoint of the buckets (DigitalOcean Spaces: https://<datacenter>.digitaloceanspaces.com); unset on AWS.",
        required=False,
    ),
    _plain(
        "POSTGRES_CA_CERT",
        "PEM of the CA that signs the PostgreSQL server certificate (DigitalOcean: the cluster's CA); unset: the RDS CA bundle in the image.",
        required=False,
    ),
    _plain("EMAIL_BACKEND", '"ses" (default: SES API with the task role) or "smtp" (EMAIL_HOST, with a user and password).', required=False),
    _plain("EMAIL_HOST", 'SMTP server when EMAIL_BACKEND is "smtp", e.g. email-smtp.eu-west-1.amazonaws.com (SES SMTP).', required=False),
    _plain("EMAIL_PORT", "SMTP port (default 587, STARTTLS; 465 and 2465 use implicit TLS).", required=False),
    _plain(
        "TRUSTED_EGRESS_IPS",
        "Comma-separated public IPs our own tasks leave through (NAT gateways): a request from one carries the reader's IP in X-Forwarded-For.",
        required=False,
    ),
    _plain(
        "DATABASE_READ_ONLY",
        '"true" where the database is a read replica: writes answer 503 "read-only: failover in progress".',
        required=False,
    ),
    _plain(
        "DATABASE_TIMEOUT_SECONDS",
        "Statement timeout in seconds (default 4; the client gives up 1 s later on a frozen server).",
        required=False,
    ),
    _secret("DJANGO_SECRET_KEY", "Django SECRET_KEY (signing of sessions and tokens)."),
    _secret("POSTGRES_USER", "Database login of the app (application user coko_app or coko_app_clone).", json_key="username"),
    _secret("POSTGRES_PASSWORD", "Password of that database login.", json_key="password"),
    _secret("REDIS_URL", "Full rediss:// URL with auth token (cache, Celery broker and results)."),
    _secret("SENTRY_DSN", "Sentry DSN; error reporting is off when absent.", required=False),
    _secret("ORANGE_MONEY_API_KEY", "Orange Money API key."),
    _secret("ORANGE_MONEY_SECRET", "Orange Money API secret."),
    _secret("MTN_MOMO_API_KEY", "MTN Mobile Money API key."),
    _secret("MTN_MOMO_SECRET", "MTN Mobile Money API secret."),
    _secret("WAVE_API_KEY", "Wave API key."),
    _secret("WAVE_SECRET", "Wave API secret."),
    _secret(
        "AWS_ACCESS_KEY_ID",
        "Access key of the buckets where there is no task role (DigitalOcean: a Spaces key); unset on AWS.",
        required=False,
    ),
    _secret("AWS_SECRET_ACCESS_KEY", "Secret of that access key; unset on AWS.", required=False),
    _secret("EMAIL_HOST_USER", 'SMTP user name when EMAIL_BACKEND is "smtp" (SES: the SMTP credentials\' user name).', required=False),
    _secret("EMAIL_HOST_PASSWORD", 'SMTP password when EMAIL_BACKEND is "smtp".', required=False),
    _admin_secret("POSTGRES_MASTER_USER", "RDS master user; only for provision_db_users.", json_key="username"),
    _admin_secret("POSTGRES_MASTER_PASSWORD", "RDS master password; only for provision_db_users.", json_key="password"),
    _admin_secret("POSTGRES_APP_PASSWORD", "Password to set for coko_app (unchanged when unset); provision_db_users.", json_key="password"),
    _admin_secret("POSTGRES_APP_CLONE_PASSWORD", "Password to set for coko_app_clone (unchanged when unset); provision_db_users."),
)


def service_contract() -> tuple[EnvVar, ...]:
    """The variables the web, worker and beat containers may receive (no one-off admin secrets)."""
    return tuple(var for var in CONTRACT if not var.one_off)


def missing(environ: Mapping[str, str]) -> list[str]:
    """Names of required variables that are absent or empty, in contract order."""
    return [var.name for var in CONTRACT if var.required and not environ.get(var.name, "").strip()]


#: Values of the right shape for the variables production settings parse (hosts, origins, port,
#: URLs, regions); :func:`sample_environment` gives every other required variable a placeholder.
SAMPLE_VALUES: Mapping[str, str] = {
    "DJANGO_SETTINGS_MODULE": "coko.settings.production",
    "DJANGO_ALLOWED_HOSTS": "api.coko.africa, www.coko.africa",
    "CORS_ALLOWED_ORIGINS": "https://coko.africa",
    "POSTGRES_PORT": "5432",
    "REDIS_URL": "rediss://:token@cache.internal:6379/0",
    "AWS_S3_CUSTOM_DOMAIN": "d111.cloudfront.net",
    "AWS_SES_REGION_NAME": "eu-west-1",
}


def sample_environment(**values: str) -> dict[str, str]:
    """The smallest environment production settings accept, then ``values``: what the app's
    tests and benchmarks start from (never a deployment: the secrets are placeholders)."""
    env = {var.name: f"placeholder-{var.name.lower()}" for var in CONTRACT if var.required}
    return {**env, **SAMPLE_VALUES, **values}
