"""WAF: the seed's SQLi/XSS rules and rate limiting, as AWS managed rule groups plus a rate rule."""

from __future__ import annotations

from typing import Any

from ..framework import Resource, StackView, as_list, rule, stack_rule, unknown
from ._util import companion_violations
from .resource_types import WEB_ACL, WEB_ACL_LOGGING

REQUIRED_GROUPS = {"AWSManagedRulesCommonRuleSet", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesSQLiRuleSet"}


def _statements(r: Resource) -> list[dict[str, Any]]:
    return [rule_["statement"] for rule_ in as_list(r.get("rules")) if isinstance(rule_, dict) and isinstance(rule_.get("statement"), dict)]


@rule("COKO-WAF-001", [WEB_ACL], severity="high",
      anchor="checkov CKV_AWS_192 (KnownBadInputs); seed WAF config (SQLi and XSS rules)",
      remediation="Add managed_rule_group_statement rules for " + ", ".join(sorted(REQUIRED_GROUPS)) + " (vendor AWS).")
def managed_rules(r: Resource) -> list[str]:
    """The web ACL runs the AWS managed common, known-bad-inputs and SQLi rule groups"""
    rules = r.get("rules")
    if unknown(rules):
        return []
    present = {str(s.get("managedRuleGroupStatement", {}).get("name")) for s in _statements(r) if isinstance(s.get("managedRuleGroupStatement"), dict)}
    missing = sorted(REQUIRED_GROUPS - present)
    return [f"missing managed rule group {name}" for name in missing]


@rule("COKO-WAF-002", [WEB_ACL], severity="medium",
      anchor="seed security checklist 'Rate limiting activé'",
      remediation="Add a rule with rate_based_statement (limit per 5 min, aggregate_key_type IP) and action block.")
def rate_limit(r: Resource) -> list[str]:
    """The web ACL rate-limits clients"""
    if unknown(r.get("rules")):
        return []
    return [] if any("rateBasedStatement" in s for s in _statements(r)) else ["no rateBasedStatement rule"]


@stack_rule("COKO-WAF-003", severity="medium",
            anchor="checkov CKV2_AWS_31",
            remediation="Add an aws.wafv2.WebAclLoggingConfiguration (log group named aws-waf-logs-*, same region as the ACL).",
            unknowns="The ACL ARN is unknown at preview: the logging configuration is matched by name (named after its ACL, same parent).")
def logging(stack: StackView) -> list[tuple[str, str]]:
    """Every web ACL sends its logs somewhere"""
    return companion_violations(stack, (WEB_ACL,), (WEB_ACL_LOGGING,), "resourceArn", "WebAclLoggingConfiguration")
