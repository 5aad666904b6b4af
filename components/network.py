"""Network: a VPC over several AZs with public, private-app and isolated-data subnets."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.log_group import encrypted_log_group
from components.service_role import service_role


@dataclass(frozen=True)
class NetworkArgs:
    """Flat, validated inputs (the stack config model checks CIDRs and counts first)."""

    cidr: str
    az_count: int
    public_subnets: Sequence[str]
    private_subnets: Sequence[str]
    data_subnets: Sequence[str]
    region: str
    single_nat: bool
    flow_log_retention_days: int
    kms_key_arn: pulumi.Input[str]
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for tier in (self.public_subnets, self.private_subnets, self.data_subnets):
            if len(tier) != self.az_count:
                raise ValueError(f"each subnet tier needs {self.az_count} CIDRs, one per AZ")
        if self.az_count < 2:
            raise ValueError("a VPC for Coko spans at least two availability zones")


class Network(pulumi.ComponentResource):
    """VPC, subnets, IGW, NAT (per AZ or single), routes, flow logs, closed default SG, S3 endpoint.

    Private-app subnets reach the internet through NAT (image pulls, payment APIs); data subnets
    have no route out at all, so a database or cache can never be exposed by a routing mistake.
    """

    vpc_id: pulumi.Output[str]
    public_subnet_ids: list[pulumi.Output[str]]
    private_subnet_ids: list[pulumi.Output[str]]
    data_subnet_ids: list[pulumi.Output[str]]

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:network:Network", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)

        def named(suffix: str) -> dict[str, str]:
            return {**tags, "Name": f"{name}-{suffix}"}

        vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.cidr,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags=named("vpc"),
            opts=child,
        )
        self.vpc_id = vpc.id
        zones = aws.get_availability_zones_output(state="available", opts=pulumi.InvokeOutputOptions(parent=self))
        az_names = [zones.names.apply(lambda names, i=i: _pick_zone(names, i)) for i in range(args.az_count)]

        # The default security group is kept but emptied: nothing may rely on it.
        aws.ec2.DefaultSecurityGroup(f"{name}-default-sg", vpc_id=vpc.id, ingress=[], egress=[], tags=named("default-closed"), opts=child)

        igw = aws.ec2.InternetGateway(f"{name}-igw", vpc_id=vpc.id, tags=named("igw"), opts=child)

        def subnets(tier: str, cidrs: Sequence[str]) -> list[aws.ec2.Subnet]:
            return [
                aws.ec2.Subnet(
                    f"{name}-{tier}-{i + 1}",
                    vpc_id=vpc.id,
                    cidr_block=cidr,
                    availability_zone=az_names[i],
                    map_public_ip_on_launch=False,
                    tags={**named(f"{tier}-{i + 1}"), "Tier": tier},
                    opts=child,
                )
                for i, cidr in enumerate(cidrs)
            ]

        public = subnets("public", args.public_subnets)
        private = subnets("private", args.private_subnets)
        data = subnets("data", args.data_subnets)

        public_rt = aws.ec2.RouteTable(
            f"{name}-public-rt",
            vpc_id=vpc.id,
            routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", gateway_id=igw.id)],
            tags=named("public-rt"),
            opts=child,
        )
        for i, subnet in enumerate(public):
            aws.ec2.RouteTableAssociation(f"{name}-public-rta-{i + 1}", subnet_id=subnet.id, route_table_id=public_rt.id, opts=child)

        nat_count = 1 if args.single_nat else args.az_count
        nats = []
        eips = []
        for i in range(nat_count):
            eip = aws.ec2.Eip(f"{name}-nat-eip-{i + 1}", domain="vpc", tags=named(f"nat-eip-{i + 1}"), opts=child)
            eips.append(eip)
            nats.append(
                aws.ec2.NatGateway(
                    f"{name}-nat-{i + 1}",
                    allocation_id=eip.id,
                    subnet_id=public[i].id,
                    tags=named(f"nat-{i + 1}"),
                    opts=pulumi.ResourceOptions(parent=self, depends_on=[igw]),
                )
            )

        private_rts = []
        for i, subnet in enumerate(private):
            rt = aws.ec2.RouteTable(
                f"{name}-private-rt-{i + 1}",
                vpc_id=vpc.id,
                routes=[aws.ec2.RouteTableRouteArgs(cidr_block="0.0.0.0/0", nat_gateway_id=nats[min(i, nat_count - 1)].id)],
                tags=named(f"private-rt-{i + 1}"),
                opts=child,
            )
            aws.ec2.RouteTableAssociation(f"{name}-private-rta-{i + 1}", subnet_id=subnet.id, route_table_id=rt.id, opts=child)
            private_rts.append(rt)

        data_rt = aws.ec2.RouteTable(f"{name}-data-rt", vpc_id=vpc.id, tags=named("data-rt"), opts=child)
        for i, subnet in enumerate(data):
            aws.ec2.RouteTableAssociation(f"{name}-data-rta-{i + 1}", subnet_id=subnet.id, route_table_id=data_rt.id, opts=child)

        # S3 traffic (static/media, image layers) stays off the NAT gateways.
        aws.ec2.VpcEndpoint(
            f"{name}-s3-endpoint",
            vpc_id=vpc.id,
            service_name=f"com.amazonaws.{args.region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[rt.id for rt in private_rts] + [data_rt.id],
            tags=named("s3-endpoint"),
            opts=child,
        )

        flow_log = self._flow_logs(name, vpc, args.flow_log_retention_days, args.kms_key_arn, tags)

        self.public_subnet_ids = [s.id for s in public]
        self.private_subnet_ids = [s.id for s in private]
        self.data_subnet_ids = [s.id for s in data]
        self.nat_gateway_count = nat_count
        # The public IPs this VPC's tasks reach the internet (and our own CloudFront) from.
        self.egress_ips: list[pulumi.Output[str]] = [eip.public_ip for eip in eips]
        self.flow_log_id = flow_log.id
        self.register_outputs(
            {
                "vpcId": vpc.id,
                "vpcCidr": args.cidr,
                "publicSubnetIds": self.public_subnet_ids,
                "privateSubnetIds": self.private_subnet_ids,
                "dataSubnetIds": self.data_subnet_ids,
                "natGatewayIds": [n.id for n in nats],
                "flowLogId": flow_log.id,
            }
        )

    def _flow_logs(self, name: str, vpc: aws.ec2.Vpc, retention_days: int, kms_key_arn: pulumi.Input[str], tags: Mapping[str, str]) -> aws.ec2.FlowLog:
        """All traffic to CloudWatch, written by a role that may only write to that log group."""
        child = pulumi.ResourceOptions(parent=self)
        group = encrypted_log_group(f"{name}-flow-logs", log_group_name=None, retention_days=retention_days, kms_key_arn=kms_key_arn, tags=tags, parent=self)
        role = service_role(f"{name}-flow-logs-role", service="vpc-flow-logs.amazonaws.com", description=None, tags=tags, parent=self)
        aws.iam.RolePolicy(
            f"{name}-flow-logs-policy",
            role=role.id,
            policy=group.arn.apply(
                lambda arn: json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                                "Resource": [arn, f"{arn}:*"],
                            }
                        ],
                    }
                )
            ),
            opts=child,
        )
        return aws.ec2.FlowLog(
            f"{name}-flow-log",
            vpc_id=vpc.id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=group.arn,
            iam_role_arn=role.arn,
            max_aggregation_interval=60,
            tags=dict(tags),
            opts=child,
        )


def _pick_zone(names: list[str], index: int) -> str:
    if index >= len(names):
        raise ValueError(f"the region offers {len(names)} availability zones; azCount asks for {index + 1}")
    return names[index]
