"""DNS in the stack's Route 53 hosted zone (only when ``coko:domain.hostedZoneId`` is set).

Two pieces: :class:`DnsValidation` (the ACM validation CNAMEs and the waits for issuance) and
:class:`EdgeRecords` (the public names: API and apex as aliases of the CloudFront distribution,
``origin.<api>`` as an alias of the ALB), and :class:`OriginFailover`, the Route 53 failover
pair that moves the primary's API origin to the secondary's ALB when the primary is lost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

# CloudFront's fixed hosted zone id for alias records.
CLOUDFRONT_HOSTED_ZONE_ID = "Z2FDTNDATAQYW2"


@dataclass(frozen=True)
class DnsValidationArgs:
    """``records``: domain -> {name, type, value}; ``certificates``: key -> (arn, domains, region or None)."""

    zone_id: str
    records: Mapping[str, pulumi.Output[dict[str, str]]]
    certificates: Mapping[str, tuple[pulumi.Input[str], Sequence[str], str | None]]


class DnsValidation(pulumi.ComponentResource):
    """Creates each validation record once, then one CertificateValidation per certificate.

    ``validated_arns`` resolve only once ACM has issued the certificate, so listeners and
    distributions that use them never see a pending certificate.
    """

    validated_arns: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: DnsValidationArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:dns:DnsValidation", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        fqdns: dict[str, pulumi.Output[str]] = {}
        for domain, record in args.records.items():
            created = aws.route53.Record(
                f"{name}-{domain}",
                zone_id=args.zone_id,
                name=record["name"],
                type=record["type"],
                records=[record["value"]],
                ttl=300,
                allow_overwrite=True,  # ACM reuses the same CNAME; adopt one left by an earlier stack
                opts=child,
            )
            fqdns[domain] = created.fqdn
        self.validated_arns = {}
        for key, (arn, domains, region) in args.certificates.items():
            validation = aws.acm.CertificateValidation(
                f"{name}-{key}",
                certificate_arn=arn,
                validation_record_fqdns=[fqdns[d] for d in domains],
                opts=child,
                **({"region": region} if region else {}),
            )
            self.validated_arns[key] = validation.certificate_arn
        self.register_outputs({"validatedCertificateArns": self.validated_arns, "recordFqdns": fqdns})


@dataclass(frozen=True)
class EdgeRecordsArgs:
    """``cdn_names`` point at the distribution (A and AAAA); ``origin_name`` at the ALB."""

    zone_id: str
    cdn_names: Sequence[str]
    distribution_domain_name: pulumi.Input[str]
    origin_name: str
    alb_dns_name: pulumi.Input[str]
    alb_zone_id: pulumi.Input[str]
    # False when ``origin_name`` is a failover pair (:class:`OriginFailover`): both cannot coexist.
    simple_origin_record: bool = True
    tags: Mapping[str, str] = field(default_factory=dict)


class EdgeRecords(pulumi.ComponentResource):
    """Alias records; CloudFront aliases carry IPv6 (AAAA) too, the ALB is IPv4-only."""

    def __init__(self, name: str, args: EdgeRecordsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:dns:EdgeRecords", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        fqdns: dict[str, pulumi.Output[str]] = {}
        for host in args.cdn_names:
            for kind in ("A", "AAAA"):
                record = aws.route53.Record(
                    f"{name}-{host}-{kind.lower()}",
                    zone_id=args.zone_id,
                    name=host,
                    type=kind,
                    aliases=[{"name": args.distribution_domain_name, "zone_id": CLOUDFRONT_HOSTED_ZONE_ID, "evaluate_target_health": False}],
                    opts=child,
                )
                fqdns[f"{host}/{kind}"] = record.fqdn
        if args.simple_origin_record:
            origin = aws.route53.Record(
                f"{name}-{args.origin_name}-a",
                zone_id=args.zone_id,
                name=args.origin_name,
                type="A",
                aliases=[{"name": args.alb_dns_name, "zone_id": args.alb_zone_id, "evaluate_target_health": True}],
                opts=child,
            )
            fqdns[f"{args.origin_name}/A"] = origin.fqdn
        self.register_outputs({"records": fqdns})


# Route 53 failover for the API origin (the name CloudFront connects to). CloudFront origin groups
# cannot carry writes (aws/aws-cdk#32450), so the API fails over in DNS instead:
# https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-types.html


@dataclass(frozen=True)
class OriginFailoverArgs:
    """One half of a failover pair under ``origin_name``.

    PRIMARY gives ``healthy_hosts_alarm`` (name, region): a CloudWatch-metric health check on it
    turns unhealthy when the alarm fires *or when its region stops reporting* (insufficient data
    = unhealthy), which is exactly "Paris is gone". SECONDARY answers when the primary is unhealthy.
    """

    zone_id: str
    origin_name: str
    role: str  # "PRIMARY" or "SECONDARY"
    set_identifier: str
    alb_dns_name: pulumi.Input[str]
    alb_zone_id: pulumi.Input[str]
    health_check_name: str | None = None
    healthy_hosts_alarm: tuple[pulumi.Input[str], str] | None = None
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.role not in ("PRIMARY", "SECONDARY"):
            raise ValueError("a failover record is PRIMARY or SECONDARY")
        if (self.role == "PRIMARY") != (self.healthy_hosts_alarm is not None and self.health_check_name is not None):
            raise ValueError("the PRIMARY record (only) needs a health check: give healthy_hosts_alarm and health_check_name")


class OriginFailover(pulumi.ComponentResource):
    """The failover alias record of one region's ALB (and, for the primary, its health check)."""

    health_check_id: pulumi.Output[str] | None

    def __init__(self, name: str, args: OriginFailoverArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:dns:OriginFailover", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.health_check_id = None
        if args.healthy_hosts_alarm is not None:
            alarm_name, alarm_region = args.healthy_hosts_alarm
            check = aws.route53.HealthCheck(
                f"{name}-health",
                type="CLOUDWATCH_METRIC",
                cloudwatch_alarm_name=alarm_name,
                cloudwatch_alarm_region=alarm_region,
                insufficient_data_health_status="Unhealthy",
                tags={**args.tags, "Name": args.health_check_name or name},
                opts=child,
            )
            self.health_check_id = check.id
        record = aws.route53.Record(
            f"{name}-record",
            zone_id=args.zone_id,
            name=args.origin_name,
            type="A",
            set_identifier=args.set_identifier,
            failover_routing_policies=[{"type": args.role}],
            health_check_id=self.health_check_id,
            aliases=[{"name": args.alb_dns_name, "zone_id": args.alb_zone_id, "evaluate_target_health": True}],
            opts=child,
        )
        self.register_outputs({"fqdn": record.fqdn, "healthCheckId": self.health_check_id})
