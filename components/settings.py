"""Settings of the components: one pydantic model per concern, each default and bound defined once.

The stack's config model (stacks/config.py) is made of these; components take them as they are,
so a default never lives in two places. Pure pydantic: importing this never imports Pulumi.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from functools import partial
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel


class Settings(BaseModel):
    """Strict (unknown keys refused), camelCase in stack files, immutable."""

    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, populate_by_name=True, frozen=True)


# Regions a customer must enable first; CloudFront cannot deliver logs to a bucket in one.
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging-legacy-s3.html
OPT_IN_REGIONS = frozenset({"af-south-1", "ap-east-1", "ap-south-2", "ap-southeast-3", "ap-southeast-4", "eu-south-1", "eu-south-2", "eu-central-2", "me-south-1", "me-central-1", "il-central-1", "ca-west-1"})
# CloudWatch Logs accepts only these retention values.
LOG_RETENTION_DAYS = {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}
# Valid Fargate cpu -> memory (MiB) combinations.
FARGATE_MEMORY: dict[int, range] = {
    256: range(512, 2049, 512),
    512: range(1024, 4097, 1024),
    1024: range(2048, 8193, 1024),
    2048: range(4096, 16385, 1024),
    4096: range(8192, 30721, 1024),
}
DB_FAMILIES = {"t3", "t4g", "m5", "m6g", "m6i", "m7g", "r5", "r6g", "r6i", "r7g"}
CACHE_FAMILIES = {"t3", "t4g", "m5", "m6g", "m7g", "r5", "r6g", "r7g"}
SEARCH_FAMILIES = {"t3", "m5", "m6g", "r5", "r6g", "c5", "c6g"}
_WINDOW = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")
_DAY_WINDOW = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def _instance_family(value: str, prefix: str, suffix: str, families: set[str], what: str) -> str:
    parts = value.removeprefix(prefix).removesuffix(suffix).split(".")
    if not value.startswith(prefix) or not value.endswith(suffix) or len(parts) != 2 or parts[0] not in families:
        raise ValueError(f"{value!r} is not a {what} instance class (expected {prefix}<family>.<size>{suffix}, family one of {', '.join(sorted(families))})")
    return value


def _log_retention(value: int) -> int:
    if value not in LOG_RETENTION_DAYS:
        raise ValueError(f"{value} is not a CloudWatch retention value (one of {sorted(LOG_RETENTION_DAYS)})")
    return value


RetentionDays = Annotated[int, AfterValidator(_log_retention)]
DbInstanceClass = Annotated[str, AfterValidator(partial(_instance_family, prefix="db.", suffix="", families=DB_FAMILIES, what="RDS"))]
CacheNodeType = Annotated[str, AfterValidator(partial(_instance_family, prefix="cache.", suffix="", families=CACHE_FAMILIES, what="ElastiCache"))]
SearchInstanceType = Annotated[str, AfterValidator(partial(_instance_family, prefix="", suffix=".search", families=SEARCH_FAMILIES, what="OpenSearch"))]


class NetworkConfig(Settings):
    """VPC layout: one subnet per AZ in each tier."""

    cidr: str = "10.0.0.0/16"
    az_count: int = Field(2, ge=2, le=3)
    public_subnets: list[str] = ["10.0.1.0/24", "10.0.2.0/24"]
    private_subnets: list[str] = ["10.0.10.0/24", "10.0.11.0/24"]
    data_subnets: list[str] = ["10.0.20.0/24", "10.0.21.0/24"]
    nat_strategy: Literal["per-az", "single"] = "per-az"
    flow_log_retention_days: RetentionDays = 90

    @field_validator("cidr")
    @classmethod
    def _cidr(cls, value: str) -> str:
        try:
            net = ipaddress.ip_network(value, strict=True)
        except ValueError as exc:
            raise ValueError(f"invalid CIDR {value!r}: {exc}") from None
        if net.version != 4 or not net.is_private or not 16 <= net.prefixlen <= 24:
            raise ValueError(f"{value!r} must be a private IPv4 range between /16 and /24")
        return value

    @field_validator("public_subnets", "private_subnets", "data_subnets")
    @classmethod
    def _subnets(cls, values: list[str]) -> list[str]:
        for value in values:
            try:
                ipaddress.ip_network(value, strict=True)
            except ValueError as exc:
                raise ValueError(f"invalid CIDR {value!r}: {exc}") from None
        return values

    @model_validator(mode="after")
    def _layout(self) -> NetworkConfig:
        vpc = ipaddress.ip_network(self.cidr)
        tiers = {"publicSubnets": self.public_subnets, "privateSubnets": self.private_subnets, "dataSubnets": self.data_subnets}
        problems: list[str] = []
        seen: list[tuple[str, ipaddress.IPv4Network | ipaddress.IPv6Network]] = []
        for tier, cidrs in tiers.items():
            if len(cidrs) != self.az_count:
                problems.append(f"{tier} has {len(cidrs)} subnets but azCount is {self.az_count} (one per AZ)")
            for cidr in cidrs:
                net = ipaddress.ip_network(cidr)
                if not net.subnet_of(vpc):  # type: ignore[arg-type]
                    problems.append(f"{tier} {cidr} is outside the VPC range {self.cidr}")
                for other_name, other in seen:
                    if net.overlaps(other):
                        problems.append(f"{tier} {cidr} overlaps {other_name} {other}")
                seen.append((f"{tier}", net))
        if problems:
            raise ValueError("; ".join(problems))
        return self


class DomainConfig(Settings):
    """Public names. The hosted zone is optional: without it, DNS records are left to the user."""

    apex: str = "coko.africa"
    api: str = "api.coko.africa"
    hosted_zone_id: str | None = None
    primary_api: str | None = Field(None, description="secondary only: the primary's API name, which this region's ALB also answers for after a failover")

    @field_validator("apex", "api", "primary_api")
    @classmethod
    def _domain(cls, value: str | None) -> str | None:
        if value is not None and not _DOMAIN.match(value):
            raise ValueError(f"{value!r} is not a valid DNS name")
        return value


class DatabaseConfig(Settings):
    """RDS PostgreSQL; windows and retention from the seed."""

    instance_class: DbInstanceClass = "db.r6g.large"
    # The major only: with automatic minor upgrades on, a pinned minor (15.8) makes the next `up`
    # try to downgrade after AWS upgrades the instance, and RDS refuses.
    engine_version: str = Field("15", description="PostgreSQL major version (a minor only with autoMinorVersionUpgrade false)")
    auto_minor_version_upgrade: bool = True
    allocated_storage_gb: int = Field(20, ge=20, le=65536)
    max_allocated_storage_gb: int = Field(100, ge=20, le=65536)
    backup_retention_days: int = Field(7, ge=7, le=35)
    backup_window: str = "03:00-04:00"
    maintenance_window: str = "sun:04:00-sun:05:00"
    multi_az: bool = True
    deletion_protection: bool = True
    performance_insights: bool = True
    monitoring_interval_seconds: Literal[1, 5, 10, 15, 30, 60] = 60
    log_retention_days: RetentionDays = 30
    # log_min_duration_statement: statements slower than this are logged (ms).
    slow_query_ms: int = Field(500, ge=0, le=60000)

    @field_validator("engine_version")
    @classmethod
    def _engine(cls, value: str) -> str:
        major = value.split(".")[0]
        if not major.isdigit() or int(major) < 15:
            raise ValueError(f"PostgreSQL {value!r} is too old: 15 or newer is required")
        return value

    @field_validator("backup_window")
    @classmethod
    def _backup_window(cls, value: str) -> str:
        if not _WINDOW.match(value):
            raise ValueError(f"{value!r} is not a window like 03:00-04:00 (UTC)")
        return value

    @field_validator("maintenance_window")
    @classmethod
    def _maintenance_window(cls, value: str) -> str:
        if not _DAY_WINDOW.match(value):
            raise ValueError(f"{value!r} is not a window like sun:04:00-sun:05:00 (UTC)")
        return value

    @model_validator(mode="after")
    def _storage(self) -> DatabaseConfig:
        if self.max_allocated_storage_gb < self.allocated_storage_gb:
            raise ValueError(f"maxAllocatedStorageGb ({self.max_allocated_storage_gb}) is below allocatedStorageGb ({self.allocated_storage_gb})")
        if "." in self.engine_version and self.auto_minor_version_upgrade:
            major = self.engine_version.split(".")[0]
            raise ValueError(
                f"engineVersion {self.engine_version!r} pins a minor version while autoMinorVersionUpgrade is on: "
                f"set engineVersion to {major!r}, or autoMinorVersionUpgrade to false"
            )
        return self


class CacheConfig(Settings):
    """ElastiCache replication group for the Django cache and the Celery broker."""

    engine: Literal["redis", "valkey"] = "valkey"
    engine_version: str = "7.2"
    node_type: CacheNodeType = "cache.r6g.large"
    num_nodes: int = Field(2, ge=1, le=6)
    snapshot_retention_days: int = Field(7, ge=1, le=35)
    snapshot_window: str = "02:00-03:00"
    maintenance_window: str = "sun:05:00-sun:06:00"
    # Retention of the slow-log log group ElastiCache delivers to.
    log_retention_days: RetentionDays = 30


class SearchConfig(Settings):
    """OpenSearch domain (the seed's Elasticsearch)."""

    engine_version: str = "OpenSearch_2.19"
    instance_type: SearchInstanceType = "r6g.large.search"
    instance_count: int = Field(2, ge=1, le=10)
    volume_size_gb: int = Field(20, ge=10, le=1024)
    log_retention_days: RetentionDays = 30
    dedicated_master_count: Literal[0, 3, 5] = Field(0, description="dedicated master nodes (3 in production: elections survive losing a zone)")
    dedicated_master_type: SearchInstanceType = "m6g.large.search"
    admin_principal_arns: list[str] = Field(
        [], description="IAM roles/users allowed to assume the OpenSearch admin role; empty: principals tagged coko-search-admin=true"
    )

    @field_validator("engine_version")
    @classmethod
    def _engine(cls, value: str) -> str:
        if not re.fullmatch(r"OpenSearch_\d+\.\d+", value):
            raise ValueError(f"{value!r} is not an OpenSearch engine version (OpenSearch_<major>.<minor>)")
        return value



class StorageConfig(Settings):
    """S3 buckets for static and media files."""

    noncurrent_version_expiration_days: int = Field(30, ge=1)
    abort_incomplete_multipart_days: int = Field(7, ge=1)
    cors_origins: list[str] = ["https://coko.africa"]

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, values: list[str]) -> list[str]:
        bad = [o for o in values if not o.startswith("https://") or o.endswith("/")]
        if bad:
            raise ValueError(f"CORS origins must be https://host without a trailing slash: {bad}")
        return values


