"""Every rule module; importing this package fills ``framework.REGISTRY``."""

from __future__ import annotations

from ..framework import REGISTRY, Rule
from . import (
    alb,
    cloudfront,
    data,
    deploy_combos,
    deploy_names,
    deploy_schema,
    deploy_values,
    digitalocean,
    do_deployability,
    ecr,
    ecs,
    elasticache,
    governance,
    iam,
    lifecycle,
    network,
    opensearch,
    rds,
    s3,
    waf,
)

MODULES = (rds, elasticache, opensearch, ecs, ecr, alb, cloudfront, waf, s3, network, data, iam, governance, digitalocean, do_deployability, deploy_names, deploy_values, deploy_combos, deploy_schema, lifecycle)


def all_rules() -> list[Rule]:
    """Registered rules sorted by id (stable order for reports, SARIF and the catalogue)."""
    return sorted(REGISTRY.values(), key=lambda r: r.id)


__all__ = ["MODULES", "all_rules"]
