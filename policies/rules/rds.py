"""RDS PostgreSQL: the writable copy of every reader's library and payments, so the strictest tier."""

from __future__ import annotations

from ..framework import SECRET, Resource, Spec, as_list, number, register, rule, unknown
from ._util import disabled, enabled, is_false, truthy
from .resource_types import RDS_INSTANCE

PARAMETER_GROUP = "aws:rds/parameterGroup:ParameterGroup"
MIN_BACKUP_DAYS = 7

SETTINGS = (
    Spec("COKO-RDS-002", [RDS_INSTANCE], disabled("publiclyAccessible"),
         "RDS instance is not publicly accessible", "critical",
         "checkov CKV_AWS_17",
         "Set publicly_accessible=False and place the instance in the data subnets."),
    Spec("COKO-RDS-005", [RDS_INSTANCE], enabled("deletionProtection"),
         "RDS deletion protection is on", "high",
         "cdk-nag AwsSolutions-RDS10; checkov CKV_AWS_293",
         "Set deletion_protection=True (coko:database.deletionProtection in the stack file)."),
)
register(__name__, SETTINGS)


def _replica(r: Resource) -> bool:
    return bool(r.get("replicateSourceDb"))


@rule("COKO-RDS-001", [RDS_INSTANCE], severity="critical",
      anchor="cdk-nag AwsSolutions-RDS2; checkov CKV_AWS_16; awsguard rds-storage-encrypted",
      remediation="Set storage_encrypted=True and kms_key_id to the stack's customer-managed key (a cross-region replica needs a key in its own region).")
def storage_encrypted(r: Resource) -> list[str]:
    """RDS storage is encrypted at rest"""
    value = r.get("storageEncrypted")
    if unknown(value) or truthy(value) or (_replica(r) and r.get("kmsKeyId")):
        return []
    return [f"storageEncrypted is {value!r}"]


@rule("COKO-RDS-003", [RDS_INSTANCE], severity="high",
      anchor="cdk-nag AwsSolutions-RDS3; checkov CKV_AWS_157",
      remediation="Set multi_az=True on the primary (RegionRole=primary) instance; read replicas are exempt by design.")
def multi_az(r: Resource) -> list[str]:
    """The primary region's writable database is Multi-AZ"""
    if _replica(r) or r.tags.get("RegionRole") != "primary":
        return []
    return [f"multiAz is {r.get('multiAz')!r} on the primary database"] if is_false(r.get("multiAz")) else []


@rule("COKO-RDS-004", [RDS_INSTANCE], severity="high",
      title=f"RDS automated backups are kept at least {MIN_BACKUP_DAYS} days",
      anchor="checkov CKV_AWS_133; awsguard rds-instance-backup-enabled",
      remediation=f"Set backup_retention_period >= {MIN_BACKUP_DAYS} (the seed keeps 7 days, window 03:00-04:00).")
def backups(r: Resource) -> list[str]:
    value = r.get("backupRetentionPeriod")
    if unknown(value):
        return []
    days = number(value)
    if days is None or days < MIN_BACKUP_DAYS:
        return [f"backupRetentionPeriod is {value!r}, needs >= {MIN_BACKUP_DAYS}"]
    return []


@rule("COKO-RDS-006", [RDS_INSTANCE], severity="high",
      anchor="cdk-nag AwsSolutions-SMG4; terraform-aws-modules/rds manage_master_user_password; AWS RDS docs (no cross-Region replica of a source with an RDS-managed password, design §8)",
      remediation="Set manage_master_user_password=True, or (for a replicated source) pass a pulumi_random.RandomPassword result, which stays a Pulumi secret.",
      unknowns="A password redacted as [secret], unknown at preview, or computed from another resource (RandomPassword) passes; under CrossGuard, which decrypts secrets, any password passes.")
def managed_password(r: Resource) -> list[str]:
    """The master password is RDS-managed or a generated Pulumi secret, never a plain value"""
    if _replica(r):
        return []
    password = r.get("password")
    if password is None:
        return ["manageMasterUserPassword is not true and no generated password is set"] if is_false(r.get("manageMasterUserPassword")) else []
    generated = unknown(password) or password == SECRET or bool(r.dependencies.get("password")) or not r.secrets_marked
    return [] if generated else ["password is a plain value in the program"]


@rule("COKO-RDS-007", [RDS_INSTANCE], severity="medium",
      anchor="checkov CKV_AWS_129",
      remediation='Set enabled_cloudwatch_logs_exports=["postgresql", "upgrade"].')
def log_exports(r: Resource) -> list[str]:
    """PostgreSQL logs are exported to CloudWatch"""
    exports = r.get("enabledCloudwatchLogsExports")
    if unknown(exports):
        return []
    return [] if "postgresql" in as_list(exports) else [f"enabledCloudwatchLogsExports is {exports!r}, needs postgresql"]


@rule("COKO-RDS-008", [RDS_INSTANCE], severity="low", enforcement="advisory",
      anchor="checkov CKV_AWS_118",
      remediation="Set monitoring_interval (e.g. 60) and monitoring_role_arn.")
def monitoring(r: Resource) -> list[str]:
    """Enhanced monitoring is on"""
    value = r.get("monitoringInterval")
    if unknown(value):
        return []
    return [] if (number(value) or 0) > 0 else [f"monitoringInterval is {value!r}"]


@rule("COKO-RDS-009", [PARAMETER_GROUP], severity="high",
      anchor="checkov CKV2_AWS_69",
      remediation='Add the parameter {"name": "rds.force_ssl", "value": "1"}.')
def force_ssl(r: Resource) -> list[str]:
    """PostgreSQL parameter groups force TLS (rds.force_ssl=1)"""
    family = r.get("family")
    if isinstance(family, str) and not family.startswith("postgres"):
        return []
    params = r.get("parameters")
    if unknown(params):
        return []
    for p in as_list(params):
        if isinstance(p, dict) and p.get("name") == "rds.force_ssl":
            return [] if unknown(p.get("value")) or str(p.get("value")) == "1" else [f"rds.force_ssl is {p.get('value')!r}"]
    return ["rds.force_ssl is not set"]
