"""Secrets Manager, KMS, CloudWatch logs/alarms and SNS: the plumbing that keeps data and alerts safe."""

from __future__ import annotations

from ..framework import SECRET, Resource, Spec, as_list, number, register, rule, unknown
from ._util import enabled, present
from .resource_types import KMS_KEY, LOG_GROUP, METRIC_ALARM, SECRET_RESOURCE

SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
SNS_TOPIC = "aws:sns/topic:Topic"

SETTINGS = (
    Spec("COKO-KMS-001", [KMS_KEY], enabled("enableKeyRotation"),
         "KMS keys rotate yearly", "medium",
         "cdk-nag AwsSolutions-KMS5; checkov CKV_AWS_7",
         "Set enable_key_rotation=True."),
    Spec("COKO-LOG-002", [LOG_GROUP], present("kmsKeyId"),
         "Log groups are encrypted with KMS", "low",
         "checkov CKV_AWS_158",
         "Set kms_key_id (the key policy must allow logs.<region>.amazonaws.com).", enforcement="advisory"),
    Spec("COKO-SM-001", [SECRET_RESOURCE], present("kmsKeyId", "aws/secretsmanager default key"),
         "Secrets are encrypted with the stack's customer-managed KMS key", "medium",
         "checkov CKV_AWS_149",
         "Set kms_key_id to the stack key's ARN."),
    Spec("COKO-SNS-001", [SNS_TOPIC], present("kmsMasterKeyId"),
         "SNS topics are encrypted with KMS", "medium",
         "cdk-nag AwsSolutions-SNS2; checkov CKV_AWS_26",
         "Set kms_master_key_id (the key policy must allow cloudwatch.amazonaws.com to use it for alarms)."),
)
register(__name__, SETTINGS)


@rule("COKO-SM-002", [SECRET_VERSION], severity="critical",
      anchor="design §7 (secrets in plain fields); seed checklist 'Secrets chiffrés'",
      remediation="Read the value with config.require_secret(...) or wrap it in pulumi.Output.secret(...).",
      unknowns="A secretString redacted as [secret] passes; an unknown value is skipped. Offline only: CrossGuard hands policies secrets decrypted.")
def version_is_secret(r: Resource) -> list[str]:
    """Secret values come from Pulumi secrets, never plain strings"""
    if not r.secrets_marked:
        return []
    problems = []
    for key in ("secretString", "secretBinary"):
        value = r.get(key)
        if value is not None and not unknown(value) and value != SECRET:
            problems.append(f"{key} is a plain (non-secret) value in the state")
    return problems


@rule("COKO-KMS-002", [KMS_KEY], severity="low", enforcement="advisory",
      anchor="AWS KMS best practice (deletion waiting period)",
      remediation="Set deletion_window_in_days to 30 (the AWS default) or at least 14.")
def deletion_window(r: Resource) -> list[str]:
    """KMS key deletion has a waiting period of at least 14 days"""
    value = r.get("deletionWindowInDays")
    if value is None or unknown(value):
        return []
    days = number(value)
    return [] if days is not None and days >= 14 else [f"deletionWindowInDays is {value!r}"]


@rule("COKO-LOG-001", [LOG_GROUP], severity="medium",
      anchor="checkov CKV_AWS_66",
      remediation="Set retention_in_days (flow logs 90 per the stack file; app logs 30 or more).")
def retention(r: Resource) -> list[str]:
    """Log groups have a retention period"""
    value = r.get("retentionInDays")
    if unknown(value):
        return []
    return [] if (number(value) or 0) > 0 else [f"retentionInDays is {value!r} (kept forever)"]


@rule("COKO-CW-001", [METRIC_ALARM], severity="medium",
      anchor="seed checklist 'Monitoring configuré'",
      remediation="Set alarm_actions (and ok_actions) to the stack's SNS alert topic.")
def alarm_actions(r: Resource) -> list[str]:
    """Alarms notify someone"""
    actions = r.get("alarmActions")
    return [] if unknown(actions) or as_list(actions) else ["alarmActions is empty"]

