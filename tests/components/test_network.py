"""The network component's properties in both stacks, read from the offline preview."""

from __future__ import annotations

import json

import pytest

from coko_cli.offline.runner import StackPreview
from tests.conftest import STACKS, of_type, one

EXPECTED = {"production": {"azs": 3, "nats": 3}, "capetown": {"azs": 2, "nats": 1}}
REQUIRED_TAGS = {"Project", "Stack", "RegionRole", "Owner"}


def test_subnet_tiers_span_the_configured_azs(preview: StackPreview) -> None:
    subnets = of_type(preview, "aws:ec2/subnet:Subnet")
    tiers: dict[str, set[str]] = {}
    for subnet in subnets:
        tiers.setdefault(subnet.inputs["tags"]["Tier"], set()).add(subnet.inputs["availabilityZone"])
    azs = EXPECTED[preview.stack]["azs"]
    assert set(tiers) == {"public", "private", "data"}
    assert all(len(zones) == azs for zones in tiers.values()), tiers
    assert all(zone.startswith(preview.region) for zones in tiers.values() for zone in zones)
    assert not any(s.inputs.get("mapPublicIpOnLaunch") for s in subnets)


def test_nat_strategy_per_az_in_production_single_in_capetown(preview: StackPreview) -> None:
    nats = of_type(preview, "aws:ec2/natGateway:NatGateway")
    assert len(nats) == EXPECTED[preview.stack]["nats"]
    public_ids = {s.outputs["id"] for s in of_type(preview, "aws:ec2/subnet:Subnet") if s.inputs["tags"]["Tier"] == "public"}
    assert {n.inputs["subnetId"] for n in nats} <= public_ids


def test_data_subnets_have_no_route_out(preview: StackPreview) -> None:
    data_rt = one(preview, "aws:ec2/routeTable:RouteTable", "data-rt")
    assert not data_rt.inputs.get("routes")
    private = [rt for rt in of_type(preview, "aws:ec2/routeTable:RouteTable") if "private-rt" in rt.name]
    assert private and all(rt.inputs["routes"][0]["natGatewayId"].startswith("nat-") for rt in private)


def test_flow_logs_capture_all_traffic_with_retention(preview: StackPreview) -> None:
    flow_log = one(preview, "aws:ec2/flowLog:FlowLog")
    vpc = one(preview, "aws:ec2/vpc:Vpc")
    assert flow_log.inputs["trafficType"] == "ALL"
    assert flow_log.inputs["vpcId"] == vpc.outputs["id"]
    group = next(g for g in of_type(preview, "aws:cloudwatch/logGroup:LogGroup") if g.outputs["arn"] == flow_log.inputs["logDestination"])
    assert group.inputs["retentionInDays"] == 90
    policy = json.loads(one(preview, "aws:iam/rolePolicy:RolePolicy", "flow-logs").inputs["policy"])
    assert policy["Statement"][0]["Resource"] == [group.outputs["arn"], group.outputs["arn"] + ":*"]


@pytest.mark.parametrize("stack", STACKS)
def test_default_security_group_is_closed(up: dict[str, StackPreview], stack: str) -> None:
    default_sg = one(up[stack], "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup")
    assert default_sg.inputs.get("ingress", []) == [] and default_sg.inputs.get("egress", []) == []


def test_s3_gateway_endpoint_serves_private_and_data_routes(preview: StackPreview) -> None:
    endpoint = one(preview, "aws:ec2/vpcEndpoint:VpcEndpoint", "s3-endpoint")
    assert endpoint.inputs["serviceName"] == f"com.amazonaws.{preview.region}.s3"
    assert endpoint.inputs["vpcEndpointType"] == "Gateway"
    expected = {rt.outputs["id"] for rt in of_type(preview, "aws:ec2/routeTable:RouteTable") if "public" not in rt.name}
    assert set(endpoint.inputs["routeTableIds"]) == expected


def test_network_resources_carry_the_required_tags(preview: StackPreview) -> None:
    network_children = [r for r in preview.resources if r.parent and r.parent.endswith(f"coko:network:Network::coko-{preview.stack}") and "tags" in r.inputs]
    assert len(network_children) >= 15
    for record in network_children:
        tags = record.inputs["tags"]
        assert set(tags) >= REQUIRED_TAGS, record.name
        assert tags["Stack"] == preview.stack


NETWORK_TYPES = {
    "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/routeTable:RouteTable", "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:ec2/natGateway:NatGateway", "aws:ec2/internetGateway:InternetGateway", "aws:ec2/flowLog:FlowLog", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
}


def test_every_network_resource_is_parented_to_the_component(preview: StackPreview) -> None:
    component = one(preview, "coko:network:Network")
    network = [r for r in preview.resources if r.type in NETWORK_TYPES]
    assert len(network) >= 20
    assert all(r.parent == component.urn for r in network)
