"""Database: RDS PostgreSQL, either the writable primary or a cross-region read replica.

Secure without configuration: isolated data subnets, 5432 from the app SG only, storage and
Performance Insights encrypted with the CMK, the master password generated and kept by RDS in
Secrets Manager (never in config or state), SSL forced, slow queries logged, logs shipped to
encrypted log groups with retention, deletion protection and a final snapshot.

The instance creates only the ``coko`` database. The other logical databases (coko_auth,
coko_catalog, coko_reading, coko_recommendation) are created by the app's
``manage.py migrate_alias <alias>``, run by ``coko migrate`` as a one-off ECS task.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.app_security_group import data_security_group
from components.log_group import encrypted_log_group

PORT = 5432
LOG_EXPORTS = ("postgresql", "upgrade")
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9-]{0,61}[a-z0-9]$")
ENHANCED_MONITORING_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"


@dataclass(frozen=True)
class DatabaseArgs:
    """Sizes come from the stack config; ``replicate_source_db`` (an ARN) makes this a replica."""

    identifier: str
    vpc_id: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]
    app_security_group_id: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    instance_class: str
    engine_version: str
    allocated_storage_gb: int = 20
    max_allocated_storage_gb: int = 100
    backup_retention_days: int = 7
    backup_window: str = "03:00-04:00"
    maintenance_window: str = "sun:04:00-sun:05:00"
    multi_az: bool = True
    deletion_protection: bool = True
    performance_insights: bool = True
    monitoring_interval_seconds: int = 60
    log_retention_days: int = 30
    slow_query_ms: int = 500
    db_name: str = "coko"
    master_username: str = "coko_admin"
    replicate_source_db: pulumi.Input[str] | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = []
        if not _IDENTIFIER.match(self.identifier) or "--" in self.identifier:
            problems.append(f"{self.identifier!r} is not a valid RDS identifier")
        if len(self.subnet_ids) < 2:
            problems.append("a DB subnet group needs subnets in at least two AZs")
        if self.max_allocated_storage_gb < self.allocated_storage_gb:
            problems.append("max_allocated_storage_gb is below allocated_storage_gb")
        if self.backup_retention_days < 7:
            problems.append("backups are kept at least 7 days (a replica needs them to be promotable)")
        if int(self.engine_version.split(".")[0]) < 15:
            problems.append("PostgreSQL 15 or newer is required")
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def is_replica(self) -> bool:
        return self.replicate_source_db is not None

    @property
    def family(self) -> str:
        return f"postgres{self.engine_version.split('.')[0]}"


class Database(pulumi.ComponentResource):
    """RDS PostgreSQL with its subnet group, SG, parameter group, monitoring role and log groups."""

    address: pulumi.Output[str]
    port: pulumi.Output[int]
    arn: pulumi.Output[str]
    identifier: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    master_user_secret_arn: pulumi.Output[str] | None

    def __init__(self, name: str, args: DatabaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:data:Database", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        # Where this is true the app runs with DATABASE_READ_ONLY=true (sessions in Redis).
        self.is_replica = args.is_replica

        subnet_group = aws.rds.SubnetGroup(
            f"{name}-subnets",
            description=f"{args.identifier}: isolated data subnets (no route out)",
            subnet_ids=list(args.subnet_ids),
            tags=tags,
            opts=child,
        )
        sg = data_security_group(
            f"{name}-sg",
            description=f"{args.identifier}: PostgreSQL from the app tasks only",
            vpc_id=args.vpc_id,
            app_security_group_id=args.app_security_group_id,
            port=PORT,
            rule_name=f"{name}-pg",
            what="PostgreSQL",
            tags=tags,
            parent=self,
        )

        params = aws.rds.ParameterGroup(
            f"{name}-params",
            family=args.family,
            description=f"{args.identifier}: SSL only, slow queries logged",
            parameters=[
                aws.rds.ParameterGroupParameterArgs(name="rds.force_ssl", value="1"),
                aws.rds.ParameterGroupParameterArgs(name="log_min_duration_statement", value=str(args.slow_query_ms)),
            ],
            tags=tags,
            opts=child,
        )

        monitoring_role = aws.iam.Role(
            f"{name}-monitoring",
            description=f"Enhanced Monitoring for {args.identifier}",
            assume_role_policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Principal": {"Service": "monitoring.rds.amazonaws.com"}, "Action": "sts:AssumeRole"}],
                }
            ),
            tags=tags,
            opts=child,
        )
        attachment = aws.iam.RolePolicyAttachment(f"{name}-monitoring-policy", role=monitoring_role.name, policy_arn=ENHANCED_MONITORING_POLICY, opts=child)

        # RDS writes to /aws/rds/instance/<id>/<log>; created here so they are encrypted and expire.
        log_groups = [
            encrypted_log_group(
                f"{name}-log-{log}",
                log_group_name=f"/aws/rds/instance/{args.identifier}/{log}",
                retention_days=args.log_retention_days,
                kms_key_arn=args.kms_key_arn,
                tags=tags,
                parent=self,
            )
            for log in LOG_EXPORTS
        ]

        common: dict = dict(
            identifier=args.identifier,
            instance_class=args.instance_class,
            max_allocated_storage=args.max_allocated_storage_gb,
            storage_type="gp3",
            storage_encrypted=True,
            kms_key_id=args.kms_key_arn,
            db_subnet_group_name=subnet_group.name,
            vpc_security_group_ids=[sg.id],
            parameter_group_name=params.name,
            publicly_accessible=False,
            port=PORT,
            multi_az=args.multi_az,
            backup_retention_period=args.backup_retention_days,
            backup_window=args.backup_window,
            maintenance_window=args.maintenance_window,
            copy_tags_to_snapshot=True,
            auto_minor_version_upgrade=True,
            allow_major_version_upgrade=False,
            iam_database_authentication_enabled=True,
            deletion_protection=args.deletion_protection,
            performance_insights_enabled=args.performance_insights,
            performance_insights_kms_key_id=args.kms_key_arn if args.performance_insights else None,
            performance_insights_retention_period=7 if args.performance_insights else None,
            monitoring_interval=args.monitoring_interval_seconds,
            monitoring_role_arn=monitoring_role.arn,
            enabled_cloudwatch_logs_exports=list(LOG_EXPORTS),
            ca_cert_identifier="rds-ca-rsa2048-g1",
            tags=tags,
        )
        instance_opts = pulumi.ResourceOptions(parent=self, depends_on=[*log_groups, attachment])
        if args.is_replica:
            # Engine, version, storage size, user and credentials come from the source. RDS
            # refuses a final snapshot for a replica; its backups make it promotable.
            instance = aws.rds.Instance(
                f"{name}-instance",
                replicate_source_db=args.replicate_source_db,
                skip_final_snapshot=True,
                **common,
                opts=instance_opts,
            )
            self.master_user_secret_arn = None
        else:
            instance = aws.rds.Instance(
                f"{name}-instance",
                engine="postgres",
                engine_version=args.engine_version,
                allocated_storage=args.allocated_storage_gb,
                db_name=args.db_name,
                username=args.master_username,
                manage_master_user_password=True,
                master_user_secret_kms_key_id=args.kms_key_arn,
                skip_final_snapshot=False,
                final_snapshot_identifier=f"{args.identifier}-final",
                delete_automated_backups=False,
                **common,
                opts=instance_opts,
            )
            self.master_user_secret_arn = instance.master_user_secrets.apply(_secret_arn)

        self.address = instance.address
        self.port = instance.port
        self.arn = instance.arn
        self.identifier = instance.identifier
        self.security_group_id = sg.id
        self.parameter_group_name = params.name
        outputs = {
            "address": instance.address,
            "port": instance.port,
            "arn": instance.arn,
            "identifier": instance.identifier,
            "securityGroupId": sg.id,
            "subnetGroupName": subnet_group.name,
            "parameterGroupName": params.name,
            "logGroupNames": [g.name for g in log_groups],
        }
        if self.master_user_secret_arn is not None:
            outputs["masterUserSecretArn"] = self.master_user_secret_arn
        self.register_outputs(outputs)


def _secret_arn(secrets: list) -> str:
    """The ARN of the RDS-managed master secret (JSON with ``username`` and ``password``)."""
    if not secrets:
        raise pulumi.RunError("RDS reported no managed master user secret; manage_master_user_password must be on")
    first = secrets[0]
    arn = first.get("secret_arn") if isinstance(first, dict) else first.secret_arn
    return str(arn)


def json_key_value_from(secret_arn: pulumi.Input[str], key: str) -> pulumi.Output[str]:
    """ECS ``valueFrom`` for one key of a JSON secret: ``<arn>:<key>::`` (version stage AWSCURRENT)."""
    return pulumi.Output.from_input(secret_arn).apply(lambda arn: f"{arn}:{key}::")
