"""Every rule: a minimal passing input, a minimal failing one, and unknown values skipped."""

from __future__ import annotations

import pytest

from policies import framework
from policies.framework import UNKNOWN, Resource, Rule, StackView
from policies.rules import all_rules
from policies.rules import resource_types as t

from .cases import CASES, res

RULES = {r.id: r for r in all_rules()}


def violations(rule: Rule, subject: Resource | StackView) -> list[str]:
    if isinstance(subject, StackView):
        return [v.message for v in rule.evaluate_stack(subject)]
    return rule.evaluate(subject)


def test_every_registered_rule_has_cases() -> None:
    assert sorted(RULES) == sorted(CASES), "add a passing and a failing case to tests/policies/cases.py for every rule"


def test_at_least_forty_rules_with_complete_metadata() -> None:
    assert len(RULES) >= 40
    for rule in RULES.values():
        assert rule.title and rule.anchor and rule.remediation, rule.id
        assert rule.severity in ("critical", "high", "medium", "low") and rule.enforcement in ("mandatory", "advisory")


def test_a_rule_title_is_its_docstring_first_line_or_title_never_both_nor_neither() -> None:
    def documented(r: Resource) -> list[str]:
        """Something is on

        More about it."""
        return []

    def undocumented(r: Resource) -> list[str]:
        return []

    with pytest.raises(ValueError, match="COKO-TEST-001: give the title once"):
        framework.rule("COKO-TEST-001", [], severity="low", anchor="a", remediation="r", title="Something is on")(documented)
    with pytest.raises(ValueError, match="COKO-TEST-002: give the title once"):
        framework.rule("COKO-TEST-002", [], severity="low", anchor="a", remediation="r")(undocumented)
    assert "COKO-TEST-001" not in framework.REGISTRY and "COKO-TEST-002" not in framework.REGISTRY
    assert RULES["COKO-RDS-001"].title == "RDS storage is encrypted at rest"  # from storage_encrypted's docstring


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_passing_case_has_no_violation(rule_id: str) -> None:
    assert violations(RULES[rule_id], CASES[rule_id].passing) == []


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_failing_case_is_reported(rule_id: str) -> None:
    assert violations(RULES[rule_id], CASES[rule_id].failing)


@pytest.mark.parametrize("rule_id", ["COKO-RDS-001", "COKO-RDS-004", "COKO-RDS-005"])
def test_unknown_value_is_skipped_like_crossguard_at_preview(rule_id: str) -> None:
    key = {"COKO-RDS-001": "storageEncrypted", "COKO-RDS-004": "backupRetentionPeriod", "COKO-RDS-005": "deletionProtection"}[rule_id]
    assert RULES[rule_id].evaluate(res(t.RDS_INSTANCE, {key: UNKNOWN})) == []


def test_secret_value_counts_as_present() -> None:
    assert RULES["COKO-REDIS-003"].evaluate(res("aws:elasticache/replicationGroup:ReplicationGroup", {"authToken": "[secret]"})) == []


def test_secret_interpolated_into_container_definitions_is_a_violation() -> None:
    found = RULES["COKO-ECS-003"].evaluate(res("aws:ecs/taskDefinition:TaskDefinition", {"containerDefinitions": "[secret]"}))
    assert found and "secret" in found[0]


def test_replica_database_is_not_asked_for_multi_az_or_a_password() -> None:
    replica = res(t.RDS_INSTANCE, {"replicateSourceDb": "arn:aws:rds:eu-west-3:1:db:coko", "multiAz": False, "kmsKeyId": "arn:key", "tags": {"RegionRole": "secondary"}})
    assert [r for r in ("COKO-RDS-001", "COKO-RDS-003", "COKO-RDS-006") if RULES[r].evaluate(replica)] == []


def test_edge_resources_may_live_in_us_east_1_but_nothing_else() -> None:
    rule = RULES["COKO-REG-001"]
    assert rule.evaluate(res("aws:acm/certificate:Certificate", {}, region="us-east-1")) == []
    assert rule.evaluate(res("aws:wafv2/webAcl:WebAcl", {"scope": "CLOUDFRONT"}, region="us-east-1")) == []
    assert rule.evaluate(res("aws:wafv2/webAcl:WebAcl", {"scope": "REGIONAL"}, region="us-east-1"))
    assert rule.evaluate(res("aws:wafv2/ipSet:IpSet", {"scope": "CLOUDFRONT"}, region="us-east-1")) == []
    assert rule.evaluate(res("aws:wafv2/ipSet:IpSet", {"scope": "REGIONAL"}, region="us-east-1"))
    assert rule.evaluate(res("aws:rds/instance:Instance", {}, region="us-east-1"))


def test_untaggable_types_need_no_tags() -> None:
    assert RULES["COKO-TAG-001"].evaluate(res("aws:ec2/routeTableAssociation:RouteTableAssociation", {})) == []


def test_companion_of_a_longer_named_bucket_does_not_cover_the_shorter_one() -> None:
    media = res("aws:s3/bucket:Bucket", {}, name="coko-production-media")
    logs = res("aws:s3/bucket:Bucket", {}, name="coko-production-media-logs")
    pab = res("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", {"bucket": UNKNOWN}, name="coko-production-media-logs-public-access")
    found = RULES["COKO-S3-007"].evaluate_stack(StackView("production", (media, logs, pab)))
    assert [v.urn for v in found] == [media.urn]
