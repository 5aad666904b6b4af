"""Cape Town: a cross-region read replica of production's database and a replica of its media."""

from __future__ import annotations

import json

import pytest

from coko_cli.offline.runner import StackPreview
from tests.conftest import of_type, one

RDS = "aws:rds/instance:Instance"


@pytest.mark.parametrize("mode", ["preview", "up"])
def test_replica_source_is_productions_database_arn(previews: dict[str, dict[str, StackPreview]], up: dict[str, StackPreview], mode: str) -> None:
    replica = one(previews[mode]["capetown"], RDS).inputs
    production_arn = up["production"].outputs["databaseArn"]
    assert production_arn.startswith("arn:aws:rds:eu-west-3:")
    assert replica["replicateSourceDb"] == production_arn


def test_replica_is_encrypted_with_a_capetown_key(up: dict[str, StackPreview]) -> None:
    preview = up["capetown"]
    replica = one(preview, RDS).inputs
    key = one(preview, "aws:kms/key:Key")
    assert replica["storageEncrypted"] is True
    assert replica["kmsKeyId"] == key.outputs["arn"]
    assert replica["kmsKeyId"].startswith("arn:aws:kms:af-south-1:")
    assert replica["kmsKeyId"] != up["production"].outputs["kmsKeyArn"]


def test_replica_has_no_credentials_or_database_name_of_its_own(up: dict[str, StackPreview]) -> None:
    replica = one(up["capetown"], RDS).inputs
    for field in ("username", "password", "dbName", "manageMasterUserPassword", "masterUserSecretKmsKeyId", "allocatedStorage", "engine"):
        assert field not in replica, field


def test_replica_is_promotable_and_protected(up: dict[str, StackPreview]) -> None:
    preview = up["capetown"]
    replica = one(preview, RDS).inputs
    assert replica["backupRetentionPeriod"] >= 7
    assert replica["deletionProtection"] is True
    assert replica["instanceClass"] == "db.m5.large"  # offered in af-south-1
    # Its own parameter group, subnet group and SG, in Cape Town.
    assert replica["parameterGroupName"] == one(preview, "aws:rds/parameterGroup:ParameterGroup").outputs["name"]
    assert replica["dbSubnetGroupName"] == one(preview, "aws:rds/subnetGroup:SubnetGroup").outputs["name"]
    for resource in of_type(preview, "aws:rds/parameterGroup:ParameterGroup") + of_type(preview, "aws:rds/subnetGroup:SubnetGroup"):
        assert resource.region == "af-south-1"


def test_capetown_tasks_read_productions_managed_credentials(up: dict[str, StackPreview]) -> None:
    secret = up["production"].outputs["databaseSecretArn"]
    arns = up["capetown"].outputs["secretArns"]
    assert arns["POSTGRES_USER"] == f"{secret}:username::"
    assert arns["POSTGRES_PASSWORD"] == f"{secret}:password::"


@pytest.mark.parametrize("mode", ["preview", "up"])
def test_media_replication_is_declared_on_productions_bucket_in_paris(previews: dict[str, dict[str, StackPreview]], up: dict[str, StackPreview], mode: str) -> None:
    preview = previews[mode]["capetown"]
    config = one(preview, "aws:s3/bucketReplicationConfig:BucketReplicationConfig")
    assert config.region == "eu-west-3"
    assert config.inputs["region"] == "eu-west-3"
    assert config.inputs["bucket"] == up["production"].outputs["mediaBucketName"]
    assert not of_type(up["production"], "aws:s3/bucketReplicationConfig:BucketReplicationConfig")


def test_media_replicates_to_the_capetown_bucket_with_the_capetown_key(up: dict[str, StackPreview]) -> None:
    preview = up["capetown"]
    rule = one(preview, "aws:s3/bucketReplicationConfig:BucketReplicationConfig").inputs["rules"][0]
    media = one(preview, "aws:s3/bucket:Bucket", "-storage-media")
    assert rule["status"] == "Enabled"
    assert rule["destination"]["bucket"] == media.outputs["arn"]
    assert rule["destination"]["encryptionConfiguration"]["replicaKmsKeyId"] == one(preview, "aws:kms/key:Key").outputs["arn"]
    assert rule["sourceSelectionCriteria"]["sseKmsEncryptedObjects"]["status"] == "Enabled"
    assert rule["deleteMarkerReplication"]["status"] == "Enabled"
    # Versioning on both sides.
    for stack in ("production", "capetown"):
        versioning = [v for v in of_type(up[stack], "aws:s3/bucketVersioning:BucketVersioning") if v.name.endswith("-storage-media-versioning")]
        assert versioning[0].inputs["versioningConfiguration"]["status"] == "Enabled"


def test_replication_role_is_least_privilege(up: dict[str, StackPreview]) -> None:
    preview = up["capetown"]
    role = one(preview, "aws:iam/role:Role", "media-replication")
    assert json.loads(role.inputs["assumeRolePolicy"])["Statement"][0]["Principal"] == {"Service": "s3.amazonaws.com"}
    policy = json.loads(one(preview, "aws:iam/rolePolicy:RolePolicy", "media-replication").inputs["policy"])
    source, dest = up["production"].outputs["mediaBucketArn"], one(preview, "aws:s3/bucket:Bucket", "-storage-media").outputs["arn"]
    by_resource: dict[str, set[str]] = {}
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        assert not any(a.endswith("*") for a in actions)
        by_resource.setdefault(statement["Resource"], set()).update(actions)
    assert by_resource[source] == {"s3:GetReplicationConfiguration", "s3:ListBucket"}
    assert by_resource[f"{source}/*"] == {"s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"}
    assert by_resource[f"{dest}/*"] == {"s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"}
    assert by_resource[up["production"].outputs["kmsKeyArn"]] == {"kms:Decrypt"}
    assert by_resource[one(preview, "aws:kms/key:Key").outputs["arn"]] == {"kms:Encrypt", "kms:GenerateDataKey"}
    assert len(by_resource) == 5
