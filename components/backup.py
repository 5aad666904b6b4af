"""AWS Backup: a vault per region, and in the primary a daily plan copied to the secondary's vault.

Cross-region copies are encrypted with the destination vault's key, so each copy is readable in
the secondary region with Paris gone
(https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-region-backup.html). The plan covers
the primary database and the media bucket (S3 backups need versioning, which the buckets have:
https://docs.aws.amazon.com/aws-backup/latest/devguide/s3-backups.html).

Vaults are protected from deletion twice: a vault lock in governance mode (recovery points cannot
be deleted or their retention shortened by anyone without the bypass permission:
https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html) and an access policy that
denies deleting the vault or its recovery points.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.service_role import service_role

# AWS managed policies for the AWS Backup service role (RDS and S3).
BACKUP_ROLE_POLICIES = (
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
    "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
)
# Daily at 01:00 UTC, before the RDS backup window (03:00-04:00) and after the cache snapshots.
DAILY_AT_ONE = "cron(0 1 * * ? *)"
MIN_LOCKED_RETENTION_DAYS = 7


@dataclass(frozen=True)
class BackupVaultArgs:
    vault_name: str
    kms_key_arn: pulumi.Input[str]
    retention_days: int
    tags: Mapping[str, str] = field(default_factory=dict)


class BackupVault(pulumi.ComponentResource):
    """A CMK-encrypted vault with a governance-mode lock and a no-delete access policy."""

    arn: pulumi.Output[str]
    name: pulumi.Output[str]

    def __init__(self, name: str, args: BackupVaultArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:backup:BackupVault", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        vault = aws.backup.Vault(f"{name}-vault", name=args.vault_name, kms_key_arn=args.kms_key_arn, force_destroy=False, tags=dict(args.tags), opts=child)
        aws.backup.VaultLockConfiguration(
            f"{name}-lock",
            backup_vault_name=vault.name,
            min_retention_days=MIN_LOCKED_RETENTION_DAYS,
            max_retention_days=max(args.retention_days, MIN_LOCKED_RETENTION_DAYS),
            opts=child,
        )
        aws.backup.VaultPolicy(f"{name}-policy", backup_vault_name=vault.name, policy=VAULT_POLICY, opts=child)
        self.arn = vault.arn
        self.name = vault.name
        self.register_outputs({"arn": vault.arn, "name": vault.name})


# Nobody deletes the vault or a recovery point by hand (lifecycle expiry still runs); AWS's example:
# https://docs.aws.amazon.com/aws-backup/latest/devguide/create-a-vault-access-policy.html
VAULT_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyDeletingBackups",
                "Effect": "Deny",
                "Principal": {"AWS": "*"},
                "Action": ["backup:DeleteBackupVault", "backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"],
                "Resource": "*",
            }
        ],
    }
)


@dataclass(frozen=True)
class BackupPlanArgs:
    """Daily backups of ``resource_arns`` into ``vault_name``, each copied to ``copy_vault_arn`` (another region)."""

    plan_name: str
    vault_name: pulumi.Input[str]
    resource_arns: Sequence[pulumi.Input[str]]
    retention_days: int
    copy_vault_arn: pulumi.Input[str] | None
    tags: Mapping[str, str] = field(default_factory=dict)


class BackupPlan(pulumi.ComponentResource):
    """The plan, its selection and the AWS Backup service role."""

    def __init__(self, name: str, args: BackupPlanArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:backup:BackupPlan", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        lifecycle = {"delete_after": args.retention_days}
        copy_actions = [{"destination_vault_arn": args.copy_vault_arn, "lifecycle": lifecycle}] if args.copy_vault_arn is not None else []
        plan = aws.backup.Plan(
            f"{name}-plan",
            name=args.plan_name,
            rules=[
                {
                    "rule_name": "daily",
                    "target_vault_name": args.vault_name,
                    "schedule": DAILY_AT_ONE,
                    "start_window": 60,
                    "completion_window": 180,
                    "lifecycle": lifecycle,
                    "copy_actions": copy_actions,
                }
            ],
            tags=dict(args.tags),
            opts=child,
        )
        role = service_role(f"{name}-role", service="backup.amazonaws.com", description=f"AWS Backup for {args.plan_name}", tags=args.tags, parent=self)
        attachments = [
            aws.iam.RolePolicyAttachment(f"{name}-role-{arn.rsplit('/', 1)[-1]}", role=role.name, policy_arn=arn, opts=child) for arn in BACKUP_ROLE_POLICIES
        ]
        selection = aws.backup.Selection(
            f"{name}-selection",
            name=f"{args.plan_name}-data",
            plan_id=plan.id,
            iam_role_arn=role.arn,
            resources=list(args.resource_arns),
            opts=pulumi.ResourceOptions(parent=self, depends_on=attachments),
        )
        self.register_outputs({"planId": plan.id, "selectionId": selection.id})
