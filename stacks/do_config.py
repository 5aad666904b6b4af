"""The DigitalOcean stack's config model (``coko:cloud: digitalocean``).

Shared meanings come from the AWS model's sub-models (domain, storage lifecycle and CORS,
image, alert thresholds, service counts); only what differs on DigitalOcean is defined here:
the data center (``coko:region``, one with App Platform), slugs instead of instance classes,
and the App Platform component sizes. Slugs are checked against DigitalOcean's documented
values (policies/digitalocean_catalog.py), the same list the deployability rules use.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Final, Literal

from pydantic import AfterValidator, BaseModel, Field, field_validator, model_validator

from coko_contract import names
from components.settings import ServiceCounts
from policies.digitalocean_catalog import APP_DATACENTERS, APP_INSTANCE_SIZES, ENGINES, MIN_POSTGRES_MAJOR, REGISTRY_TIERS
from stacks.config import REQUIRED_SECRETS, SECRET_KEYS, CommonStackConfig, DomainConfig

CLOUD: Final = "digitalocean"
ROLE: Final = "standalone"  # one region, no replica: the RegionRole tag of a DigitalOcean stack
REGION_KEY = "coko:region"
# Secrets only a DigitalOcean stack has: App Platform has no IAM role to call SES's API, so mail
# goes out over SMTP with a login (SES's SMTP credentials, or any provider's).
SMTP_SECRETS: dict[str, str] = {
    "smtpUsername": "SMTP user name (e.g. the SES SMTP credentials' user name)",
    "smtpPassword": "SMTP password (e.g. the SES SMTP credentials' password)",
}
# Valkey on DigitalOcean generates its own password (the cluster's private URI carries it).
DO_REQUIRED_SECRETS: dict[str, str] = {k: v for k, v in REQUIRED_SECRETS.items() if k != "redisAuthToken"} | SMTP_SECRETS
DO_SECRET_KEYS: dict[str, str] = {k: v for k, v in SECRET_KEYS.items() if k != "redisAuthToken"} | SMTP_SECRETS
#: Port 25 is blocked for new DigitalOcean accounts (https://docs.digitalocean.com/support/why-is-smtp-blocked/)
#: and is the server-to-server relay port; submission ports (587, 2587, 2525; 465/2465 with implicit
#: TLS) are what SMTP providers offer applications (SES: https://docs.aws.amazon.com/ses/latest/dg/smtp-connect.html).
BLOCKED_SMTP_PORT = 25


class _Settings(BaseModel):
    model_config = DomainConfig.model_config  # the same strictness and camelCase keys as the AWS model


def _size_for(engine: str, nodes: int, size: str) -> str:
    sizes = ENGINES[engine].sizes.get(nodes)
    if sizes is None:
        raise ValueError(f"{engine} clusters come with {', '.join(map(str, sorted(ENGINES[engine].sizes)))} node(s), not {nodes}")
    if size not in sizes:
        raise ValueError(
            f"{size!r} is not a {engine} size for {nodes} node(s) (documented: {', '.join(sizes[:6])}, …; `doctl databases options slugs --engine {engine}`)"
        )
    return size


class DoDatabaseConfig(_Settings):
    """Managed PostgreSQL: one cluster, the app's five databases, a pool for the backend."""

    version: str = Field("16", description=f"PostgreSQL major version ({MIN_POSTGRES_MAJOR} or newer)")
    size: str = Field("db-s-1vcpu-2gb", description="node size slug")
    standby: bool = Field(False, description="a standby node (automatic failover); doubles the node cost")
    storage_size_mib: int | None = Field(None, ge=10240, description="extra storage beyond the size's included disk")
    pool_size: int = Field(10, ge=1, le=100, description="connections of each backend pool (one per logical database)")
    pool_mode: Literal["transaction", "session"] = Field("session", description="PgBouncer mode; session keeps the app's per-connection settings")
    maintenance_day: Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] = "sunday"
    maintenance_hour: str = Field("04:00", pattern=r"^([01]\d|2[0-3]):00$")

    @field_validator("version")
    @classmethod
    def _version(cls, value: str) -> str:
        if value not in ENGINES["pg"].versions or int(value) < MIN_POSTGRES_MAJOR:
            allowed = [v for v in ENGINES["pg"].versions if int(v) >= MIN_POSTGRES_MAJOR]
            raise ValueError(f"PostgreSQL {value!r} is not offered or too old: one of {', '.join(allowed)}")
        return value

    @model_validator(mode="after")
    def _size(self) -> DoDatabaseConfig:
        _size_for("pg", self.node_count, self.size)
        return self

    @property
    def node_count(self) -> int:
        return 2 if self.standby else 1


