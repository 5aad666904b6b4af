"""ALB: reachable only from CloudFront, TLS 1.2+, HTTP only redirects, logs, the seed's health check."""

from __future__ import annotations

import json

import pytest

from coko_cli.offline.runner import StackPreview
from components.load_balancer import HealthCheck, LoadBalancerArgs
from tests.conftest import STACKS, of_type, one

LB = "aws:lb/loadBalancer:LoadBalancer"
LISTENER = "aws:lb/listener:Listener"
TG = "aws:lb/targetGroup:TargetGroup"
SG = "aws:ec2/securityGroup:SecurityGroup"
ELB_ACCOUNT = {"production": "009996457667", "capetown": "098369216593"}


def test_alb_is_public_in_the_public_subnets_and_drops_invalid_headers(preview: StackPreview) -> None:
    alb = one(preview, LB).inputs
    public = {s.outputs["id"] for s in of_type(preview, "aws:ec2/subnet:Subnet") if s.inputs["tags"]["Tier"] == "public"}
    assert alb["loadBalancerType"] == "application"
    assert alb["internal"] is False
    assert set(alb["subnets"]) == public
    assert alb["dropInvalidHeaderFields"] is True
    assert alb["accessLogs"]["enabled"] is True
    assert alb["accessLogs"]["bucket"] == one(preview, "aws:s3/bucket:Bucket", "edge-logs").outputs["bucket"]


@pytest.mark.parametrize("stack", STACKS)
def test_deletion_protection_on_in_both_regions(up: dict[str, StackPreview], stack: str) -> None:
    # Cape Town is the failover target: its ALB is as precious as Paris's.
    assert one(up[stack], LB).inputs["enableDeletionProtection"] is True


