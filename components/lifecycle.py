"""Lifecycle safety: stateful resources are protected from accidental deletion and replacement.

With ``protect``, Pulumi refuses to delete the resource — by ``pulumi destroy``, by removing it
from the program, or by a change that forces a replacement — until someone runs
``pulumi state unprotect`` on purpose (https://www.pulumi.com/docs/iac/concepts/options/protect/).
One transformation marks every resource of a stateful type, so no component can forget it.
"""

from __future__ import annotations

import pulumi

# Types that hold data or keys we cannot recreate: databases, caches, search, buckets, keys,
# secrets and backup vaults.
STATEFUL_TYPES = frozenset(
    {
        "aws:rds/instance:Instance",
        "aws:elasticache/replicationGroup:ReplicationGroup",
        "aws:opensearch/domain:Domain",
        "aws:s3/bucket:Bucket",
        "aws:kms/key:Key",
        "aws:secretsmanager/secret:Secret",
        "aws:backup/vault:Vault",
    }
)


def protect_stateful(protect: bool) -> None:
    """Protect every stateful resource the program declares after this call (``coko:lifecycle.protect``)."""
    if not protect:
        return

    def transform(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
        if args.type_ not in STATEFUL_TYPES:
            return None
        return pulumi.ResourceTransformationResult(args.props, pulumi.ResourceOptions.merge(args.opts, pulumi.ResourceOptions(protect=True)))

    pulumi.runtime.register_stack_transformation(transform)
