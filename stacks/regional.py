"""What every region runs, whatever its role: key, network, data tier, buckets, app secrets, backup vault."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from coko_contract import names
from coko_contract import outputs as out
from components.app_secrets import AppSecrets, AppSecretsArgs
from components.app_security_group import AppSecurityGroup, AppSecurityGroupArgs
from components.backup import BackupVault, BackupVaultArgs
from components.cache import Cache, CacheArgs
from components.database import Database, DatabaseArgs
from components.db_credentials import DatabaseCredentials, DatabaseCredentialsArgs, SecretReplica, json_key_value_from
from components.kms import KmsKey, KmsKeyArgs
from components.lifecycle import protect_stateful
from components.network import Network, NetworkArgs
from components.search import Search, SearchArgs
from components.storage import BucketPolicies, BucketPoliciesArgs, Storage, StorageArgs
from stacks.config import StackConfig

SECRET_RECOVERY_WINDOW_DAYS = 7


@dataclass(frozen=True)
class DatabasePlan:
    """Which database this region runs.

    - primary: ``secret_replicas`` lists where its generated credentials are replicated;
    - replica: ``source_arn`` is the source instance, ``credentials_secret_arn`` and
      ``master_secret_arn`` the login secrets' replicas *in this region* (never the primary's);
    - promoted replica (after a failover): ``promoted`` keeps the replica's shape without a source.
    """

    source_arn: pulumi.Input[str] | None = None
    credentials_secret_arn: pulumi.Input[str] | None = None
    master_secret_arn: pulumi.Input[str] | None = None
    promoted: bool = False
    secret_replicas: Sequence[SecretReplica] = ()

    @property
    def is_primary(self) -> bool:
        return self.credentials_secret_arn is None


@dataclass
class Regional:
    """Handles on the regional components, for the role-specific builders (and compute) to use.

    ``secret_arns`` maps environment variable -> ECS ``valueFrom`` (a secret ARN, or
    ``<arn>:<json key>::`` for POSTGRES_USER/POSTGRES_PASSWORD).
    """

    account_id: pulumi.Output[str]
    network: Network
    outputs: dict[str, Any]
    kms_key: KmsKey
    app_security_group_id: pulumi.Output[str]
    database: Database
    credentials: DatabaseCredentials | None
    login_secret_arn: pulumi.Input[str]
    master_secret_arn: pulumi.Input[str]
    cache: Cache
    search: Search
    storage: Storage
    backup_vault: BackupVault
    secret_arns: dict[str, pulumi.Output[str]] = field(default_factory=dict)


def build_regional(cfg: StackConfig, secrets: dict[str, pulumi.Output[str]], plan: DatabasePlan) -> Regional:
    protect_stateful(cfg.lifecycle.protect)
    name = cfg.name
    tags = cfg.tags
    account_id = aws.get_caller_identity_output().account_id
    # The key first: the network's flow-log group is encrypted with it.
    kms = KmsKey(f"{name}-kms", KmsKeyArgs(alias=names.kms_alias(cfg.stack), region=cfg.region, tags=tags))
    net = cfg.network
    network = Network(
        name,
        NetworkArgs(
            cidr=net.cidr,
            az_count=net.az_count,
            public_subnets=net.public_subnets,
            private_subnets=net.private_subnets,
            data_subnets=net.data_subnets,
            region=cfg.region,
            single_nat=net.nat_strategy == "single",
            flow_log_retention_days=net.flow_log_retention_days,
            kms_key_arn=kms.arn,
            tags=tags,
        ),
    )
    app_sg = AppSecurityGroup(f"{name}-app", AppSecurityGroupArgs(vpc_id=network.vpc_id, tags=tags))
    data_tier: dict[str, Any] = {"vpc_id": network.vpc_id, "app_security_group_id": app_sg.id, "kms_key_arn": kms.arn, "tags": tags}

    credentials = None
    if plan.is_primary:
        credentials = DatabaseCredentials(
            f"{name}-db-credentials",
            DatabaseCredentialsArgs(
                stack=cfg.stack, kms_key_arn=kms.arn, db_name="coko", recovery_window_days=SECRET_RECOVERY_WINDOW_DAYS, replicas=plan.secret_replicas, tags=tags
            ),
        )
    database = Database(
        f"{name}-db",
        DatabaseArgs(
            identifier=names.database_identifier(cfg.stack),
            settings=cfg.database,
            subnet_ids=network.data_subnet_ids,
            master_password=credentials.master_password if credentials else None,
            replicate_source_db=plan.source_arn,
            promoted=plan.promoted,
            **data_tier,
        ),
    )
    cache = Cache(
        f"{name}-cache",
        CacheArgs(
            replication_group_id=name,
            subnet_ids=network.data_subnet_ids,
            auth_token=secrets["redisAuthToken"],
            secret_name=f"{names.secret_prefix(cfg.stack)}/REDIS_URL",
            settings=cfg.cache,
            **data_tier,
        ),
    )
    search = Search(
        f"{name}-search",
        SearchArgs(domain_name=name, subnet_ids=network.private_subnet_ids, region=cfg.region, settings=cfg.search, **data_tier),
    )
    storage = Storage(
        f"{name}-storage",
        StorageArgs(
            kms_key_arn=kms.arn,
            settings=cfg.storage,
            static_bucket_name=account_id.apply(lambda a: names.static_bucket_name(cfg.stack, a)),
            media_bucket_name=account_id.apply(lambda a: names.media_bucket_name(cfg.stack, a)),
            tags=tags,
        ),
    )
    backup_vault = BackupVault(
        f"{name}-backup",
        BackupVaultArgs(vault_name=names.backup_vault_name(cfg.stack), kms_key_arn=kms.arn, retention_days=cfg.disaster_recovery.backup_retention_days, tags=tags),
    )

    app_secrets = AppSecrets(
        f"{name}-secrets",
        AppSecretsArgs(values=secrets, kms_key_arn=kms.arn, name_prefix=names.secret_prefix(cfg.stack), recovery_window_days=SECRET_RECOVERY_WINDOW_DAYS, tags=tags),
    )
    login = credentials.app_secret_arn if credentials else plan.credentials_secret_arn
    master = credentials.master_secret_arn if credentials else plan.master_secret_arn
    assert login is not None and master is not None  # a plan is either primary (credentials) or replica (its secrets' replicas)
    secret_arns: dict[str, pulumi.Output[str]] = {
        **app_secrets.value_from,
        "REDIS_URL": cache.url_secret_arn,
        "POSTGRES_USER": json_key_value_from(login, "username"),
        "POSTGRES_PASSWORD": json_key_value_from(login, "password"),
    }

    outputs: dict[str, Any] = {
        out.REGION: cfg.region,
        out.ROLE: cfg.role,
        "vpcId": network.vpc_id,
        out.VPC_CIDR: net.cidr,
        "privateSubnetIds": network.private_subnet_ids,
        out.KMS_KEY_ARN: kms.arn,
        "appSecurityGroupId": app_sg.id,
        out.DATABASE_ARN: database.arn,
        out.DATABASE_IDENTIFIER: database.identifier,
        "databaseAddress": database.address,
        "databasePort": database.port,
        "cacheEndpoint": cache.primary_endpoint,
        "searchEndpoint": search.endpoint,
        "staticBucketName": storage.static_bucket.id,
        out.MEDIA_BUCKET_NAME: storage.media_bucket.id,
        out.MEDIA_BUCKET_ARN: storage.media_bucket.arn,
        "backupVaultArn": backup_vault.arn,
        out.SECRET_ARNS: secret_arns,
    }
    if credentials is not None:
        outputs[out.DATABASE_CREDENTIALS_SECRET_ARN] = credentials.app_secret_arn
        outputs[out.DATABASE_MASTER_SECRET_ARN] = credentials.master_secret_arn
    return Regional(
        account_id=account_id,
        network=network,
        outputs=outputs,
        kms_key=kms,
        app_security_group_id=app_sg.id,
        database=database,
        credentials=credentials,
        login_secret_arn=login,
        master_secret_arn=master,
        cache=cache,
        search=search,
        storage=storage,
        backup_vault=backup_vault,
        secret_arns=secret_arns,
    )


def attach_bucket_policies(cfg: StackConfig, regional: Regional, cloudfront_distribution_arns: Sequence[pulumi.Input[str]]) -> BucketPolicies:
    """The one policy per bucket (TLS only + CloudFront OAC read). Call it once, after the CDN exists."""
    storage = regional.storage
    return BucketPolicies(
        f"{cfg.name}-bucket-policies",
        BucketPoliciesArgs(buckets={"static": storage.static_bucket, "media": storage.media_bucket}, cloudfront_distribution_arns=cloudfront_distribution_arns),
    )
