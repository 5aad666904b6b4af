"""The one way to make a CloudWatch log group: encrypted with the region's CMK, with retention.

Services such as RDS, ElastiCache, VPC flow logs and WAF would otherwise create (or accept) log
groups that are unencrypted and kept forever. Creating them first, with the CMK, is the only way
to control both. The key policy must admit ``logs.<region>.amazonaws.com`` (components/kms.py):
https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
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
    region: str | None = None,
) -> aws.cloudwatch.LogGroup:
    """A log group with retention and CMK encryption; ``region`` only when it differs from the stack's (WAF: us-east-1)."""
    extra = {"region": region} if region else {}
    return aws.cloudwatch.LogGroup(
        resource_name,
        name=log_group_name,
        retention_in_days=retention_days,
        kms_key_id=kms_key_arn,
        tags=dict(tags),
        opts=pulumi.ResourceOptions(parent=parent),
        **extra,
    )
