"""Storage: the static and media buckets, private, CMK-encrypted, versioned, TLS only.

Objects are served by CloudFront through Origin Access Control, never by public S3 URLs. The
bucket *policies* are not created here but by :class:`BucketPolicies`, which the stack calls after
the CDN exists (one policy per bucket can hold both the TLS-only deny and the CloudFront allow;
CloudFront needs the bucket first, so the policy cannot be part of the bucket component).

``Cache-Control: max-age=86400`` (the seed's value) on stored objects is set by the app when it
writes them (django-storages ``AWS_S3_OBJECT_PARAMETERS`` in ``app/coko/settings/production.py``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.log_bucket import LogBucket, LogBucketArgs, block_public_access, deny_insecure_transport
from components.settings import StorageConfig


@dataclass(frozen=True)
class StorageArgs:
    """``settings.cors_origins`` may upload media (PUT/POST) and read it from a browser.

    Bucket names are explicit (``coko-<stack>-<static|media>-<account>``) so the other region's
    stack can name them without asking this one (replication, CloudFront failover origins).
    """

    kms_key_arn: pulumi.Input[str]
    settings: StorageConfig
    static_bucket_name: pulumi.Input[str]
    media_bucket_name: pulumi.Input[str]
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BucketHandle:
    """What other components need from a bucket."""

    id: pulumi.Output[str]
    arn: pulumi.Output[str]
    regional_domain_name: pulumi.Output[str]
    bucket: aws.s3.Bucket
    ready: tuple[pulumi.Resource, ...] = ()


class Storage(pulumi.ComponentResource):
    """Static and media buckets with public access blocked, owner-enforced, SSE-KMS, versioned."""

    static_bucket: BucketHandle
    media_bucket: BucketHandle

    def __init__(self, name: str, args: StorageArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:data:Storage", name, {}, opts)
        self._tags = dict(args.tags)
        self.static_bucket = self._bucket(f"{name}-static", args.static_bucket_name, args, cors=False)
        self.media_bucket = self._bucket(f"{name}-media", args.media_bucket_name, args, cors=True)
        self._access_logging(name)
        self.register_outputs(
            {
                "staticBucketName": self.static_bucket.id,
                "staticBucketArn": self.static_bucket.arn,
                "mediaBucketName": self.media_bucket.id,
                "mediaBucketArn": self.media_bucket.arn,
            }
        )

    def _access_logging(self, name: str) -> None:
        """Server access logs of both buckets into one SSE-S3 log bucket: SSE-S3 is the destination
        encryption AWS's guide documents (https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html);
        SSE-KMS reportedly works with an extra key grant (aws/aws-cdk#25350) but is not the documented path."""
        child = pulumi.ResourceOptions(parent=self)
        account = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        sources = [self.static_bucket.arn, self.media_bucket.arn]
        logs = LogBucket(
            f"{name}-access-logs",
            LogBucketArgs(tags={**self._tags, "Name": f"{name}-access-logs"}),
            extra_statements=lambda arn: pulumi.Output.all(arn, account, *sources).apply(lambda v: [server_access_log_statement(v[0], v[1], v[2:])]),
            opts=child,
        )
        for key, handle in (("static", self.static_bucket), ("media", self.media_bucket)):
            aws.s3.BucketLogging(f"{name}-{key}-access-logging", bucket=handle.id, target_bucket=logs.bucket, target_prefix=f"{key}/", opts=child)

    def _bucket(self, name: str, bucket_name: pulumi.Input[str], args: StorageArgs, cors: bool) -> BucketHandle:
        child = pulumi.ResourceOptions(parent=self)
        tags = self._tags
        bucket = aws.s3.Bucket(name, bucket=bucket_name, force_destroy=False, tags={**tags, "Name": name}, opts=child)
        block = block_public_access(name, bucket, child)
        aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=bucket.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=child,
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-sse",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                        sse_algorithm="aws:kms", kms_master_key_id=args.kms_key_arn
                    ),
                    bucket_key_enabled=True,  # one KMS call per bucket key, not per object
                )
            ],
            opts=child,
        )
        versioning = aws.s3.BucketVersioning(
            f"{name}-versioning",
            bucket=bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
            opts=child,
        )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="expire-noncurrent-versions",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                    noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                        noncurrent_days=args.settings.noncurrent_version_expiration_days
                    ),
                    expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(expired_object_delete_marker=True),
                ),
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="abort-incomplete-multipart-uploads",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                    abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                        days_after_initiation=args.settings.abort_incomplete_multipart_days
                    ),
                ),
            ],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
        )
        if cors and args.settings.cors_origins:
            aws.s3.BucketCorsConfiguration(
                f"{name}-cors",
                bucket=bucket.id,
                cors_rules=[
                    aws.s3.BucketCorsConfigurationCorsRuleArgs(
                        allowed_methods=["GET", "PUT", "POST"],
                        allowed_origins=list(args.settings.cors_origins),
                        allowed_headers=["*"],
                        expose_headers=["ETag"],
                        max_age_seconds=3000,
                    )
                ],
                opts=child,
            )
        # Dependents (policies, replication) wait until the bucket is locked down and versioned.
        return BucketHandle(
            id=bucket.id, arn=bucket.arn, regional_domain_name=bucket.bucket_regional_domain_name, bucket=bucket, ready=(block, versioning)
        )


