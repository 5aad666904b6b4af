"""The edge and monitoring of one region: certificates, ALB, CloudFront + WAF, DNS, alarms.

:func:`build_edge` runs after the regional tier (the CDN needs the buckets) and returns everything
the compute tier needs; :func:`build_monitoring` runs last and takes compute's service names.
No builder changes another builder's result after the fact.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import pulumi

from coko_contract import names
from components.cdn import Cdn, CdnArgs, Ttl
from components.certificates import CLOUDFRONT_CERTIFICATE_REGION, EdgeCertificates, EdgeCertificatesArgs
from components.dns import EdgeRecords, EdgeRecordsArgs, OriginFailover, OriginFailoverArgs
from components.kms import KmsKey, KmsKeyArgs
from components.load_balancer import HealthCheck, HostRoute, LoadBalancer, LoadBalancerArgs
from components.monitoring import Monitoring, MonitoringArgs, ReplicationWatch
from components.waf import RateLimit, Waf, WafArgs
from stacks.compute import LIVENESS_PORT, WEB_HEALTH_PATH, WEB_PORT, Compute, EdgeWiring
from stacks.config import StackConfig
from stacks.regional import Regional

API_PREFIX = "/api/"
AUTH_PREFIX = "/api/v1/auth/"
# Next.js build output with content-hashed names (docs/web.md): CloudFront keeps it a year.
WEB_IMMUTABLE_PATHS = ("/_next/static/*",)


def origin_host(api_domain: str) -> str:
    """The name CloudFront connects to for an API name; an alias (or the user's CNAME) of the ALB."""
    return f"origin.{api_domain}"


def public_names(cfg: StackConfig) -> list[str]:
    """Names the distribution answers for: the API, and the apex in the primary when it serves it.

    A CloudFront alias can belong to one distribution only, so the secondary never claims the apex.
    """
    names_ = [cfg.domain.api]
    if cfg.is_primary and cfg.cdn.serve_apex:
        names_.append(cfg.domain.apex)
    return names_


def serves_web(cfg: StackConfig) -> bool:
    """Whether this region's ALB answers for the apex (the web): the primary's distribution sends it
    here, in normal times (primary) or after a failover (the secondary that takes over its names)."""
    return cfg.cdn.serve_apex and (cfg.is_primary or cfg.domain.primary_api is not None)


def origin_names(cfg: StackConfig) -> list[str]:
    """Names this region's ALB answers for: its own origin and API, plus the primary's when it is the
    failover target, plus the apex when the web is served here. CloudFront forwards the viewer's Host
    and checks the origin's certificate against it, so each must be on the ALB's certificate:
    https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-https-cloudfront-to-custom-origin.html"""
    apis = [cfg.domain.api, *([cfg.domain.primary_api] if cfg.domain.primary_api else [])]
    return [n for api in apis for n in (origin_host(api), api)] + ([cfg.domain.apex] if serves_web(cfg) else [])


def web_route(cfg: StackConfig) -> HostRoute:
    """Host = the apex (and, through the listener, CloudFront's origin header) -> the web's target group."""
    return HostRoute(
        key=names.WEB_ROLE,
        hosts=[cfg.domain.apex],
        target_group_name=names.web_target_group_name(cfg.stack),
        port=WEB_PORT,
        # /api/health never calls the API: an API outage must not take every web task out (docs/web.md).
        health_check=HealthCheck(path=WEB_HEALTH_PATH),
    )


def origin_verify_value(secrets: dict[str, pulumi.Output[str]]) -> pulumi.Output[str] | None:
    """Secret header value CloudFront adds and the ALB requires, derived from the Django secret key.

    HMAC, so the key itself never leaves the app; the result stays a Pulumi secret. Both regions
    must share ``coko:djangoSecretKey`` for the primary's CloudFront to reach the secondary's ALB.
    """
    key = secrets.get("djangoSecretKey")
    if key is None:
        return None
    return pulumi.Output.secret(key.apply(lambda k: hmac.new(k.encode(), b"coko-origin-verify", hashlib.sha256).hexdigest()))


@dataclass(frozen=True)
class SecondaryCopies:
    """The secondary region's bucket domains, for the primary's CloudFront origin groups."""

    static_domain: pulumi.Input[str]
    media_domain: pulumi.Input[str]


@dataclass(frozen=True)
class Edge:
    certificates: EdgeCertificates
    load_balancer: LoadBalancer
    waf: Waf
    cdn: Cdn

    def wiring(self, cfg: StackConfig) -> EdgeWiring:
        """What the ECS services need; the target group ARN resolves once a listener forwards to it
        (ECS refuses a target group that is not attached to a load balancer)."""
        lb = self.load_balancer
        return EdgeWiring(
            target_group_arn=lb.attached_target_group_arn,
            alb_security_group_id=lb.security_group_id,
            cdn_domain=cfg.domain.api,
            web_target_group_arn=lb.routes[names.WEB_ROLE].attached_arn,
        )


def build_edge(cfg: StackConfig, regional: Regional, secrets: dict[str, pulumi.Output[str]], copies: SecondaryCopies | None = None) -> Edge:
    """ALB, certificates, WAF, CloudFront and (with a hosted zone) DNS for one region."""
    name = cfg.name
    certificates = EdgeCertificates(
        f"{name}-certs",
        EdgeCertificatesArgs(
            origin_domains=origin_names(cfg),
            viewer_domains=public_names(cfg),
            hosted_zone_id=cfg.domain.hosted_zone_id,
            # The primary's names (and the apex, on its viewer certificate): its stack owns their validation records.
            validated_elsewhere=[origin_host(cfg.domain.primary_api), cfg.domain.primary_api, cfg.domain.apex] if cfg.domain.primary_api else [],
            tags=cfg.tags,
        ),
    )
    verify = origin_verify_value(secrets)
    lb = LoadBalancer(
        f"{name}-edge",
        LoadBalancerArgs(
            vpc_id=regional.network.vpc_id,
            vpc_cidr=cfg.network.cidr,
            subnet_ids=regional.network.public_subnet_ids,
            certificate_arn=certificates.origin_certificate_arn,
            alb_name=names.alb_name(cfg.stack),
            target_group_name=names.target_group_name(cfg.stack),
            origin_verify_value=verify,
            health_check=HealthCheck(port=LIVENESS_PORT),
            host_routes=[web_route(cfg)],
            tags=cfg.tags,
        ),
    )
    # CLOUDFRONT-scope WAF and its log group live in us-east-1; the log group needs a key there.
    edge_key = KmsKey(f"{name}-edge-kms", KmsKeyArgs(alias=f"{names.kms_alias(cfg.stack)}-edge", region=CLOUDFRONT_CERTIFICATE_REGION, tags=cfg.tags))
    waf_cfg = cfg.waf
    waf = Waf(
        f"{name}-waf",
        WafArgs(
            rate_limits=(
                RateLimit("ApiRateLimit", API_PREFIX, waf_cfg.api_requests_per_second),
                RateLimit("AuthRateLimit", AUTH_PREFIX, waf_cfg.auth_requests_per_second),
            ),
            evaluation_window_seconds=waf_cfg.evaluation_window_seconds,
            log_retention_days=waf_cfg.log_retention_days,
            log_kms_key_arn=edge_key.arn,
            own_egress_ips=tuple(regional.network.egress_ips),
            tags=cfg.tags,
        ),
    )
    cdn_cfg = cfg.cdn
    storage = regional.storage
    cdn = Cdn(
        f"{name}-cdn",
        CdnArgs(
            aliases=public_names(cfg),
            certificate_arn=certificates.viewer_certificate_arn,
            origin_domain=origin_host(cfg.domain.api),
            static_bucket_domain=storage.static_bucket.regional_domain_name,
            media_bucket_domain=storage.media_bucket.regional_domain_name,
            static_failover_domain=copies.static_domain if copies else None,
            media_failover_domain=copies.media_domain if copies else None,
            web_acl_arn=waf.arn,
            log_bucket_region=cfg.cdn_log_region,
            price_class=cdn_cfg.price_class,
            api_ttl=Ttl(default=cdn_cfg.default_ttl, max=cdn_cfg.max_ttl),
            static_ttl=Ttl(default=cdn_cfg.static_default_ttl, max=cdn_cfg.static_max_ttl),
            media_ttl=Ttl(default=cdn_cfg.media_default_ttl, max=cdn_cfg.static_max_ttl),
            immutable_paths=WEB_IMMUTABLE_PATHS,
            origin_verify_value=verify,
            tags=cfg.tags,
        ),
    )
    if cfg.domain.hosted_zone_id:
        EdgeRecords(
            f"{name}-dns",
            EdgeRecordsArgs(
                zone_id=cfg.domain.hosted_zone_id,
                cdn_names=public_names(cfg),
                distribution_domain_name=cdn.domain_name,
                origin_name=origin_host(cfg.domain.api),
                alb_dns_name=lb.dns_name,
                alb_zone_id=lb.zone_id,
                # The primary's origin is a failover pair when a secondary can take over (build_origin_failover).
                simple_origin_record=not (cfg.is_primary and cfg.disaster_recovery.secondary_stack),
                tags=cfg.tags,
            ),
        )
    return Edge(certificates=certificates, load_balancer=lb, waf=waf, cdn=cdn)


def build_origin_failover(cfg: StackConfig, edge: Edge, monitoring: Monitoring) -> OriginFailover | None:
    """This region's half of the API origin's Route 53 failover pair (needs a hosted zone).

    The primary's record is PRIMARY, guarded by a health check on its ALB's healthy-hosts alarm;
    the secondary's record, under the primary's origin name, is SECONDARY.
    """
    zone = cfg.domain.hosted_zone_id
    if not zone:
        return None
    lb = edge.load_balancer
    alb: dict[str, Any] = {
        "zone_id": zone,
        "set_identifier": names.failover_set_identifier(cfg.stack),
        "alb_dns_name": lb.dns_name,
        "alb_zone_id": lb.zone_id,
        "tags": cfg.tags,
    }
    if cfg.is_primary and cfg.disaster_recovery.secondary_stack:
        guard: dict[str, Any] = {
            "health_check_name": names.api_health_check_name(cfg.stack),
            "healthy_hosts_alarm": (monitoring.healthy_hosts_alarm_name, cfg.region),
        }
        args = OriginFailoverArgs(origin_name=origin_host(cfg.domain.api), role="PRIMARY", **guard, **alb)
    elif not cfg.is_primary and cfg.domain.primary_api:
        args = OriginFailoverArgs(origin_name=origin_host(cfg.domain.primary_api), role="SECONDARY", **alb)
    else:
        return None
    return OriginFailover(f"{cfg.name}-origin-failover", args)


def build_monitoring(cfg: StackConfig, edge: Edge, regional: Regional, compute: Compute, replication: ReplicationWatch | None = None) -> Monitoring:
    """Alarms on the ALB, the services compute built and this region's database; alerts encrypted with the stack CMK."""
    replica = not cfg.is_primary and not cfg.disaster_recovery.promoted
    return Monitoring(
        f"{cfg.name}-monitoring",
        MonitoringArgs(
            region=cfg.region,
            alb_arn_suffix=edge.load_balancer.arn_suffix,
            target_group_arn_suffix=edge.load_balancer.target_group_arn_suffix,
            web_target_group_arn_suffix=edge.load_balancer.routes[names.WEB_ROLE].arn_suffix,
            cluster_name=compute.cluster.name,
            service_names={role: svc.service_name for role, svc in compute.services.items()},
            db_instance_identifier=regional.database.identifier,
            db_allocated_storage_gb=cfg.database.allocated_storage_gb,
            thresholds=cfg.monitoring,
            kms_key_arn=regional.kms_key.arn,
            replication=replication,
            replica_lag_seconds=cfg.disaster_recovery.replica_lag_alarm_seconds if replica else None,
            tags=cfg.tags,
        ),
    )


def edge_outputs(cfg: StackConfig, edge: Edge, monitoring: Monitoring) -> dict[str, Any]:
    """Stack outputs; without a hosted zone, the DNS records the user must create by hand."""
    lb = edge.load_balancer
    outputs: dict[str, Any] = {
        "apiUrl": f"https://{cfg.domain.api}",
        "albDnsName": lb.dns_name,
        "albArnSuffix": lb.arn_suffix,
        "targetGroupArn": lb.target_group_arn,
        "webTargetGroupArn": lb.routes[names.WEB_ROLE].arn,
        "originHost": origin_host(cfg.domain.api),
        "cdnDomainName": edge.cdn.domain_name,
        "cdnDistributionId": edge.cdn.distribution_id,
        "cdnDistributionArn": edge.cdn.arn,
        "wafWebAclArn": edge.waf.arn,
        "alertTopicArn": monitoring.topic_arn,
    }
    if not cfg.domain.hosted_zone_id:
        outputs["certificateValidationRecords"] = edge.certificates.validation_records
        records: list[Any] = [{"name": origin_host(cfg.domain.api), "type": "CNAME", "value": lb.dns_name}]
        records += [{"name": host, "type": "CNAME or ALIAS", "value": edge.cdn.domain_name} for host in public_names(cfg)]
        if cfg.domain.primary_api:
            # After a failover (no hosted zone): point the primary's origin name here instead.
            records.append({"name": origin_host(cfg.domain.primary_api), "type": "CNAME (on failover)", "value": lb.dns_name})
        outputs["requiredDnsRecords"] = records
    return outputs
