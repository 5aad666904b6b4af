"""CDN: one CloudFront distribution per stack, the public entry of the API, static and media files.

Behaviours follow the seed: the API (default) is cached 3600 s by default and at most 86 400 s;
``/static/*`` 86 400 s / one year; ``/media/*`` 30 days (the seed's Nginx ``expires 30d``).
The API behaviour accepts every method but caches only GET/HEAD/OPTIONS. Its cache key holds
the Authorization header and Django's session/CSRF cookies, so an authenticated response is
never served to another user; the origin request policy forwards the rest of the viewer request
(Host included, so Django sees the public name).

The default behaviour also serves the reader frontend when the distribution answers for the apex
(the ALB routes by Host): so Host is in its cache key (``coko.africa/`` and ``api.coko.africa/``
are different pages), and so are the Next.js router headers (``RSC``, ``Next-Router-*``: the same
URL answers HTML or an RSC payload; CloudFront ignores ``Vary``). Its minimum TTL is 0, so HTML
follows the ``Cache-Control`` Next.js sends (``s-maxage`` for ISR pages, ``private``/``no-store``
for the rest): https://nextjs.org/docs/app/guides/cdn-caching. ``immutable_paths`` (Next's
``/_next/static/*``: content-hashed file names) are cached one year from the same ALB origin. Static and media come from private S3 buckets
through Origin Access Control (SigV4 on every request); the bucket policies that let this
distribution read are written by :class:`components.storage.BucketPolicies`.

The response-headers policy reproduces the seed's Nginx security headers. Access logs use
standard logging (legacy) into a bucket in ``log_bucket_region``: it is what the distribution
itself records (``logging_config``, checked by AWS Config / Security Hub / the policy pack),
it needs no extra CloudWatch delivery resources in us-east-1, and the bucket must not be in an
opt-in region such as af-south-1. Legacy logging writes through an ACL grant, so that bucket
alone keeps ACLs (BucketOwnerPreferred) — see :mod:`components.log_bucket`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.load_balancer import ORIGIN_VERIFY_HEADER
from components.log_bucket import LogBucket, LogBucketArgs

ALL_METHODS = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"]
READ_METHODS = ["GET", "HEAD", "OPTIONS"]
CACHED_METHODS = ["GET", "HEAD", "OPTIONS"]
MIN_VIEWER_TLS = "TLSv1.2_2021"
HSTS_MAX_AGE = 31536000
# Managed policy forwarding Origin and Access-Control-Request-* so S3 answers CORS.
CORS_S3_ORIGIN_REQUEST_POLICY = "Managed-CORS-S3Origin"
ONE_YEAR = 31536000
# The default behaviour's cache key: per user (Authorization; cookies below), per content
# negotiation, per host (API and web share it), per Next.js router request (HTML vs RSC payload).
API_CACHE_HEADERS = (
    "Authorization",
    "Accept",
    "Accept-Language",
    "Host",
    "RSC",
    "Next-Router-Prefetch",
    "Next-Router-State-Tree",
    "Next-Router-Segment-Prefetch",
)


@dataclass(frozen=True)
class Ttl:
    default: int
    max: int
    min: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.min <= self.default <= self.max:
            raise ValueError(f"TTLs must satisfy min <= default <= max, got {self.min}/{self.default}/{self.max}")


@dataclass(frozen=True)
class CdnArgs:
    """``origin_domain`` is the ALB's DNS name in our zone (covered by its certificate)."""

    aliases: Sequence[str]
    certificate_arn: pulumi.Input[str]
    origin_domain: str
    static_bucket_domain: pulumi.Input[str]
    media_bucket_domain: pulumi.Input[str]
    web_acl_arn: pulumi.Input[str]
    log_bucket_region: str
    price_class: str
    api_ttl: Ttl
    static_ttl: Ttl
    media_ttl: Ttl
    origin_read_timeout_seconds: int = 30
    origin_verify_value: pulumi.Input[str] | None = None
    log_expiration_days: int = 90
    # The secondary region's copies (regional domain names): /static/* and /media/* fail over to them.
    static_failover_domain: pulumi.Input[str] | None = None
    media_failover_domain: pulumi.Input[str] | None = None
    # Path patterns of content-hashed files served by the ALB origin: cached one year, read methods only.
    immutable_paths: Sequence[str] = ()
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.aliases:
            raise ValueError("the distribution needs at least one alias (the API domain)")