@dataclass(frozen=True)
class BucketPoliciesArgs:
    """Buckets by logical name ("static", "media"); ``cloudfront_distribution_arns`` may read them via OAC."""

    buckets: Mapping[str, BucketHandle]
    cloudfront_distribution_arns: Sequence[pulumi.Input[str]] = ()


class BucketPolicies(pulumi.ComponentResource):
    """One policy per bucket: deny non-TLS requests, allow GetObject to the named CloudFront distributions.

    The CDN engineer calls this once the distribution exists, e.g.
    ``BucketPolicies("coko-prod-bucket-policies", BucketPoliciesArgs(buckets={"static": s.static_bucket,
    "media": s.media_bucket}, cloudfront_distribution_arns=[cdn.arn]))``. Without distributions
    the policy is TLS-only. S3 allows one policy per bucket, so nothing else may create one.
    """

    def __init__(self, name: str, args: BucketPoliciesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:data:BucketPolicies", name, {}, opts)
        ids = {}
        for key, handle in args.buckets.items():
            document = pulumi.Output.all(handle.arn, *args.cloudfront_distribution_arns).apply(lambda v: bucket_policy(v[0], v[1:]))
            policy = aws.s3.BucketPolicy(
                f"{name}-{key}", bucket=handle.id, policy=document, opts=pulumi.ResourceOptions(parent=self, depends_on=list(handle.ready))
            )
            ids[key] = policy.id
        self.register_outputs({"policyIds": ids})


def server_access_log_statement(log_bucket_arn: str, account_id: str, source_arns: Sequence[str]) -> dict:
    """S3's logging service may write there, for these source buckets of this account only."""
    return {
        "Sid": "S3ServerAccessLogs",
        "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": f"{log_bucket_arn}/*",
        "Condition": {"ArnLike": {"aws:SourceArn": list(source_arns)}, "StringEquals": {"aws:SourceAccount": account_id}},
    }


def bucket_policy(bucket_arn: str, distribution_arns: Sequence[str]) -> str:
    """TLS-only deny for everyone; CloudFront OAC read for the given distributions only."""
    statements: list[dict] = [deny_insecure_transport(bucket_arn)]
    if distribution_arns:
        statements.append(
            {
                "Sid": "AllowCloudFrontOriginAccessControl",
                "Effect": "Allow",
                "Principal": {"Service": "cloudfront.amazonaws.com"},
                "Action": "s3:GetObject",
                "Resource": f"{bucket_arn}/*",
                "Condition": {"StringEquals": {"AWS:SourceArn": list(distribution_arns)}},
            }
        )
    return json.dumps({"Version": "2012-10-17", "Statement": statements})
