"""VPC and security groups: flow logs everywhere, nothing open to the world except the ALB's 80/443."""

from __future__ import annotations

from typing import Any

from ..framework import Resource, Spec, StackView, as_list, number, register, rule, stack_rule, unknown
from ._util import WORLD, disabled, equals
from .resource_types import FLOW_LOG, SECURITY_GROUP

VPC = "aws:ec2/vpc:Vpc"
SG_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
DEFAULT_SG = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
SUBNET = "aws:ec2/subnet:Subnet"
PUBLIC_PORTS = {80, 443}

SETTINGS = (
    Spec("COKO-NET-004", [SUBNET], disabled("mapPublicIpOnLaunch"),
         "Subnets do not hand out public IPs", "medium",
         "checkov CKV_AWS_130",
         "Set map_public_ip_on_launch=False; only NAT gateways and the ALB get public addresses."),
    Spec("COKO-NET-005", [FLOW_LOG], equals("trafficType", "ALL"),
         "Flow logs capture ALL traffic", "low",
         "cdk-nag AwsSolutions-VPC7 (flow log scope)",
         'Set traffic_type="ALL" (REJECT alone misses exfiltration).', enforcement="advisory"),
)
register(__name__, SETTINGS)


def _world_open(cidrs: list[Any], from_port: Any, to_port: Any, protocol: Any) -> str | None:
    """A message when a world CIDR reaches anything but exactly 80 or 443 over TCP."""
    world = sorted({c for c in cidrs if c in WORLD})
    if not world:
        return None
    low, high = number(from_port), number(to_port)
    if str(protocol) in ("-1", "all") or low is None or high is None:
        return f"{', '.join(world)} may reach every port"
    if low == high and int(low) in PUBLIC_PORTS and str(protocol).lower() in ("tcp", "6"):
        return None
    return f"{', '.join(world)} may reach port(s) {int(low)}-{int(high)}"


@stack_rule("COKO-NET-001", severity="high",
            anchor="cdk-nag AwsSolutions-VPC7; checkov CKV2_AWS_11",
            remediation="Add an aws.ec2.FlowLog (traffic_type ALL) to a CloudWatch log group with retention.",
            unknowns="vpcId is unknown at preview and an opaque id after up: a flow log created by the VPC's component (same parent) covers it.")
def flow_logs(stack: StackView) -> list[tuple[str, str]]:
    """Every VPC has a flow log"""
    logs = stack.of_type(FLOW_LOG)
    return [
        (vpc.urn, f"{vpc.name} has no FlowLog")
        for vpc in stack.of_type(VPC)
        if not any(f.parent == vpc.parent or vpc.name in str(f.get("vpcId") or "") for f in logs)
    ]


@rule("COKO-NET-002", [SECURITY_GROUP, SG_RULE, INGRESS_RULE], severity="critical",
      anchor="cdk-nag AwsSolutions-EC23; checkov CKV_AWS_24, CKV_AWS_25, CKV_AWS_260",
      remediation="Reference the ALB's security group (or the CloudFront prefix list) instead of 0.0.0.0/0; only the ALB takes 80/443 from the world.")
def world_ingress(r: Resource) -> list[str]:
    """No ingress from the internet except TCP 80/443"""
    if r.type == INGRESS_RULE:
        cidrs = [r.get("cidrIpv4"), r.get("cidrIpv6")]
        found = _world_open(cidrs, r.get("fromPort"), r.get("toPort"), r.get("ipProtocol"))
        return [found] if found else []
    if r.type == SG_RULE:
        if r.get("type") != "ingress":
            return []
        cidrs = as_list(r.get("cidrBlocks")) + as_list(r.get("ipv6CidrBlocks"))
        found = _world_open(cidrs, r.get("fromPort"), r.get("toPort"), r.get("protocol"))
        return [found] if found else []
    problems = []
    for rule_ in as_list(r.get("ingress")):
        if isinstance(rule_, dict):
            cidrs = as_list(rule_.get("cidrBlocks")) + as_list(rule_.get("ipv6CidrBlocks"))
            found = _world_open(cidrs, rule_.get("fromPort"), rule_.get("toPort"), rule_.get("protocol"))
            if found:
                problems.append(found)
    return problems


@rule("COKO-NET-003", [DEFAULT_SG], severity="medium",
      anchor="checkov CKV2_AWS_12",
      remediation="Adopt the default security group with aws.ec2.DefaultSecurityGroup(ingress=[], egress=[]).")
def default_sg_closed(r: Resource) -> list[str]:
    """The default security group allows nothing"""
    return [f"default security group has {key} rules" for key in ("ingress", "egress") if as_list(r.get(key)) and not unknown(r.get(key))]

