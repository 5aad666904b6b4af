"""Typed stack configuration: the one pydantic model of every ``coko:`` setting.

Each default and bound lives here and nowhere else: components take these sub-models (or plain
values without defaults). Reading files and engine config is :mod:`stacks.config_source`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from functools import partial
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

from coko_contract import names
from coko_contract.names import PROJECT

# The secrets the app needs; each must be a `secure:` value in the stack file.
REQUIRED_SECRETS: dict[str, str] = {
    "djangoSecretKey": "Django SECRET_KEY",
    "redisAuthToken": "ElastiCache AUTH token (16-128 printable characters)",
    "orangeMoneyApiKey": "Orange Money API key",
    "orangeMoneySecret": "Orange Money secret",
    "mtnMomoApiKey": "MTN MoMo API key",
    "mtnMomoSecret": "MTN MoMo secret",
    "waveApiKey": "Wave API key",
    "waveSecret": "Wave secret",
}
OPTIONAL_SECRETS: dict[str, str] = {"sentryDsn": "Sentry DSN (error reporting is off without it)"}
SECRET_KEYS = {**REQUIRED_SECRETS, **OPTIONAL_SECRETS}

ALLOWED_REGIONS: dict[str, set[str]] = {
    "primary": {"eu-west-3", "eu-central-1"},  # the seed: Paris (or Frankfurt)
    "secondary": {"af-south-1"},  # the seed: Cape Town
}
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


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, populate_by_name=True, frozen=True)


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


class NetworkConfig(_Model):
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


class DomainConfig(_Model):
    """Public names. The hosted zone is optional: without it, DNS records are left to the user."""

    apex: str = "coko.africa"
    api: str = "api.coko.africa"
    hosted_zone_id: str | None = None

    @field_validator("apex", "api")
    @classmethod
    def _domain(cls, value: str) -> str:
        if not _DOMAIN.match(value):
            raise ValueError(f"{value!r} is not a valid DNS name")
        return value


class DatabaseConfig(_Model):
    """RDS PostgreSQL; windows and retention from the seed."""

    instance_class: DbInstanceClass = "db.r6g.large"
    engine_version: str = "15.8"
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
        return self


class CacheConfig(_Model):
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


class SearchConfig(_Model):
    """OpenSearch domain (the seed's Elasticsearch)."""

    engine_version: str = "OpenSearch_2.19"
    instance_type: SearchInstanceType = "r6g.large.search"
    instance_count: int = Field(2, ge=1, le=10)
    volume_size_gb: int = Field(20, ge=10, le=1024)
    log_retention_days: RetentionDays = 30



class StorageConfig(_Model):
    """S3 buckets for static and media files."""

    noncurrent_version_expiration_days: int = Field(30, ge=1)
    cors_origins: list[str] = ["https://coko.africa"]


class ServiceConfig(_Model):
    """One ECS service (backend, worker or scheduler).

    Autoscaling owns the running count: the service starts with ``minCount`` tasks and scales
    between ``minCount`` and ``maxCount``. There is no desired count to set (it would be
    ignored after creation); raise ``minCount`` to run more tasks now.
    """

    min_count: int = Field(ge=1, description="tasks at creation and the autoscaling floor")
    max_count: int = Field(ge=1, description="the autoscaling ceiling")
    cpu: int = 512
    memory: int = 1024

    @model_validator(mode="before")
    @classmethod
    def _no_desired_count(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and ("desiredCount" in data or "desired_count" in data):
            raise ValueError("desiredCount is not a setting: autoscaling owns the running count; set minCount (the count at creation and the floor) and maxCount")
        return data

    @model_validator(mode="after")
    def _counts(self) -> ServiceConfig:
        problems = []
        if self.min_count > self.max_count:
            problems.append(f"minCount ({self.min_count}) is above maxCount ({self.max_count})")
        if self.cpu not in FARGATE_MEMORY:
            problems.append(f"cpu {self.cpu} is not a Fargate size ({', '.join(map(str, FARGATE_MEMORY))})")
        elif self.memory not in FARGATE_MEMORY[self.cpu]:
            allowed = FARGATE_MEMORY[self.cpu]
            problems.append(f"memory {self.memory} is not valid with cpu {self.cpu} on Fargate ({allowed.start}..{allowed.stop - 1} step {allowed.step})")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class ServicesConfig(_Model):
    """The three roles of the one image; task counts from the seed (3 backend, 2 workers, 1 beat).
    Per role: minCount (tasks at creation and the autoscaling floor), maxCount, cpu, memory.
    There is no desiredCount: autoscaling owns the running count."""

    backend: ServiceConfig = ServiceConfig(min_count=3, max_count=10, cpu=512, memory=1024)
    worker: ServiceConfig = ServiceConfig(min_count=2, max_count=6, cpu=512, memory=1024)
    scheduler: ServiceConfig = ServiceConfig(min_count=1, max_count=1, cpu=256, memory=512)
    log_retention_days: RetentionDays = 30

    @field_validator("scheduler")
    @classmethod
    def _one_beat(cls, value: ServiceConfig) -> ServiceConfig:
        if (value.min_count, value.max_count) != (1, 1):
            raise ValueError("Celery beat must run exactly one task: minCount and maxCount must both be 1")
        return value

    def of(self, role: str) -> ServiceConfig:
        return {"backend": self.backend, "worker": self.worker, "scheduler": self.scheduler}[role]


class AutoscalingConfig(_Model):
    """Target tracking from the seed: CPU 70 %, memory 80 %, 300 s cooldowns."""

    cpu_target: float = Field(70.0, gt=0, le=100)
    memory_target: float = Field(80.0, gt=0, le=100)
    scale_in_cooldown_seconds: int = Field(300, ge=0)
    scale_out_cooldown_seconds: int = Field(300, ge=0)


class ImageConfig(_Model):
    """How `pulumi up` builds app/. Without a tag, the git SHA is used."""

    tag: str | None = None
    platform: Literal["linux/amd64", "linux/arm64"] = "linux/amd64"

    @field_validator("tag")
    @classmethod
    def _tag(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}", value):
            raise ValueError(f"{value!r} is not a valid image tag")
        return value


class CdnConfig(_Model):
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
    # CloudFront cannot log to a bucket in an opt-in region (af-south-1): logs go here.
    log_bucket_region: str = "eu-west-3"

    @field_validator("log_bucket_region")
    @classmethod
    def _log_region(cls, value: str) -> str:
        if value in ALLOWED_REGIONS["secondary"]:
            raise ValueError(f"CloudFront cannot deliver access logs to {value} (an opt-in region); use eu-west-3")
        return value


class WafConfig(_Model):
    """Rate limits equivalent to the seed's Nginx zones, per client IP."""

    api_requests_per_second: int = Field(10, ge=1)
    auth_requests_per_second: int = Field(5, ge=1)
    evaluation_window_seconds: Literal[60, 120, 300, 600] = 60
    log_retention_days: RetentionDays = 90



class MonitoringConfig(_Model):
    """Alarm thresholds from the seed's Prometheus rules."""

    alert_email: str | None = None
    error_rate_per_second: float = 0.1
    p95_latency_seconds: float = 1.0
    db_connections: int = 80
    memory_percent: float = Field(90.0, gt=0, lt=100)
    cpu_percent: float = Field(90.0, gt=0, lt=100)
    storage_percent: float = Field(80.0, gt=0, lt=100)


class DisasterRecoveryConfig(_Model):
    """Cross-region recovery. The primary replicates its database credentials, media and backups
    to the secondary stack's region; the secondary alarms when its replica falls behind."""

    secondary_stack: str | None = Field(None, description="primary only: the secondary's stack name (its physical names are derived from it)")
    secondary_region: str | None = Field(None, description="primary only: the secondary's region")
    replicate: bool = Field(True, description="primary only: false only for the first deployment, before the secondary exists (see docs/failover.md)")
    replica_lag_alarm_seconds: int = Field(60, ge=1, le=3600, description="secondary: ReplicaLag alarm threshold (the RPO guard)")
    backup_retention_days: int = Field(35, ge=7, le=35 * 3, description="AWS Backup: days each recovery point (and its cross-region copy) is kept")

    @field_validator("secondary_stack")
    @classmethod
    def _stack_name(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[a-z][a-z0-9-]{0,19}", value):
            raise ValueError(f"{value!r} is not a stack name (lowercase letters, digits and '-', at most 20)")
        return value


class StackConfig(_Model):
    """Everything under the `coko:` namespace plus the stack's AWS region."""

    stack: str = Field(exclude=True)
    region: str
    role: Literal["primary", "secondary"] = Field(description="primary owns the writable database; secondary runs a read replica")
    environment: str = Field("production", description="passed to the app as ENVIRONMENT")
    owner: str = Field("platform", description="Owner tag on every resource")
    cloud: Literal["aws"] = Field("aws", description="which cloud the stack deploys to (chooses the stack builder)")
    primary_stack: str | None = Field(None, description="secondary only: the primary's fully qualified stack, <org>/coko/<stack>, for the StackReference")
    domain: DomainConfig = DomainConfig()
    network: NetworkConfig = NetworkConfig()
    database: DatabaseConfig = DatabaseConfig()
    cache: CacheConfig = CacheConfig()
    search: SearchConfig = SearchConfig()
    storage: StorageConfig = StorageConfig()
    services: ServicesConfig = ServicesConfig()
    autoscaling: AutoscalingConfig = AutoscalingConfig()
    image: ImageConfig = ImageConfig()
    cdn: CdnConfig = CdnConfig()
    waf: WafConfig = WafConfig()
    monitoring: MonitoringConfig = MonitoringConfig()
    disaster_recovery: DisasterRecoveryConfig = DisasterRecoveryConfig()
    secret_keys: frozenset[str] = Field(default=frozenset(), exclude=True)

    @property
    def is_primary(self) -> bool:
        return self.role == "primary"

    @property
    def name(self) -> str:
        """``coko-<stack>``: the prefix of every resource name of this stack."""
        return names.prefix(self.stack)

    @property
    def tags(self) -> dict[str, str]:
        """Tags on every taggable resource; the ops CLI finds services by them."""
        return names.stack_tags(self.stack, self.role, self.owner)


_STACK_REF = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9_.-]*/{PROJECT}/[A-Za-z0-9_.-]+$")


def role_problems(data: Mapping[str, Any]) -> list[str]:
    """Region and cross-stack rules, checked on the raw values so they show beside field errors."""
    region, role = data.get("region"), data.get("role")
    if region is None:
        return ["aws:region: required setting is missing"]
    problems = []
    if role in ALLOWED_REGIONS and region not in ALLOWED_REGIONS[role]:
        allowed = ", ".join(sorted(ALLOWED_REGIONS[role]))
        problems.append(f"aws:region: {region!r} is not allowed for a {role} stack (allowed: {allowed})")
    primary_stack = data.get("primaryStack")
    example = f"set it to <org>/{PROJECT}/production, where <org> is your Pulumi organization (or `organization` on a self-managed backend)"
    if role == "secondary" and not primary_stack:
        problems.append(f"{PROJECT}:primaryStack: a secondary stack needs it to find the source database; {example}")
    elif role == "secondary" and not (isinstance(primary_stack, str) and _STACK_REF.match(primary_stack)):
        problems.append(f"{PROJECT}:primaryStack: {primary_stack!r} is not a fully qualified stack name; {example}")
    if role == "primary" and primary_stack:
        problems.append(f"{PROJECT}:primaryStack: only a secondary stack refers to a primary")
    dr = data.get("disasterRecovery")
    if isinstance(dr, Mapping):
        given = {key for key in ("secondaryStack", "secondaryRegion") if dr.get(key)}
        if role == "secondary" and given:
            problems.append(f"{PROJECT}:disasterRecovery: {', '.join(sorted(given))} belong to the primary stack's file")
        elif role == "primary" and len(given) == 1:
            problems.append(f"{PROJECT}:disasterRecovery: secondaryStack and secondaryRegion go together")
        secondary_region = dr.get("secondaryRegion")
        if role == "primary" and secondary_region and secondary_region not in ALLOWED_REGIONS["secondary"]:
            problems.append(f"{PROJECT}:disasterRecovery.secondaryRegion: {secondary_region!r} is not a secondary region ({', '.join(sorted(ALLOWED_REGIONS['secondary']))})")
    return problems
