"""The ECS cluster the three app services (and the ops CLI's one-off migration tasks) run in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class AppClusterArgs:
    """``cluster_name`` is the physical name the ops CLI looks up (coko_contract.names.cluster_name)."""

    cluster_name: str
    container_insights: Literal["enabled", "enhanced"] = "enhanced"
    tags: Mapping[str, str] = field(default_factory=dict)


class AppCluster(pulumi.ComponentResource):
    """Fargate-only cluster with Container Insights (per-task CPU/memory, needed to tune autoscaling).

    "enhanced" adds per-container metrics and the curated dashboards at a higher CloudWatch cost.
    """

    arn: pulumi.Output[str]
    name: pulumi.Output[str]

    def __init__(self, name: str, args: AppClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:compute:AppCluster", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        cluster = aws.ecs.Cluster(
            f"{name}-cluster",
            name=args.cluster_name,
            settings=[aws.ecs.ClusterSettingArgs(name="containerInsights", value=args.container_insights)],
            tags=dict(args.tags),
            opts=child,
        )
        # Fargate only: no EC2 instances to patch; FARGATE_SPOT is not used for the app (beat must not be evicted).
        aws.ecs.ClusterCapacityProviders(
            f"{name}-capacity",
            cluster_name=cluster.name,
            capacity_providers=["FARGATE"],
            default_capacity_provider_strategies=[aws.ecs.ClusterCapacityProvidersDefaultCapacityProviderStrategyArgs(capacity_provider="FARGATE", weight=1)],
            opts=child,
        )
        self.arn = cluster.arn
        self.name = cluster.name
        self.register_outputs({"arn": cluster.arn, "name": cluster.name})
