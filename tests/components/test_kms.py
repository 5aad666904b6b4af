"""One customer-managed key per stack, in the stack's region, used by the whole data tier."""

from __future__ import annotations

import json

import pytest

from coko_cli.offline.runner import StackPreview
from components.kms import KmsKeyArgs
from tests.conftest import of_type, one, stack_key


def test_one_rotating_key_with_alias_in_the_stack_region(preview: StackPreview) -> None:
    key = stack_key(preview)
    assert key.inputs["enableKeyRotation"] is True
    assert key.inputs["deletionWindowInDays"] == 30
    assert key.region == preview.region
    assert key.outputs["arn"].startswith(f"arn:aws:kms:{preview.region}:")
    alias = one(preview, "aws:kms/alias:Alias", f"coko-{preview.stack}-kms-alias")
    assert alias.inputs["name"] == f"alias/coko-{preview.stack}"
    assert alias.inputs["targetKeyId"] == key.outputs["keyId"]
    assert preview.outputs["kmsKeyArn"] == key.outputs["arn"]


def test_key_policy_lets_cloudwatch_logs_of_this_region_and_account_use_it(preview: StackPreview) -> None:
    policy = json.loads(stack_key(preview).inputs["policy"])
    logs = next(s for s in policy["Statement"] if s["Principal"].get("Service") == f"logs.{preview.region}.amazonaws.com")
    assert "123456789012" in json.dumps(logs["Condition"])
    # No statement grants a principal outside the account or anonymous access.
    for statement in policy["Statement"]:
        assert statement["Principal"] != "*"
        assert statement["Principal"].get("AWS", "arn:aws:iam::123456789012:root") == "arn:aws:iam::123456789012:root"


def test_every_data_resource_is_encrypted_with_the_stack_key(preview: StackPreview) -> None:
    key_arn = stack_key(preview).outputs["arn"]
    uses = {
        "aws:rds/instance:Instance": ["kmsKeyId", "performanceInsightsKmsKeyId"],
        "aws:elasticache/replicationGroup:ReplicationGroup": ["kmsKeyId"],
        "aws:secretsmanager/secret:Secret": ["kmsKeyId"],
        "aws:cloudwatch/logGroup:LogGroup": ["kmsKeyId"],
    }
    for type_, fields in uses.items():
        # The data tier's own resources (children of coko:data:* components).
        resources = [r for r in of_type(preview, type_) if "coko:data:" in (r.parent or "")]
        assert resources, type_
        for resource in resources:
            for name in fields:
                assert resource.inputs.get(name) == key_arn, f"{resource.name}.{name}"
    domain = one(preview, "aws:opensearch/domain:Domain")
    assert domain.inputs["encryptAtRest"] == {"enabled": True, "kmsKeyId": key_arn}
    sse_configs = [
        r
        for r in of_type(preview, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
        if "coko:data:" in (r.parent or "") and "coko:logs:LogBucket" not in (r.parent or "")
    ]
    assert len(sse_configs) == 2  # static and media (ALB/CDN/S3-access log buckets must use SSE-S3)
    for sse in sse_configs:
        default = sse.inputs["rules"][0]["applyServerSideEncryptionByDefault"]
        assert default == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": key_arn}


def test_alias_in_the_reserved_namespace_is_rejected() -> None:
    with pytest.raises(ValueError, match="alias"):
        KmsKeyArgs(alias="alias/coko", region="eu-west-3")
