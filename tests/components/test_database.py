"""RDS PostgreSQL: secure defaults in both stacks, sizes and windows from the seed."""

from __future__ import annotations

import json

import pytest

from coko_cli.offline.runner import StackPreview
from components.database import DatabaseArgs
from components.settings import DatabaseConfig
from tests.conftest import assert_on_data_subnets, of_type, one, stack_key

RDS = "aws:rds/instance:Instance"


def test_database_is_private_encrypted_and_in_the_data_subnets(preview: StackPreview) -> None:
    db = one(preview, RDS).inputs
    assert db["publiclyAccessible"] is False
    assert db["storageEncrypted"] is True
    assert db["storageType"] == "gp3"
    assert db["maxAllocatedStorage"] == 100
    assert db["port"] == 5432
    assert_on_data_subnets(preview, "aws:rds/subnetGroup:SubnetGroup", db["dbSubnetGroupName"])
    assert db["vpcSecurityGroupIds"] == [one(preview, "aws:ec2/securityGroup:SecurityGroup", "-db-sg").outputs["id"]]


def test_production_database_is_multi_az_protected_and_keeps_a_final_snapshot(up: dict[str, StackPreview]) -> None:
    db = one(up["production"], RDS).inputs
    assert db["engine"] == "postgres"
    assert int(db["engineVersion"].split(".")[0]) >= 15
    assert db["multiAz"] is True
    assert db["deletionProtection"] is True
    assert db["skipFinalSnapshot"] is False
    assert db["finalSnapshotIdentifier"].startswith("coko-production-db-final-")  # + a random part (unique per replacement)
    assert db["allocatedStorage"] == 20
    assert db["backupRetentionPeriod"] == 7
    assert db["backupWindow"] == "03:00-04:00"
    assert db["maintenanceWindow"] == "sun:04:00-sun:05:00"
    assert db["dbName"] == "coko"
    assert db["copyTagsToSnapshot"] is True
    assert db["autoMinorVersionUpgrade"] is True
    assert db["iamDatabaseAuthenticationEnabled"] is True


def test_parameter_group_forces_ssl_and_logs_slow_queries(preview: StackPreview) -> None:
    group = one(preview, "aws:rds/parameterGroup:ParameterGroup")
    params = {p["name"]: p["value"] for p in group.inputs["parameters"]}
    assert params["rds.force_ssl"] == "1"
    assert params["log_min_duration_statement"] == "500"
    assert group.inputs["family"] == "postgres15"
    assert one(preview, RDS).inputs["parameterGroupName"] == group.outputs["name"]


def test_logs_go_to_encrypted_log_groups_with_retention(preview: StackPreview) -> None:
    db = one(preview, RDS)
    assert db.inputs["enabledCloudwatchLogsExports"] == ["postgresql", "upgrade"]
    groups = {g.inputs.get("name"): g.inputs for g in of_type(preview, "aws:cloudwatch/logGroup:LogGroup")}
    for log in ("postgresql", "upgrade"):
        group = groups[f"/aws/rds/instance/coko-{preview.stack}-db/{log}"]
        assert group["retentionInDays"] == 30
        assert group["kmsKeyId"].startswith(f"arn:aws:kms:{preview.region}:")


def test_performance_insights_and_enhanced_monitoring_are_on(preview: StackPreview) -> None:
    db = one(preview, RDS).inputs
    assert db["performanceInsightsEnabled"] is True
    assert db["performanceInsightsKmsKeyId"] == stack_key(preview).outputs["arn"]
    assert db["monitoringInterval"] == 60
    role = one(preview, "aws:iam/role:Role", "-db-monitoring")
    assert db["monitoringRoleArn"] == role.outputs["arn"]
    trust = json.loads(role.inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "monitoring.rds.amazonaws.com"}
    attachment = one(preview, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "-db-monitoring")
    assert attachment.inputs["policyArn"].endswith("service-role/AmazonRDSEnhancedMonitoringRole")


def test_invalid_database_settings_are_rejected_before_any_resource() -> None:
    common = {"identifier": "coko-db", "vpc_id": "v", "subnet_ids": ["a", "b"], "app_security_group_id": "sg", "kms_key_arn": "k"}
    with pytest.raises(ValueError, match="15 or newer"):
        DatabaseConfig(engine_version="14.9")
    with pytest.raises(ValueError, match="greater than or equal to 7"):
        DatabaseConfig(backup_retention_days=1)
    with pytest.raises(ValueError, match="not a valid RDS identifier"):
        DatabaseArgs(**{**common, "identifier": "Coko_DB"}, settings=DatabaseConfig(), master_password="x")
    with pytest.raises(ValueError, match="exactly one of"):
        DatabaseArgs(**common, settings=DatabaseConfig())
    with pytest.raises(ValueError, match="exactly one of"):
        DatabaseArgs(**common, settings=DatabaseConfig(), master_password="x", replicate_source_db="arn:aws:rds:eu-west-3:1:db:x")
