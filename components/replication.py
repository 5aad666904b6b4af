"""Media replication: S3 cross-region replication from this region's media bucket to the secondary's.

The source bucket's owner (the primary stack) owns the replication configuration, so neither
stack manages a resource in the other's region. The destination bucket and key belong to the
secondary stack; they are named, not looked up: the bucket by its deterministic name, the key by
its alias ARN, which S3 accepts for ``ReplicaKmsKeyID`` (same account)
(https://docs.aws.amazon.com/AmazonS3/latest/API/API_EncryptionConfiguration.html).

Both buckets use S3 Bucket Keys, so the KMS encryption context is the *bucket* ARN, not the
object ARN; the role's KMS conditions must say so or replication is denied silently
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html).
IAM cannot name a key by alias in ``Resource``, so the destination key is matched by
``kms:ResourceAliases`` (https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html).

Replication metrics (and the 15-minute missed-threshold event) are on, so the alarms in
:class:`ReplicationAlarms` see failed and late objects.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.service_role import service_role

RULE_ID = "media-to-secondary"
LATE_AFTER_MINUTES = 15


@dataclass(frozen=True)
class MediaReplicationArgs:
    """Both buckets are versioned and SSE-KMS with Bucket Keys; the destination key is an alias ARN."""

    source_bucket_name: pulumi.Input[str]
    source_bucket_arn: pulumi.Input[str]
    source_region: str
    source_kms_key_arn: pulumi.Input[str]
    destination_bucket_arn: pulumi.Input[str]
    destination_region: str
    destination_kms_alias_arn: pulumi.Input[str]
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.source_region == self.destination_region:
            raise ValueError("cross-region replication needs two different regions")


def _alias_parts(alias_arn: str) -> tuple[str, str]:
    """``arn:aws:kms:<region>:<account>:alias/<name>`` -> (key ARN pattern in that account and region, ``alias/<name>``)."""
    head, _, alias = alias_arn.partition(":alias/")
    if not alias:
        raise ValueError(f"{alias_arn!r} is not a KMS alias ARN")
    return f"{head}:key/*", f"alias/{alias}"


def replication_policy(src_bucket: str, src_key: str, src_region: str, dst_bucket: str, dst_alias_arn: str, dst_region: str) -> str:
    """Least privilege for S3 replication with SSE-KMS and Bucket Keys on both sides."""
    dst_keys, dst_alias = _alias_parts(dst_alias_arn)
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
                    "Condition": {"StringEquals": {"kms:ViaService": f"s3.{src_region}.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": src_bucket}},
                },
                {
                    "Sid": "EncryptDestination",
                    "Effect": "Allow",
                    "Action": ["kms:Encrypt", "kms:GenerateDataKey"],
                    "Resource": dst_keys,
                    "Condition": {
                        "StringEquals": {"kms:ViaService": f"s3.{dst_region}.amazonaws.com", "kms:EncryptionContext:aws:s3:arn": dst_bucket},
                        "ForAnyValue:StringEquals": {"kms:ResourceAliases": dst_alias},
                    },
                },
            ],
        }
    )


class MediaReplication(pulumi.ComponentResource):
    """Replication role and the source bucket's replication configuration (declared by the source's stack)."""

    role_arn: pulumi.Output[str]

    def __init__(self, name: str, args: MediaReplicationArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:data:MediaReplication", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        description = f"S3 replication of media from {args.source_region} to {args.destination_region}"
        role = service_role(f"{name}-role", service="s3.amazonaws.com", description=description, tags=args.tags, parent=self)
        policy = aws.iam.RolePolicy(
            f"{name}-policy",
            role=role.id,
            policy=pulumi.Output.all(args.source_bucket_arn, args.source_kms_key_arn, args.destination_bucket_arn, args.destination_kms_alias_arn).apply(
                lambda v: replication_policy(v[0], v[1], args.source_region, v[2], v[3], args.destination_region)
            ),
            opts=child,
        )
        config = aws.s3.BucketReplicationConfig(
            f"{name}-config",
            bucket=args.source_bucket_name,
            role=role.arn,
            rules=[
                aws.s3.BucketReplicationConfigRuleArgs(
                    id=RULE_ID,
                    status="Enabled",
                    priority=1,
                    filter=aws.s3.BucketReplicationConfigRuleFilterArgs(prefix=""),
                    delete_marker_replication=aws.s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs(status="Enabled"),
                    source_selection_criteria=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaArgs(
                        sse_kms_encrypted_objects=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjectsArgs(status="Enabled"),
                        # Keeps replica metadata in sync; flowing changes back from Cape Town would also need a rule there.
                        replica_modifications=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaReplicaModificationsArgs(status="Enabled"),
                    ),
                    destination=aws.s3.BucketReplicationConfigRuleDestinationArgs(
                        bucket=args.destination_bucket_arn,
                        storage_class="STANDARD",
                        encryption_configuration=aws.s3.BucketReplicationConfigRuleDestinationEncryptionConfigurationArgs(
                            replica_kms_key_id=args.destination_kms_alias_arn
                        ),
                        metrics=aws.s3.BucketReplicationConfigRuleDestinationMetricsArgs(
                            status="Enabled",
                            event_threshold=aws.s3.BucketReplicationConfigRuleDestinationMetricsEventThresholdArgs(minutes=LATE_AFTER_MINUTES),
                        ),
                    ),
                )
            ],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]),
        )
        self.role_arn = role.arn
        self.register_outputs({"roleArn": role.arn, "configId": config.id})
