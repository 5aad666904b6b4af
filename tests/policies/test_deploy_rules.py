"""Deployability rules read botocore's models: every constraint they use still parses, and the
plan's resource options and input dependencies reach the rules from both sources."""

from __future__ import annotations

from pathlib import Path

import pytest
from pulumi_policy import PolicyResourceOptions

from policies import aws_models, crossguard
from policies.engine import stacks_from_preview
from policies.framework import UNKNOWN
from policies.rules import all_rules
from policies.rules import resource_types as t
from policies.rules.deploy_names import AUTONAME_SUFFIX, physical_name

from .cases import res

RULES = {r.id: r for r in all_rules()}


def test_there_are_at_least_25_deployability_rules_each_citing_its_source() -> None:
    deploy = [r for r in RULES.values() if r.id.startswith("COKO-DEPLOY-")]
    assert len(deploy) >= 25
    for rule in deploy:
        assert rule.enforcement == "mandatory", rule.id
        # AWS's models/pages for what AWS refuses; the pulumi-aws schema for what the provider refuses.
        assert "botocore" in rule.anchor or "docs.aws.amazon.com" in rule.anchor or "pulumi-aws package schema" in rule.anchor, rule.id


def test_fargate_table_parses_from_the_ecs_model() -> None:
    sizes = aws_models.fargate_sizes()
    assert sizes[256] == {512, 1024, 2048}
    assert 8192 in sizes[1024] and 9216 not in sizes[1024]
    assert min(sizes[4096]) == 8192 and max(sizes[4096]) == 30720


@pytest.mark.parametrize(
    ("service", "operation", "member", "sentence"),
    [
        ("elbv2", "CreateLoadBalancer", "Name", r"maximum of (\d+) characters"),
        ("elbv2", "CreateTargetGroup", "Name", r"maximum of (\d+) characters"),
        ("elasticache", "CreateReplicationGroup", "ReplicationGroupId", r"from 1 to (\d+) (?:letters|alphanumeric)"),
        ("rds", "CreateDBInstance", "DBInstanceIdentifier", r"from 1 to (\d+) (?:letters|alphanumeric)"),
        ("rds", "CreateDBInstance", "BackupRetentionPeriod", r"value from 0 to (\d+)"),
    ],
)
def test_documented_limits_still_parse(service: str, operation: str, member: str, sentence: str) -> None:
    assert aws_models.doc_number(aws_models.member(service, operation, member), sentence) > 0


def test_a_renamed_shape_is_a_clear_error() -> None:
    with pytest.raises(aws_models.ModelError, match=r"no CreateDomain\.Nope"):
        aws_models.member("opensearch", "CreateDomain", "Nope")


def test_auto_name_counts_pulumis_eight_character_suffix() -> None:
    name, auto = physical_name(res(t.LOAD_BALANCER, {}, name="coko-production-edge-alb"), "name")
    assert auto and name is not None and len(name) == len("coko-production-edge-alb") + AUTONAME_SUFFIX == 32
    assert RULES["COKO-DEPLOY-001"].evaluate(res(t.LOAD_BALANCER, {}, name="coko-production-edge-alb")) == []
    assert RULES["COKO-LIFE-003"].evaluate(res(t.LOAD_BALANCER, {}, name="coko-production-edge-alb"))  # fits, but no headroom


def test_plan_options_reach_rules_and_old_plans_without_options_still_load() -> None:
    urn = "urn:pulumi:production::coko::aws:rds/instance:Instance::db"
    document = {"version": 1, "stacks": [{"stack": "production", "resources": [
        {"urn": urn, "type": "aws:rds/instance:Instance", "name": "db", "inputs": {}, "options": {"protect": False, "retainOnDelete": None}},
        {"urn": urn + "2", "type": "aws:rds/instance:Instance", "name": "db2", "inputs": {}},
    ]}]}
    db, legacy = stacks_from_preview(document)[0].resources
    assert RULES["COKO-LIFE-001"].evaluate(db) and RULES["COKO-LIFE-001"].evaluate(legacy) == []


def test_crossguard_options_map_protect_and_leave_retain_on_delete_unknown() -> None:
    opts = PolicyResourceOptions(protect=False, ignore_changes=["desiredCount"], delete_before_replace=None, aliases=[], custom_timeouts=None, additional_secret_outputs=[])  # type: ignore[arg-type]
    resource = crossguard.to_resource("aws:rds/instance:Instance", {}, "urn:pulumi:production::coko::aws:rds/instance:Instance::db", "db", None, None, opts)
    assert resource.options["protect"] is False and resource.options["retainOnDelete"] == UNKNOWN
    assert resource.options["ignoreChanges"] == ["desiredCount"]
    assert RULES["COKO-LIFE-001"].evaluate(resource) == []  # cannot tell under CrossGuard: skipped
    protected = PolicyResourceOptions(protect=True, ignore_changes=[], delete_before_replace=None, aliases=[], custom_timeouts=None, additional_secret_outputs=[])  # type: ignore[arg-type]
    assert crossguard.to_resource("aws:rds/instance:Instance", {}, "urn:x", "db", None, None, protected).options["protect"] is True


def _policy_resource(type_: str, name: str, props: dict[str, object], deps: dict[str, list[object]] | None = None) -> object:
    from pulumi_policy import PolicyResource

    opts = PolicyResourceOptions(protect=False, ignore_changes=[], delete_before_replace=None, aliases=[], custom_timeouts=None, additional_secret_outputs=[])  # type: ignore[arg-type]
    urn = f"urn:pulumi:production::coko::{type_}::{name}"
    return PolicyResource(type_, props, urn, name, opts, None, None, [], deps or {})  # type: ignore[arg-type]


class _StackArgs:
    def __init__(self, resources: list[object]) -> None:
        self.resources = resources


def test_certificate_rule_follows_property_dependencies_under_crossguard() -> None:
    """CrossGuard hands stack policies each input's dependencies: an unknown certificate ARN that
    comes straight from aws.acm.Certificate is reported, one from CertificateValidation is not."""
    rule = RULES["COKO-DEPLOY-032"]
    policy = crossguard.policy(rule, [])
    cert = _policy_resource("aws:acm/certificate:Certificate", "origin", {"validationMethod": "DNS"})
    validation = _policy_resource("aws:acm/certificateValidation:CertificateValidation", "origin-validation", {})
    direct = _policy_resource("aws:lb/listener:Listener", "https", {"protocol": "HTTPS"}, {"certificateArn": [cert]})
    waited = _policy_resource("aws:lb/listener:Listener", "https", {"protocol": "HTTPS"}, {"certificateArn": [validation, cert]})
    for listener, expected in ((direct, 1), (waited, 0)):
        reported: list[str] = []
        policy.validate(_StackArgs([cert, validation, listener]), lambda message, urn=None, found=reported: found.append(message))  # type: ignore[attr-defined]
        assert len(reported) == expected


def test_extracted_constraints_are_kept_per_botocore_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COKO_CACHE_DIR", str(tmp_path))
    aws_models._extracted.cache_clear()
    aws_models.member.cache_clear()
    try:
        first = aws_models.member("opensearch", "CreateDomain", "DomainName")
        stored = next(tmp_path.glob("aws-constraints-botocore-*.json"))
        assert "member|opensearch|CreateDomain|DomainName" in stored.read_text()
        aws_models._extracted.cache_clear()
        aws_models.member.cache_clear()
        assert aws_models.member("opensearch", "CreateDomain", "DomainName") == first  # read back from the file
    finally:
        aws_models._extracted.cache_clear()
        aws_models.member.cache_clear()
