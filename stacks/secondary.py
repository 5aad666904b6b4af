"""The secondary region (Cape Town): its own cache, search and buckets, a replica of the primary DB."""

from __future__ import annotations

import ipaddress
from typing import Any

import pulumi

from components.replication import MediaReplication, MediaReplicationArgs
from stacks.compute import build_compute
from stacks.config import StackConfig
from stacks.edge import build_edge, build_monitoring, edge_outputs
from stacks.regional import DatabasePlan, attach_bucket_policies, build_regional


def _check_no_overlap(own_cidr: str, primary_cidr: Any) -> str:
    """Both VPCs must stay peerable; overlapping ranges would make that impossible later."""
    if primary_cidr and ipaddress.ip_network(own_cidr).overlaps(ipaddress.ip_network(str(primary_cidr))):
        raise pulumi.RunError(f"coko:network.cidr {own_cidr} overlaps the primary stack's VPC {primary_cidr}")
    return str(primary_cidr)


def build_secondary(cfg: StackConfig, secrets: dict[str, pulumi.Output[str]]) -> dict[str, Any]:
    assert cfg.primary_stack is not None  # guaranteed by the config model
    primary = pulumi.StackReference(cfg.primary_stack)
    primary_region = primary.require_output("region")
    # Cross-region read replica: the source by ARN, encrypted with this region's key (set in build_regional).
    plan = DatabasePlan(source_arn=primary.require_output("databaseArn"), master_secret_arn=primary.require_output("databaseSecretArn"))
    regional = build_regional(cfg, secrets, plan)
    edge = build_edge(cfg, regional, secrets)
    attach_bucket_policies(cfg, regional, [edge.cdn.arn] if edge.cdn else [])

    # The source bucket's replication configuration lives here because only this stack knows the destination.
    replication = MediaReplication(
        f"coko-{cfg.stack}-media-replication",
        MediaReplicationArgs(
            source_bucket_name=primary.require_output("mediaBucketName"),
            source_bucket_arn=primary.require_output("mediaBucketArn"),
            source_region=primary_region,
            source_kms_key_arn=primary.require_output("kmsKeyArn"),
            destination_bucket_arn=regional.storage.media_bucket.arn,
            destination_region=cfg.region,
            destination_kms_key_arn=regional.kms_key.arn,
            tags=cfg.tags,
        ),
        opts=pulumi.ResourceOptions(depends_on=list(regional.storage.media_bucket.ready)),
    )
    outputs = regional.outputs
    outputs["primaryRegion"] = primary_region
    outputs["primaryVpcCidr"] = primary.require_output("vpcCidr").apply(lambda c: _check_no_overlap(cfg.network.cidr, c))
    outputs["replicaSourceDbArn"] = plan.source_arn
    outputs["mediaReplicationRoleArn"] = replication.role_arn
    # The database credentials are the primary's RDS-managed secret, encrypted with the primary's key.
    outputs.update(build_compute(cfg, regional, edge.wiring(cfg), extra_secret_key_arns=[primary.require_output("kmsKeyArn")]).outputs)
    build_monitoring(cfg, edge, regional)
    outputs.update(edge_outputs(cfg, edge))
    return outputs

