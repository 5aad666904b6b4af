"""The DigitalOcean stack (``coko:cloud: digitalocean``): a whole Coko environment in one data center.

VPC → managed PostgreSQL (five databases, backend pools), Valkey, OpenSearch → Spaces + CDN →
DOCR image → App Platform app (backend, worker, beat, PRE_DEPLOY migrations) → database
firewalls admitting only the app → alerts → a project grouping what DigitalOcean lets a project hold.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pulumi
import pulumi_digitalocean as do

from coko_contract import names
from coko_contract import outputs as out
from coko_ecs.tasks import COLLECTSTATIC_COMMAND
from components.app_env import load_contract
from components.app_secrets import ENV_NAMES
from components.do_app import AlertThresholds, AppArgs, AppPlatformApp, Component, app_platform_envs, env
from components.do_data import ClusterArgs, ManagedCluster, PostgresArgs, PostgresCluster
from components.do_monitoring import DatabaseAlerts, DbAlertArgs
from components.do_registry import DoAppImage, DoImageArgs
from components.do_storage import STATIC_OBJECT_ACL, SpacesArgs, SpacesStorage
from components.registry import git_image_tag
from stacks.compute import SES_REGION, sender_address
from stacks.do_config import SMTP_SECRETS, DoStackConfig

ROUTED_TO_POOL = ("POSTGRES_HOST", "POSTGRES_PORT")
# Config secrets only a DigitalOcean stack has -> the app's variables (app/coko/env_contract.py).
DO_ENV_NAMES = {"smtpUsername": "EMAIL_HOST_USER", "smtpPassword": "EMAIL_HOST_PASSWORD"}
DATABASES_MODULE = Path(__file__).resolve().parent.parent / "app" / "coko" / "settings" / "databases.py"


def database_names() -> list[str]:
    """The five databases as the app names them (coko, coko_auth, …), read from the app's own module."""
    spec = importlib.util.spec_from_file_location("coko_databases_infra", DATABASES_MODULE)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {DATABASES_MODULE}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [module.database_name(module.PRODUCTION_BASE_NAME, alias) for alias in names.DATABASE_ALIASES]


def migration_command() -> str:
    """Every alias in order; `&&` stops at the first failure, which fails the PRE_DEPLOY job."""
    return " && ".join(f"python manage.py migrate_alias {alias}" for alias in names.DATABASE_ALIASES)


def release_command() -> str:
    """The PRE_DEPLOY job: the migrations, then the static files to Spaces (as the AWS release
    steps do), before any component runs the new image."""
    return f"{migration_command()} && {' '.join(COLLECTSTATIC_COMMAND)}"


def _image_tag(cfg: DoStackConfig) -> str:
    if cfg.image.tag:
        return cfg.image.tag
    try:
        return git_image_tag(Path(__file__).resolve().parent.parent)
    except RuntimeError as exc:
        raise pulumi.RunError(f"{exc}; set coko:image.tag") from None


def smtp_secrets(cfg: DoStackConfig) -> dict[str, pulumi.Output[str]]:
    """The SMTP login from the stack's config, as Pulumi secrets (the program reads only the AWS-shared keys)."""
    config = pulumi.Config(names.PROJECT)
    return {key: config.require_secret(key) for key in SMTP_SECRETS if key in cfg.secret_keys}


def smtp_host(cfg: DoStackConfig) -> str:
    """``coko:email.host``, else SES's SMTP endpoint in the region whose SES identity the AWS stacks send from."""
    return cfg.email.host or f"email-smtp.{SES_REGION}.amazonaws.com"


