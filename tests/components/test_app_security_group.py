"""The app tasks' SG: egress HTTPS and the data ports only; data SGs admit the app SG only."""

from __future__ import annotations

from coko_cli.offline.runner import StackPreview
from tests.conftest import of_type, one


def _sg_ids(preview: StackPreview) -> dict[str, str]:
    return {r.name: r.outputs["id"] for r in of_type(preview, "aws:ec2/securityGroup:SecurityGroup")}


def test_app_sg_egress_is_https_anywhere_and_data_ports_to_data_sgs(preview: StackPreview) -> None:
    sgs = _sg_ids(preview)
    app = sgs[f"coko-{preview.stack}-app-sg"]
    assert preview.outputs["appSecurityGroupId"] == app
    egress = [r.inputs for r in of_type(preview, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule") if r.inputs["securityGroupId"] == app]
    world = [(e["fromPort"], e["toPort"]) for e in egress if e.get("cidrIpv4") == "0.0.0.0/0"]
    assert world == [(443, 443)]
    to_sg = {(e["fromPort"], e["referencedSecurityGroupId"]) for e in egress if "referencedSecurityGroupId" in e}
    assert to_sg == {
        (5432, sgs[f"coko-{preview.stack}-db-sg"]),
        (6379, sgs[f"coko-{preview.stack}-cache-sg"]),
        (443, sgs[f"coko-{preview.stack}-search-sg"]),
    }
    app_sg = one(preview, "aws:ec2/securityGroup:SecurityGroup", "-app-sg")
    assert not app_sg.inputs.get("ingress") and not app_sg.inputs.get("egress")  # rules are separate resources


def test_data_sgs_admit_only_the_app_sg_on_their_port(preview: StackPreview) -> None:
    sgs = _sg_ids(preview)
    app = sgs[f"coko-{preview.stack}-app-sg"]
    expected = {"db": 5432, "cache": 6379, "search": 443}
    for part, port in expected.items():
        sg = sgs[f"coko-{preview.stack}-{part}-sg"]
        ingress = [r.inputs for r in of_type(preview, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") if r.inputs["securityGroupId"] == sg]
        assert [(i["fromPort"], i["toPort"], i["referencedSecurityGroupId"]) for i in ingress] == [(port, port, app)]
        assert not any("cidrIpv4" in i or "cidrIpv6" in i for i in ingress)
        # A data SG has no egress at all.
        assert not [r for r in of_type(preview, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule") if r.inputs["securityGroupId"] == sg]
