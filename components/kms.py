"""KMS: one customer-managed key per stack region, shared by the whole data tier.

A CMK (rather than AWS-managed keys) lets us audit every decrypt in CloudTrail, rotate yearly,
and grant a cross-region replication role exactly the decrypt/encrypt it needs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class KmsKeyArgs:
    """``alias`` without the ``alias/`` prefix; the key lives in ``region`` (the stack's, or us-east-1 for edge logs)."""

    alias: str
    region: str
    description: str = "Coko data tier: RDS, ElastiCache, OpenSearch, S3, Secrets Manager, CloudWatch Logs, SNS"
    deletion_window_days: int = 30
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 7 <= self.deletion_window_days <= 30:
            raise ValueError("KMS deletion window must be 7..30 days")
        if self.alias.startswith("alias/") or self.alias.startswith("aws/"):
            raise ValueError("give the alias without 'alias/' and not in the reserved aws/ namespace")


def key_policy(account_id: str, region: str) -> str:
    """Account root administers the key (IAM policies then grant use); log, alarm and CDN services get scoped use.

    CloudWatch Logs can only write to a CMK-encrypted log group when the key policy names
    ``logs.<region>.amazonaws.com``; CloudWatch alarms must decrypt to publish to an encrypted SNS
    topic; CloudFront (OAC) must decrypt SSE-KMS objects of this account's distributions.
    """
    root = f"arn:aws:iam::{account_id}:root"
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "AccountAdministers", "Effect": "Allow", "Principal": {"AWS": root}, "Action": "kms:*", "Resource": "*"},
                {
                    "Sid": "CloudWatchLogsInThisAccount",
                    "Effect": "Allow",
                    "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                    "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                    "Resource": "*",
                    "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account_id}:log-group:*"}},
                },
                {
                    "Sid": "AlarmsPublishToEncryptedTopics",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudwatch.amazonaws.com"},
                    "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
                },
                {
                    "Sid": "CloudFrontReadsEncryptedObjects",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudfront.amazonaws.com"},
                    "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*"],
                    "Resource": "*",
                    "Condition": {"StringLike": {"aws:SourceArn": f"arn:aws:cloudfront::{account_id}:distribution/*"}},
                },
            ],
        }
    )


class KmsKey(pulumi.ComponentResource):
    """Customer-managed symmetric key with yearly rotation and a readable alias."""

    key_id: pulumi.Output[str]
    arn: pulumi.Output[str]
    alias_name: str

    def __init__(self, name: str, args: KmsKeyArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:kms:KmsKey", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        identity = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self))
        key = aws.kms.Key(
            f"{name}-key",
            description=args.description,
            key_usage="ENCRYPT_DECRYPT",
            customer_master_key_spec="SYMMETRIC_DEFAULT",
            enable_key_rotation=True,
            rotation_period_in_days=365,
            deletion_window_in_days=args.deletion_window_days,
            multi_region=False,
            policy=identity.account_id.apply(lambda account: key_policy(account, args.region)),
            tags=dict(args.tags),
            region=args.region,
            opts=child,
        )
        self.alias_name = f"alias/{args.alias}"
        alias = aws.kms.Alias(f"{name}-alias", name=self.alias_name, target_key_id=key.key_id, region=args.region, opts=child)
        self.key_id = key.key_id
        self.arn = key.arn
        self.register_outputs({"keyId": key.key_id, "arn": key.arn, "alias": alias.name})
