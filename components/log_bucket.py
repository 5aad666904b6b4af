"""A private S3 bucket that an AWS service writes access logs into.

ALB and CloudFront (legacy standard logging) both refuse SSE-KMS buckets, so these buckets use
SSE-S3; everything else follows the secure S3 baseline: public access blocked, TLS-only policy,
lifecycle expiry. CloudFront's legacy logging still writes through the ``awslogsdelivery``
account's ACL grant, so that one bucket keeps ACLs enabled (BucketOwnerPreferred) and grants
exactly that account; every other log bucket has ACLs disabled (BucketOwnerEnforced).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

# The canonical user CloudFront's legacy standard logging writes as (same in every commercial region).
AWSLOGSDELIVERY_CANONICAL_ID = "c4c1ede66af53448b93c283ce9448c4ba468c9432aa01d700d3878632f77d2d0"

# Given the bucket ARN, the service-specific statements (may hold Outputs, e.g. account ids).
Statements = Callable[[pulumi.Output[str]], pulumi.Input[list[dict[str, Any]]]]


def block_public_access(name: str, bucket: aws.s3.Bucket, opts: pulumi.ResourceOptions, **region: str) -> aws.s3.BucketPublicAccessBlock:
    """All four S3 Block Public Access switches on: no bucket of ours is ever served publicly (CloudFront reads through OAC)."""
    return aws.s3.BucketPublicAccessBlock(
        f"{name}-public-access",
        bucket=bucket.id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=opts,
        **region,
    )


@dataclass(frozen=True)
class LogBucketArgs:
    """``region`` pins the bucket to a region other than the provider's (per-resource ``region=``)."""

    expiration_days: int = 90
    region: str | None = None
    cloudfront_log_delivery: bool = False
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.expiration_days < 1:
            raise ValueError("log expiration must be at least one day")


class LogBucket(pulumi.ComponentResource):
    """Exposes ``bucket`` (name), ``arn``, ``domain_name`` (regional) and ``bucket_domain_name`` (CloudFront logging)."""

    bucket: pulumi.Output[str]
    arn: pulumi.Output[str]
    domain_name: pulumi.Output[str]
    bucket_domain_name: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        args: LogBucketArgs,
        extra_statements: Statements | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("coko:logs:LogBucket", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        region = {"region": args.region} if args.region else {}
        bucket = aws.s3.Bucket(name, force_destroy=False, tags=dict(args.tags), opts=child, **region)
        block_public_access(name, bucket, child, **region)
        ownership = aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=bucket.id,
            rule={"object_ownership": "BucketOwnerPreferred" if args.cloudfront_log_delivery else "BucketOwnerEnforced"},
            opts=child,
            **region,
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-sse",
            bucket=bucket.id,
            rules=[{"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}],
            opts=child,
            **region,
        )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle",
            bucket=bucket.id,
            rules=[
                {
                    "id": "expire-logs",
                    "status": "Enabled",
                    "filter": {"prefix": ""},
                    "expiration": {"days": args.expiration_days},
                    "abort_incomplete_multipart_upload": {"days_after_initiation": 7},
                }
            ],
            opts=child,
            **region,
        )
        if args.cloudfront_log_delivery:
            owner = aws.s3.get_canonical_user_id_output(opts=pulumi.InvokeOutputOptions(parent=self))
            aws.s3.BucketAcl(
                f"{name}-acl",
                bucket=bucket.id,
                access_control_policy={
                    "owner": {"id": owner.id},
                    "grants": [
                        {"grantee": {"type": "CanonicalUser", "id": owner.id}, "permission": "FULL_CONTROL"},
                        {"grantee": {"type": "CanonicalUser", "id": AWSLOGSDELIVERY_CANONICAL_ID}, "permission": "FULL_CONTROL"},
                    ],
                },
                opts=pulumi.ResourceOptions(parent=self, depends_on=[ownership]),
                **region,
            )
        aws.s3.BucketPolicy(
            f"{name}-policy",
            bucket=bucket.id,
            policy=pulumi.Output.all(bucket.arn, pulumi.Output.from_input(extra_statements(bucket.arn) if extra_statements else [])).apply(
                lambda parts: json.dumps(_policy(parts[0], parts[1]))
            ),
            opts=child,
            **region,
        )
        self.bucket = bucket.bucket
        self.arn = bucket.arn
        self.domain_name = bucket.bucket_regional_domain_name
        self.bucket_domain_name = bucket.bucket_domain_name
        self.register_outputs({"bucket": bucket.bucket, "arn": bucket.arn, "domainName": bucket.bucket_regional_domain_name})


def deny_insecure_transport(arn: str) -> dict[str, Any]:
    """The statement refusing every request to the bucket and its objects that does not use TLS."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn, f"{arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def _policy(arn: str, extra: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [deny_insecure_transport(arn), *extra]}
