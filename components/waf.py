"""WAF: the web ACL in front of CloudFront (CLOUDFRONT scope, so it lives in us-east-1).

Rules, in evaluation order: AWS managed groups (IP reputation, common, known bad inputs, SQLi),
the seed's own SQLi and XSS matches on all query arguments (URL-decoded, block), then per-IP
rate limits equivalent to the seed's Nginx zones. Nginx counts requests per second; WAF counts
per evaluation window, so ``limit = rate * window`` (10 r/s over 60 s -> 600, 5 r/s -> 300).
The rate limits skip requests from the stack's own NAT egress IPs (``own_egress_ips``): those are
the reader frontend's server-side calls to the API, made for every reader at once (the API then
limits each reader by the IP the web forwards, see app/coko/core/ratelimit.py); counted per IP,
they would get the whole site blocked. Readers' own requests to the web are still counted.
Every rule publishes CloudWatch metrics and sampled requests; full logs go to a CloudWatch log
group (name must start with ``aws-waf-logs-``) with the Authorization header redacted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.log_group import encrypted_log_group

WAF_REGION = "us-east-1"
WAF_MIN_RATE_LIMIT = 10
MANAGED_GROUPS = (
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",
)
# The common rule set blocks request bodies over 8 KB; media uploads are up to 10 MB (Django's
# DATA_UPLOAD_MAX_MEMORY_SIZE enforces that limit), so that one rule only counts.
COUNT_ONLY = {"AWSManagedRulesCommonRuleSet": ("SizeRestrictions_BODY",)}


@dataclass(frozen=True)
class RateLimit:
    """Requests per second per client IP on paths starting with ``path_prefix``."""

    name: str
    path_prefix: str
    requests_per_second: int


@dataclass(frozen=True)
class WafArgs:
    rate_limits: tuple[RateLimit, ...]
    evaluation_window_seconds: int
    log_retention_days: int
    # A CMK in us-east-1 (the log group lives beside the CLOUDFRONT-scope ACL).
    log_kms_key_arn: pulumi.Input[str]
    # The public IPs the stack's own tasks leave through (NAT gateways): not rate-limited per IP.
    own_egress_ips: tuple[pulumi.Input[str], ...]
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.evaluation_window_seconds not in (60, 120, 300, 600):
            raise ValueError("WAF evaluation windows are 60, 120, 300 or 600 seconds")
        for limit in self.rate_limits:
            if not limit.path_prefix.startswith("/"):
                raise ValueError(f"rate limit {limit.name}: path prefix must start with /")
            if self.limit_for(limit) < WAF_MIN_RATE_LIMIT:
                raise ValueError(f"rate limit {limit.name}: {self.limit_for(limit)} requests per window is below WAF's minimum of {WAF_MIN_RATE_LIMIT}")

    def limit_for(self, limit: RateLimit) -> int:
        return limit.requests_per_second * self.evaluation_window_seconds


def _visibility(metric: str) -> dict[str, Any]:
    return {"cloudwatch_metrics_enabled": True, "metric_name": metric, "sampled_requests_enabled": True}


def _managed_rule(group: str, priority: int) -> dict[str, Any]:
    statement: dict[str, Any] = {"vendor_name": "AWS", "name": group}
    if group in COUNT_ONLY:
        statement["rule_action_overrides"] = [{"name": rule, "action_to_use": {"count": {}}} for rule in COUNT_ONLY[group]]
    return {
        "name": group,
        "priority": priority,
        "override_action": {"none": {}},
        "statement": {"managed_rule_group_statement": statement},
        "visibility_config": _visibility(group),
    }


def _match_rule(name: str, priority: int, kind: str) -> dict[str, Any]:
    """The seed's SqliMatchStatement / XssMatchStatement: all query arguments, URL_DECODE, block."""
    return {
        "name": name,
        "priority": priority,
        "action": {"block": {}},
        "statement": {kind: {"field_to_match": {"all_query_arguments": {}}, "text_transformations": [{"priority": 0, "type": "URL_DECODE"}]}},
        "visibility_config": _visibility(name),
    }


