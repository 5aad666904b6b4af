"""The secondary region (Cape Town): its own cache, search and buckets, a replica of the primary DB."""

from __future__ import annotations

import ipaddress
from typing import Any

import pulumi

from stacks.config import StackConfig
from stacks.regional import build_regional


def _check_no_overlap(own_cidr: str, primary_cidr: Any) -> str:
    """Both VPCs must stay peerable; overlapping ranges would make that impossible later."""
    if primary_cidr and ipaddress.ip_network(own_cidr).overlaps(ipaddress.ip_network(str(primary_cidr))):
        raise pulumi.RunError(f"coko:network.cidr {own_cidr} overlaps the primary stack's VPC {primary_cidr}")
    return str(primary_cidr)


def build_secondary(cfg: StackConfig, secrets: dict[str, pulumi.Output[str]]) -> dict[str, Any]:
    assert cfg.primary_stack is not None  # guaranteed by the config model
    primary = pulumi.StackReference(cfg.primary_stack)
    regional = build_regional(cfg, secrets)
    outputs = regional.outputs
    outputs["primaryRegion"] = primary.require_output("region")
    outputs["primaryVpcCidr"] = primary.require_output("vpcCidr").apply(lambda c: _check_no_overlap(cfg.network.cidr, c))
    return outputs
