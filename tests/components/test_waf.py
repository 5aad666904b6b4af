"""WAF: CLOUDFRONT scope in us-east-1, managed groups, the seed's SQLi/XSS rules, Nginx-equivalent rate limits, logs."""

from __future__ import annotations

import json

import pytest

from coko_cli.offline.runner import StackPreview
from components.waf import RateLimit, WafArgs
from tests.conftest import STACKS, of_type, one

ACL = "aws:wafv2/webAcl:WebAcl"


def rules(preview: StackPreview) -> dict[str, dict]:
    return {r["name"]: r for r in one(preview, ACL).inputs["rules"]}


@pytest.mark.parametrize("stack", STACKS)
def test_web_acl_is_cloudfront_scoped_in_us_east_1(up: dict[str, StackPreview], stack: str) -> None:
    acl = one(up[stack], ACL)
    assert acl.region == "us-east-1"
    assert acl.inputs["scope"] == "CLOUDFRONT"
    assert acl.inputs["defaultAction"] == {"allow": {}}
    assert acl.outputs["arn"].startswith("arn:aws:wafv2:us-east-1:123456789012:global/webacl/")


@pytest.mark.parametrize("stack", STACKS)
def test_aws_managed_rule_groups_are_enforced(up: dict[str, StackPreview], stack: str) -> None:
    found = rules(up[stack])
    for group in ("AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesSQLiRuleSet", "AWSManagedRulesAmazonIpReputationList"):
        rule = found[group]
        assert rule["statement"]["managedRuleGroupStatement"]["vendorName"] == "AWS"
        assert rule["overrideAction"] == {"none": {}}  # block, not count


@pytest.mark.parametrize("stack", STACKS)
def test_seed_sqli_and_xss_rules_block_on_url_decoded_query_arguments(up: dict[str, StackPreview], stack: str) -> None:
    found = rules(up[stack])
    for name, kind in (("SQLInjectionRule", "sqliMatchStatement"), ("XSSRule", "xssMatchStatement")):
        rule = found[name]
        assert rule["action"] == {"block": {}}
        statement = rule["statement"][kind]
        assert statement["fieldToMatch"] == {"allQueryArguments": {}}
        assert statement["textTransformations"] == [{"priority": 0, "type": "URL_DECODE"}]


@pytest.mark.parametrize("stack", STACKS)
def test_rate_limits_match_the_seed_nginx_zones_per_client_ip(up: dict[str, StackPreview], stack: str) -> None:
    found = rules(up[stack])
    expected = {"ApiRateLimit": ("/api/", 600), "AuthRateLimit": ("/api/v1/auth/", 300)}  # 10 r/s and 5 r/s over 60 s
    for name, (prefix, limit) in expected.items():
        rule = found[name]
        assert rule["action"] == {"block": {}}
        rate = rule["statement"]["rateBasedStatement"]
        assert (rate["limit"], rate["evaluationWindowSec"], rate["aggregateKeyType"]) == (limit, 60, "IP")
        path, not_own = rate["scopeDownStatement"]["andStatement"]["statements"]
        match = path["byteMatchStatement"]
        assert (match["searchString"], match["positionalConstraint"], match["fieldToMatch"]) == (prefix, "STARTS_WITH", {"uriPath": {}})
        own = one(up[stack], "aws:wafv2/ipSet:IpSet")
        assert not_own == {"notStatement": {"statement": {"ipSetReferenceStatement": {"arn": own.outputs["arn"]}}}}
    assert found["AuthRateLimit"]["priority"] < found["ApiRateLimit"]["priority"]


def test_the_stacks_own_nat_egress_is_not_rate_limited_per_ip(preview: StackPreview) -> None:
    """The web's server-side API calls leave through the NAT gateways for every reader at once;
    the API limits them per reader instead (TRUSTED_EGRESS_IPS, app/coko/core/ratelimit.py)."""
    own = one(preview, "aws:wafv2/ipSet:IpSet")
    nat_ips = sorted(e.outputs["publicIp"] for e in of_type(preview, "aws:ec2/eip:Eip") if "-nat-eip-" in e.name)
    assert nat_ips and sorted(own.inputs["addresses"]) == [f"{ip}/32" for ip in nat_ips]
    assert (own.region, own.inputs["scope"], own.inputs["ipAddressVersion"]) == ("us-east-1", "CLOUDFRONT", "IPV4")
    backend = one(preview, "aws:ecs/taskDefinition:TaskDefinition", "-backend")
    environment = {e["name"]: e["value"] for e in json.loads(backend.inputs["containerDefinitions"])[0]["environment"]}
    assert sorted(environment["TRUSTED_EGRESS_IPS"].split(",")) == nat_ips


@pytest.mark.parametrize("stack", STACKS)
def test_every_rule_publishes_metrics_and_priorities_are_unique(up: dict[str, StackPreview], stack: str) -> None:
    found = rules(up[stack]).values()
    assert all(r["visibilityConfig"]["cloudwatchMetricsEnabled"] and r["visibilityConfig"]["sampledRequestsEnabled"] for r in found)
    assert len({r["priority"] for r in found}) == len(found)


def test_logging_goes_to_an_aws_waf_logs_group_in_us_east_1_without_authorization(preview: StackPreview) -> None:
    group = one(preview, "aws:cloudwatch/logGroup:LogGroup", "waf-logs")
    assert group.region == "us-east-1"
    assert group.inputs["name"].startswith("aws-waf-logs-")
    assert group.inputs["retentionInDays"] == 90
    logging = one(preview, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")
    assert logging.region == "us-east-1"
    assert logging.inputs["resourceArn"] == one(preview, ACL).outputs["arn"]
    assert logging.inputs["logDestinationConfigs"] == [group.outputs["arn"]]
    assert logging.inputs["redactedFields"] == [{"singleHeader": {"name": "authorization"}}]


def test_rate_limit_is_requests_per_second_times_the_window() -> None:
    args = WafArgs(rate_limits=(RateLimit("Api", "/api/", 10),), evaluation_window_seconds=300, log_retention_days=90, log_kms_key_arn="k", own_egress_ips=())
    assert args.limit_for(args.rate_limits[0]) == 3000
    with pytest.raises(ValueError, match="must start with /"):
        WafArgs(rate_limits=(RateLimit("Api", "api/", 10),), evaluation_window_seconds=60, log_retention_days=90, log_kms_key_arn="k", own_egress_ips=())
