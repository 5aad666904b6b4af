"""What every region runs, whatever its role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from components.network import Network, NetworkArgs
from stacks.config import StackConfig


@dataclass
class Regional:
    """Handles on the regional components, for the role-specific builders to extend."""

    network: Network
    outputs: dict[str, Any]


def build_regional(cfg: StackConfig, secrets: dict[str, pulumi.Output[str]]) -> Regional:
    net = cfg.network
    network = Network(
        f"coko-{cfg.stack}",
        NetworkArgs(
            cidr=net.cidr,
            az_count=net.az_count,
            public_subnets=net.public_subnets,
            private_subnets=net.private_subnets,
            data_subnets=net.data_subnets,
            region=cfg.region,
            single_nat=net.nat_strategy == "single",
            flow_log_retention_days=net.flow_log_retention_days,
            tags=cfg.tags,
        ),
    )
    outputs: dict[str, Any] = {
        "region": cfg.region,
        "role": cfg.role,
        "vpcId": network.vpc_id,
        "vpcCidr": net.cidr,
        "privateSubnetIds": network.private_subnet_ids,
    }
    return Regional(network=network, outputs=outputs)
