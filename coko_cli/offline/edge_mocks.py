"""Offline answers for the edge and monitoring resources (ALB, ACM, CloudFront, WAF, Route 53, SNS, alarms).

Kept beside :mod:`coko_cli.offline.mocks` (which merges these tables) so the ids and ARNs of the
edge have the shapes AWS really returns: an ALB's ``dnsName`` and ``arnSuffix``, ACM's DNS
validation options, a CloudFront ``dXXXX.cloudfront.net`` name, a global WAF ACL ARN in us-east-1.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

ACCOUNT_ID = "123456789012"
PARTITION = "aws"
CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"
# The account ELB writes access logs as, per region (AWS "Enable access logs" documentation).
ELB_SERVICE_ACCOUNTS = {
    "us-east-1": "127311923021",
    "eu-west-3": "009996457667",
    "eu-central-1": "054676820928",
    "af-south-1": "098369216593",
}
# Canonical hosted zone of ALBs per region (alias targets).
ALB_ZONE_IDS = {"us-east-1": "Z35SXDOTRQ7X7K", "eu-west-3": "Z3Q77PNBQS71R4", "eu-central-1": "Z215JYRZR1TBD5", "af-south-1": "Z268VQBMOI5EKX"}
OFFLINE_CANONICAL_USER_ID = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"

Factory = Callable[[str, str, str, dict[str, Any]], tuple[str, dict[str, Any]]]


def _digest(*parts: str, length: int = 17) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def _uuid(seed: str) -> str:
    h = _digest(seed, length=32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _name(name: str, urn: str, inputs: dict[str, Any], key: str = "name") -> str:
    value = inputs.get(key)
    return value if isinstance(value, str) and value else f"{name}-{_digest(urn, length=7)}"


def _elb_arn(region: str, resource: str) -> str:
    return f"arn:{PARTITION}:elasticloadbalancing:{region}:{ACCOUNT_ID}:{resource}"


def call_outputs(token: str, args: dict[str, Any], region: str) -> dict[str, Any] | None:
    """Edge invokes; None when the token is not an edge one."""
    if token == "aws:elb/getServiceAccount:getServiceAccount":
        account = ELB_SERVICE_ACCOUNTS.get(region, "009996457667")
        return {"id": account, "arn": f"arn:{PARTITION}:iam::{account}:root", "region": region}
    if token == "aws:s3/getCanonicalUserId:getCanonicalUserId":
        return {"id": OFFLINE_CANONICAL_USER_ID, "displayName": "offline-preview"}
    return None


def _load_balancer(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    lb = _name(name, urn, inputs)[:32]
    suffix = f"app/{lb}/{_digest(urn, length=16)}"
    arn = _elb_arn(region, f"loadbalancer/{suffix}")
    number = int(_digest(urn, length=8), 16) % 900000000 + 100000000
    return arn, {"name": lb, "arn": arn, "arnSuffix": suffix, "dnsName": f"{lb}-{number}.{region}.elb.amazonaws.com", "zoneId": ALB_ZONE_IDS.get(region, "Z3Q77PNBQS71R4"), "vpcId": inputs.get("vpcId")}


def _target_group(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    tg = _name(name, urn, inputs)[:32]
    suffix = f"targetgroup/{tg}/{_digest(urn, length=16)}"
    arn = _elb_arn(region, suffix)
    return arn, {"name": tg, "arn": arn, "arnSuffix": suffix}


def _listener(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    lb_arn = str(inputs.get("loadBalancerArn") or _elb_arn(region, f"loadbalancer/app/{name}/0"))
    arn = lb_arn.replace(":loadbalancer/", ":listener/") + f"/{_digest(urn, length=16)}"
    return arn, {"arn": arn}


def _listener_rule(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    listener = str(inputs.get("listenerArn") or _elb_arn(region, f"listener/app/{name}/0/0"))
    arn = listener.replace(":listener/", ":listener-rule/") + f"/{_digest(urn, length=16)}"
    return arn, {"arn": arn}


def _certificate(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    arn = f"arn:{PARTITION}:acm:{region}:{ACCOUNT_ID}:certificate/{_uuid(urn)}"
    domains = [inputs.get("domainName"), *(inputs.get("subjectAlternativeNames") or [])]
    options = [
        {
            "domainName": d,
            # ACM asks for the same record for a name in every certificate of the account.
            "resourceRecordName": f"_{_digest('acm', str(d), length=32)}.{d}.",
            "resourceRecordType": "CNAME",
            "resourceRecordValue": f"_{_digest('acm-value', str(d), length=32)}.xlfgrmvvlj.acm-validations.aws.",
        }
        for d in dict.fromkeys(domains)
        if d
    ]
    return arn, {"arn": arn, "domainValidationOptions": options, "status": "PENDING_VALIDATION", "type": "AMAZON_ISSUED"}


def _certificate_validation(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return str(inputs.get("certificateArn") or name), {}


def _distribution(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    rid = "E" + _digest(urn, length=13).upper()
    return rid, {
        "arn": f"arn:{PARTITION}:cloudfront::{ACCOUNT_ID}:distribution/{rid}",
        "domainName": f"d{_digest(urn, 'domain', length=13)}.cloudfront.net",
        "hostedZoneId": CLOUDFRONT_ZONE_ID,
        "status": "Deployed",
        "etag": "E" + _digest(urn, "etag", length=13).upper(),
        "callerReference": _uuid(urn),
    }


def _cloudfront_policy(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return _uuid(urn), {"etag": "E" + _digest(urn, "etag", length=13).upper()}


def _oac(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return "E" + _digest(urn, length=13).upper(), {"etag": "E" + _digest(urn, "etag", length=13).upper()}


def _web_acl(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    acl = _name(name, urn, inputs)
    rid = _uuid(urn)
    scope = "global" if inputs.get("scope") == "CLOUDFRONT" else "regional"
    return rid, {"name": acl, "arn": f"arn:{PARTITION}:wafv2:{region}:{ACCOUNT_ID}:{scope}/webacl/{acl}/{rid}", "capacity": 1200, "lockToken": _uuid(urn + "lock")}


def _waf_logging(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return str(inputs.get("resourceArn") or name), {}


def _sns_topic(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    topic = _name(name, urn, inputs)
    arn = f"arn:{PARTITION}:sns:{region}:{ACCOUNT_ID}:{topic}"
    return arn, {"name": topic, "arn": arn, "owner": ACCOUNT_ID}


def _sns_subscription(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    arn = f"{inputs.get('topic') or 'topic'}:{_uuid(urn)}"
    return arn, {"arn": arn, "pendingConfirmation": True, "ownerId": ACCOUNT_ID}


def _record(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    fqdn = str(inputs.get("name") or name).rstrip(".")
    return f"{inputs.get('zoneId')}_{fqdn}_{inputs.get('type')}", {"fqdn": fqdn}


def _alarm(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    alarm = _name(name, urn, inputs)
    return alarm, {"arn": f"arn:{PARTITION}:cloudwatch:{region}:{ACCOUNT_ID}:alarm:{alarm}"}


def _dashboard(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    dashboard = _name(name, urn, inputs, "dashboardName")
    return dashboard, {"dashboardArn": f"arn:{PARTITION}:cloudwatch::{ACCOUNT_ID}:dashboard/{dashboard}"}


def _bucket_acl(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return str(inputs.get("bucket") or name), {}


OUTPUTS: dict[str, Factory] = {
    "aws:lb/loadBalancer:LoadBalancer": _load_balancer,
    "aws:lb/targetGroup:TargetGroup": _target_group,
    "aws:lb/listener:Listener": _listener,
    "aws:lb/listenerRule:ListenerRule": _listener_rule,
    "aws:acm/certificate:Certificate": _certificate,
    "aws:acm/certificateValidation:CertificateValidation": _certificate_validation,
    "aws:cloudfront/distribution:Distribution": _distribution,
    "aws:cloudfront/cachePolicy:CachePolicy": _cloudfront_policy,
    "aws:cloudfront/originRequestPolicy:OriginRequestPolicy": _cloudfront_policy,
    "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": _cloudfront_policy,
    "aws:cloudfront/originAccessControl:OriginAccessControl": _oac,
    "aws:wafv2/webAcl:WebAcl": _web_acl,
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": _waf_logging,
    "aws:sns/topic:Topic": _sns_topic,
    "aws:sns/topicSubscription:TopicSubscription": _sns_subscription,
    "aws:route53/record:Record": _record,
    "aws:cloudwatch/metricAlarm:MetricAlarm": _alarm,
    "aws:cloudwatch/dashboard:Dashboard": _dashboard,
    "aws:s3/bucketAcl:BucketAcl": _bucket_acl,
}
