"""Disaster recovery as planned: Cape Town deploys, runs and takes over with Paris gone.

Each test reads the offline plans of both stacks and checks one documented AWS constraint or the
own-region principle (README, "Failover").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from coko_cli.offline.runner import SECRET, StackPreview, run_stacks
from tests.conftest import STACKS, of_type, one, stack_key
from tests.variants import project_variant

RDS = "aws:rds/instance:Instance"
SECRET_TYPE = "aws:secretsmanager/secret:Secret"
REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
PRIMARY_REGION = "eu-west-3"
# Global services and the us-east-1 edge resources CloudFront requires.
GLOBAL_OR_EDGE = {None, "us-east-1"}


def _task_secrets(preview: StackPreview) -> list[str]:
    refs: list[str] = []
    for task in of_type(preview, "aws:ecs/taskDefinition:TaskDefinition"):
        for container in json.loads(task.inputs["containerDefinitions"]):
            refs += [s["valueFrom"] for s in container.get("secrets", [])]
    return refs


@pytest.mark.parametrize("mode", ["preview", "up"])
def test_capetown_has_no_resource_in_paris(previews: dict[str, dict[str, StackPreview]], mode: str) -> None:
    preview = previews[mode]["capetown"]
    regions = {r.region for r in preview.resources if r.custom}
    assert regions <= {"af-south-1"} | GLOBAL_OR_EDGE, regions
    for resource in preview.resources:
        assert resource.inputs.get("region") in (None, "af-south-1", "us-east-1"), resource.name


def test_capetown_tasks_read_only_secrets_of_their_own_region(up: dict[str, StackPreview]) -> None:
    refs = _task_secrets(up["capetown"])
    assert refs and all(ref.startswith("arn:aws:secretsmanager:af-south-1:") for ref in refs), refs
    policy = json.loads(one(up["capetown"], "aws:iam/rolePolicy:RolePolicy", "task-roles-execution").inputs["policy"])
    granted = [r for s in policy["Statement"] for r in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])]
    assert not [r for r in granted if f":{PRIMARY_REGION}:" in r]


def test_production_database_password_is_generated_not_rds_managed(previews: dict[str, dict[str, StackPreview]]) -> None:
    """A read replica of a source with an RDS-managed (Secrets Manager) password is unsupported."""
    for mode in ("preview", "up"):
        db = one(previews[mode]["production"], RDS).inputs
        assert "manageMasterUserPassword" not in db
        # Generated once (unknown until created), a Pulumi secret, never plain.
        assert db["password"] == (SECRET if mode == "up" else "[unknown]")
        assert db["username"] == "coko_admin"


def test_credentials_secrets_are_replicated_to_capetown_with_its_own_key(up: dict[str, StackPreview]) -> None:
    secrets = {s.inputs["name"]: s for s in of_type(up["production"], SECRET_TYPE)}
    for name in ("coko/production/database", "coko/production/database-master"):
        secret = secrets[name]
        assert secret.inputs["kmsKeyId"] == stack_key(up["production"]).outputs["arn"]
        assert secret.inputs["replicas"] == [{"region": "af-south-1", "kmsKeyId": "arn:aws:kms:af-south-1:123456789012:alias/coko-capetown"}]
    # The alias names Cape Town's own key.
    capetown_alias = one(up["capetown"], "aws:kms/alias:Alias", "coko-capetown-kms-alias")
    assert capetown_alias.inputs["name"] == "alias/coko-capetown"
    assert capetown_alias.region == "af-south-1"


def test_capetown_reads_the_login_from_its_replica_of_the_production_secret(up: dict[str, StackPreview]) -> None:
    primary_arn = up["production"].outputs["databaseCredentialsSecretArn"]
    replica_arn = primary_arn.replace(":eu-west-3:", ":af-south-1:")
    arns = up["capetown"].outputs["secretArns"]
    assert arns["POSTGRES_USER"] == f"{replica_arn}:username::"
    assert arns["POSTGRES_PASSWORD"] == f"{replica_arn}:password::"
    # Not the master login: the services connect as the app user.
    services = [t for t in of_type(up["production"], "aws:ecs/taskDefinition:TaskDefinition") if "dbadmin" not in t.name]
    for task in services:
        names = {s["name"] for c in json.loads(task.inputs["containerDefinitions"]) for s in c["secrets"]}
        assert "POSTGRES_MASTER_PASSWORD" not in names, task.name


def test_only_the_admin_task_gets_the_master_login_and_only_its_role_writes_the_app_secret(up: dict[str, StackPreview]) -> None:
    preview = up["production"]
    admin = one(preview, "aws:ecs/taskDefinition:TaskDefinition", "dbadmin")
    container = json.loads(admin.inputs["containerDefinitions"])[0]
    secrets = {s["name"]: s["valueFrom"] for s in container["secrets"]}
    master = preview.outputs["databaseMasterSecretArn"]
    assert secrets["POSTGRES_MASTER_PASSWORD"] == f"{master}:password::"
    writers = []
    for policy in of_type(preview, "aws:iam/rolePolicy:RolePolicy"):
        for statement in json.loads(policy.inputs["policy"])["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            if "secretsmanager:PutSecretValue" in actions:
                writers.append((policy.name, statement["Resource"]))
    assert writers == [("coko-production-dbadmin-task-policy", preview.outputs["databaseCredentialsSecretArn"])]
    assert not of_type(up["capetown"], "aws:ecs/taskDefinition:TaskDefinition") or not [
        t for t in of_type(up["capetown"], "aws:ecs/taskDefinition:TaskDefinition") if "dbadmin" in t.name
    ]


def test_replica_is_encrypted_with_a_capetown_key_and_has_no_credentials_of_its_own(up: dict[str, StackPreview]) -> None:
    replica = one(up["capetown"], RDS).inputs
    assert replica["replicateSourceDb"] == up["production"].outputs["databaseArn"]
    assert replica["kmsKeyId"] == stack_key(up["capetown"]).outputs["arn"] and replica["kmsKeyId"].startswith("arn:aws:kms:af-south-1:")
    for field in ("username", "password", "dbName", "manageMasterUserPassword", "allocatedStorage", "engine"):
        assert field not in replica, field


def test_media_replication_belongs_to_production_and_targets_capetown_by_name(up: dict[str, StackPreview]) -> None:
    assert not of_type(up["capetown"], REPLICATION)
    config = one(up["production"], REPLICATION)
    assert config.region == PRIMARY_REGION and "region" not in config.inputs
    assert config.inputs["bucket"] == up["production"].outputs["mediaBucketName"]
    rule = config.inputs["rules"][0]
    destination = rule["destination"]
    assert destination["bucket"] == up["capetown"].outputs["mediaBucketArn"]  # the deterministic name both stacks derive
    assert destination["encryptionConfiguration"]["replicaKmsKeyId"] == "arn:aws:kms:af-south-1:123456789012:alias/coko-capetown"
    assert destination["metrics"] == {"status": "Enabled", "eventThreshold": {"minutes": 15}}
    criteria = rule["sourceSelectionCriteria"]
    assert criteria["sseKmsEncryptedObjects"]["status"] == "Enabled" and criteria["replicaModifications"]["status"] == "Enabled"


def test_replication_kms_conditions_match_the_bucket_key_encryption_context(up: dict[str, StackPreview]) -> None:
    """With S3 Bucket Keys the encryption context is the bucket ARN, not ``bucket/*``."""
    source = up["production"].outputs["mediaBucketArn"]
    destination = up["capetown"].outputs["mediaBucketArn"]
    for stack in STACKS:
        sse = one(up[stack], "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "-storage-media-sse")
        assert sse.inputs["rules"][0]["bucketKeyEnabled"] is True
    policy = json.loads(one(up["production"], "aws:iam/rolePolicy:RolePolicy", "media-replication").inputs["policy"])
    kms = {s["Sid"]: s for s in policy["Statement"] if s["Sid"] in ("DecryptSource", "EncryptDestination")}
    assert kms["DecryptSource"]["Condition"]["StringEquals"]["kms:EncryptionContext:aws:s3:arn"] == source
    assert kms["DecryptSource"]["Resource"] == up["production"].outputs["kmsKeyArn"]
    encrypt = kms["EncryptDestination"]
    assert encrypt["Condition"]["StringEquals"]["kms:EncryptionContext:aws:s3:arn"] == destination
    assert encrypt["Condition"]["ForAnyValue:StringEquals"]["kms:ResourceAliases"] == "alias/coko-capetown"
    assert encrypt["Resource"] == "arn:aws:kms:af-south-1:123456789012:key/*"


def test_failed_or_late_replication_alarms(up: dict[str, StackPreview]) -> None:
    alarms = {a.inputs["metricName"]: a.inputs for a in of_type(up["production"], "aws:cloudwatch/metricAlarm:MetricAlarm") if a.inputs.get("namespace") == "AWS/S3"}
    assert set(alarms) == {"OperationsFailedReplication", "ReplicationLatency"}
    for alarm in alarms.values():
        assert alarm["dimensions"]["RuleId"] == "media-to-secondary"
        assert alarm["dimensions"]["DestinationBucket"] == up["capetown"].outputs["mediaBucketName"]
    assert alarms["OperationsFailedReplication"]["threshold"] == 0


def test_replica_lag_alarm_guards_the_rpo_in_capetown(up: dict[str, StackPreview]) -> None:
    lag = one(up["capetown"], "aws:cloudwatch/metricAlarm:MetricAlarm", "replica-lag").inputs
    assert lag["metricName"] == "ReplicaLag" and lag["threshold"] == 60
    assert lag["dimensions"] == {"DBInstanceIdentifier": "coko-capetown-db"}
    assert lag["treatMissingData"] == "breaching"
    assert not [a for a in of_type(up["production"], "aws:cloudwatch/metricAlarm:MetricAlarm") if a.inputs.get("metricName") == "ReplicaLag"]


def test_static_and_media_fail_over_to_capetown_through_origin_groups(up: dict[str, StackPreview]) -> None:
    distribution = one(up["production"], "aws:cloudfront/distribution:Distribution").inputs
    origins = {o["originId"]: o for o in distribution["origins"]}
    assert origins["media-failover"]["domainName"] == f"{up['capetown'].outputs['mediaBucketName']}.s3.af-south-1.amazonaws.com"
    assert origins["static-failover"]["domainName"] == f"{up['capetown'].outputs['staticBucketName']}.s3.af-south-1.amazonaws.com"
    groups = {g["originId"]: g for g in distribution["originGroups"]}
    assert {g: [m["originId"] for m in groups[g]["members"]] for g in groups} == {"static-group": ["static", "static-failover"], "media-group": ["media", "media-failover"]}
    behaviors = {b["pathPattern"]: b for b in distribution["orderedCacheBehaviors"]}
    for pattern, group in (("/static/*", "static-group"), ("/media/*", "media-group")):
        assert behaviors[pattern]["targetOriginId"] == group
        # AWS refuses an origin group on a behaviour that allows writes.
        assert set(behaviors[pattern]["allowedMethods"]) <= {"GET", "HEAD", "OPTIONS"}
    assert distribution["defaultCacheBehavior"]["targetOriginId"] == "api"  # the API fails over in DNS
    # Cape Town's bucket policies let the Paris distribution read the copies.
    paris = up["production"].outputs["cdnDistributionArn"]
    for bucket in ("static", "media"):
        policy = json.loads(one(up["capetown"], "aws:s3/bucketPolicy:BucketPolicy", f"-{bucket}").inputs["policy"])
        allow = next(s for s in policy["Statement"] if s["Sid"] == "AllowCloudFrontOriginAccessControl")
        assert paris in allow["Condition"]["StringEquals"]["AWS:SourceArn"]


def test_daily_backups_are_copied_to_the_capetown_vault_and_vaults_are_locked(up: dict[str, StackPreview]) -> None:
    plan = one(up["production"], "aws:backup/plan:Plan").inputs
    rule = plan["rules"][0]
    assert rule["lifecycle"] == {"deleteAfter": 35}
    capetown_vault = up["capetown"].outputs["backupVaultArn"]
    assert capetown_vault.startswith("arn:aws:backup:af-south-1:")
    assert rule["copyActions"] == [{"destinationVaultArn": capetown_vault, "lifecycle": {"deleteAfter": 35}}]
    selection = one(up["production"], "aws:backup/selection:Selection").inputs
    assert set(selection["resources"]) == {up["production"].outputs["databaseArn"], up["production"].outputs["mediaBucketArn"]}
    for stack in STACKS:
        vault = one(up[stack], "aws:backup/vault:Vault").inputs
        assert vault["kmsKeyArn"] == stack_key(up[stack]).outputs["arn"]
        assert one(up[stack], "aws:backup/vaultLockConfiguration:VaultLockConfiguration").inputs["minRetentionDays"] >= 7
        deny = json.loads(one(up[stack], "aws:backup/vaultPolicy:VaultPolicy").inputs["policy"])["Statement"][0]
        assert deny["Effect"] == "Deny" and "backup:DeleteRecoveryPoint" in deny["Action"]


def test_capetown_cloudfront_logs_go_to_us_east_1_not_paris(up: dict[str, StackPreview]) -> None:
    log_buckets = [b for b in of_type(up["capetown"], "aws:s3/bucket:Bucket") if "-cdn-logs" in b.name]
    assert [b.region for b in log_buckets] == ["us-east-1"]


def test_every_log_group_is_encrypted_including_flow_logs_and_waf(up: dict[str, StackPreview]) -> None:
    for stack in STACKS:
        for group in of_type(up[stack], "aws:cloudwatch/logGroup:LogGroup"):
            key = group.inputs.get("kmsKeyId", "")
            assert key.startswith(f"arn:aws:kms:{group.region}:"), (stack, group.name, group.region)


@pytest.fixture(scope="module")
def promoted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, StackPreview]:
    """Both stacks after `coko failover`, with the documented config change on capetown."""

    def edit(stack: str, config: dict[str, Any]) -> None:
        if stack == "capetown":
            config["coko:disasterRecovery"]["promoted"] = True

    root: Path = project_variant(tmp_path_factory.mktemp("promoted"), edit)
    return {p.stack: p for p in run_stacks(list(STACKS), "up", root=root)}


# aws_db_instance arguments that force a replacement (Terraform AWS provider, "ForceNew" in its schema).
FORCE_NEW = ("identifier", "engine", "username", "dbName", "kmsKeyId", "storageEncrypted", "availabilityZone", "characterSetName", "timezone")


def test_the_promoted_config_describes_the_standalone_database_without_replacing_it(up: dict[str, StackPreview], promoted: dict[str, StackPreview]) -> None:
    before, after = one(up["capetown"], RDS), one(promoted["capetown"], RDS)
    assert before.urn == after.urn  # same resource: an update, not a delete and create
    assert "replicateSourceDb" in before.inputs and "replicateSourceDb" not in after.inputs  # the provider promotes
    for field in FORCE_NEW:
        assert before.inputs.get(field) == after.inputs.get(field), field
    assert after.inputs["skipFinalSnapshot"] is False  # now the only copy of the data
    env = {e["name"]: e["value"] for t in of_type(promoted["capetown"], "aws:ecs/taskDefinition:TaskDefinition") for c in json.loads(t.inputs["containerDefinitions"]) for e in c["environment"]}
    assert "DATABASE_READ_ONLY" not in env
    assert not [a for a in of_type(promoted["capetown"], "aws:cloudwatch/metricAlarm:MetricAlarm") if a.inputs.get("metricName") == "ReplicaLag"]


def test_a_promoted_capetown_administers_its_database_from_its_own_region(promoted: dict[str, StackPreview]) -> None:
    """Rotation and provisioning after a failover: the admin task reads the master login's af-south-1 replica."""
    admin = one(promoted["capetown"], "aws:ecs/taskDefinition:TaskDefinition", "dbadmin")
    secrets = {s["name"]: s["valueFrom"] for s in json.loads(admin.inputs["containerDefinitions"])[0]["secrets"]}
    assert secrets["POSTGRES_MASTER_PASSWORD"].startswith("arn:aws:secretsmanager:af-south-1:")
    assert ":secret:coko/production/database-master-" in secrets["POSTGRES_MASTER_PASSWORD"]