class Cdn(pulumi.ComponentResource):
    """Exposes ``arn``, ``domain_name``, ``hosted_zone_id`` and ``distribution_id``."""

    arn: pulumi.Output[str]
    domain_name: pulumi.Output[str]
    hosted_zone_id: pulumi.Output[str]
    distribution_id: pulumi.Output[str]

    def __init__(self, name: str, args: CdnArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:edge:Cdn", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)

        logs = LogBucket(
            f"{name}-logs",
            LogBucketArgs(
                expiration_days=args.log_expiration_days, region=args.log_bucket_region, cloudfront_log_delivery=True, tags={**tags, "Name": f"{name}-logs"}
            ),
            opts=child,
        )
        oac = aws.cloudfront.OriginAccessControl(
            f"{name}-oac",
            name=f"{name}-s3",
            description="Coko static/media buckets: CloudFront signs every request",
            origin_access_control_origin_type="s3",
            signing_behavior="always",
            signing_protocol="sigv4",
            opts=child,
        )
        api_cache = self._cache_policy(
            f"{name}-api",
            "API and web pages: per-user, per-host key (Authorization, session cookies, Host, Next.js router headers), all query strings",
            args.api_ttl,
            headers=API_CACHE_HEADERS,
            cookies=["sessionid", "csrftoken"],
            query_strings=True,
        )
        static_cache = self._cache_policy(f"{name}-static", "collected static files", args.static_ttl)
        media_cache = self._cache_policy(f"{name}-media", "user media", args.media_ttl)
        # Host in the key: the ALB routes by it, and api.<domain>/_next/static/x (Django's 404) must
        # never be the cached answer for the web's file of the same path.
        immutable_cache = (
            self._cache_policy(
                f"{name}-immutable", "content-hashed app assets (Next.js /_next/static): one year", Ttl(default=ONE_YEAR, max=ONE_YEAR), headers=["Host"]
            )
            if args.immutable_paths
            else None
        )
        api_request = aws.cloudfront.OriginRequestPolicy(
            f"{name}-api-request",
            name=f"{name}-api-request",
            comment="API: forward the whole viewer request (Host included) to the ALB",
            headers_config={"header_behavior": "allViewerAndWhitelistCloudFront", "headers": {"items": ["CloudFront-Viewer-Country"]}},
            cookies_config={"cookie_behavior": "all"},
            query_strings_config={"query_string_behavior": "all"},
            opts=child,
        )
        cors_s3 = aws.cloudfront.get_origin_request_policy_output(name=CORS_S3_ORIGIN_REQUEST_POLICY, opts=pulumi.InvokeOutputOptions(parent=self))
        headers = self._security_headers(name)

        api_origin: dict[str, Any] = {
            "origin_id": "api",
            "domain_name": args.origin_domain,
            "custom_origin_config": {
                "http_port": 80,
                "https_port": 443,
                "origin_protocol_policy": "https-only",
                "origin_ssl_protocols": ["TLSv1.2"],
                "origin_read_timeout": args.origin_read_timeout_seconds,
                "origin_keepalive_timeout": 5,
            },
        }
        if args.origin_verify_value is not None:
            api_origin["custom_headers"] = [{"name": ORIGIN_VERIFY_HEADER, "value": pulumi.Output.secret(args.origin_verify_value)}]

        def s3_behavior(pattern: str, origin: str, cache: aws.cloudfront.CachePolicy) -> dict[str, Any]:
            return {
                "path_pattern": pattern,
                "target_origin_id": origin,
                "viewer_protocol_policy": "redirect-to-https",
                "allowed_methods": READ_METHODS,
                "cached_methods": CACHED_METHODS,
                "compress": True,
                "cache_policy_id": cache.id,
                "origin_request_policy_id": cors_s3.id,
                "response_headers_policy_id": headers.id,
            }

        immutable = [
            {
                "path_pattern": pattern,
                "target_origin_id": "api",
                "viewer_protocol_policy": "redirect-to-https",
                "allowed_methods": READ_METHODS,
                "cached_methods": CACHED_METHODS,
                "compress": True,
                "cache_policy_id": immutable_cache.id,
                "response_headers_policy_id": headers.id,
            }
            for pattern in args.immutable_paths
            if immutable_cache is not None
        ]
        s3_origins, origin_groups = _s3_origins(args, oac.id)
        distribution = aws.cloudfront.Distribution(
            f"{name}-distribution",
            comment=f"Coko {name}: API, web, /static/, /media/",
            enabled=True,
            is_ipv6_enabled=True,
            http_version="http2and3",
            price_class=args.price_class,
            aliases=list(args.aliases),
            web_acl_id=args.web_acl_arn,
            origins=[api_origin, *s3_origins],
            origin_groups=origin_groups or None,
            default_cache_behavior={
                "target_origin_id": "api",
                "viewer_protocol_policy": "redirect-to-https",
                "allowed_methods": ALL_METHODS,
                "cached_methods": CACHED_METHODS,
                "compress": True,
                "cache_policy_id": api_cache.id,
                "origin_request_policy_id": api_request.id,
                "response_headers_policy_id": headers.id,
            },
            ordered_cache_behaviors=[
                s3_behavior("/static/*", _target("static", args.static_failover_domain), static_cache),
                s3_behavior("/media/*", _target("media", args.media_failover_domain), media_cache),
                *immutable,
            ],
            viewer_certificate={
                "acm_certificate_arn": args.certificate_arn,
                "ssl_support_method": "sni-only",
                "minimum_protocol_version": MIN_VIEWER_TLS,
            },
            restrictions={"geo_restriction": {"restriction_type": "none"}},
            logging_config={"bucket": logs.bucket_domain_name, "prefix": f"cloudfront/{name}/", "include_cookies": False},
            tags={**tags, "Name": f"{name}-distribution"},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[logs]),
        )
        self.arn = distribution.arn
        self.domain_name = distribution.domain_name
        self.hosted_zone_id = distribution.hosted_zone_id
        self.distribution_id = distribution.id
        self.register_outputs(
            {
                "arn": distribution.arn,
                "id": distribution.id,
                "domainName": distribution.domain_name,
                "hostedZoneId": distribution.hosted_zone_id,
                "logBucket": logs.bucket,
                "originAccessControlId": oac.id,
            }
        )

    def _cache_policy(
        self, name: str, comment: str, ttl: Ttl, headers: Sequence[str] = (), cookies: Sequence[str] = (), query_strings: bool = False
    ) -> aws.cloudfront.CachePolicy:
        return aws.cloudfront.CachePolicy(
            name,
            name=name,
            comment=comment,
            min_ttl=ttl.min,
            default_ttl=ttl.default,
            max_ttl=ttl.max,
            parameters_in_cache_key_and_forwarded_to_origin={
                "enable_accept_encoding_gzip": True,
                "enable_accept_encoding_brotli": True,
                "headers_config": {"header_behavior": "whitelist", "headers": {"items": list(headers)}} if headers else {"header_behavior": "none"},
                "cookies_config": {"cookie_behavior": "whitelist", "cookies": {"items": list(cookies)}} if cookies else {"cookie_behavior": "none"},
                "query_strings_config": {"query_string_behavior": "all" if query_strings else "none"},
            },
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _security_headers(self, name: str) -> aws.cloudfront.ResponseHeadersPolicy:
        """The seed's Nginx ``add_header`` lines, enforced at the edge for every response."""
        return aws.cloudfront.ResponseHeadersPolicy(
            f"{name}-security-headers",
            name=f"{name}-security-headers",
            comment="HSTS 1 year + subdomains, nosniff, DENY framing, strict-origin-when-cross-origin, XSS block",
            security_headers_config={
                "strict_transport_security": {"access_control_max_age_sec": HSTS_MAX_AGE, "include_subdomains": True, "preload": False, "override": True},
                "content_type_options": {"override": True},
                "frame_options": {"frame_option": "DENY", "override": True},
                "referrer_policy": {"referrer_policy": "strict-origin-when-cross-origin", "override": True},
                "xss_protection": {"protection": True, "mode_block": True, "override": True},
            },
            opts=pulumi.ResourceOptions(parent=self),
        )


# CloudFront fails over to the group's second origin on these answers from the first (GET/HEAD/OPTIONS
# only — which is why the API, which takes writes, fails over through DNS instead):
# https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/high_availability_origin_failover.html
FAILOVER_STATUS_CODES = [403, 404, 500, 502, 503, 504]


def _target(origin: str, failover_domain: pulumi.Input[str] | None) -> str:
    return f"{origin}-group" if failover_domain is not None else origin


def _s3_origins(args: CdnArgs, oac_id: pulumi.Input[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The bucket origins, plus an origin group per bucket that has a secondary-region copy."""
    origins: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = []
    for origin, domain, failover in (
        ("static", args.static_bucket_domain, args.static_failover_domain),
        ("media", args.media_bucket_domain, args.media_failover_domain),
    ):
        origins.append({"origin_id": origin, "domain_name": domain, "origin_access_control_id": oac_id})
        if failover is None:
            continue
        origins.append({"origin_id": f"{origin}-failover", "domain_name": failover, "origin_access_control_id": oac_id})
        groups.append(
            {
                "origin_id": _target(origin, failover),
                "failover_criteria": {"status_codes": FAILOVER_STATUS_CODES},
                "members": [{"origin_id": origin}, {"origin_id": f"{origin}-failover"}],
            }
        )
    return origins, groups
