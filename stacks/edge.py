"""The edge and monitoring of one region: certificates, ALB, CloudFront + WAF, DNS, alarms.

Order in the stack: :func:`build_load_balancer` right after the network (the backend service
needs the target group and the ALB security group), :func:`build_cdn` once the buckets exist,
:func:`build_monitoring` last (it watches the ALB, the services and the database).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import pulumi

from coko_contract.names import SERVICE_ROLES, cluster_name, service_name
from components.cdn import Cdn, CdnArgs, Ttl
from components.certificates import EdgeCertificates, EdgeCertificatesArgs
from components.dns import EdgeRecords, EdgeRecordsArgs
from components.load_balancer import LoadBalancer, LoadBalancerArgs
from components.monitoring import Monitoring, MonitoringArgs, Thresholds
from components.network import Network
from components.waf import RateLimit, Waf, WafArgs
from stacks.compute import EdgeWiring
from stacks.config import StackConfig
from stacks.regional import Regional

API_PREFIX = "/api/"
AUTH_PREFIX = "/api/v1/auth/"


def origin_host(cfg: StackConfig) -> str:
    """The name CloudFront connects to; an alias (or the user's CNAME) of the ALB."""
    return f"origin.{cfg.domain.api}"


def public_names(cfg: StackConfig) -> list[str]:
    """Names the distribution answers for: the API, and the apex in the primary when it serves it.

    A CloudFront alias can belong to one distribution only, so the secondary never claims the apex.
    """
    names = [cfg.domain.api]
    if cfg.is_primary and cfg.cdn.serve_apex:
        names.append(cfg.domain.apex)
    return names


def origin_verify_value(secrets: dict[str, pulumi.Output[str]]) -> pulumi.Output[str] | None:
    """Secret header value CloudFront adds and the ALB requires, derived from the Django secret key.

    HMAC, so the key itself never leaves the app; the result stays a Pulumi secret.
    """
    key = secrets.get("djangoSecretKey")
    if key is None:
        return None
    return pulumi.Output.secret(key.apply(lambda k: hmac.new(k.encode(), b"coko-origin-verify", hashlib.sha256).hexdigest()))


@dataclass
class Edge:
    certificates: EdgeCertificates
    load_balancer: LoadBalancer
    origin_verify: pulumi.Output[str] | None
    cdn: Cdn | None = None
    waf: Waf | None = None
    monitoring: Monitoring | None = None

    def wiring(self, cfg: StackConfig) -> EdgeWiring:
        """What the ECS services need; the target group ARN resolves once a listener forwards to it
        (ECS refuses a target group that is not attached to a load balancer)."""
        lb = self.load_balancer
        return EdgeWiring(target_group_arn=lb.attached_target_group_arn, alb_security_group_id=lb.security_group_id, cdn_domain=cfg.domain.api)


def build_edge(cfg: StackConfig, regional: Regional, secrets: dict[str, pulumi.Output[str]]) -> Edge:
    """ALB, certificates, WAF, CloudFront and (with a hosted zone) DNS for one region."""
    edge = build_load_balancer(cfg, regional.network, secrets)
    storage = regional.storage
    return build_cdn(cfg, edge, storage.static_bucket.regional_domain_name, storage.media_bucket.regional_domain_name)


def build_load_balancer(cfg: StackConfig, network: Network, secrets: dict[str, pulumi.Output[str]]) -> Edge:
    name = f"coko-{cfg.stack}"
    certificates = EdgeCertificates(
        f"{name}-certs",
        EdgeCertificatesArgs(
            origin_domains=[origin_host(cfg), cfg.domain.api],
            viewer_domains=public_names(cfg),
            hosted_zone_id=cfg.domain.hosted_zone_id,
            tags=cfg.tags,
        ),
    )
    verify = origin_verify_value(secrets)
    lb = LoadBalancer(
        f"{name}-edge",
        LoadBalancerArgs(
            vpc_id=network.vpc_id,
            vpc_cidr=cfg.network.cidr,
            subnet_ids=network.public_subnet_ids,
            certificate_arn=certificates.origin_certificate_arn,
            origin_verify_value=verify,
            tags=cfg.tags,
        ),
    )
    return Edge(certificates=certificates, load_balancer=lb, origin_verify=verify)


def build_cdn(cfg: StackConfig, edge: Edge, static_bucket_domain: pulumi.Input[str], media_bucket_domain: pulumi.Input[str]) -> Edge:
    name = f"coko-{cfg.stack}"
    waf_cfg = cfg.waf
    edge.waf = Waf(
        f"{name}-waf",
        WafArgs(
            rate_limits=(
                RateLimit("ApiRateLimit", API_PREFIX, waf_cfg.api_requests_per_second),
                RateLimit("AuthRateLimit", AUTH_PREFIX, waf_cfg.auth_requests_per_second),
            ),
            evaluation_window_seconds=waf_cfg.evaluation_window_seconds,
            log_retention_days=waf_cfg.log_retention_days,
            tags=cfg.tags,
        ),
    )
    cdn_cfg = cfg.cdn
    edge.cdn = Cdn(
        f"{name}-cdn",
        CdnArgs(
            aliases=public_names(cfg),
            certificate_arn=edge.certificates.viewer_certificate_arn,
            origin_domain=origin_host(cfg),
            static_bucket_domain=static_bucket_domain,
            media_bucket_domain=media_bucket_domain,
            web_acl_arn=edge.waf.arn,
            log_bucket_region=cdn_cfg.log_bucket_region,
            price_class=cdn_cfg.price_class,
            api_ttl=Ttl(default=cdn_cfg.default_ttl, max=cdn_cfg.max_ttl),
            static_ttl=Ttl(default=cdn_cfg.static_default_ttl, max=cdn_cfg.static_max_ttl),
            media_ttl=Ttl(default=cdn_cfg.media_default_ttl, max=cdn_cfg.static_max_ttl),
            origin_verify_value=edge.origin_verify,
            tags=cfg.tags,
        ),
    )
    if cfg.domain.hosted_zone_id:
        EdgeRecords(
            f"{name}-dns",
            EdgeRecordsArgs(
                zone_id=cfg.domain.hosted_zone_id,
                cdn_names=public_names(cfg),
                distribution_domain_name=edge.cdn.domain_name,
                origin_name=origin_host(cfg),
                alb_dns_name=edge.load_balancer.dns_name,
                alb_zone_id=edge.load_balancer.zone_id,
                tags=cfg.tags,
            ),
        )
    return edge


def build_monitoring(cfg: StackConfig, edge: Edge, regional: Regional) -> Monitoring:
    """Alarms on the ALB, the three services and this region's database; alerts encrypted with the stack CMK."""
    mon = cfg.monitoring
    edge.monitoring = Monitoring(
        f"coko-{cfg.stack}-monitoring",
        MonitoringArgs(
            region=cfg.region,
            alb_arn_suffix=edge.load_balancer.arn_suffix,
            target_group_arn_suffix=edge.load_balancer.target_group_arn_suffix,
            cluster_name=cluster_name(cfg.stack),
            service_names={role: service_name(cfg.stack, role) for role in SERVICE_ROLES},
            db_instance_identifier=regional.database.identifier,
            db_allocated_storage_gb=cfg.database.allocated_storage_gb,
            thresholds=Thresholds(
                error_rate_per_second=mon.error_rate_per_second,
                p95_latency_seconds=mon.p95_latency_seconds,
                db_connections=mon.db_connections,
                memory_percent=mon.memory_percent,
                storage_percent=mon.storage_percent,
            ),
            kms_key_arn=regional.kms_key.arn,
            alert_email=mon.alert_email,
            tags=cfg.tags,
        ),
    )
    return edge.monitoring


def edge_outputs(cfg: StackConfig, edge: Edge) -> dict[str, Any]:
    """Stack outputs; without a hosted zone, the DNS records the user must create by hand."""
    lb = edge.load_balancer
    outputs: dict[str, Any] = {
        "apiUrl": f"https://{cfg.domain.api}",
        "albDnsName": lb.dns_name,
        "albArnSuffix": lb.arn_suffix,
        "targetGroupArn": lb.target_group_arn,
        "originHost": origin_host(cfg),
    }
    if edge.cdn is not None:
        outputs["cdnDomainName"] = edge.cdn.domain_name
        outputs["cdnDistributionId"] = edge.cdn.distribution_id
        outputs["cdnDistributionArn"] = edge.cdn.arn
    if edge.waf is not None:
        outputs["wafWebAclArn"] = edge.waf.arn
    if edge.monitoring is not None:
        outputs["alertTopicArn"] = edge.monitoring.topic_arn
    if not cfg.domain.hosted_zone_id:
        outputs["certificateValidationRecords"] = edge.certificates.validation_records
        records: list[Any] = [{"name": origin_host(cfg), "type": "CNAME", "value": lb.dns_name}]
        if edge.cdn is not None:
            records += [{"name": host, "type": "CNAME or ALIAS", "value": edge.cdn.domain_name} for host in public_names(cfg)]
        outputs["requiredDnsRecords"] = records
    return outputs
