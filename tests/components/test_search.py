"""OpenSearch: in the VPC, zone-aware, encrypted, HTTPS TLS 1.2, FGAC through IAM, logs on."""

from __future__ import annotations

import json

import pytest

from coko_cli.offline.runner import StackPreview
from components.search import SearchArgs
from components.settings import SearchConfig
from tests.conftest import STACKS, of_type, one

DOMAIN = "aws:opensearch/domain:Domain"
ZONES = {"production": 3, "capetown": 2}


def test_domain_spans_one_private_subnet_per_zone(preview: StackPreview) -> None:
    domain = one(preview, DOMAIN).inputs
    cluster = domain["clusterConfig"]
    assert cluster["zoneAwarenessEnabled"] is True
    assert cluster["zoneAwarenessConfig"]["availabilityZoneCount"] == ZONES[preview.stack]
    private = [s.outputs["id"] for s in sorted(of_type(preview, "aws:ec2/subnet:Subnet"), key=lambda s: s.name) if s.inputs["tags"]["Tier"] == "private"]
    assert len(domain["vpcOptions"]["subnetIds"]) == ZONES[preview.stack]
    assert set(domain["vpcOptions"]["subnetIds"]) <= set(private)
    assert domain["vpcOptions"]["securityGroupIds"] == [one(preview, "aws:ec2/securityGroup:SecurityGroup", "-search-sg").outputs["id"]]
    assert domain["ebsOptions"] == {"ebsEnabled": True, "volumeType": "gp3", "volumeSize": 50}


@pytest.mark.parametrize("stack", STACKS)
def test_domain_is_encrypted_and_https_only_with_tls_1_2(up: dict[str, StackPreview], stack: str) -> None:
    domain = one(up[stack], DOMAIN).inputs
    assert domain["encryptAtRest"]["enabled"] is True
    assert domain["nodeToNodeEncryption"] == {"enabled": True}
    assert domain["domainEndpointOptions"] == {"enforceHttps": True, "tlsSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"}


def test_fine_grained_access_control_uses_an_iam_admin_role_not_a_password(preview: StackPreview) -> None:
    security = one(preview, DOMAIN).inputs["advancedSecurityOptions"]
    assert security["enabled"] is True
    assert security["internalUserDatabaseEnabled"] is False
    assert security["anonymousAuthEnabled"] is False
    admin = one(preview, "aws:iam/role:Role", "-search-admin")
    assert security["masterUserOptions"] == {"masterUserArn": admin.outputs["arn"]}


@pytest.mark.parametrize("stack", STACKS)
def test_access_policy_admits_only_principals_of_the_account(up: dict[str, StackPreview], stack: str) -> None:
    policy = json.loads(one(up[stack], DOMAIN).inputs["accessPolicies"])
    for statement in policy["Statement"]:
        assert statement["Principal"] != "*" and statement["Principal"].get("AWS") != "*"
        assert statement["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
        assert statement["Resource"].startswith(f"arn:aws:es:{up[stack].region}:123456789012:domain/coko-{stack}/")


def test_slow_and_error_logs_go_to_log_groups_opensearch_may_write(preview: StackPreview) -> None:
    options = one(preview, DOMAIN).inputs["logPublishingOptions"]
    assert {o["logType"] for o in options} == {"SEARCH_SLOW_LOGS", "INDEX_SLOW_LOGS", "ES_APPLICATION_LOGS", "AUDIT_LOGS"}
    assert all(o["enabled"] for o in options)
    policy = json.loads(one(preview, "aws:cloudwatch/logResourcePolicy:LogResourcePolicy").inputs["policyDocument"])
    statement = policy["Statement"][0]
    assert statement["Principal"] == {"Service": "es.amazonaws.com"}
    assert set(statement["Resource"]) == {f"{o['cloudwatchLogGroupArn']}:*" for o in options}
    assert statement["Condition"] == {"StringEquals": {"aws:SourceAccount": "123456789012"}}


def test_an_odd_node_count_over_two_zones_is_rejected() -> None:
    with pytest.raises(ValueError, match="even number"):
        SearchArgs(domain_name="coko-test", vpc_id="v", subnet_ids=["a", "b"], app_security_group_id="sg", kms_key_arn="k", region="eu-west-3", settings=SearchConfig(instance_count=3))
    single = SearchArgs(domain_name="coko-test", vpc_id="v", subnet_ids=["a", "b"], app_security_group_id="sg", kms_key_arn="k", region="eu-west-3", settings=SearchConfig(instance_count=1))
    assert single.zone_count == 1