def build_digitalocean(cfg: DoStackConfig, secrets: dict[str, pulumi.Output[str]]) -> dict[str, Any]:
    name = cfg.name
    vpc = do.Vpc(f"{name}-vpc", name=f"{name}-vpc", region=cfg.region, ip_range=cfg.vpc_ip_range, description=f"{name}: app and managed databases")
    db_cfg = cfg.database
    postgres = PostgresCluster(
        f"{name}-pg",
        ClusterArgs(
            "pg",
            db_cfg.version,
            db_cfg.size,
            db_cfg.node_count,
            cfg.region,
            vpc.id,
            cfg.tags,
            db_cfg.maintenance_day,
            db_cfg.maintenance_hour,
            db_cfg.storage_size_mib,
        ),
        PostgresArgs(database_names(), db_cfg.pool_size, db_cfg.pool_mode),
    )
    cache = ManagedCluster(
        f"{name}-valkey",
        ClusterArgs("valkey", cfg.cache.version, cfg.cache.size, cfg.cache.node_count, cfg.region, vpc.id, cfg.tags, eviction_policy=cfg.cache.eviction_policy),
    )
    search = ManagedCluster(
        f"{name}-search", ClusterArgs("opensearch", cfg.search.version, cfg.search.size, cfg.search.node_count, cfg.region, vpc.id, cfg.tags)
    )
    storage = SpacesStorage(
        f"{name}-spaces",
        SpacesArgs(
            prefix=name,
            region=cfg.region,
            cors_origins=cfg.storage.cors_origins,
            noncurrent_version_expiration_days=cfg.storage.noncurrent_version_expiration_days,
            abort_incomplete_multipart_days=cfg.storage.abort_incomplete_multipart_days,
            cdn_ttl_seconds=cfg.cdn.ttl_seconds,
            cdn_custom_domain=cfg.cdn.custom_domain,
        ),
    )
    image = DoAppImage(f"{name}-image", DoImageArgs(cfg.registry.name, cfg.registry.tier, cfg.registry.region, repository=name, tag=_image_tag(cfg)))

    plain: dict[str, pulumi.Input[str]] = {
        "DJANGO_SETTINGS_MODULE": "coko.settings.production",
        "DJANGO_ALLOWED_HOSTS": cfg.domain.api,
        "CORS_ALLOWED_ORIGINS": ",".join(cfg.storage.cors_origins),
        "POSTGRES_HOST": postgres.private_host,
        "POSTGRES_PORT": postgres.port.apply(str),
        "DEPLOYMENT_REGION": cfg.region,
        "ENVIRONMENT": cfg.environment,
        "AWS_STORAGE_BUCKET_NAME": storage.bucket_names["media"],
        "AWS_STATIC_BUCKET_NAME": storage.bucket_names["static"],
        "AWS_S3_REGION_NAME": cfg.region,
        # The Spaces CDN serves only public-read objects: static files are uploaded public-read and
        # linked on the static CDN endpoint (the custom domain when given); media stay private and
        # are linked with presigned URLs on the media bucket's own endpoint, not a CDN domain
        # (docs/digitalocean.md "Who reads the files"; the app: coko/settings/production.py).
        "AWS_S3_CUSTOM_DOMAIN": storage.static_cdn_endpoint,
        "AWS_S3_STATIC_DOMAIN": storage.static_cdn_endpoint,
        "STATIC_OBJECT_ACL": STATIC_OBJECT_ACL,
        "MEDIA_PRESIGNED_URL_SECONDS": str(cfg.media.presigned_url_seconds),
        "AWS_S3_ENDPOINT_URL": storage.endpoint,  # Spaces speaks S3; no task role: a key below
        # verify-full against the cluster's own CA, not the RDS bundle in the image.
        "POSTGRES_CA_CERT": postgres.ca_certificate,
        # Credential-free URL, like on AWS (the contract keeps it plain).
        "OPENSEARCH_URL": pulumi.Output.concat("https://", search.private_host, ":", search.port.apply(str)),
        "DEFAULT_FROM_EMAIL": sender_address(cfg),  # type: ignore[arg-type]  # reads only domain.apex
        "AWS_SES_REGION_NAME": SES_REGION,
        # No IAM role for SES's API here: SMTP with a login (docs/digitalocean.md "E-mail").
        "EMAIL_BACKEND": "smtp",
        "EMAIL_HOST": smtp_host(cfg),
        "EMAIL_PORT": str(cfg.email.port),
    }
    secret_values: dict[str, pulumi.Input[str]] = {ENV_NAMES[key]: value for key, value in secrets.items() if key in ENV_NAMES}
    secret_values |= {DO_ENV_NAMES[key]: value for key, value in smtp_secrets(cfg).items()}
    secret_values |= {"POSTGRES_USER": postgres.user, "POSTGRES_PASSWORD": postgres.password, "REDIS_URL": cache.private_uri}
    # The Spaces key limited to the two buckets (SpacesStorage), not the provider's account-wide key.
    secret_values |= {"AWS_ACCESS_KEY_ID": storage.access_key, "AWS_SECRET_ACCESS_KEY": storage.secret_key}
    envs = app_platform_envs(load_contract(), plain, secret_values)
    # The backend reaches each database through its pool (same names, pool port); Celery and the
    # migration job connect to the server directly. These two are set per component only.
    direct = [e for e in envs if e["key"] in ROUTED_TO_POOL]
    envs = [e for e in envs if e["key"] not in ROUTED_TO_POOL]
    pooled = [env("POSTGRES_HOST", postgres.pool_host, secret=False), env("POSTGRES_PORT", postgres.pool_port.apply(str), secret=False)]
    component_envs = {"backend": pooled, "worker": direct, "scheduler": direct, "migrate": direct}

    emails = [cfg.monitoring.alert_email] if cfg.monitoring.alert_email else []
    components = {role: Component(role, s.min_count, s.max_count, s.instance_size_slug) for role in names.SERVICE_ROLES for s in [cfg.services.of(role)]}
    app = AppPlatformApp(
        f"{name}-app",
        AppArgs(
            name=name,
            region=cfg.app_region,
            vpc_id=vpc.id,
            repository=image.repository,
            digest=image.digest,
            components=components,
            migration_command=release_command(),
            migration_size_slug=cfg.services.migration_size_slug,
            envs=envs,
            component_envs=component_envs,
            domain=cfg.domain.api,
            alerts=AlertThresholds(cfg.monitoring.cpu_percent, cfg.monitoring.memory_percent, emails=emails),
        ),
    )
    for cluster in (postgres, cache, search):
        cluster.admit_only(app.id)
    clusters = {"pg": postgres.id, "valkey": cache.id, "search": search.id}
    DatabaseAlerts(
        f"{name}-db-alerts", DbAlertArgs(clusters, cfg.monitoring.cpu_percent, cfg.monitoring.memory_percent, cfg.monitoring.storage_percent, emails, cfg.tags)
    )
    # Projects hold apps, databases and Spaces buckets; VPCs, the registry and CDN endpoints are account-level.
    do.Project(
        f"{name}-project",
        name=name,
        description=f"Coko {cfg.environment} ({cfg.stack} stack, managed by Pulumi)",
        purpose="Web Application",
        environment="Staging" if cfg.environment == "staging" else "Production",
        resources=[app.urn_do, postgres.cluster.cluster_urn, cache.cluster.cluster_urn, search.cluster.cluster_urn, *storage.bucket_urns],
    )
    return {
        out.REGION: cfg.region,
        out.ROLE: cfg.role,
        "appId": app.id,
        "appName": name,
        "liveUrl": app.live_url,
        "imageDigest": image.digest,
        "cdnEndpoint": storage.static_cdn_endpoint,
        "bucketNames": storage.bucket_names,
        "databaseClusterId": postgres.id,
    }
