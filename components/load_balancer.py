"""Load balancer: the public ALB CloudFront talks to, the backend's target group, and host routes.

Only CloudFront may reach it: the security group admits HTTPS from the CloudFront
origin-facing managed prefix list only, and (optionally) the HTTPS listener forwards only
requests carrying the secret origin header CloudFront adds, answering 403 to anything else.
Port 443 only: the prefix list weighs ~55 rules against the security group's default quota of
60, so a second reference (port 80) would not fit; CloudFront speaks HTTPS to the origin anyway.
The HTTP listener exists only to answer 301 to HTTPS.

A :class:`HostRoute` puts a second app behind the same ALB, chosen by the Host header (the reader
frontend on the apex): its own target group, and a listener rule evaluated before the backend's
that requires the same origin header. Everything else still goes to the backend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws

from components.log_bucket import LogBucket, LogBucketArgs

TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
CLOUDFRONT_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing"
ORIGIN_VERIFY_HEADER = "X-Origin-Verify"
# Listener rules run lowest number first: host routes from HOST_ROUTE_PRIORITY up, then the backend's
# catch-all. The numbers never reuse the backend rule's earlier priority (1), so adding a route
# cannot fail with PriorityInUse whatever order the engine applies the changes in (pulumi-aws#175).
HOST_ROUTE_PRIORITY = 10
BACKEND_RULE_PRIORITY = 100
# A rule has at most 5 condition values; the origin header takes one.
# https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
MAX_ROUTE_HOSTS = 4


@dataclass(frozen=True)
class HealthCheck:
    """The seed's container healthcheck: /health/ every 30 s, 10 s timeout, 3 failures."""

    path: str = "/health/"
    # Where the target answers it: the traffic port by default; the backend serves liveness apart
    # from its request workers (:8001), so a busy worker pool never fails the ALB check.
    port: int | None = None
    matcher: str = "200"
    interval_seconds: int = 30
    timeout_seconds: int = 10
    healthy_threshold: int = 2
    unhealthy_threshold: int = 3

    def __post_init__(self) -> None:
        if not self.path.startswith("/"):
            raise ValueError("health check path must start with /")
        if self.timeout_seconds >= self.interval_seconds:
            raise ValueError("health check timeout must be shorter than its interval")


@dataclass(frozen=True)
class HostRoute:
    """Requests whose Host is one of ``hosts`` go to a target group of their own on ``port``."""

    key: str
    hosts: Sequence[str]
    target_group_name: str
    port: int
    health_check: HealthCheck

    def __post_init__(self) -> None:
        if not 1 <= len(self.hosts) <= MAX_ROUTE_HOSTS:
            raise ValueError(f"host route {self.key!r} needs 1..{MAX_ROUTE_HOSTS} host names (an ALB rule holds 5 condition values)")
        if not 1 <= self.port <= 65535:
            raise ValueError(f"invalid port {self.port} for host route {self.key!r}")


def _check_name(what: str, value: str) -> None:
    # CreateLoadBalancer / CreateTargetGroup: at most 32 alphanumerics or hyphens, no hyphen at either end.
    if not 1 <= len(value) <= 32 or not value.replace("-", "").isalnum() or value.startswith("-") or value.endswith("-"):
        raise ValueError(f"{what} name {value!r} must be 1-32 letters, digits or hyphens, not starting or ending with a hyphen")


@dataclass(frozen=True)
class LoadBalancerArgs:
    """``certificate_arn`` must be an issued certificate in this region covering the origin host name.

    ``origin_verify_value`` (a Pulumi secret) switches on the CloudFront-only header check.
    """

    vpc_id: pulumi.Input[str]
    vpc_cidr: str
    subnet_ids: Sequence[pulumi.Input[str]]
    certificate_arn: pulumi.Input[str]
    # Explicit physical names (the CLI and alarms find them; auto-names used all 32 characters).
    alb_name: str
    target_group_name: str
    deletion_protection: bool = True
    app_port: int = 8000
    health_check: HealthCheck = field(default_factory=HealthCheck)
    deregistration_delay_seconds: int = 30
    idle_timeout_seconds: int = 60
    log_expiration_days: int = 90
    origin_verify_value: pulumi.Input[str] | None = None
    host_routes: Sequence[HostRoute] = ()
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for what, value in (
            ("ALB", self.alb_name),
            ("target group", self.target_group_name),
            *(("target group", r.target_group_name) for r in self.host_routes),
        ):
            _check_name(what, value)
        keys = [r.key for r in self.host_routes]
        if len(set(keys)) != len(keys) or len({self.target_group_name, *(r.target_group_name for r in self.host_routes)}) != len(keys) + 1:
            raise ValueError("host routes need distinct keys and target group names")
        if len(self.subnet_ids) < 2:
            raise ValueError("an ALB needs subnets in at least two availability zones")
        if not 1 <= self.app_port <= 65535:
            raise ValueError(f"invalid app port {self.app_port}")
        if not 0 <= self.deregistration_delay_seconds <= 3600:
            raise ValueError("deregistration delay must be 0..3600 seconds")


