"""DNS in the stack's Route 53 hosted zone (only when ``coko:domain.hostedZoneId`` is set).

Two pieces: :class:`DnsValidation` (the ACM validation CNAMEs and the waits for issuance) and
:class:`EdgeRecords` (the public names: API and apex as aliases of the CloudFront distribution,
``origin.<api>`` as an alias of the ALB). Failover between the two regions is described in
docs/edge.md.
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
