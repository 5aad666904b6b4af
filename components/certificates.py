"""Edge certificates: one for the ALB (stack region), one for CloudFront (us-east-1).

CloudFront only accepts ACM certificates from us-east-1, hence ``region="us-east-1"`` on that
one. The ALB certificate covers the origin host name CloudFront connects to
(``origin.<api>``) and the public API name, because CloudFront forwards the viewer's Host header
and then checks the origin certificate against that name. Validation is by DNS: with a hosted
zone the records and the waits are created here (:class:`components.dns.DnsValidation`); without
one, :attr:`EdgeCertificates.validation_records` lists the CNAMEs the user must create.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.dns import DnsValidation, DnsValidationArgs

CLOUDFRONT_CERTIFICATE_REGION = "us-east-1"


@dataclass(frozen=True)
class EdgeCertificatesArgs:
    """Domain lists: the first name is the certificate's primary name, the rest are SANs."""

    origin_domains: Sequence[str]
    viewer_domains: Sequence[str]
    hosted_zone_id: str | None = None
    # Names whose validation CNAME another stack of this account creates (ACM uses one CNAME per
    # name per account): no second record here, so destroying this stack never deletes theirs.
    validated_elsewhere: Sequence[str] = ()
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.origin_domains or not self.viewer_domains:
            raise ValueError("both certificates need at least one domain name")


class EdgeCertificates(pulumi.ComponentResource):
    """``origin_certificate_arn`` / ``viewer_certificate_arn`` are the validated ARNs when a zone is given."""

    origin_certificate_arn: pulumi.Output[str]
    viewer_certificate_arn: pulumi.Output[str]
    validation_records: pulumi.Output[list[dict[str, str]]]

    def __init__(self, name: str, args: EdgeCertificatesArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:edge:EdgeCertificates", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        origin = self._certificate(f"{name}-origin", args.origin_domains, args.tags)
        viewer = self._certificate(f"{name}-viewer", args.viewer_domains, args.tags, region=CLOUDFRONT_CERTIFICATE_REGION)
        # One record per domain name: ACM asks for the same CNAME for a name in every certificate
        # of the account, so a name in both certificates must not get two records.
        owners: dict[str, aws.acm.Certificate] = {}
        for domain in [*args.origin_domains, *args.viewer_domains]:
            owners.setdefault(domain, origin if domain in args.origin_domains else viewer)
        records = {domain: _record_for(cert, domain) for domain, cert in owners.items()}
        self.validation_records = pulumi.Output.all(*records.values()).apply(list)

        if args.hosted_zone_id:
            validation = DnsValidation(
                f"{name}-validation",
                DnsValidationArgs(
                    zone_id=args.hosted_zone_id,
                    records={domain: record for domain, record in records.items() if domain not in args.validated_elsewhere},
                    certificates={
                        "origin": (origin.arn, [d for d in args.origin_domains if d not in args.validated_elsewhere], None),
                        "viewer": (viewer.arn, [d for d in args.viewer_domains if d not in args.validated_elsewhere], CLOUDFRONT_CERTIFICATE_REGION),
                    },
                ),
                opts=child,
            )
            self.origin_certificate_arn = validation.validated_arns["origin"]
            self.viewer_certificate_arn = validation.validated_arns["viewer"]
        else:
            # No zone: the user adds the CNAMEs (ACM console, or `validationRecords` of an earlier
            # preview) while `pulumi up` waits here; a listener or distribution given a pending
            # certificate is refused (https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html).
            self.origin_certificate_arn = aws.acm.CertificateValidation(f"{name}-origin-issued", certificate_arn=origin.arn, opts=child).certificate_arn
            self.viewer_certificate_arn = aws.acm.CertificateValidation(
                f"{name}-viewer-issued", certificate_arn=viewer.arn, region=CLOUDFRONT_CERTIFICATE_REGION, opts=child
            ).certificate_arn
        self.register_outputs(
            {
                "originCertificateArn": self.origin_certificate_arn,
                "viewerCertificateArn": self.viewer_certificate_arn,
                "validationRecords": self.validation_records,
            }
        )

    def _certificate(self, resource_name: str, domains: Sequence[str], tags: Mapping[str, str], region: str | None = None) -> aws.acm.Certificate:
        """A DNS-validated RSA certificate for ``domains`` (the first is its primary name)."""
        return aws.acm.Certificate(
            resource_name,
            domain_name=domains[0],
            subject_alternative_names=list(domains[1:]),
            validation_method="DNS",
            key_algorithm="RSA_2048",
            tags={**tags, "Name": resource_name},
            opts=pulumi.ResourceOptions(parent=self),
            **({"region": region} if region else {}),
        )


def _record_for(cert: aws.acm.Certificate, domain: str) -> pulumi.Output[dict[str, str]]:
    def pick(options: list[Any]) -> dict[str, str]:
        for option in options or []:
            if option.domain_name == domain:
                return {"domain": domain, "name": option.resource_record_name, "type": option.resource_record_type, "value": option.resource_record_value}
        raise ValueError(f"ACM returned no DNS validation option for {domain}")

    return cert.domain_validation_options.apply(pick)
