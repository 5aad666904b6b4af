"""Search: an OpenSearch domain inside the VPC (the seed's Elasticsearch) for catalog search.

Reachable only from the app SG on 443, HTTPS with TLS 1.2+, encrypted at rest (CMK) and between
nodes, fine-grained access control with IAM (no internal user database, so no password to keep),
and slow/error logs in encrypted log groups. The FGAC master is an IAM role: by default a dedicated
admin role created here (assumable by the account's administrators), so the ECS task role never
gets cluster-admin rights implicitly.

Prerequisite, once per account: the OpenSearch service-linked role
(``aws iam create-service-linked-role --aws-service-name opensearchservice.amazonaws.com``). It is
not created here because both stacks share the account and only one may own it.
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
from components.settings import SearchConfig

PORT = 443
TLS_POLICY = "Policy-Min-TLS-1-2-2019-07"
# AUDIT_LOGS needs fine-grained access control (on) and audit logging switched on in the security
# plugin: https://docs.aws.amazon.com/opensearch-service/latest/developerguide/audit-logs.html
LOG_TYPES = {"SEARCH_SLOW_LOGS": "search-slow", "INDEX_SLOW_LOGS": "index-slow", "ES_APPLICATION_LOGS": "application", "AUDIT_LOGS": "audit"}
ADMIN_TAG = "coko-search-admin"
_DOMAIN_NAME = re.compile(r"^[a-z][a-z0-9-]{2,27}$")


@dataclass(frozen=True)
class SearchArgs:
    """``subnet_ids`` are the private (app) subnets; one per zone is used."""

    domain_name: str
    vpc_id: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]
    app_security_group_id: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    region: str
    settings: SearchConfig
    master_user_arn: pulumi.Input[str] | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = []
        if not _DOMAIN_NAME.match(self.domain_name):
            problems.append(f"{self.domain_name!r} is not a valid domain name (3-28 lowercase letters, digits, hyphens)")
        if not self.subnet_ids:
            problems.append("the domain needs at least one subnet")
        if self.settings.instance_count >= 2 and self.zone_count == 2 and self.settings.instance_count % 2:
            problems.append(f"{self.settings.instance_count} data nodes over two zones: OpenSearch needs an even number")
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def zone_count(self) -> int:
        """Zone awareness spans min(instance_count, subnets) zones (OpenSearch allows 2 or 3)."""
        if self.settings.instance_count < 2:
            return 1
        return min(self.settings.instance_count, len(self.subnet_ids), 3)


class Search(pulumi.ComponentResource):
    """OpenSearch domain, its SG, log groups with the es.amazonaws.com resource policy, admin role."""

    endpoint: pulumi.Output[str]
    url: pulumi.Output[str]
    arn: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    master_user_arn: pulumi.Output[str]

    def __init__(self, name: str, args: SearchArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:data:Search", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        account = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id

        sg = data_security_group(
            f"{name}-sg",
            description=f"{args.domain_name}: HTTPS from the app tasks only",
            vpc_id=args.vpc_id,
            app_security_group_id=args.app_security_group_id,
            port=PORT,
            rule_name=f"{name}-https",
            what="OpenSearch",
            tags=tags,
            parent=self,
        )

        if args.master_user_arn is None:
            admin = aws.iam.Role(
                f"{name}-admin",
                description=f"Fine-grained access control master of OpenSearch {args.domain_name}",
                assume_role_policy=account.apply(lambda acct: admin_trust_policy(acct, args.settings.admin_principal_arns)),
                max_session_duration=3600,
                tags=tags,
                opts=child,
            )
            master_user_arn: pulumi.Input[str] = admin.arn
        else:
            master_user_arn = args.master_user_arn

        log_groups = {
            log_type: encrypted_log_group(
                f"{name}-log-{suffix}",
                log_group_name=f"/aws/opensearch/{args.domain_name}/{suffix}",
                retention_days=args.settings.log_retention_days,
                kms_key_arn=args.kms_key_arn,
                tags=tags,
                parent=self,
            )
            for log_type, suffix in LOG_TYPES.items()
        }
        log_policy = aws.cloudwatch.LogResourcePolicy(
            f"{name}-log-policy",
            policy_name=f"{args.domain_name}-opensearch-logs",
            policy_document=pulumi.Output.all(account, *[g.arn for g in log_groups.values()]).apply(lambda v: _log_policy(v[0], v[1:])),
            opts=child,
        )

        domain_arn = account.apply(lambda acct: f"arn:aws:es:{args.region}:{acct}:domain/{args.domain_name}")
        zones = args.zone_count
        masters = args.settings.dedicated_master_count
        domain = aws.opensearch.Domain(
            f"{name}-domain",
            domain_name=args.domain_name,
            engine_version=args.settings.engine_version,
            cluster_config=aws.opensearch.DomainClusterConfigArgs(
                instance_type=args.settings.instance_type,
                instance_count=args.settings.instance_count,
                zone_awareness_enabled=zones >= 2,
                zone_awareness_config=aws.opensearch.DomainClusterConfigZoneAwarenessConfigArgs(availability_zone_count=zones) if zones >= 2 else None,
                dedicated_master_enabled=masters > 0,
                dedicated_master_count=masters or None,
                dedicated_master_type=args.settings.dedicated_master_type if masters else None,
            ),
            vpc_options=aws.opensearch.DomainVpcOptionsArgs(subnet_ids=list(args.subnet_ids[:zones]), security_group_ids=[sg.id]),
            ebs_options=aws.opensearch.DomainEbsOptionsArgs(ebs_enabled=True, volume_type="gp3", volume_size=args.settings.volume_size_gb),
            encrypt_at_rest=aws.opensearch.DomainEncryptAtRestArgs(enabled=True, kms_key_id=args.kms_key_arn),
            node_to_node_encryption=aws.opensearch.DomainNodeToNodeEncryptionArgs(enabled=True),
            domain_endpoint_options=aws.opensearch.DomainDomainEndpointOptionsArgs(enforce_https=True, tls_security_policy=TLS_POLICY),
            advanced_security_options=aws.opensearch.DomainAdvancedSecurityOptionsArgs(
                enabled=True,
                anonymous_auth_enabled=False,
                internal_user_database_enabled=False,
                master_user_options=aws.opensearch.DomainAdvancedSecurityOptionsMasterUserOptionsArgs(master_user_arn=master_user_arn),
            ),
            access_policies=pulumi.Output.all(account, domain_arn).apply(lambda v: _access_policy(v[0], v[1])),
            log_publishing_options=[
                aws.opensearch.DomainLogPublishingOptionArgs(log_type=log_type, cloudwatch_log_group_arn=group.arn, enabled=True)
                for log_type, group in log_groups.items()
            ],
            software_update_options=aws.opensearch.DomainSoftwareUpdateOptionsArgs(auto_software_update_enabled=True),
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[log_policy]),
        )

        self.endpoint = domain.endpoint
        self.url = domain.endpoint.apply(lambda host: f"https://{host}")
        self.arn = domain.arn
        self.security_group_id = sg.id
        self.master_user_arn = pulumi.Output.from_input(master_user_arn)
        self.register_outputs(
            {
                "endpoint": domain.endpoint,
                "arn": domain.arn,
                "securityGroupId": sg.id,
                "masterUserArn": self.master_user_arn,
                "logGroupNames": [g.name for g in log_groups.values()],
            }
        )


def admin_trust_policy(account_id: str, principal_arns: Sequence[str]) -> str:
    """Who may become the domain's FGAC master: the named principals, else only principals of this
    account tagged ``coko-search-admin=true`` (never the whole account unconditionally)."""
    if principal_arns:
        statement: dict = {"Effect": "Allow", "Principal": {"AWS": list(principal_arns)}, "Action": "sts:AssumeRole"}
    else:
        statement = {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {f"aws:PrincipalTag/{ADMIN_TAG}": "true"}},
        }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _log_policy(account_id: str, group_arns: Sequence[str]) -> str:
    """OpenSearch (es.amazonaws.com) may write to these log groups, for this account only."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "es.amazonaws.com"},
                    "Action": ["logs:PutLogEvents", "logs:CreateLogStream"],
                    "Resource": [f"{arn}:*" for arn in group_arns],
                    "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
                }
            ],
        }
    )


def _access_policy(account_id: str, domain_arn: str) -> str:
    """HTTP access for IAM principals of this account only; FGAC then maps roles to permissions."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
                    "Action": "es:ESHttp*",
                    "Resource": f"{domain_arn}/*",
                }
            ],
        }
    )
