"""The primary region (Paris): owns the writable database, and what it replicates to the secondary.

With ``coko:disasterRecovery.secondaryStack/secondaryRegion`` set, this stack owns every
cross-region flow *out of its own region*: the credentials secrets' replicas, the media bucket's
replication, the backup plan's copies and the API origin's PRIMARY failover record. It names the
secondary's bucket, key alias and vault deterministically (coko_contract.names), so it needs no
StackReference to the secondary and the two stacks have no cycle. First deployment on a new
account: see docs/failover.md ("Bootstrap order").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from coko_contract import names
from components.backup import BackupPlan, BackupPlanArgs
from components.db_credentials import SecretReplica
from components.monitoring import ReplicationWatch
from components.replication import LATE_AFTER_MINUTES, RULE_ID, MediaReplication, MediaReplicationArgs
from stacks.compute import build_compute
from stacks.config import StackConfig
from stacks.edge import SecondaryCopies, build_edge, build_monitoring, build_origin_failover, edge_outputs
from stacks.regional import DatabasePlan, Regional, attach_bucket_policies, build_regional


@dataclass(frozen=True)
class SecondaryTarget:
    """The secondary's physical names, derived from its stack name, region and this account."""

    stack: str
    region: str
    account_id: pulumi.Output[str]

    def _arn(self, service: str, resource: str) -> pulumi.Output[str]:
        return self.account_id.apply(lambda a: f"arn:aws:{service}:{self.region}:{a}:{resource}")

    @property
    def kms_alias_arn(self) -> pulumi.Output[str]:
        return self._arn("kms", f"alias/{names.kms_alias(self.stack)}")

    @property
    def media_bucket_arn(self) -> pulumi.Output[str]:
        return self.account_id.apply(lambda a: f"arn:aws:s3:::{names.media_bucket_name(self.stack, a)}")

    @property
    def media_bucket_name(self) -> pulumi.Output[str]:
        return self.account_id.apply(lambda a: names.media_bucket_name(self.stack, a))

    @property
    def backup_vault_arn(self) -> pulumi.Output[str]:
        return self._arn("backup", f"backup-vault:{names.backup_vault_name(self.stack)}")

    def copies(self) -> SecondaryCopies:
        """Regional domain names of the secondary's buckets (CloudFront failover origins)."""
        host = f"s3.{self.region}.amazonaws.com"
        return SecondaryCopies(
            static_domain=self.account_id.apply(lambda a: f"{names.static_bucket_name(self.stack, a)}.{host}"),
            media_domain=self.account_id.apply(lambda a: f"{names.media_bucket_name(self.stack, a)}.{host}"),
        )


def secondary_target(cfg: StackConfig, account_id: pulumi.Output[str]) -> SecondaryTarget | None:
    dr = cfg.disaster_recovery
    if not (dr.secondary_stack and dr.secondary_region and dr.replicate):
        return None
    return SecondaryTarget(stack=dr.secondary_stack, region=dr.secondary_region, account_id=account_id)


def build_primary(cfg: StackConfig, secrets: dict[str, pulumi.Output[str]]) -> dict[str, Any]:
    target = secondary_target(cfg, aws.get_caller_identity_output().account_id)
    replicas = [SecretReplica(region=target.region, kms_key_id=target.kms_alias_arn)] if target else []
    regional = build_regional(cfg, secrets, DatabasePlan(secret_replicas=replicas))
    edge = build_edge(cfg, regional, secrets, copies=target.copies() if target else None)
    attach_bucket_policies(cfg, regional, [edge.cdn.arn])
    compute = build_compute(cfg, regional, edge.wiring(cfg))
    watch = _replicate_media(cfg, regional, target) if target else None
    monitoring = build_monitoring(cfg, edge, regional, compute, replication=watch)
    build_origin_failover(cfg, edge, monitoring)
    BackupPlan(
        f"{cfg.name}-backup-plan",
        BackupPlanArgs(
            plan_name=cfg.name,
            vault_name=regional.backup_vault.name,
            resource_arns=[regional.database.arn, regional.storage.media_bucket.arn],
            retention_days=cfg.disaster_recovery.backup_retention_days,
            copy_vault_arn=target.backup_vault_arn if target else None,
            tags=cfg.tags,
        ),
    )
    return {**regional.outputs, **compute.outputs, **edge_outputs(cfg, edge, monitoring)}


def _replicate_media(cfg: StackConfig, regional: Regional, target: SecondaryTarget) -> ReplicationWatch:
    media = regional.storage.media_bucket
    MediaReplication(
        f"{cfg.name}-media-replication",
        MediaReplicationArgs(
            source_bucket_name=media.id,
            source_bucket_arn=media.arn,
            source_region=cfg.region,
            source_kms_key_arn=regional.kms_key.arn,
            destination_bucket_arn=target.media_bucket_arn,
            destination_region=target.region,
            destination_kms_alias_arn=target.kms_alias_arn,
            tags=cfg.tags,
        ),
        opts=pulumi.ResourceOptions(depends_on=list(media.ready)),
    )
    return ReplicationWatch(source_bucket=media.id, destination_bucket=target.media_bucket_name, rule_id=RULE_ID, late_after_seconds=LATE_AFTER_MINUTES * 60)
