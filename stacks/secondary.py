"""The secondary region (Cape Town): its own cache, search and buckets, a replica of the primary DB.

Disaster-recovery principle: this stack deploys, runs, scales and takes over using only its own
region's APIs plus global services (CloudFront, Route 53, IAM, STS) and the us-east-1 edge
resources CloudFront requires. From the primary it reads strings only, through the Pulumi
backend (StackReference), never an API of the primary's region: the replica's source ARN, the
credentials secret's ARN (its replica here has the same ARN with this region), the primary's
distribution ARN (allowed to read this region's bucket copies) and its VPC range.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import pulumi

from coko_contract import outputs as out
from components.db_credentials import replica_arn
from stacks.compute import build_compute
from stacks.config import StackConfig
from stacks.edge import build_edge, build_monitoring, build_origin_failover, edge_outputs
from stacks.regional import DatabasePlan, attach_bucket_policies, build_regional


def _check_no_overlap(own_cidr: str, primary_cidr: Any) -> str:
    """Both VPCs must stay peerable; overlapping ranges would make that impossible later."""
    if primary_cidr and ipaddress.ip_network(own_cidr).overlaps(ipaddress.ip_network(str(primary_cidr))):
        raise pulumi.RunError(f"coko:network.cidr {own_cidr} overlaps the primary stack's VPC {primary_cidr}")
    return str(primary_cidr)


def build_secondary(cfg: StackConfig, secrets: dict[str, pulumi.Output[str]]) -> dict[str, Any]:
    assert cfg.primary_stack is not None  # guaranteed by the config model
    primary = pulumi.StackReference(cfg.primary_stack)
    promoted = cfg.disaster_recovery.promoted
    # Cross-region read replica: the source by ARN, encrypted with this region's key (build_regional).
    plan = DatabasePlan(
        source_arn=None if promoted else primary.require_output(out.DATABASE_ARN),
        credentials_secret_arn=primary.require_output(out.DATABASE_CREDENTIALS_SECRET_ARN).apply(lambda arn: replica_arn(str(arn), cfg.region)),
        master_secret_arn=primary.require_output(out.DATABASE_MASTER_SECRET_ARN).apply(lambda arn: replica_arn(str(arn), cfg.region)),
        promoted=promoted,
    )
    regional = build_regional(cfg, secrets, plan)
    edge = build_edge(cfg, regional, secrets)
    # The primary's distribution reads the copies here when its own buckets fail (origin groups).
    attach_bucket_policies(cfg, regional, [edge.cdn.arn, primary.require_output(out.CDN_DISTRIBUTION_ARN)])
    compute = build_compute(cfg, regional, edge.wiring(cfg))
    monitoring = build_monitoring(cfg, edge, regional, compute)
    build_origin_failover(cfg, edge, monitoring)
    outputs = {**regional.outputs, **compute.outputs, **edge_outputs(cfg, edge, monitoring)}
    outputs["primaryRegion"] = primary.require_output(out.REGION)
    outputs["primaryVpcCidr"] = primary.require_output(out.VPC_CIDR).apply(lambda c: _check_no_overlap(cfg.network.cidr, c))
    if not promoted:
        outputs["replicaSourceDbArn"] = plan.source_arn
    return outputs
