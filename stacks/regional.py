"""What every region runs, whatever its role."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi

from components.app_secrets import AppSecrets, AppSecretsArgs
from components.app_security_group import AppSecurityGroup, AppSecurityGroupArgs
from components.cache import Cache, CacheArgs
from components.database import Database, DatabaseArgs, json_key_value_from
from components.kms import KmsKey, KmsKeyArgs
from components.network import Network, NetworkArgs
from components.search import Search, SearchArgs
from components.storage import BucketPolicies, BucketPoliciesArgs, Storage, StorageArgs
from stacks.config import StackConfig


@dataclass(frozen=True)
class DatabasePlan:
    """Which database this region runs: the writable primary, or a replica of ``source_arn``.

    ``master_secret_arn`` is the source's RDS-managed master secret (a replica has none of its
    own: it shares the source's credentials).
    """

    source_arn: pulumi.Input[str] | None = None
    master_secret_arn: pulumi.Input[str] | None = None

    @property
    def is_replica(self) -> bool:
        return self.source_arn is not None


@dataclass
class Regional:
    """Handles on the regional components, for the role-specific builders (and compute) to extend.

    ``secret_arns`` maps environment variable -> ECS ``valueFrom`` (a secret ARN, or
    ``<arn>:<json key>::`` for POSTGRES_USER/POSTGRES_PASSWORD).
    """

    network: Network
    outputs: dict[str, Any]
    kms_key: KmsKey
    app_security_group: AppSecurityGroup
    app_security_group_id: pulumi.Output[str]
    database: Database
    cache: Cache
    search: Search
    storage: Storage
    secret_arns: dict[str, pulumi.Output[str]] = field(default_factory=dict)


def build_regional(cfg: StackConfig, secrets: dict[str, pulumi.Output[str]], database_plan: DatabasePlan | None = None) -> Regional:
    plan = database_plan or DatabasePlan()
    name = f"coko-{cfg.stack}"
    tags = cfg.tags
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
            tags=tags,
        ),
    )
    kms = KmsKey(f"{name}-kms", KmsKeyArgs(alias=name, region=cfg.region, tags=tags))
    app_sg = AppSecurityGroup(f"{name}-app", AppSecurityGroupArgs(vpc_id=network.vpc_id, tags=tags))

    db = cfg.database
    database = Database(
        f"{name}-db",
        DatabaseArgs(
            identifier=f"{name}-db",
            vpc_id=network.vpc_id,
            subnet_ids=network.data_subnet_ids,
            app_security_group_id=app_sg.id,
            kms_key_arn=kms.arn,
            instance_class=db.instance_class,
            engine_version=db.engine_version,
            allocated_storage_gb=db.allocated_storage_gb,
            max_allocated_storage_gb=db.max_allocated_storage_gb,
            backup_retention_days=db.backup_retention_days,
            backup_window=db.backup_window,
            maintenance_window=db.maintenance_window,
            multi_az=db.multi_az,
            deletion_protection=db.deletion_protection,
            performance_insights=db.performance_insights,
            monitoring_interval_seconds=db.monitoring_interval_seconds,
            log_retention_days=db.log_retention_days,
            slow_query_ms=db.slow_query_ms,
            replicate_source_db=plan.source_arn,
            tags=tags,
        ),
    )

    cache_cfg = cfg.cache
    cache = Cache(
        f"{name}-cache",
        CacheArgs(
            replication_group_id=name,
            vpc_id=network.vpc_id,
            subnet_ids=network.data_subnet_ids,
            app_security_group_id=app_sg.id,
            kms_key_arn=kms.arn,
            auth_token=secrets["redisAuthToken"],
            secret_name=f"coko/{cfg.stack}/REDIS_URL",
            engine=cache_cfg.engine,
            engine_version=cache_cfg.engine_version,
            node_type=cache_cfg.node_type,
            num_nodes=cache_cfg.num_nodes,
            snapshot_retention_days=cache_cfg.snapshot_retention_days,
            snapshot_window=cache_cfg.snapshot_window,
            maintenance_window=cache_cfg.maintenance_window,
            log_retention_days=cache_cfg.log_retention_days,
            tags=tags,
        ),
    )

    search_cfg = cfg.search
    search = Search(
        f"{name}-search",
        SearchArgs(
            domain_name=name,
            vpc_id=network.vpc_id,
            subnet_ids=network.private_subnet_ids,
            app_security_group_id=app_sg.id,
            kms_key_arn=kms.arn,
            region=cfg.region,
            engine_version=search_cfg.engine_version,
            instance_type=search_cfg.instance_type,
            instance_count=search_cfg.instance_count,
            volume_size_gb=search_cfg.volume_size_gb,
            log_retention_days=search_cfg.log_retention_days,
            tags=tags,
        ),
    )

    st = cfg.storage
    storage = Storage(
        f"{name}-storage",
        StorageArgs(
            kms_key_arn=kms.arn,
            noncurrent_version_expiration_days=st.noncurrent_version_expiration_days,
            cors_origins=st.cors_origins,
            tags=tags,
        ),
    )

    app_secrets = AppSecrets(f"{name}-secrets", AppSecretsArgs(values=secrets, kms_key_arn=kms.arn, name_prefix=f"coko/{cfg.stack}", tags=tags))
    master_secret = plan.master_secret_arn if plan.is_replica else database.master_user_secret_arn
    secret_arns: dict[str, pulumi.Output[str]] = dict(app_secrets.value_from)
    secret_arns["REDIS_URL"] = cache.url_secret_arn
    if master_secret is not None:
        secret_arns["POSTGRES_USER"] = json_key_value_from(master_secret, "username")
        secret_arns["POSTGRES_PASSWORD"] = json_key_value_from(master_secret, "password")

    outputs: dict[str, Any] = {
        "region": cfg.region,
        "role": cfg.role,
        "vpcId": network.vpc_id,
        "vpcCidr": net.cidr,
        "privateSubnetIds": network.private_subnet_ids,
        "kmsKeyArn": kms.arn,
        "appSecurityGroupId": app_sg.id,
        "databaseAddress": database.address,
        "databasePort": database.port,
        "cacheEndpoint": cache.primary_endpoint,
        "searchEndpoint": search.endpoint,
        "staticBucketName": storage.static_bucket.id,
        "mediaBucketName": storage.media_bucket.id,
        "secretArns": secret_arns,
    }
    return Regional(
        network=network,
        outputs=outputs,
        kms_key=kms,
        app_security_group=app_sg,
        app_security_group_id=app_sg.id,
        database=database,
        cache=cache,
        search=search,
        storage=storage,
        secret_arns=secret_arns,
    )


def attach_bucket_policies(cfg: StackConfig, regional: Regional, cloudfront_distribution_arns: Sequence[pulumi.Input[str]] = ()) -> BucketPolicies:
    """The one policy per bucket (TLS only + CloudFront OAC read). Call it once, after the CDN exists."""
    storage = regional.storage
    return BucketPolicies(
        f"coko-{cfg.stack}-bucket-policies",
        BucketPoliciesArgs(buckets={"static": storage.static_bucket, "media": storage.media_bucket}, cloudfront_distribution_arns=cloudfront_distribution_arns),
    )
