"""Media replication: S3 cross-region replication from the primary's media bucket to this region's.

A replication configuration belongs to the SOURCE bucket but names the destination bucket, its
KMS key and a role. The destination only exists in the secondary stack, so the secondary stack
declares the configuration against the primary's bucket, in the primary's region (pulumi-aws 7
per-resource ``region=``). The primary stack must therefore never declare one on that bucket.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class MediaReplicationArgs:
    """Both buckets must be versioned; keys are ARNs in their own region."""

    source_bucket_name: pulumi.Input[str]
    source_bucket_arn: pulumi.Input[str]
    source_region: pulumi.Input[str]
    source_kms_key_arn: pulumi.Input[str]
    destination_bucket_arn: pulumi.Input[str]
    destination_region: str
    destination_kms_key_arn: pulumi.Input[str]
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.source_region, str) and self.source_region == self.destination_region:
            raise ValueError("cross-region replication needs two different regions")


def replication_policy(src_bucket: str, src_key: str, src_region: str, dst_bucket: str, dst_key: str, dst_region: str) -> str:
    """Least privilege for S3 replication with SSE-KMS on both sides (AWS's documented minimum)."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "ReadReplicationConfig", "Effect": "Allow", "Action": ["s3:GetReplicationConfiguration", "s3:ListBucket"], "Resource": src_bucket},
                {
                    "Sid": "ReadSourceVersions",
                    "Effect": "Allow",
                    "Action": ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"],
                    "Resource": f"{src_bucket}/*",
                },
                {
                    "Sid": "WriteReplicas",
                    "Effect": "Allow",
                    "Action": ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                    "Resource": f"{dst_bucket}/*",
                },
                {
                    "Sid": "DecryptSource",
                    "Effect": "Allow",
                    "Action": "kms:Decrypt",
                    "Resource": src_key,
                    "Condition": {"StringLike": {"kms:ViaService": f"s3.{src_region}.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": f"{src_bucket}/*"}},
                },
                {
                    "Sid": "EncryptDestination",
                    "Effect": "Allow",
                    "Action": ["kms:Encrypt", "kms:GenerateDataKey"],
                    "Resource": dst_key,
                    "Condition": {"StringLike": {"kms:ViaService": f"s3.{dst_region}.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": f"{dst_bucket}/*"}},
                },
            ],
        }
    )


class MediaReplication(pulumi.ComponentResource):
    """Replication role and the source bucket's replication configuration (declared in the source region)."""

    role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: MediaReplicationArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:data:MediaReplication", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        source_region = pulumi.Output.from_input(args.source_region).apply(lambda r: _distinct(r, args.destination_region))
        role = aws.iam.Role(
            f"{name}-role",
            description=f"S3 replication of media from the primary region to {args.destination_region}",
            assume_role_policy=json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
            ),
            tags=tags,
            opts=child,
        )
        policy = aws.iam.RolePolicy(
            f"{name}-policy",
            role=role.id,
            policy=pulumi.Output.all(args.source_bucket_arn, args.source_kms_key_arn, source_region, args.destination_bucket_arn, args.destination_kms_key_arn).apply(
                lambda v: replication_policy(v[0], v[1], v[2], v[3], v[4], args.destination_region)
            ),
            opts=child,
        )
        config = aws.s3.BucketReplicationConfig(
            f"{name}-config",
            region=source_region,
            bucket=args.source_bucket_name,
            role=role.arn,
            rules=[
                aws.s3.BucketReplicationConfigRuleArgs(
                    id="media-to-secondary",
                    status="Enabled",
                    priority=1,
                    filter=aws.s3.BucketReplicationConfigRuleFilterArgs(prefix=""),
                    delete_marker_replication=aws.s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs(status="Enabled"),
                    source_selection_criteria=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaArgs(
                        sse_kms_encrypted_objects=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjectsArgs(status="Enabled")
                    ),
                    destination=aws.s3.BucketReplicationConfigRuleDestinationArgs(
                        bucket=args.destination_bucket_arn,
                        storage_class="STANDARD",
                        encryption_configuration=aws.s3.BucketReplicationConfigRuleDestinationEncryptionConfigurationArgs(
                            replica_kms_key_id=args.destination_kms_key_arn
                        ),
                    ),
                )
            ],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]),
        )
        self.role_arn = role.arn
        self.register_outputs({"roleArn": role.arn, "configId": config.id})


def _distinct(source_region: str, destination_region: str) -> str:
    if source_region == destination_region:
        raise pulumi.RunError(f"media replication source and destination are both in {source_region}")
    return source_region
