"""CloudFront: the seed's TTLs and headers, HTTPS everywhere, African edges, OAC, logs outside opt-in regions."""

from __future__ import annotations

import json

import pytest

from coko_cli.offline.runner import StackPreview
from components.cdn import Ttl
from components.log_bucket import AWSLOGSDELIVERY_CANONICAL_ID
from components.settings import CdnConfig
from tests.conftest import STACKS, of_type, one

CF = "aws:cloudfront/distribution:Distribution"
CACHE = "aws:cloudfront/cachePolicy:CachePolicy"


def distribution(preview: StackPreview) -> dict:
    return one(preview, CF).inputs


def behaviours(preview: StackPreview) -> list[dict]:
    d = distribution(preview)
    return [d["defaultCacheBehavior"], *d["orderedCacheBehaviors"]]


def cache_policy(preview: StackPreview, policy_id: str) -> dict:
    return next(r.inputs for r in of_type(preview, CACHE) if r.outputs["id"] == policy_id)


def test_viewer_certificate_is_issued_in_us_east_1_with_tls12_2021_and_sni(preview: StackPreview) -> None:
    cert = one(preview, "aws:acm/certificate:Certificate", "certs-viewer")
    assert cert.region == "us-east-1"
    viewer = distribution(preview)["viewerCertificate"]
    assert viewer["acmCertificateArn"] == cert.outputs["arn"]
    assert viewer["acmCertificateArn"].startswith("arn:aws:acm:us-east-1:")
    assert viewer["minimumProtocolVersion"] == "TLSv1.2_2021"
    assert viewer["sslSupportMethod"] == "sni-only"


def test_aliases_are_the_api_names_and_the_apex_only_in_the_primary(up: dict[str, StackPreview]) -> None:
    assert distribution(up["production"])["aliases"] == ["api.coko.africa", "coko.africa"]
    assert distribution(up["capetown"])["aliases"] == ["api-za.coko.africa"]
    assert one(up["production"], "aws:acm/certificate:Certificate", "certs-viewer").inputs["subjectAlternativeNames"] == ["coko.africa"]


@pytest.mark.parametrize("stack", STACKS)
def test_every_behaviour_redirects_to_https_compresses_and_caches_only_safe_methods(up: dict[str, StackPreview], stack: str) -> None:
    for b in behaviours(up[stack]):
        assert b["viewerProtocolPolicy"] == "redirect-to-https"
        assert b["compress"] is True
        assert set(b["cachedMethods"]) <= {"GET", "HEAD", "OPTIONS"}


