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
from components.app_env import load_contract
from components.app_secrets import ENV_NAMES
from components.do_app import SDK_PLAIN_ENV, SDK_SECRET_ENV, AlertThresholds, AppArgs, AppPlatformApp, Component, app_platform_envs, env
from components.do_data import ClusterArgs, ManagedCluster, PostgresArgs, PostgresCluster
from components.do_monitoring import DatabaseAlerts, DbAlertArgs
from components.do_registry import DoAppImage, DoImageArgs
from components.do_storage import SpacesArgs, SpacesStorage
from components.registry import git_image_tag
from stacks.compute import SES_REGION, sender_address
from stacks.do_config import DoStackConfig

ROUTED_TO_POOL = ("POSTGRES_HOST", "POSTGRES_PORT")
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


def _image_tag(cfg: DoStackConfig) -> str:
    if cfg.image.tag:
        return cfg.image.tag
    try:
        return git_image_tag(Path(__file__).resolve().parent.parent)
    except RuntimeError as exc:
        raise pulumi.RunError(f"{exc}; set coko:image.tag") from None


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
        "AWS_S3_CUSTOM_DOMAIN": storage.cdn_endpoint,
        # Credential-free URL, like on AWS (the contract keeps it plain).
        "OPENSEARCH_URL": pulumi.Output.concat("https://", search.private_host, ":", search.port.apply(str)),
        "DEFAULT_FROM_EMAIL": sender_address(cfg),  # type: ignore[arg-type]  # reads only domain.apex
        "AWS_SES_REGION_NAME": SES_REGION,
    }
    secret_values: dict[str, pulumi.Input[str]] = {ENV_NAMES[key]: value for key, value in secrets.items() if key in ENV_NAMES}
    secret_values |= {"POSTGRES_USER": postgres.user, "POSTGRES_PASSWORD": postgres.password, "REDIS_URL": cache.private_uri}
    envs = app_platform_envs(load_contract(), plain, secret_values)
    sdk = dict(zip(SDK_SECRET_ENV, (storage.access_key, storage.secret_key), strict=True))
    envs += [env(key, value, secret=True) for key, value in sdk.items()] + [env(SDK_PLAIN_ENV[0], storage.endpoint, secret=False)]
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
            migration_command=migration_command(),
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
        "cdnEndpoint": storage.cdn_endpoint,
        "bucketNames": storage.bucket_names,
        "databaseClusterId": postgres.id,
    }
