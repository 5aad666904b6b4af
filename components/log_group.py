"""CloudWatch log groups the data tier creates itself, always encrypted and with retention.

Services such as RDS and ElastiCache would otherwise create their log groups on first write:
unencrypted and kept forever. Creating them first, with the CMK, is the only way to control both.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws


def encrypted_log_group(
    resource_name: str,
    *,
    log_group_name: pulumi.Input[str] | None,
    retention_days: int,
    kms_key_arn: pulumi.Input[str],
    tags: Mapping[str, str],
    parent: pulumi.Resource,
) -> aws.cloudwatch.LogGroup:
    """A log group with retention and CMK encryption (the key policy admits logs.<region>)."""
    return aws.cloudwatch.LogGroup(
        resource_name,
        name=log_group_name,
        retention_in_days=retention_days,
        kms_key_id=kms_key_arn,
        tags=dict(tags),
        opts=pulumi.ResourceOptions(parent=parent),
    )