class DoClusterConfig(_Settings):
    """A managed Valkey or OpenSearch cluster (size slug and node count)."""

    version: str
    size: str
    node_count: int = Field(1, ge=1, le=6)


class DoCacheConfig(DoClusterConfig):
    """Managed Valkey: Django cache and the Celery broker."""

    version: str = "8"
    size: str = "db-s-1vcpu-1gb"
    eviction_policy: Literal["noeviction", "allkeys_lru", "volatile_lru"] = Field(
        "noeviction", description="noeviction: the broker's queues must never be evicted"
    )

    @model_validator(mode="after")
    def _slugs(self) -> DoCacheConfig:
        if self.version not in ENGINES["valkey"].versions:
            raise ValueError(f"Valkey {self.version!r} is not offered (one of {', '.join(ENGINES['valkey'].versions)})")
        _size_for("valkey", self.node_count, self.size)
        return self


class DoSearchConfig(DoClusterConfig):
    """Managed OpenSearch for catalogue search (OPENSEARCH_URL)."""

    version: str = "2"
    size: str = "db-s-1vcpu-2gb"

    @model_validator(mode="after")
    def _slugs(self) -> DoSearchConfig:
        if self.version not in ENGINES["opensearch"].versions:
            raise ValueError(f"OpenSearch {self.version!r} is not offered (one of {', '.join(ENGINES['opensearch'].versions)})")
        _size_for("opensearch", self.node_count, self.size)
        return self


class DoServiceConfig(ServiceCounts):
    """One App Platform component: counts (as on AWS) and its instance size slug."""

    instance_size_slug: str = "apps-s-1vcpu-1gb"

    @model_validator(mode="after")
    def _size(self) -> DoServiceConfig:
        if self.instance_size_slug not in APP_INSTANCE_SIZES:
            raise ValueError(f"{self.instance_size_slug!r} is not an App Platform size (one of {', '.join(APP_INSTANCE_SIZES)})")
        if self.min_count != self.max_count and not self.instance_size_slug.startswith("apps-d-"):
            raise ValueError("App Platform autoscales only dedicated-CPU sizes (apps-d-*): use one, or set minCount equal to maxCount")
        return self


class DoServicesConfig(_Settings):
    """Backend, worker and scheduler on App Platform: 3, 2 and exactly 1 instance (the seed)."""

    backend: DoServiceConfig = DoServiceConfig(min_count=3, max_count=3, instance_size_slug="apps-s-1vcpu-1gb")
    worker: DoServiceConfig = DoServiceConfig(min_count=2, max_count=2, instance_size_slug="apps-s-1vcpu-1gb")
    scheduler: DoServiceConfig = DoServiceConfig(min_count=1, max_count=1, instance_size_slug="apps-s-1vcpu-0.5gb")
    migration_size_slug: str = Field("apps-s-1vcpu-1gb", description="the PRE_DEPLOY migration job's size")

    @field_validator("scheduler")
    @classmethod
    def _one_beat(cls, value: DoServiceConfig) -> DoServiceConfig:
        if (value.min_count, value.max_count) != (1, 1):
            raise ValueError("Celery beat must run exactly one instance: minCount and maxCount must both be 1")
        return value

    @field_validator("migration_size_slug")
    @classmethod
    def _job_size(cls, value: str) -> str:
        if value not in APP_INSTANCE_SIZES:
            raise ValueError(f"{value!r} is not an App Platform size")
        return value

    def of(self, role: str) -> DoServiceConfig:
        return {"backend": self.backend, "worker": self.worker, "scheduler": self.scheduler}[role]


def _dns_name(value: str) -> str:
    DomainConfig(apex=value, api=value)  # the same DNS-name rule as the AWS model
    return value


DnsName = Annotated[str, AfterValidator(_dns_name)]


class DoCdnConfig(_Settings):
    """Spaces CDN in front of the static and media buckets."""

    ttl_seconds: Literal[60, 600, 3600, 86400, 604800] = 3600
    custom_domain: DnsName | None = Field(None, description="e.g. static.staging.coko.africa; a Let's Encrypt certificate needs the zone on DigitalOcean DNS")