def test_api_accepts_every_method_with_the_seed_ttls(preview: StackPreview) -> None:
    api = distribution(preview)["defaultCacheBehavior"]
    assert api["targetOriginId"] == "api"
    assert set(api["allowedMethods"]) == {"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}
    policy = cache_policy(preview, api["cachePolicyId"])
    assert (policy["minTtl"], policy["defaultTtl"], policy["maxTtl"]) == (0, 3600, 86400)
    key = policy["parametersInCacheKeyAndForwardedToOrigin"]
    # An authenticated response must never be served to someone else.
    assert "Authorization" in key["headersConfig"]["headers"]["items"]
    assert set(key["cookiesConfig"]["cookies"]["items"]) == {"sessionid", "csrftoken"}
    request = next(r.inputs for r in of_type(preview, "aws:cloudfront/originRequestPolicy:OriginRequestPolicy") if r.outputs["id"] == api["originRequestPolicyId"])
    assert request["headersConfig"]["headerBehavior"] == "allViewerAndWhitelistCloudFront"  # Host reaches Django


def test_static_and_media_come_from_their_buckets_with_the_seed_ttls(preview: StackPreview) -> None:
    ordered = {b["pathPattern"]: b for b in distribution(preview)["orderedCacheBehaviors"] if b["targetOriginId"] != "api"}
    assert set(ordered) == {"/static/*", "/media/*"}  # the ALB's /_next/static/*: test_web_service.py
    static = cache_policy(preview, ordered["/static/*"]["cachePolicyId"])
    assert (static["minTtl"], static["defaultTtl"], static["maxTtl"]) == (0, 86400, 31536000)
    media = cache_policy(preview, ordered["/media/*"]["cachePolicyId"])
    assert media["defaultTtl"] == 30 * 86400  # the seed's Nginx `expires 30d`
    for b in ordered.values():
        assert set(b["allowedMethods"]) == {"GET", "HEAD", "OPTIONS"}


def test_buckets_are_read_through_origin_access_control_only(preview: StackPreview, up: dict[str, StackPreview]) -> None:
    oac = one(preview, "aws:cloudfront/originAccessControl:OriginAccessControl")
    assert (oac.inputs["signingBehavior"], oac.inputs["signingProtocol"], oac.inputs["originAccessControlOriginType"]) == ("always", "sigv4", "s3")
    origins = {o["originId"]: o for o in distribution(preview)["origins"]}
    for key in ("static", "media"):
        bucket = one(preview, "aws:s3/bucket:Bucket", f"storage-{key}").outputs
        assert origins[key]["domainName"] == bucket["bucketRegionalDomainName"]
        assert origins[key]["originAccessControlId"] == oac.outputs["id"]
        policy = json.loads(one(preview, "aws:s3/bucketPolicy:BucketPolicy", f"bucket-policies-{key}").inputs["policy"])
        allow = next(s for s in policy["Statement"] if s["Effect"] == "Allow")
        assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
        assert allow["Action"] == "s3:GetObject"
        readers = [one(preview, CF).outputs["arn"]]
        if preview.stack == "capetown":  # Paris's distribution fails over to these copies (origin groups)
            readers.append(up["production"].outputs["cdnDistributionArn"])
        assert allow["Condition"] == {"StringEquals": {"AWS:SourceArn": readers}}


@pytest.mark.parametrize("stack", STACKS)
def test_api_origin_is_the_alb_name_over_https_tls12(up: dict[str, StackPreview], stack: str) -> None:
    api = next(o for o in distribution(up[stack])["origins"] if o["originId"] == "api")
    assert api["domainName"] == ("origin.api.coko.africa" if stack == "production" else "origin.api-za.coko.africa")
    custom = api["customOriginConfig"]
    assert custom["originProtocolPolicy"] == "https-only"
    assert custom["originSslProtocols"] == ["TLSv1.2"]


def test_security_headers_reproduce_the_seed_nginx_headers_on_every_behaviour(preview: StackPreview) -> None:
    policy = one(preview, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy")
    headers = policy.inputs["securityHeadersConfig"]
    hsts = headers["strictTransportSecurity"]
    assert hsts["accessControlMaxAgeSec"] == 31536000 and hsts["includeSubdomains"] is True
    assert headers["contentTypeOptions"]["override"] is True  # X-Content-Type-Options: nosniff
    assert headers["frameOptions"]["frameOption"] == "DENY"
    assert headers["referrerPolicy"]["referrerPolicy"] == "strict-origin-when-cross-origin"
    assert headers["xssProtection"]["protection"] is True and headers["xssProtection"]["modeBlock"] is True
    assert {b["responseHeadersPolicyId"] for b in behaviours(preview)} == {policy.outputs["id"]}


@pytest.mark.parametrize("stack", STACKS)
def test_price_class_includes_african_edges_and_ipv6_is_on(up: dict[str, StackPreview], stack: str) -> None:
    d = distribution(up[stack])
    assert d["priceClass"] in {"PriceClass_200", "PriceClass_All"}
    assert d["isIpv6Enabled"] is True
    assert d["webAclId"] == one(up[stack], "aws:wafv2/webAcl:WebAcl").outputs["arn"]


def test_access_logs_go_to_a_bucket_outside_opt_in_regions(preview: StackPreview) -> None:
    bucket = one(preview, "aws:s3/bucket:Bucket", "cdn-logs")
    # Paris logs stay in Paris; Cape Town's may not go to its opt-in region, nor depend on Paris.
    expected = "eu-west-3" if preview.stack == "production" else "us-east-1"
    assert bucket.region == expected
    for child in ("bucketAcl", "bucketOwnershipControls", "bucketPolicy", "bucketPublicAccessBlock"):
        assert {r.region for r in of_type(preview, f"aws:s3/{child}:{child[0].upper()}{child[1:]}") if "cdn-logs" in r.name} == {expected}
    logging = distribution(preview)["loggingConfig"]
    assert logging["bucket"] == bucket.outputs["bucketDomainName"]
    assert logging["includeCookies"] is False
    grants = one(preview, "aws:s3/bucketAcl:BucketAcl", "cdn-logs").inputs["accessControlPolicy"]["grants"]
    assert {"grantee": {"type": "CanonicalUser", "id": AWSLOGSDELIVERY_CANONICAL_ID}, "permission": "FULL_CONTROL"} in grants


def test_settings_refuse_price_class_100_and_an_opt_in_log_region() -> None:
    with pytest.raises(ValueError, match="PriceClass_200"):
        CdnConfig(price_class="PriceClass_100")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="opt-in"):
        CdnConfig(log_bucket_region="af-south-1")
    with pytest.raises(ValueError, match="min <= default <= max"):
        Ttl(default=90000, max=86400)
