"""Database credentials that a cross-region replica can use and that survive losing the primary region.

RDS refuses a read replica of a source whose master password it manages in Secrets Manager
("Password management with Amazon RDS and AWS Secrets Manager", Limitations:
https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html#rds-secrets-manager-limitations),
so the primary's passwords are generated here, once (pulumi-random keeps them, encrypted, in the
stack state: stable across runs, never in plain config), and kept in two Secrets Manager secrets
encrypted with the region's CMK:

- the master login, used only by the database-admin one-off task (provisioning, rotation);
- the app login (``username`` alternates between the two app users on rotation: AWS's
  alternating-users strategy, https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotation-strategy.html).

Both are replicated to the secondary region with *that* region's key (by alias: the key belongs to
the secondary stack). A replica keeps the primary's ARN with the region swapped
(https://docs.aws.amazon.com/secretsmanager/latest/userguide/create-manage-multi-region-secrets.html),
so the secondary's tasks read it in their own region, and `coko failover` promotes it to a
standalone secret when the primary region is lost.

The secrets hold no host: each region's tasks get their own ``POSTGRES_HOST`` (primary or replica).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws
import pulumi_random as random

from coko_contract import names

# RDS master passwords may not contain '/', '"', '@' or spaces (CreateDBInstance MasterUserPassword).
PASSWORD_SPECIALS = "!#$%&*()-_=+[]{}<>:?"
PASSWORD_LENGTH = 40


@dataclass(frozen=True)
class SecretReplica:
    """Where the secrets are replicated: a region and a KMS key there (ARN or alias ARN)."""

    region: str
    kms_key_id: pulumi.Input[str]


@dataclass(frozen=True)
class DatabaseCredentialsArgs:
    """``stack`` names the secrets (coko/<stack>/database…); ``db_name`` is the instance's database."""

    stack: str
    kms_key_arn: pulumi.Input[str]
    db_name: str
    recovery_window_days: int
    replicas: Sequence[SecretReplica] = ()
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 7 <= self.recovery_window_days <= 30:
            raise ValueError("recovery window must be 7..30 days (0 would delete a secret with no way back)")


class DatabaseCredentials(pulumi.ComponentResource):
    """``master_password`` goes to the RDS instance; the ARNs go to the task definitions."""

    master_password: pulumi.Output[str]
    app_secret_arn: pulumi.Output[str]
    master_secret_arn: pulumi.Output[str]

    def __init__(self, name: str, args: DatabaseCredentialsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:data:DatabaseCredentials", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        master = random.RandomPassword(f"{name}-master-password", length=PASSWORD_LENGTH, override_special=PASSWORD_SPECIALS, opts=child)
        app = random.RandomPassword(f"{name}-app-password", length=PASSWORD_LENGTH, override_special=PASSWORD_SPECIALS, opts=child)

        master_secret = self._secret(f"{name}-master", names.db_master_secret_name(args.stack), "master login (database-admin task only)", args)
        app_secret = self._secret(f"{name}-app", names.db_credentials_secret_name(args.stack), "app login (alternating-users rotation)", args)
        aws.secretsmanager.SecretVersion(
            f"{name}-master-value",
            secret_id=master_secret.id,
            # RandomPassword.result is a secret output; what is derived from it stays secret.
            secret_string=master.result.apply(lambda pw: _login(names.DB_MASTER_USER, pw, args.db_name)),
            opts=child,
        )
        aws.secretsmanager.SecretVersion(
            f"{name}-app-value",
            secret_id=app_secret.id,
            secret_string=pulumi.Output.all(app.result, master_secret.arn).apply(lambda v: _login(names.DB_APP_USERS[0], v[0], args.db_name, masterarn=v[1])),
            # `coko rotate-db-credentials` writes new versions; the next `pulumi up` must not undo them.
            opts=pulumi.ResourceOptions(parent=self, ignore_changes=["secretString"]),
        )
        self.master_password = pulumi.Output.secret(master.result)
        self.app_secret_arn = app_secret.arn
        self.master_secret_arn = master_secret.arn
        self.register_outputs({"appSecretArn": app_secret.arn, "masterSecretArn": master_secret.arn})

    def _secret(self, resource_name: str, secret_name: str, what: str, args: DatabaseCredentialsArgs) -> aws.secretsmanager.Secret:
        return aws.secretsmanager.Secret(
            resource_name,
            name=secret_name,
            description=f"Coko PostgreSQL {what}",
            kms_key_id=args.kms_key_arn,
            recovery_window_in_days=args.recovery_window_days,
            replicas=[aws.secretsmanager.SecretReplicaArgs(region=r.region, kms_key_id=r.kms_key_id) for r in args.replicas],
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(parent=self),
        )


def _login(username: str, password: str, dbname: str, **extra: str) -> str:
    return json.dumps({"engine": "postgres", "username": username, "password": password, "dbname": dbname, **extra})


def replica_arn(primary_secret_arn: str, region: str) -> str:
    """The ARN of a secret's replica in ``region``: the same ARN with the region swapped."""
    parts = primary_secret_arn.split(":")
    if len(parts) < 7 or parts[2] != "secretsmanager":
        raise ValueError(f"{primary_secret_arn!r} is not a Secrets Manager secret ARN")
    parts[3] = region
    return ":".join(parts)


def json_key_value_from(secret_arn: pulumi.Input[str], key: str) -> pulumi.Output[str]:
    """ECS ``valueFrom`` for one key of a JSON secret: ``<arn>:<key>::`` (version stage AWSCURRENT)."""
    return pulumi.Output.from_input(secret_arn).apply(lambda arn: f"{arn}:{key}::")
