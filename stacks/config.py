"""Typed stack configuration: the one pydantic model of every ``coko:`` setting.

Each default and bound lives here and nowhere else: components take these sub-models (or plain
values without defaults). Reading files and engine config is :mod:`stacks.config_source`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, field_validator

from coko_contract import names
from coko_contract.names import PROJECT
from components.settings import (
    FARGATE_MEMORY,
    AutoscalingConfig,
    CacheConfig,
    CdnConfig,
    DatabaseConfig,
    DomainConfig,
    ImageConfig,
    LifecycleConfig,
    MonitoringConfig,
    NetworkConfig,
    SearchConfig,
    ServiceConfig,
    ServicesConfig,
    Settings,
    StorageConfig,
    WafConfig,
)

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

# Global edge resources (CloudFront's certificate and WAF, and logs a secondary may not keep in the primary's region).
EDGE_REGION = "us-east-1"
ALLOWED_REGIONS: dict[str, set[str]] = {
    "primary": {"eu-west-3", "eu-central-1"},  # the seed: Paris (or Frankfurt)
    "secondary": {"af-south-1"},  # the seed: Cape Town
}
__all__ = [
    "FARGATE_MEMORY",
    "AutoscalingConfig",
    "CacheConfig",
    "CdnConfig",
    "DatabaseConfig",
    "DomainConfig",
    "ImageConfig",
    "LifecycleConfig",
    "MonitoringConfig",
    "NetworkConfig",
    "SearchConfig",
    "ServiceConfig",
    "ServicesConfig",
    "StorageConfig",
    "WafConfig",
]


class DisasterRecoveryConfig(Settings):
    """Cross-region recovery. The primary replicates its database credentials, media and backups
    to the secondary stack's region; the secondary alarms when its replica falls behind."""

    secondary_stack: str | None = Field(None, description="primary only: the secondary's stack name (its physical names are derived from it)")
    secondary_region: str | None = Field(None, description="primary only: the secondary's region")
    replicate: bool = Field(True, description="primary only: false only for the first deployment, before the secondary exists (see docs/failover.md)")
    promoted: bool = Field(False, description="secondary only: true once `coko failover` has promoted the replica; `pulumi up` then describes the standalone database")
    replica_lag_alarm_seconds: int = Field(60, ge=1, le=3600, description="secondary: ReplicaLag alarm threshold (the RPO guard)")
    backup_retention_days: int = Field(35, ge=7, le=35 * 3, description="AWS Backup: days each recovery point (and its cross-region copy) is kept")

    @field_validator("secondary_stack")
    @classmethod
    def _stack_name(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[a-z][a-z0-9-]{0,19}", value):
            raise ValueError(f"{value!r} is not a stack name (lowercase letters, digits and '-', at most 20)")
        return value


class CommonStackConfig(Settings):
    """What every stack's model holds, whatever its cloud: the stack's name and owner, the image,
    the storage lifecycle and the alert thresholds (one definition for AWS and DigitalOcean)."""

    stack: str = Field(exclude=True)
    owner: str = Field("platform", description="Owner tag on every resource")
    storage: StorageConfig = StorageConfig()
    image: ImageConfig = ImageConfig()
    monitoring: MonitoringConfig = MonitoringConfig()
    secret_keys: frozenset[str] = Field(default=frozenset(), exclude=True)

    @property
    def name(self) -> str:
        """``coko-<stack>``: the prefix of every resource name of this stack."""
        return names.prefix(self.stack)


class StackConfig(CommonStackConfig):
    """Everything under the `coko:` namespace plus the stack's AWS region."""

    region: str
    role: Literal["primary", "secondary"] = Field(description="primary owns the writable database; secondary runs a read replica")
    environment: str = Field("production", description="passed to the app as ENVIRONMENT")
    cloud: Literal["aws"] = Field("aws", description="which cloud the stack deploys to (chooses the stack builder)")
    primary_stack: str | None = Field(None, description="secondary only: the primary's fully qualified stack, <org>/coko/<stack>, for the StackReference")
    domain: DomainConfig = DomainConfig()
    network: NetworkConfig = NetworkConfig()
    database: DatabaseConfig = DatabaseConfig()
    cache: CacheConfig = CacheConfig()
    search: SearchConfig = SearchConfig()
    services: ServicesConfig = ServicesConfig()
    autoscaling: AutoscalingConfig = AutoscalingConfig()
    cdn: CdnConfig = CdnConfig()
    waf: WafConfig = WafConfig()
    disaster_recovery: DisasterRecoveryConfig = DisasterRecoveryConfig()
    lifecycle: LifecycleConfig = LifecycleConfig()

    @property
    def is_primary(self) -> bool:
        return self.role == "primary"

    @property
    def cdn_log_region(self) -> str:
        """A secondary must not depend on the primary's region, and CloudFront can't log to an opt-in one."""
        return self.cdn.log_bucket_region or (self.region if self.is_primary else EDGE_REGION)

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
    cdn = data.get("cdn")
    log_region = cdn.get("logBucketRegion") if isinstance(cdn, Mapping) else None
    if role == "secondary" and log_region in ALLOWED_REGIONS["primary"]:
        problems.append(f"{PROJECT}:cdn.logBucketRegion: a secondary stack must not depend on a primary region ({log_region}); use {EDGE_REGION}")
    dr = data.get("disasterRecovery")
    if isinstance(dr, Mapping):
        given = {key for key in ("secondaryStack", "secondaryRegion") if dr.get(key)}
        if role == "secondary" and given:
            problems.append(f"{PROJECT}:disasterRecovery: {', '.join(sorted(given))} belong to the primary stack's file")
        elif role == "primary" and len(given) == 1:
            problems.append(f"{PROJECT}:disasterRecovery: secondaryStack and secondaryRegion go together")
        if role == "primary" and dr.get("promoted"):
            problems.append(f"{PROJECT}:disasterRecovery.promoted: only a secondary stack is promoted")
        secondary_region = dr.get("secondaryRegion")
        if role == "primary" and secondary_region and secondary_region not in ALLOWED_REGIONS["secondary"]:
            problems.append(f"{PROJECT}:disasterRecovery.secondaryRegion: {secondary_region!r} is not a secondary region ({', '.join(sorted(ALLOWED_REGIONS['secondary']))})")
    return problems
