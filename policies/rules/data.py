"""Secrets Manager, KMS, CloudWatch logs/alarms and SNS: the plumbing that keeps data and alerts safe."""

from __future__ import annotations

from ..framework import SECRET, Resource, as_list, number, rule, unknown
from ._util import off

SECRET_RESOURCE = "aws:secretsmanager/secret:Secret"
SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
KMS_KEY = "aws:kms/key:Key"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
SNS_TOPIC = "aws:sns/topic:Topic"


@rule(
    "COKO-SM-001",
    types=[SECRET_RESOURCE],
    title="Secrets are encrypted with the stack's customer-managed KMS key",
    severity="medium",
    anchor="checkov CKV_AWS_149",
    remediation="Set kms_key_id to the stack key's ARN.",
)
def secret_cmk(r: Resource) -> list[str]:
    return [] if r.get("kmsKeyId") else ["kmsKeyId is not set (aws/secretsmanager default key)"]


@rule(
    "COKO-SM-002",
    types=[SECRET_VERSION],
    title="Secret values come from Pulumi secrets, never plain strings",
    severity="critical",
    anchor="design §7 (secrets in plain fields); seed checklist 'Secrets chiffrés'",
    remediation="Read the value with config.require_secret(...) or wrap it in pulumi.Output.secret(...).",
    unknowns="A secretString redacted as [secret] passes; an unknown value is skipped. Offline only: CrossGuard hands policies secrets decrypted.",
)
def version_is_secret(r: Resource) -> list[str]:
    if not r.secrets_marked:
        return []
    problems = []
    for key in ("secretString", "secretBinary"):
        value = r.get(key)
        if value is not None and not unknown(value) and value != SECRET:
            problems.append(f"{key} is a plain (non-secret) value in the state")
    return problems


@rule(
    "COKO-KMS-001",
    types=[KMS_KEY],
    title="KMS keys rotate yearly",
    severity="medium",
    anchor="cdk-nag AwsSolutions-KMS5; checkov CKV_AWS_7",
    remediation="Set enable_key_rotation=True.",
)
def rotation(r: Resource) -> list[str]:
    return off(r, "enableKeyRotation")


@rule(
    "COKO-KMS-002",
    types=[KMS_KEY],
    title="KMS key deletion has a waiting period of at least 14 days",
    severity="low",
    enforcement="advisory",
    anchor="AWS KMS best practice (deletion waiting period)",
    remediation="Set deletion_window_in_days to 30 (the AWS default) or at least 14.",
)
def deletion_window(r: Resource) -> list[str]:
    value = r.get("deletionWindowInDays")
    if value is None or unknown(value):
        return []
    days = number(value)
    return [] if days is not None and days >= 14 else [f"deletionWindowInDays is {value!r}"]


@rule(
    "COKO-LOG-001",
    types=[LOG_GROUP],
    title="Log groups have a retention period",
    severity="medium",
    anchor="checkov CKV_AWS_66",
    remediation="Set retention_in_days (flow logs 90 per the stack file; app logs 30 or more).",
)
def retention(r: Resource) -> list[str]:
    value = r.get("retentionInDays")
    if unknown(value):
        return []
    return [] if (number(value) or 0) > 0 else [f"retentionInDays is {value!r} (kept forever)"]


@rule(
    "COKO-LOG-002",
    types=[LOG_GROUP],
    title="Log groups are encrypted with KMS",
    severity="low",
    enforcement="advisory",
    anchor="checkov CKV_AWS_158",
    remediation="Set kms_key_id (the key policy must allow logs.<region>.amazonaws.com).",
)
def log_kms(r: Resource) -> list[str]:
    return [] if r.get("kmsKeyId") else ["kmsKeyId is not set"]


@rule(
    "COKO-CW-001",
    types=[METRIC_ALARM],
    title="Alarms notify someone",
    severity="medium",
    anchor="seed checklist 'Monitoring configuré'",
    remediation="Set alarm_actions (and ok_actions) to the stack's SNS alert topic.",
)
def alarm_actions(r: Resource) -> list[str]:
    actions = r.get("alarmActions")
    return [] if unknown(actions) or as_list(actions) else ["alarmActions is empty"]


@rule(
    "COKO-SNS-001",
    types=[SNS_TOPIC],
    title="SNS topics are encrypted with KMS",
    severity="medium",
    anchor="cdk-nag AwsSolutions-SNS2; checkov CKV_AWS_26",
    remediation="Set kms_master_key_id (the key policy must allow cloudwatch.amazonaws.com to use it for alarms).",
)
def topic_kms(r: Resource) -> list[str]:
    return [] if r.get("kmsMasterKeyId") else ["kmsMasterKeyId is not set"]