def _rate_rule(limit: RateLimit, per_window: int, window: int, priority: int, own_ips_arn: pulumi.Input[str] | None) -> dict[str, Any]:
    path: dict[str, Any] = {
        "byte_match_statement": {
            "field_to_match": {"uri_path": {}},
            "positional_constraint": "STARTS_WITH",
            "search_string": limit.path_prefix,
            "text_transformations": [{"priority": 0, "type": "LOWERCASE"}],
        }
    }
    not_own = {"not_statement": {"statement": {"ip_set_reference_statement": {"arn": own_ips_arn}}}}
    return {
        "name": limit.name,
        "priority": priority,
        "action": {"block": {}},
        "statement": {
            "rate_based_statement": {
                "aggregate_key_type": "IP",
                "limit": per_window,
                "evaluation_window_sec": window,
                "scope_down_statement": {"and_statement": {"statements": [path, not_own]}} if own_ips_arn is not None else path,
            }
        },
        "visibility_config": _visibility(limit.name),
    }


class Waf(pulumi.ComponentResource):
    """``arn`` goes into the distribution's ``web_acl_id``."""

    arn: pulumi.Output[str]

    def __init__(self, name: str, args: WafArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:edge:Waf", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        rules = [_managed_rule(group, i) for i, group in enumerate(MANAGED_GROUPS)]
        rules.append(_match_rule("SQLInjectionRule", 10, "sqli_match_statement"))
        rules.append(_match_rule("XSSRule", 11, "xss_match_statement"))
        # Most specific prefix first (auth before the whole API), like Nginx's longest-prefix match.
        ordered = sorted(args.rate_limits, key=lambda r: -len(r.path_prefix))
        own_ips = None
        if args.own_egress_ips:
            own_ips = aws.wafv2.IpSet(
                f"{name}-own-egress",
                description="The stack's NAT egress IPs: the reader frontend's server-side API calls",
                scope="CLOUDFRONT",
                region=WAF_REGION,
                ip_address_version="IPV4",
                addresses=[pulumi.Output.from_input(ip).apply(lambda address: f"{address}/32") for ip in args.own_egress_ips],
                tags={**tags, "Name": f"{name}-own-egress"},
                opts=child,
            )
        own_arn = own_ips.arn if own_ips is not None else None
        rules += [_rate_rule(r, args.limit_for(r), args.evaluation_window_seconds, 20 + i, own_arn) for i, r in enumerate(ordered)]

        acl = aws.wafv2.WebAcl(
            f"{name}-acl",
            description="Coko edge: managed rules, SQLi/XSS on query arguments, per-IP rate limits",
            scope="CLOUDFRONT",
            region=WAF_REGION,
            default_action={"allow": {}},
            rules=rules,
            visibility_config=_visibility(f"{name}-acl".replace("-", "_")),
            tags={**tags, "Name": f"{name}-acl"},
            opts=child,
        )
        group = encrypted_log_group(
            f"{name}-logs",
            log_group_name=f"aws-waf-logs-{name}",
            retention_days=args.log_retention_days,
            kms_key_arn=args.log_kms_key_arn,
            region=WAF_REGION,
            tags={**tags, "Name": f"aws-waf-logs-{name}"},
            parent=self,
        )
        logging = aws.wafv2.WebAclLoggingConfiguration(
            f"{name}-logging",
            resource_arn=acl.arn,
            log_destination_configs=[group.arn],
            redacted_fields=[{"single_header": {"name": "authorization"}}],
            region=WAF_REGION,
            opts=child,
        )
        self.arn = acl.arn
        self.log_group_name = group.name
        self.register_outputs({"arn": acl.arn, "logGroup": group.name, "loggingConfigurationId": logging.id})
