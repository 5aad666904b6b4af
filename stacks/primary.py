"""The primary region (Paris): owns the writable database."""

from __future__ import annotations

from typing import Any

import pulumi

from stacks.compute import build_compute
from stacks.config import StackConfig
from stacks.edge import build_edge, build_monitoring, edge_outputs
from stacks.regional import DatabasePlan, attach_bucket_policies, build_regional


def build_primary(cfg: StackConfig, secrets: dict[str, pulumi.Output[str]]) -> dict[str, Any]:
    regional = build_regional(cfg, secrets, DatabasePlan())
    edge = build_edge(cfg, regional, secrets)
    attach_bucket_policies(cfg, regional, [edge.cdn.arn] if edge.cdn else [])
    outputs = regional.outputs
    # What the secondary stack reads through its StackReference (replica source, replication).
    outputs["databaseArn"] = regional.database.arn
    outputs["databaseIdentifier"] = regional.database.identifier
    assert regional.database.master_user_secret_arn is not None  # a primary always has one
    outputs["databaseSecretArn"] = regional.database.master_user_secret_arn
    outputs["mediaBucketName"] = regional.storage.media_bucket.id
    outputs["mediaBucketArn"] = regional.storage.media_bucket.arn
    outputs.update(build_compute(cfg, regional, edge.wiring(cfg)).outputs)
    build_monitoring(cfg, edge, regional)
    outputs.update(edge_outputs(cfg, edge))
    return outputs
