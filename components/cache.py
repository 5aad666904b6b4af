"""Cache: an ElastiCache (Valkey or Redis) replication group for the Django cache and Celery.

One replication group serves both, so it keeps the engine's default ``volatile-lru`` eviction:
cache entries (which always carry a TTL) can be evicted under memory pressure, Celery's queue keys
(no TTL) never are. TLS in transit and an AUTH token are mandatory; the app gets the whole
``rediss://`` URL from a Secrets Manager secret, never from a plain environment variable.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from components.app_secrets import secret_with_value
from components.app_security_group import data_security_group
from components.log_group import encrypted_log_group
from components.settings import CacheConfig

PORT = 6379
_GROUP_ID = re.compile(r"^[a-z][a-z0-9-]{0,38}[a-z0-9]$")


@dataclass(frozen=True)
class CacheArgs:
    """``auth_token`` must be a Pulumi secret (16-128 printable characters, set in the stack config)."""

    replication_group_id: str
    vpc_id: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]
    app_security_group_id: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    auth_token: pulumi.Output[str]
    secret_name: str
    settings: CacheConfig
    secret_recovery_window_days: int = 7
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = []
        if not _GROUP_ID.match(self.replication_group_id) or "--" in self.replication_group_id:
            problems.append(f"{self.replication_group_id!r} is not a valid replication group id (1-40 lowercase, digits, hyphens)")
        if len(self.subnet_ids) < 2:
            problems.append("the cache subnet group needs subnets in at least two AZs")
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def highly_available(self) -> bool:
        return self.settings.num_nodes >= 2


def redis_url(token: str, host: str, port: int = PORT, db: int = 0) -> str:
    """TLS URL with the AUTH token percent-encoded (tokens may contain characters special in URLs)."""
    return f"rediss://:{quote(token, safe='')}@{host}:{port}/{db}"


class Cache(pulumi.ComponentResource):
    """Replication group, its subnet group and SG (6379 from the app SG), slow log, and the URL secret."""

    primary_endpoint: pulumi.Output[str]
    reader_endpoint: pulumi.Output[str]
    port: int
    security_group_id: pulumi.Output[str]
    url_secret_arn: pulumi.Output[str]

    def __init__(self, name: str, args: CacheArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:data:Cache", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)

        subnet_group = aws.elasticache.SubnetGroup(
            f"{name}-subnets",
            description=f"{args.replication_group_id}: isolated data subnets",
            subnet_ids=list(args.subnet_ids),
            tags=tags,
            opts=child,
        )
        sg = data_security_group(
            f"{name}-sg",
            description=f"{args.replication_group_id}: Redis protocol from the app tasks only",
            vpc_id=args.vpc_id,
            app_security_group_id=args.app_security_group_id,
            port=PORT,
            rule_name=f"{name}-redis",
            what="Redis/Valkey",
            tags=tags,
            parent=self,
        )

        slow_log = encrypted_log_group(
            f"{name}-slow-log",
            log_group_name=f"/aws/elasticache/{args.replication_group_id}/slow-log",
            retention_days=args.settings.log_retention_days,
            kms_key_arn=args.kms_key_arn,
            tags=tags,
            parent=self,
        )

        # A final snapshot name must not exist yet: a random part, renewed with what forces a replacement.
        keepers = {"group": args.replication_group_id, "kmsKeyId": args.kms_key_arn, "engine": args.settings.engine}
        snapshot_suffix = random.RandomId(f"{name}-final-snapshot-id", byte_length=4, keepers=keepers, opts=child)
        group = aws.elasticache.ReplicationGroup(
            f"{name}-group",
            replication_group_id=args.replication_group_id,
            description=f"Coko cache and Celery broker ({args.replication_group_id})",
            engine=args.settings.engine,
            engine_version=args.settings.engine_version,
            node_type=args.settings.node_type,
            num_cache_clusters=args.settings.num_nodes,
            port=PORT,
            subnet_group_name=subnet_group.name,
            security_group_ids=[sg.id],
            at_rest_encryption_enabled=True,
            kms_key_id=args.kms_key_arn,
            transit_encryption_enabled=True,
            auth_token=_secret(args.auth_token),
            auth_token_update_strategy="ROTATE",
            automatic_failover_enabled=args.highly_available,
            multi_az_enabled=args.highly_available,
            snapshot_retention_limit=args.settings.snapshot_retention_days,
            snapshot_window=args.settings.snapshot_window,
            maintenance_window=args.settings.maintenance_window,
            auto_minor_version_upgrade=True,
            apply_immediately=False,
            final_snapshot_identifier=pulumi.Output.concat(args.replication_group_id, "-final-", snapshot_suffix.hex),
            log_delivery_configurations=[
                aws.elasticache.ReplicationGroupLogDeliveryConfigurationArgs(
                    destination=slow_log.name,
                    destination_type="cloudwatch-logs",
                    log_format="json",
                    log_type="slow-log",
                )
            ],
            tags=tags,
            opts=child,
        )

        # Output.all over a secret stays secret; Output.secret makes that explicit and permanent.
        url = _secret(pulumi.Output.all(args.auth_token, group.primary_endpoint_address).apply(lambda v: redis_url(v[0], v[1])))
        secret = secret_with_value(
            f"{name}-url",
            secret_name=args.secret_name,
            description=f"rediss:// URL (with AUTH token) of {args.replication_group_id}: Django cache and Celery broker",
            value=url,
            kms_key_arn=args.kms_key_arn,
            recovery_window_days=args.secret_recovery_window_days,
            tags=tags,
            parent=self,
        )

        self.primary_endpoint = group.primary_endpoint_address
        self.reader_endpoint = group.reader_endpoint_address
        self.port = PORT
        self.security_group_id = sg.id
        self.url_secret_arn = secret.arn
        self.register_outputs(
            {
                "primaryEndpoint": group.primary_endpoint_address,
                "readerEndpoint": group.reader_endpoint_address,
                "port": PORT,
                "securityGroupId": sg.id,
                "urlSecretArn": secret.arn,
            }
        )


def _secret(value: pulumi.Input[str]) -> pulumi.Output[str]:
    """Output.secret with the type mypy cannot infer through the SDK's overloads."""
    secret: pulumi.Output[str] = pulumi.Output.secret(value)
    return secret
