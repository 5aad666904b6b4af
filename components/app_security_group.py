"""The application security group: what the ECS tasks (backend, worker, scheduler, migrate) wear.

It starts with egress HTTPS only (payment APIs, AWS APIs, ECR, Secrets Manager). Each data
component opens its own port with :func:`allow_app_to`, which writes the matching pair of rules
(ingress on the data SG from this SG, egress on this SG to the data SG) so the two sides cannot
drift. The compute side adds its own ingress (8000 from the ALB SG) as a separate
``aws.vpc.SecurityGroupIngressRule`` against :attr:`AppSecurityGroup.id`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class AppSecurityGroupArgs:
    vpc_id: pulumi.Input[str]
    tags: Mapping[str, str] = field(default_factory=dict)
    # Another set of tasks with the same shape (the reader frontend: ingress from the ALB, egress HTTPS).
    description: str = "Coko app tasks (ECS): ingress from the ALB only, egress HTTPS and the data tier"


class AppSecurityGroup(pulumi.ComponentResource):
    """Security group of the app tasks; no ingress of its own, egress 443 to anywhere."""

    id: pulumi.Output[str]

    def __init__(self, name: str, args: AppSecurityGroupArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:network:AppSecurityGroup", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        sg = aws.ec2.SecurityGroup(
            f"{name}-sg",
            description=args.description,
            vpc_id=args.vpc_id,
            tags={**tags, "Name": f"{name}-sg"},
            opts=child,
        )
        # Payment providers (Orange Money, MTN MoMo, Wave), Sentry, SES and AWS APIs are all HTTPS.
        https = aws.vpc.SecurityGroupEgressRule(
            f"{name}-egress-https",
            security_group_id=sg.id,
            description="HTTPS to payment providers and AWS APIs",
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4="0.0.0.0/0",
            tags={**tags, "Name": f"{name}-egress-https"},
            opts=child,
        )
        self.id = sg.id
        self.register_outputs({"securityGroupId": sg.id, "httpsEgressRuleId": https.id})


def allow_app_to(
    name: str,
    *,
    app_security_group_id: pulumi.Input[str],
    target_security_group_id: pulumi.Input[str],
    port: int,
    what: str,
    tags: Mapping[str, str],
    parent: pulumi.Resource,
) -> tuple[pulumi.CustomResource, pulumi.CustomResource]:
    """Open ``port`` from the app SG to a data SG: the ingress and its matching egress, SG to SG only."""
    def rule(kind: type, resource_name: str, own: pulumi.Input[str], other: pulumi.Input[str], description: str) -> pulumi.CustomResource:
        return kind(
            resource_name,
            security_group_id=own,
            referenced_security_group_id=other,
            description=description,
            ip_protocol="tcp",
            from_port=port,
            to_port=port,
            tags={**tags, "Name": resource_name},
            opts=pulumi.ResourceOptions(parent=parent),
        )

    ingress = rule(aws.vpc.SecurityGroupIngressRule, f"{name}-from-app", target_security_group_id, app_security_group_id, f"{what} from the app tasks only")
    egress = rule(aws.vpc.SecurityGroupEgressRule, f"{name}-app-egress", app_security_group_id, target_security_group_id, f"app tasks to {what}")
    return ingress, egress


def data_security_group(
    name: str,
    *,
    description: str,
    vpc_id: pulumi.Input[str],
    app_security_group_id: pulumi.Input[str],
    port: int,
    rule_name: str,
    what: str,
    tags: Mapping[str, str],
    parent: pulumi.Resource,
) -> aws.ec2.SecurityGroup:
    """A data tier SG (no egress, no CIDR ingress) that admits ``port`` from the app SG only."""
    sg = aws.ec2.SecurityGroup(
        name,
        description=description,
        vpc_id=vpc_id,
        tags={**tags, "Name": name},
        opts=pulumi.ResourceOptions(parent=parent),
    )
    allow_app_to(rule_name, app_security_group_id=app_security_group_id, target_security_group_id=sg.id, port=port, what=what, tags=tags, parent=parent)
    return sg