def test_https_listener_uses_tls12_policy_and_the_regional_origin_certificate(preview: StackPreview) -> None:
    https = one(preview, LISTENER, "edge-https").inputs
    assert https["port"] == 443 and https["protocol"] == "HTTPS"
    assert https["sslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    cert = one(preview, "aws:acm/certificate:Certificate", "certs-origin")
    assert cert.region == preview.region  # an ALB only takes a certificate from its own region
    assert https["certificateArn"] == cert.outputs["arn"]
    api = "api.coko.africa" if preview.stack == "production" else "api-za.coko.africa"
    assert cert.inputs["domainName"] == f"origin.{api}"
    # CloudFront forwards Host, then checks the origin certificate against the public name; Cape
    # Town's also covers the primary's names, which it serves after a failover; both the apex (the web).
    takes_over = [] if preview.stack == "production" else ["origin.api.coko.africa", "api.coko.africa"]
    assert cert.inputs["subjectAlternativeNames"] == [api, *takes_over, "coko.africa"]


@pytest.mark.parametrize("stack", STACKS)
def test_http_listener_only_redirects_to_https(up: dict[str, StackPreview], stack: str) -> None:
    http = [r.inputs for r in of_type(up[stack], LISTENER) if r.inputs["protocol"] == "HTTP"]
    assert len(http) == 1
    assert http[0]["port"] == 80
    assert http[0]["defaultActions"] == [{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}]


def test_security_group_admits_only_cloudfront_and_talks_only_to_the_app_port(preview: StackPreview) -> None:
    sg = one(preview, SG, "edge-sg")
    assert one(preview, LB).inputs["securityGroups"] == [sg.outputs["id"]]
    ingress = sg.inputs["ingress"]
    assert len(ingress) == 1
    assert ingress[0]["fromPort"] == ingress[0]["toPort"] == 443
    assert ingress[0]["prefixListIds"] == [{"production": "pl-75b1541c", "capetown": "pl-c0aa4fa9"}[preview.stack]]  # CloudFront origin-facing
    assert not ingress[0].get("cidrBlocks") and not ingress[0].get("ipv6CidrBlocks")
    egress = sg.inputs["egress"]
    vpc_cidr = "10.0.0.0/16" if preview.stack == "production" else "10.1.0.0/16"
    assert egress == [
        {"protocol": "tcp", "fromPort": 8000, "toPort": 8000, "cidrBlocks": [vpc_cidr], "description": "to the app tasks in the VPC"},
        {"protocol": "tcp", "fromPort": 8001, "toPort": 8001, "cidrBlocks": [vpc_cidr], "description": "health checks of the app tasks"},
        {"protocol": "tcp", "fromPort": 3000, "toPort": 3000, "cidrBlocks": [vpc_cidr], "description": "to the web tasks in the VPC"},
    ]


@pytest.mark.parametrize("stack", STACKS)
def test_target_group_checks_health_like_the_seed(up: dict[str, StackPreview], stack: str) -> None:
    tg = one(up[stack], TG, "edge-tg").inputs
    assert (tg["port"], tg["protocol"], tg["targetType"]) == (8000, "HTTP", "ip")
    assert tg["deregistrationDelay"] == 30
    hc = tg["healthCheck"]
    assert hc["path"] == "/health/"
    assert hc["matcher"] == "200"
    assert (hc["interval"], hc["timeout"], hc["healthyThreshold"], hc["unhealthyThreshold"]) == (30, 10, 2, 3)


def test_backend_service_is_behind_the_target_group_and_admits_the_alb(preview: StackPreview) -> None:
    tg = one(preview, TG, "edge-tg").outputs["arn"]
    backend = [r for r in of_type(preview, "aws:ecs/service:Service") if r.inputs["tags"].get("Service") == "backend"]
    assert backend and backend[0].inputs["loadBalancers"][0]["targetGroupArn"] == tg
    alb_sg = one(preview, SG, "edge-sg").outputs["id"]
    rules = [r.inputs for r in of_type(preview, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") if r.inputs.get("referencedSecurityGroupId") == alb_sg]
    # The backend's port and its liveness port on the app tasks' group; the web's (3000, its own group): test_web_service.py.
    assert sorted((r["fromPort"], r["toPort"]) for r in rules if r["securityGroupId"] == preview.outputs["appSecurityGroupId"]) == [(8000, 8000), (8001, 8001)]


def test_only_requests_carrying_the_secret_cloudfront_header_are_forwarded(preview: StackPreview) -> None:
    https = one(preview, LISTENER, "edge-https").inputs
    assert https["defaultActions"][0]["type"] == "fixed-response"
    assert https["defaultActions"][0]["fixedResponse"]["statusCode"] == "403"
    rule = one(preview, "aws:lb/listenerRule:ListenerRule", "from-cloudfront").inputs
    header = rule["conditions"][0]["httpHeader"]
    assert header["httpHeaderName"] == "X-Origin-Verify"
    assert header["values"] == ["[secret]"]
    assert rule["actions"] == [{"type": "forward", "targetGroupArn": one(preview, TG, "edge-tg").outputs["arn"]}]
    origin = next(o for o in one(preview, "aws:cloudfront/distribution:Distribution").inputs["origins"] if o["originId"] == "api")
    assert origin["customHeaders"] == [{"name": "X-Origin-Verify", "value": "[secret]"}]
    assert preview.leaks == []


def test_access_log_bucket_is_sse_s3_private_and_writable_by_the_regional_elb_account(preview: StackPreview) -> None:
    sse = one(preview, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "edge-logs").inputs
    assert sse["rules"][0]["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"  # ALB cannot write SSE-KMS
    block = one(preview, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "edge-logs").inputs
    assert all(block[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    ownership = one(preview, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "edge-logs").inputs
    assert ownership["rule"]["objectOwnership"] == "BucketOwnerEnforced"
    lifecycle = one(preview, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "edge-logs").inputs
    assert lifecycle["rules"][0]["expiration"]["days"] == 90
    policy = json.loads(one(preview, "aws:s3/bucketPolicy:BucketPolicy", "edge-logs").inputs["policy"])
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    assert by_sid["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert by_sid["ElbLogDelivery"]["Principal"] == {"AWS": f"arn:aws:iam::{ELB_ACCOUNT[preview.stack]}:root"}
    assert by_sid["ElbLogDelivery"]["Resource"].endswith("/alb/AWSLogs/123456789012/*")


def test_args_reject_a_single_subnet_and_a_health_check_slower_than_its_interval() -> None:
    with pytest.raises(ValueError, match="two availability zones"):
        LoadBalancerArgs(vpc_id="vpc-1", vpc_cidr="10.0.0.0/16", subnet_ids=["subnet-1"], certificate_arn="arn", alb_name="coko-x-alb", target_group_name="coko-x-api")
    with pytest.raises(ValueError, match="shorter than its interval"):
        HealthCheck(interval_seconds=10, timeout_seconds=10)
    with pytest.raises(ValueError, match="1-32 letters"):
        LoadBalancerArgs(vpc_id="v", vpc_cidr="10.0.0.0/16", subnet_ids=["a", "b"], certificate_arn="arn", alb_name="coko-" + "x" * 30, target_group_name="t")


@pytest.mark.parametrize("stack", STACKS)
def test_edge_builds_in_preview_mode_too(previews: dict[str, dict[str, StackPreview]], stack: str) -> None:
    """Nothing in the edge needs a known output at declaration time: preview declares what up declares."""
    edge_types = (LB, LISTENER, TG, "aws:cloudfront/distribution:Distribution", "aws:wafv2/webAcl:WebAcl", "aws:cloudwatch/metricAlarm:MetricAlarm")
    for type_ in edge_types:
        assert len(of_type(previews["preview"][stack], type_)) == len(of_type(previews["up"][stack], type_)) > 0, type_


@pytest.mark.parametrize("stack", STACKS)
def test_alb_checks_the_backends_liveness_listener_not_its_busy_request_port(up: dict[str, StackPreview], stack: str) -> None:
    """Liveness is served apart from the request workers (:8001): a stuck worker pool does not fail the ALB check."""
    preview = up[stack]
    check = one(preview, TG, "edge-tg").inputs["healthCheck"]
    assert (check["path"], check["port"]) == ("/health/", "8001")
    egress_ports = {(e["fromPort"], e["toPort"]) for e in one(preview, "aws:ec2/securityGroup:SecurityGroup", "edge-sg").inputs["egress"]}
    assert (8001, 8001) in egress_ports
    ingress = one(preview, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "backend-from-alb-health").inputs
    assert (ingress["fromPort"], ingress["toPort"]) == (8001, 8001)
    assert ingress["referencedSecurityGroupId"] == one(preview, "aws:ec2/securityGroup:SecurityGroup", "edge-sg").outputs["id"]