class DoMediaConfig(_Settings):
    """Media (user uploads) stay private on Spaces: the app links them with presigned URLs on the bucket's endpoint."""

    # SigV4 presigned URLs live at most 7 days (https://docs.aws.amazon.com/cli/latest/reference/s3/presign.html).
    presigned_url_seconds: int = Field(3600, ge=60, le=604_800, description="lifetime of a media link (MEDIA_PRESIGNED_URL_SECONDS)")


class DoEmailConfig(_Settings):
    """Outgoing mail over SMTP (the login is the smtpUsername/smtpPassword secrets)."""

    host: DnsName | None = Field(None, description="SMTP server; default: SES's SMTP endpoint in the SES region the AWS stacks use")
    port: int = Field(587, ge=1, le=65535, description="STARTTLS, or implicit TLS on 465/2465; never 25")

    @field_validator("port")
    @classmethod
    def _port(cls, value: int) -> int:
        if value == BLOCKED_SMTP_PORT:
            raise ValueError("port 25 is blocked on DigitalOcean: use your provider's submission port (587, 2587, 2525, or 465 for implicit TLS)")
        return value


class DoRegistryConfig(_Settings):
    """DigitalOcean Container Registry: one per account, so its name is configurable."""

    name: str = Field("coko", pattern=r"^[a-z0-9-]{1,63}$")
    tier: str = "basic"
    region: str = "fra1"

    @field_validator("tier")
    @classmethod
    def _tier(cls, value: str) -> str:
        if value not in REGISTRY_TIERS:
            raise ValueError(f"{value!r} is not a registry tier ({', '.join(REGISTRY_TIERS)})")
        return value


class DoStackConfig(CommonStackConfig):
    """Everything under ``coko:`` for a DigitalOcean stack; the data center is ``coko:region``."""

    cloud: Literal["digitalocean"] = CLOUD
    region: str = Field(description="data center with App Platform, e.g. fra1")
    environment: str = Field("staging", description="passed to the app as ENVIRONMENT")
    vpc_ip_range: str = Field("10.20.0.0/20", description="the VPC's private range")
    domain: DomainConfig = DomainConfig(apex="coko.africa", api="api.staging.coko.africa")
    database: DoDatabaseConfig = DoDatabaseConfig()
    cache: DoCacheConfig = DoCacheConfig()
    search: DoSearchConfig = DoSearchConfig()
    services: DoServicesConfig = DoServicesConfig()
    cdn: DoCdnConfig = DoCdnConfig()
    media: DoMediaConfig = DoMediaConfig()
    email: DoEmailConfig = DoEmailConfig()
    registry: DoRegistryConfig = DoRegistryConfig()

    role: Literal["standalone"] = ROLE
    primary_stack: None = None  # no cross-stack reference: the offline runner asks every stack

    @property
    def is_primary(self) -> bool:
        return False

    @property
    def app_region(self) -> str:
        """The App Platform region slug of the data center (fra1 -> fra)."""
        return APP_DATACENTERS[self.region]

    @property
    def tags(self) -> list[str]:
        """DigitalOcean tags are plain strings (letters, digits, ':', '-', '_'): ``Key:value``."""
        return [f"{key}:{value}" for key, value in names.stack_tags(self.stack, ROLE, self.owner).items()]


def do_problems(data: Mapping[str, Any]) -> list[str]:
    """Region and cross-field rules on the raw values, shown beside the field errors."""
    region = data.get("region")
    problems = []
    if region is None:
        problems.append(f"{REGION_KEY}: required setting is missing (a data center with App Platform, e.g. fra1)")
    elif region not in APP_DATACENTERS:
        problems.append(f"{REGION_KEY}: {region!r} has no App Platform (data centers that do: {', '.join(sorted(APP_DATACENTERS))})")
    domain = data.get("domain")
    if isinstance(domain, Mapping) and domain.get("hostedZoneId"):
        problems.append(
            f"{names.PROJECT}:domain.hostedZoneId: a Route 53 zone belongs to AWS stacks; on DigitalOcean add the CNAME records by hand or use DigitalOcean DNS"
        )
    image = data.get("image")
    if isinstance(image, Mapping) and image.get("platform", "linux/amd64") != "linux/amd64":
        problems.append(f"{names.PROJECT}:image.platform: App Platform runs linux/amd64 images only")
    return problems
