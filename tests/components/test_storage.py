"""S3 storage: private, owner-enforced, CMK-encrypted, versioned, TLS-only, lifecycle and CORS."""

from __future__ import annotations

import json

import pytest

from coko_cli.offline.runner import StackPreview
from components.settings import StorageConfig
from components.storage import bucket_policy
from tests.conftest import of_type, stack_key


def _for(preview: StackPreview, type_: str, bucket: str) -> dict:
    found = [r for r in of_type(preview, type_) if r.inputs.get("bucket") == bucket]
    assert len(found) == 1, (type_, bucket, [r.name for r in found])
    return found[0].inputs


def _buckets(preview: StackPreview) -> dict[str, str]:
    """The Storage component's buckets (log buckets of other tiers are not its business)."""
    mine = [b for b in of_type(preview, "aws:s3/bucket:Bucket") if "coko:data:Storage" in (b.parent or "") and "coko:logs:LogBucket" not in (b.parent or "")]
    return {("media" if b.name.endswith("-media") else "static"): b.outputs["id"] for b in mine}


def test_both_buckets_block_public_access_and_enforce_ownership(preview: StackPreview) -> None:
    buckets = _buckets(preview)
    assert set(buckets) == {"static", "media"}
    for bucket in buckets.values():
        block = _for(preview, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", bucket)
        assert all(block[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
        ownership = _for(preview, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", bucket)
        assert ownership["rule"] == {"objectOwnership": "BucketOwnerEnforced"}


def test_both_buckets_are_kms_encrypted_with_bucket_keys_and_versioned(preview: StackPreview) -> None:
    key_arn = stack_key(preview).outputs["arn"]
    for bucket in _buckets(preview).values():
        rule = _for(preview, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", bucket)["rules"][0]
        assert rule["bucketKeyEnabled"] is True
        assert rule["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": key_arn}
        assert _for(preview, "aws:s3/bucketVersioning:BucketVersioning", bucket)["versioningConfiguration"]["status"] == "Enabled"


def test_lifecycle_expires_old_versions_and_aborts_stale_uploads(preview: StackPreview) -> None:
    for bucket in _buckets(preview).values():
        rules = {r["id"]: r for r in _for(preview, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", bucket)["rules"]}
        assert rules["expire-noncurrent-versions"]["noncurrentVersionExpiration"]["noncurrentDays"] == 30
        assert rules["abort-incomplete-multipart-uploads"]["abortIncompleteMultipartUpload"]["daysAfterInitiation"] == 7
        assert all(r["status"] == "Enabled" for r in rules.values())


def test_only_media_accepts_browser_uploads_from_the_configured_origins(preview: StackPreview) -> None:
    cors = of_type(preview, "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration")
    assert [c.inputs["bucket"] for c in cors] == [_buckets(preview)["media"]]
    rule = cors[0].inputs["corsRules"][0]
    assert set(rule["allowedMethods"]) == {"GET", "PUT", "POST"}
    assert rule["allowedOrigins"] == ["https://coko.africa"]


def test_bucket_policies_deny_anything_but_tls(preview: StackPreview) -> None:
    for bucket in _buckets(preview).values():
        policy = json.loads(_for(preview, "aws:s3/bucketPolicy:BucketPolicy", bucket)["policy"])
        deny = next(s for s in policy["Statement"] if s["Effect"] == "Deny")
        assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        assert deny["Action"] == "s3:*"
        assert not [s for s in policy["Statement"] if s["Effect"] == "Allow" and s["Principal"] == "*"]


def test_cloudfront_distributions_get_read_access_through_oac_only() -> None:
    policy = json.loads(bucket_policy("arn:aws:s3:::media", ["arn:aws:cloudfront::123456789012:distribution/E1"]))
    allow = next(s for s in policy["Statement"] if s["Effect"] == "Allow")
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject" and allow["Resource"] == "arn:aws:s3:::media/*"
    assert allow["Condition"] == {"StringEquals": {"AWS:SourceArn": ["arn:aws:cloudfront::123456789012:distribution/E1"]}}
    assert [s["Effect"] for s in json.loads(bucket_policy("arn:aws:s3:::media", []))["Statement"]] == ["Deny"]


def test_media_cors_origins_must_be_https() -> None:
    with pytest.raises(ValueError, match="https://"):
        StorageConfig(cors_origins=["http://coko.africa"])