class ServiceCounts(Settings):
    """How many copies of one role run, on any cloud (the DigitalOcean model reuses it).

    Autoscaling owns the running count: the service starts with ``minCount`` tasks and scales
    between ``minCount`` and ``maxCount``. There is no desired count to set (it would be
    ignored after creation); raise ``minCount`` to run more tasks now.
    """

    min_count: int = Field(ge=1, description="tasks at creation and the autoscaling floor")
    max_count: int = Field(ge=1, description="the autoscaling ceiling")

    @model_validator(mode="before")
    @classmethod
    def _no_desired_count(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and ("desiredCount" in data or "desired_count" in data):
            raise ValueError("desiredCount is not a setting: autoscaling owns the running count; set minCount (the count at creation and the floor) and maxCount")
        return data

    @model_validator(mode="after")
    def _min_below_max(self) -> ServiceCounts:
        if self.min_count > self.max_count:
            raise ValueError(f"minCount ({self.min_count}) is above maxCount ({self.max_count})")
        return self


class ServiceConfig(ServiceCounts):
    """One ECS service (backend, worker or scheduler): its counts and Fargate size."""

    cpu: int = 512
    memory: int = 1024

    @model_validator(mode="after")
    def _counts(self) -> ServiceConfig:
        problems = []
        if self.cpu not in FARGATE_MEMORY:
            problems.append(f"cpu {self.cpu} is not a Fargate size ({', '.join(map(str, FARGATE_MEMORY))})")
        elif self.memory not in FARGATE_MEMORY[self.cpu]:
            allowed = FARGATE_MEMORY[self.cpu]
            problems.append(f"memory {self.memory} is not valid with cpu {self.cpu} on Fargate ({allowed.start}..{allowed.stop - 1} step {allowed.step})")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class ServicesConfig(Settings):
    """The three roles of the app image and the reader frontend (app/web); task counts from the seed
    (3 backend, 2 workers, 1 beat, 3 web replicas). Per service: minCount (tasks at creation and the
    autoscaling floor), maxCount, cpu, memory. There is no desiredCount: autoscaling owns the running count."""

    backend: ServiceConfig = ServiceConfig(min_count=3, max_count=10, cpu=512, memory=1024)
    worker: ServiceConfig = ServiceConfig(min_count=2, max_count=6, cpu=512, memory=1024)
    scheduler: ServiceConfig = ServiceConfig(min_count=1, max_count=1, cpu=256, memory=512)
    # Next.js standalone server: one Node process per task, pages and data cached in memory (Next's
    # 50 MB LRU, docs/web.md), so 1 GiB leaves the V8 heap room; half a vCPU renders the small pages.
    web: ServiceConfig = ServiceConfig(min_count=3, max_count=10, cpu=512, memory=1024)
    log_retention_days: RetentionDays = 30

    @field_validator("scheduler")
    @classmethod
    def _one_beat(cls, value: ServiceConfig) -> ServiceConfig:
        if (value.min_count, value.max_count) != (1, 1):
            raise ValueError("Celery beat must run exactly one task: minCount and maxCount must both be 1")
        return value

    def of(self, role: str) -> ServiceConfig:
        return {"backend": self.backend, "worker": self.worker, "scheduler": self.scheduler, "web": self.web}[role]


class AutoscalingConfig(Settings):
    """Target tracking from the seed: CPU 70 %, memory 80 %, 300 s cooldowns."""

    cpu_target: float = Field(70.0, gt=0, le=100)
    memory_target: float = Field(80.0, gt=0, le=100)
    scale_in_cooldown_seconds: int = Field(300, ge=0)
    scale_out_cooldown_seconds: int = Field(300, ge=0)


class ImageConfig(Settings):
    """How `pulumi up` builds app/. Without a tag, the git SHA is used."""

    tag: str | None = None
    platform: Literal["linux/amd64", "linux/arm64"] = "linux/amd64"

    @field_validator("tag")
    @classmethod
    def _tag(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}", value):
            raise ValueError(f"{value!r} is not a valid image tag")
        return value


class CdnConfig(Settings):
    """CloudFront. PriceClass_100 has no African edge location, so it is refused."""

    price_class: Literal["PriceClass_200", "PriceClass_All"] = "PriceClass_All"
    default_ttl: int = 3600
    max_ttl: int = 86400
    static_default_ttl: int = 86400
    static_max_ttl: int = 31536000
    # /media/*: the seed's Nginx `expires 30d`.
    media_default_ttl: int = 2592000
    # The primary's distribution also answers for the apex domain (off if the apex lives elsewhere, e.g. Vercel).
    serve_apex: bool = True
    log_bucket_region: str | None = Field(
        None, description="where CloudFront access logs go; default: the stack's region for a primary, us-east-1 for a secondary (never an opt-in region)"
    )

    @field_validator("log_bucket_region")
    @classmethod
    def _log_region(cls, value: str | None) -> str | None:
        if value in OPT_IN_REGIONS:
            raise ValueError(f"CloudFront cannot deliver access logs to {value} (an opt-in region); use us-east-1")
        return value


class WafConfig(Settings):
    """Rate limits equivalent to the seed's Nginx zones, per client IP."""

    api_requests_per_second: int = Field(10, ge=1)
    auth_requests_per_second: int = Field(5, ge=1)
    evaluation_window_seconds: Literal[60, 120, 300, 600] = 60
    log_retention_days: RetentionDays = 90



class LifecycleConfig(Settings):
    """Protection of stateful resources (databases, caches, search, buckets, keys, secrets, vaults)."""

    protect: bool = Field(True, description="Pulumi refuses to delete or replace them until `pulumi state unprotect`; false only for throwaway stacks")


class MonitoringConfig(Settings):
    """Alarm thresholds from the seed's Prometheus rules."""

    alert_email: str | None = None
    error_rate_per_second: float = 0.1
    p95_latency_seconds: float = 1.0
    db_connections: int = 80
    memory_percent: float = Field(90.0, gt=0, lt=100)
    cpu_percent: float = Field(90.0, gt=0, lt=100)
    storage_percent: float = Field(80.0, gt=0, lt=100)


