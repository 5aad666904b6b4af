"""Move the API's origin name to the secondary: invert the primary's Route 53 health check.

The origin name ``origin.<primary api domain>`` has a PRIMARY failover record (Paris's ALB,
guarded by the health check tagged ``Name=<primary>-api-origin``) and a SECONDARY one (Cape
Town's ALB). Route 53 answers with the SECONDARY record while the PRIMARY's health check is
unhealthy; inverting the check makes it unhealthy on purpose and keeps it so, even when Paris
comes back half-working — traffic stays pinned on Cape Town until someone undoes it (failback).
UpdateHealthCheck is a Route 53 (global) call: nothing in Paris is needed.
https://docs.aws.amazon.com/Route53/latest/APIReference/API_UpdateHealthCheck.html (Inverted),
https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-types.html (active-passive).

Without a hosted zone, the records live elsewhere: the step prints exactly what to change.
"""

from __future__ import annotations

from typing import Any

from coko_cli.ops.aws import aws_errors
from coko_cli.ops.errors import Exit, OpsError
from coko_cli.ops.failover_steps import ALREADY, DONE, MANUAL, PLANNED, Context
from coko_contract import names

MANUAL_TTL = 60  # seconds: short, so that a later failback is quick too


def find_health_check(route53: Any, name: str) -> dict[str, Any] | None:
    """The health check whose Name tag is `name` (Route 53 has no lookup by tag: list, then read tags by 10)."""
    with aws_errors():
        checks = [c for page in route53.get_paginator("list_health_checks").paginate() for c in page["HealthChecks"]]
        for start in range(0, len(checks), 10):
            chunk = checks[start : start + 10]
            tag_sets = route53.list_tags_for_resources(ResourceType="healthcheck", ResourceIds=[c["Id"] for c in chunk])["ResourceTagSets"]
            for tag_set in tag_sets:
                if any(t["Key"] == "Name" and t["Value"] == name for t in tag_set.get("Tags") or []):
                    return next(c for c in chunk if c["Id"] == tag_set["ResourceId"])
    return None


def failover_records(route53: Any, zone_id: str, origin: str) -> list[dict[str, Any]]:
    with aws_errors():
        found = route53.list_resource_record_sets(HostedZoneId=zone_id, StartRecordName=origin, MaxItems="20")["ResourceRecordSets"]
    return [r for r in found if r["Name"].rstrip(".") == origin and r.get("Failover")]


def secondary_alb_dns(ctx: Context) -> str | None:
    """The secondary's ALB DNS name: the load balancer tagged Project=coko, Stack=<secondary>."""
    elbv2 = ctx.clients.client("elbv2")
    stack = ctx.target.secondary.stack
    with aws_errors():
        balancers = [b for page in elbv2.get_paginator("describe_load_balancers").paginate() for b in page["LoadBalancers"] if b.get("Type") == "application"]
        for start in range(0, len(balancers), 20):
            chunk = balancers[start : start + 20]
            for description in elbv2.describe_tags(ResourceArns=[b["LoadBalancerArn"] for b in chunk])["TagDescriptions"]:
                tags = {t["Key"]: t["Value"] for t in description.get("Tags") or []}
                if tags.get(names.TAG_PROJECT) == names.PROJECT and tags.get(names.TAG_STACK) == stack:
                    return str(next(b["DNSName"] for b in chunk if b["LoadBalancerArn"] == description["ResourceArn"]))
    prefix = names.prefix(stack)
    named = [b for b in balancers if b["LoadBalancerName"].startswith(prefix)]
    return str(named[0]["DNSName"]) if len(named) == 1 else None


def manual_records(ctx: Context) -> tuple[str, str]:
    alb = secondary_alb_dns(ctx) or f"<DNS name of {names.prefix(ctx.target.secondary.stack)}'s ALB>"
    records = [{"name": ctx.target.origin_name, "type": "CNAME", "value": alb, "ttl": MANUAL_TTL}]
    ctx.facts["dns"] = {"mode": "manual", "records": records}
    for record in records:
        ctx.out.warn(f"change this DNS record by hand: {record['name']} {record['type']} {record['value']} (TTL {record['ttl']})")
    return MANUAL, f"no hosted zone configured: point {ctx.target.origin_name} CNAME at {alb}"


def move_dns(ctx: Context) -> tuple[str, str]:
    zone = ctx.target.hosted_zone_id
    if not zone:
        return manual_records(ctx)
    route53 = ctx.clients.route53
    check = find_health_check(route53, ctx.target.health_check_name)
    if check is None:
        raise OpsError(
            f"No Route 53 health check tagged Name={ctx.target.health_check_name}: the failover records of {ctx.target.origin_name} are not built.",
            Exit.FAILED,
            "Deploy the primary stack with its hosted zone, or point the origin name at the secondary's ALB by hand.",
        )
    records = failover_records(route53, zone, ctx.target.origin_name)
    secondary = next((r for r in records if r["Failover"] == "SECONDARY"), None)
    ctx.facts["dns"] = {
        "mode": "route53",
        "hostedZoneId": zone,
        "healthCheckId": check["Id"],
        "records": [{"setIdentifier": r.get("SetIdentifier"), "failover": r["Failover"], "healthCheckId": r.get("HealthCheckId")} for r in records],
    }
    if secondary is None or secondary.get("SetIdentifier") != names.failover_set_identifier(ctx.target.secondary.stack):
        raise OpsError(
            f"{ctx.target.origin_name} has no SECONDARY failover record of {ctx.target.secondary.stack} in zone {zone}: inverting the health check would leave no answer.",
            Exit.FAILED,
            f"Deploy {ctx.target.secondary.stack} with coko:domain.hostedZoneId set, then rerun.",
        )
    if check["HealthCheckConfig"].get("Inverted"):
        ctx.facts["dns"]["inverted"] = True
        return ALREADY, f"health check {check['Id']} already inverted: {ctx.target.origin_name} answers with {secondary['SetIdentifier']}"
    if ctx.dry_run:
        return PLANNED, f"UpdateHealthCheck {check['Id']} Inverted=true → {ctx.target.origin_name} answers with {secondary['SetIdentifier']}"
    with aws_errors():
        route53.update_health_check(HealthCheckId=check["Id"], HealthCheckVersion=check["HealthCheckVersion"], Inverted=True)
    ctx.facts["dns"]["inverted"] = True
    return DONE, f"health check {check['Id']} inverted: {ctx.target.origin_name} now answers with {secondary['SetIdentifier']}"