@dataclass(frozen=True)
class RoutedTargetGroup:
    """A host route's target group: ``attached_arn`` resolves once its listener rule exists (what ECS needs)."""

    arn: pulumi.Output[str]
    arn_suffix: pulumi.Output[str]
    attached_arn: pulumi.Output[str]


class LoadBalancer(pulumi.ComponentResource):
    """ALB + access-log bucket + CloudFront-only security group + HTTPS/HTTP listeners + target groups."""

    arn: pulumi.Output[str]
    arn_suffix: pulumi.Output[str]
    dns_name: pulumi.Output[str]
    zone_id: pulumi.Output[str]
    security_group_id: pulumi.Output[str]
    target_group_arn: pulumi.Output[str]
    target_group_arn_suffix: pulumi.Output[str]
    attached_target_group_arn: pulumi.Output[str]
    routes: dict[str, RoutedTargetGroup]
    https_listener: aws.lb.Listener

    def __init__(self, name: str, args: LoadBalancerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:edge:LoadBalancer", name, {}, opts)
        child = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        tags = dict(args.tags)

        def named(suffix: str) -> dict[str, str]:
            return {**tags, "Name": f"{name}-{suffix}"}

        # ALB access logs: SSE-S3 (ALB cannot write SSE-KMS), written by the region's ELB account.
        elb_account = aws.elb.get_service_account_output(opts=invoke)
        identity = aws.get_caller_identity_output(opts=invoke)

        def delivery(bucket_arn: pulumi.Output[str]) -> pulumi.Output[list[dict[str, Any]]]:
            return pulumi.Output.all(bucket_arn, elb_account.arn, identity.account_id).apply(
                lambda v: [
                    {
                        "Sid": "ElbLogDelivery",
                        "Effect": "Allow",
                        "Principal": {"AWS": v[1]},
                        "Action": "s3:PutObject",
                        "Resource": f"{v[0]}/alb/AWSLogs/{v[2]}/*",
                    }
                ]
            )

        logs = LogBucket(
            f"{name}-logs",
            LogBucketArgs(expiration_days=args.log_expiration_days, tags=named("logs")),
            extra_statements=delivery,
            opts=child,
        )

        prefix_list = aws.ec2.get_managed_prefix_list_output(name=CLOUDFRONT_PREFIX_LIST, opts=invoke)
        sg = aws.ec2.SecurityGroup(
            f"{name}-sg",
            description="Coko ALB: HTTPS from CloudFront origin-facing servers only",
            vpc_id=args.vpc_id,
            ingress=[
                {
                    "description": "HTTPS from CloudFront (origin-facing prefix list)",
                    "protocol": "tcp",
                    "from_port": 443,
                    "to_port": 443,
                    "prefix_list_ids": [prefix_list.id],
                }
            ],
            egress=[
                {
                    "description": "to the app tasks in the VPC",
                    "protocol": "tcp",
                    "from_port": args.app_port,
                    "to_port": args.app_port,
                    "cidr_blocks": [args.vpc_cidr],
                },
                *(
                    [
                        {
                            "description": "health checks of the app tasks",
                            "protocol": "tcp",
                            "from_port": args.health_check.port,
                            "to_port": args.health_check.port,
                            "cidr_blocks": [args.vpc_cidr],
                        }
                    ]
                    if args.health_check.port and args.health_check.port != args.app_port
                    else []
                ),
                *(
                    {
                        "description": f"to the {r.key} tasks in the VPC",
                        "protocol": "tcp",
                        "from_port": r.port,
                        "to_port": r.port,
                        "cidr_blocks": [args.vpc_cidr],
                    }
                    for r in args.host_routes
                    if r.port != args.app_port
                ),
            ],
            tags=named("sg"),
            opts=child,
        )

        alb = aws.lb.LoadBalancer(
            f"{name}-alb",
            name=args.alb_name,
            load_balancer_type="application",
            internal=False,
            ip_address_type="ipv4",
            security_groups=[sg.id],
            subnets=list(args.subnet_ids),
            drop_invalid_header_fields=True,
            enable_deletion_protection=args.deletion_protection,
            enable_http2=True,
            desync_mitigation_mode="defensive",
            idle_timeout=args.idle_timeout_seconds,
            access_logs={"bucket": logs.bucket, "prefix": "alb", "enabled": True},
            tags=named("alb"),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[logs]),  # ALB checks it may write logs
        )

        def make_target_group(resource_name: str, group_name: str, port: int, hc: HealthCheck, tag_name: str) -> aws.lb.TargetGroup:
            return aws.lb.TargetGroup(
                resource_name,
                name=group_name,
                port=port,
                protocol="HTTP",
                protocol_version="HTTP1",
                target_type="ip",
                vpc_id=args.vpc_id,
                deregistration_delay=args.deregistration_delay_seconds,
                health_check={
                    "enabled": True,
                    "path": hc.path,
                    "protocol": "HTTP",
                    "port": str(hc.port) if hc.port else "traffic-port",
                    "matcher": hc.matcher,
                    "interval": hc.interval_seconds,
                    "timeout": hc.timeout_seconds,
                    "healthy_threshold": hc.healthy_threshold,
                    "unhealthy_threshold": hc.unhealthy_threshold,
                },
                tags=named(tag_name),
                opts=child,
            )

        target_group = make_target_group(f"{name}-tg", args.target_group_name, args.app_port, args.health_check, "backend-tg")

        forward = {"type": "forward", "target_group_arn": target_group.arn}
        if args.origin_verify_value is not None:
            default_action: dict[str, Any] = {
                "type": "fixed-response",
                "fixed_response": {"content_type": "text/plain", "message_body": "Forbidden", "status_code": "403"},
            }
        else:
            default_action = forward
        self.https_listener = aws.lb.Listener(
            f"{name}-https",
            load_balancer_arn=alb.arn,
            port=443,
            protocol="HTTPS",
            ssl_policy=TLS_POLICY,
            certificate_arn=args.certificate_arn,
            default_actions=[default_action],
            tags=named("https"),
            opts=child,
        )
        from_cloudfront: list[dict[str, Any]] = []
        if args.origin_verify_value is not None:
            from_cloudfront = [{"http_header": {"http_header_name": ORIGIN_VERIFY_HEADER, "values": [pulumi.Output.secret(args.origin_verify_value)]}}]
        forwarding: aws.lb.Listener | aws.lb.ListenerRule = self.https_listener
        if from_cloudfront:
            forwarding = aws.lb.ListenerRule(
                f"{name}-from-cloudfront",
                listener_arn=self.https_listener.arn,
                priority=BACKEND_RULE_PRIORITY,
                conditions=from_cloudfront,
                actions=[forward],
                tags=named("from-cloudfront"),
                opts=child,
            )
        self.routes = {}
        for index, route in enumerate(args.host_routes):
            group = make_target_group(f"{name}-{route.key}-tg", route.target_group_name, route.port, route.health_check, f"{route.key}-tg")
            rule = aws.lb.ListenerRule(
                f"{name}-{route.key}-host",
                listener_arn=self.https_listener.arn,
                priority=HOST_ROUTE_PRIORITY + index,
                conditions=[{"host_header": {"values": list(route.hosts)}}, *from_cloudfront],
                actions=[{"type": "forward", "target_group_arn": group.arn}],
                tags=named(f"{route.key}-host"),
                opts=child,
            )
            attached = pulumi.Output.all(group.arn, rule.arn).apply(lambda v: v[0])
            self.routes[route.key] = RoutedTargetGroup(arn=group.arn, arn_suffix=group.arn_suffix, attached_arn=attached)
        http = aws.lb.Listener(
            f"{name}-http",
            load_balancer_arn=alb.arn,
            port=80,
            protocol="HTTP",
            default_actions=[{"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}}],
            tags=named("http"),
            opts=child,
        )

        self.arn = alb.arn
        self.arn_suffix = alb.arn_suffix
        self.dns_name = alb.dns_name
        self.zone_id = alb.zone_id
        self.security_group_id = sg.id
        self.target_group_arn = target_group.arn
        self.target_group_arn_suffix = target_group.arn_suffix
        # The same ARN, known only once a listener forwards to it: an ECS service given this one
        # is created after the attachment, as ECS requires.
        self.attached_target_group_arn = pulumi.Output.all(target_group.arn, forwarding.arn).apply(lambda v: v[0])
        self.log_bucket = logs.bucket
        self.register_outputs(
            {
                "arn": alb.arn,
                "arnSuffix": alb.arn_suffix,
                "dnsName": alb.dns_name,
                "zoneId": alb.zone_id,
                "securityGroupId": sg.id,
                "targetGroupArn": target_group.arn,
                "targetGroupArnSuffix": target_group.arn_suffix,
                "routeTargetGroupArns": {key: route.arn for key, route in self.routes.items()},
                "httpsListenerArn": self.https_listener.arn,
                "httpListenerArn": http.arn,
                "logBucket": logs.bucket,
            }
        )
