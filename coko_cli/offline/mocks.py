"""Realistic answers for the mock runtime: invokes and per-type outputs with the right region.

Outputs are derived from a hash of the resource's URN, so two runs produce the same ids.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any

from coko_cli.offline import dr_mocks, edge_mocks

ACCOUNT_ID = "123456789012"
PARTITION = "aws"
CLOUDFRONT_ZONE_ID = "Z2FDTNDATAQYW2"
ZONE_SUFFIX = {"eu-west-3": ["a", "b", "c"], "eu-central-1": ["a", "b", "c"], "af-south-1": ["a", "b", "c"], "us-east-1": ["a", "b", "c", "d", "e", "f"]}
ZONE_ID_PREFIX = {"eu-west-3": "euw3", "eu-central-1": "euc1", "af-south-1": "afs1", "us-east-1": "use1"}
# CloudFront origin-facing managed prefix list per region (the ids AWS publishes are per region).
CLOUDFRONT_PREFIX_LIST = {"eu-west-3": "pl-75b1541c", "eu-central-1": "pl-a3a144ca", "af-south-1": "pl-c0aa4fa9", "us-east-1": "pl-3b927c52"}


def digest(*parts: str, length: int = 17) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


def call_outputs(token: str, args: dict[str, Any], region: str) -> dict[str, Any]:
    """Answers for every invoke the program makes; an unknown token is an error, not silence."""
    region = args.get("region") or region
    if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
        suffixes = ZONE_SUFFIX.get(region, ["a", "b", "c"])
        return {
            "names": [f"{region}{s}" for s in suffixes],
            "zoneIds": [f"{ZONE_ID_PREFIX.get(region, 'az')}-az{i + 1}" for i in range(len(suffixes))],
            "id": region,
            "groupNames": [region],
            "state": "available",
        }
    if token == "aws:index/getCallerIdentity:getCallerIdentity":
        return {"accountId": ACCOUNT_ID, "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/offline-preview", "userId": "AIDAOFFLINEPREVIEW", "id": ACCOUNT_ID}
    if token == "aws:index/getPartition:getPartition":
        return {"partition": PARTITION, "dnsSuffix": "amazonaws.com", "reverseDnsPrefix": "com.amazonaws", "id": PARTITION}
    if token == "aws:index/getRegion:getRegion":
        return {"name": region, "region": region, "id": region, "endpoint": f"ec2.{region}.amazonaws.com", "description": region}
    if token == "aws:ecr/getAuthorizationToken:getAuthorizationToken":
        password = "offline-preview-token"
        return {
            "authorizationToken": base64.b64encode(f"AWS:{password}".encode()).decode(),
            "userName": "AWS",
            "password": password,
            "proxyEndpoint": f"https://{ACCOUNT_ID}.dkr.ecr.{region}.amazonaws.com",
            "expiresAt": "2099-01-01T00:00:00Z",
            "id": region,
        }
    if token == "aws:ec2/getManagedPrefixList:getManagedPrefixList":
        return {"id": CLOUDFRONT_PREFIX_LIST.get(region, "pl-00000000"), "name": args.get("name", ""), "addressFamily": "IPv4", "maxEntries": 55}
    if token == "aws:cloudfront/getCachePolicy:getCachePolicy":
        return {"id": digest("cache-policy", str(args.get("name"))), "name": args.get("name")}
    if token == "aws:cloudfront/getOriginRequestPolicy:getOriginRequestPolicy":
        return {"id": digest("origin-request-policy", str(args.get("name"))), "name": args.get("name")}
    if token == "aws:iam/getPolicyDocument:getPolicyDocument":
        import json

        return {"json": json.dumps({"Version": "2012-10-17", "Statement": args.get("statements", [])}), "id": "policy"}
    edge = edge_mocks.call_outputs(token, args, region)
    if edge is not None:
        return edge
    if token.startswith("digitalocean:"):  # loaded only by a DigitalOcean stack, like its resources
        from coko_cli.offline import do_mocks

        answer = do_mocks.call_outputs(token, args)
        if answer is not None:
            return answer
    raise UnmockedInvoke(token)


class UnmockedInvoke(Exception):
    """The program called a function the offline preview does not answer yet."""

    def __init__(self, token: str):
        super().__init__(f"the offline preview has no answer for invoke {token}; add it to coko_cli/offline/mocks.py")


def _arn(service: str, region: str, resource: str) -> str:
    return f"arn:{PARTITION}:{service}:{region}:{ACCOUNT_ID}:{resource}"


def _physical_name(name: str, urn: str, inputs: dict[str, Any], key: str = "name") -> str:
    value = inputs.get(key)
    return value if isinstance(value, str) and value else f"{name}-{digest(urn, length=7)}"


OutputFactory = Callable[[str, str, str, dict[str, Any]], tuple[str, dict[str, Any]]]


def _vpc(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    rid = f"vpc-{digest(urn)}"
    return rid, {"arn": _arn("ec2", region, f"vpc/{rid}"), "defaultSecurityGroupId": f"sg-{digest(urn, 'default')}", "mainRouteTableId": f"rtb-{digest(urn, 'main')}", "ownerId": ACCOUNT_ID}


def _ec2(prefix: str, kind: str) -> OutputFactory:
    def make(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        rid = f"{prefix}-{digest(urn)}"
        return rid, {"arn": _arn("ec2", region, f"{kind}/{rid}"), "ownerId": ACCOUNT_ID}

    return make


def _eip(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    rid = f"eipalloc-{digest(urn)}"
    h = int(digest(urn, length=4), 16)
    return rid, {"allocationId": rid, "publicIp": f"15.{h % 200 + 20}.{h % 250}.{h % 240 + 10}"}


def _log_group(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    group = _physical_name(name, urn, inputs)
    return group, {"name": group, "arn": _arn("logs", region, f"log-group:{group}")}


def _iam_role(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    role = _physical_name(name, urn, inputs)
    return role, {"name": role, "arn": f"arn:{PARTITION}:iam::{ACCOUNT_ID}:role/{role}", "uniqueId": f"AROA{digest(urn).upper()}"}


def _iam_policy(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    policy = _physical_name(name, urn, inputs)
    arn = f"arn:{PARTITION}:iam::{ACCOUNT_ID}:policy/{policy}"
    return arn, {"name": policy, "arn": arn, "policyId": f"ANPA{digest(urn).upper()}"}


def _generic(name: str, urn: str, region: str, inputs: dict[str, Any], service: str, kind: str) -> tuple[str, dict[str, Any]]:
    physical = _physical_name(name, urn, inputs)
    return physical, {"arn": _arn(service, region, f"{kind}/{physical}")}


def _uuid(urn: str, salt: str = "") -> str:
    h = digest(urn, salt, length=32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _kms_key(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    key_id = _uuid(urn)
    return key_id, {"keyId": key_id, "arn": _arn("kms", region, f"key/{key_id}")}


def _kms_alias(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    alias = _physical_name(name, urn, inputs)
    return alias, {"name": alias, "arn": _arn("kms", region, alias), "targetKeyArn": _arn("kms", region, f"key/{inputs.get('targetKeyId', '')}")}


def _secret(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    secret = _physical_name(name, urn, inputs)
    suffix = "".join(c for c in digest(urn, "suffix", length=12) if c.isalpha())[:3].upper().ljust(3, "X") + "abc"
    arn = _arn("secretsmanager", region, f"secret:{secret}-{suffix}")
    return arn, {"arn": arn, "name": secret}


def _secret_version(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    version = _uuid(urn)
    return f"{inputs.get('secretId', '')}|{version}", {"arn": inputs.get("secretId", ""), "versionId": version, "versionStages": ["AWSCURRENT"]}


def _rds_instance(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    ident = _physical_name(name, urn, inputs, "identifier")
    address = f"{ident}.c{digest(region, ACCOUNT_ID, length=11)}.{region}.rds.amazonaws.com"
    port = int(inputs.get("port") or 5432)
    computed: dict[str, Any] = {
        "identifier": ident,
        "address": address,
        "endpoint": f"{address}:{port}",
        "port": port,
        "arn": _arn("rds", region, f"db:{ident}"),
        "resourceId": f"db-{digest(urn).upper()}",
        "hostedZoneId": "Z1W9GUF3Q8Z8BZ",
        "status": "available",
        "engine": inputs.get("engine") or "postgres",
        "engineVersionActual": inputs.get("engineVersion") or "15.8",
        "masterUserSecrets": [],
    }
    if inputs.get("manageMasterUserPassword"):
        secret_arn = _arn("secretsmanager", region, f"secret:rds!db-{_uuid(urn, 'secret')}-AbCdEf")
        computed["masterUserSecrets"] = [{"secretArn": secret_arn, "kmsKeyId": inputs.get("masterUserSecretKmsKeyId") or "", "secretStatus": "active"}]
    return ident, computed


def _rds_named(kind: str) -> OutputFactory:
    def make(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        physical = _physical_name(name, urn, inputs)
        return physical, {"name": physical, "arn": _arn("rds", region, f"{kind}:{physical}")}

    return make


def _elasticache_subnet_group(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    physical = _physical_name(name, urn, inputs)
    return physical, {"name": physical, "arn": _arn("elasticache", region, f"subnetgroup:{physical}"), "vpcId": f"vpc-{digest(urn, 'vpc')}"}


def _replication_group(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    group = _physical_name(name, urn, inputs, "replicationGroupId")
    suffix = f"{digest(region, ACCOUNT_ID, length=6)}.{ZONE_ID_PREFIX.get(region, 'xx')[:4]}.cache.amazonaws.com"
    count = int(inputs.get("numCacheClusters") or 1)
    return group, {
        "replicationGroupId": group,
        "arn": _arn("elasticache", region, f"replicationgroup:{group}"),
        "primaryEndpointAddress": f"master.{group}.{suffix}",
        "readerEndpointAddress": f"replica.{group}.{suffix}",
        "memberClusters": [f"{group}-{i + 1:03d}" for i in range(count)],
        "engineVersionActual": f"{inputs.get('engineVersion') or '7.2'}.0",
        "clusterEnabled": False,
    }


def _opensearch_domain(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    domain = _physical_name(name, urn, inputs, "domainName")
    arn = _arn("es", region, f"domain/{domain}")
    return arn, {
        "domainName": domain,
        "arn": arn,
        "domainId": f"{ACCOUNT_ID}/{domain}",
        "endpoint": f"vpc-{domain}-{digest(urn, length=26)}.{region}.es.amazonaws.com",
        "dashboardEndpoint": f"vpc-{domain}-{digest(urn, length=26)}.{region}.es.amazonaws.com/_dashboards",
    }


def _bucket(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    bucket = _physical_name(name, urn, inputs, "bucket")
    return bucket, {
        "bucket": bucket,
        "arn": f"arn:{PARTITION}:s3:::{bucket}",
        "bucketDomainName": f"{bucket}.s3.amazonaws.com",
        "bucketRegionalDomainName": f"{bucket}.s3.{region}.amazonaws.com",
        "hostedZoneId": "Z3R1K369G5AVDG",
    }


def _bucket_child(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return str(inputs.get("bucket") or name), {}


def _sg_rule(prefix: str) -> OutputFactory:
    def make(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        rid = f"{prefix}-{digest(urn)}"
        return rid, {"securityGroupRuleId": rid, "arn": _arn("ec2", region, f"security-group-rule/{rid}")}

    return make


# --- compute tier: ECR, image, ECS, autoscaling, inline IAM policies ---------------------------


def _ecr_repository(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    repo = _physical_name(name, urn, inputs)
    return repo, {
        "name": repo,
        "arn": _arn("ecr", region, f"repository/{repo}"),
        "registryId": ACCOUNT_ID,
        "repositoryUrl": f"{ACCOUNT_ID}.dkr.ecr.{region}.amazonaws.com/{repo}",
    }


def _ecr_lifecycle_policy(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return str(inputs.get("repository") or name), {"registryId": ACCOUNT_ID}


def _docker_image(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """What docker.Image reports after build + push: the pushed digest is what ECS runs."""
    image_name = str(inputs.get("imageName") or f"{name}:offline")
    repository = image_name.rsplit(":", 1)[0] if ":" in image_name.rsplit("/", 1)[-1] else image_name
    sha = hashlib.sha256(f"{urn}/{image_name}".encode()).hexdigest()
    build = inputs.get("build") or {}
    registry = inputs.get("registry") or {}
    outputs = {
        "imageName": image_name,
        "baseImageName": image_name,
        "repoDigest": f"{repository}@sha256:{sha}",
        "registryServer": registry.get("server", ""),
        "context": build.get("context", "."),
        "dockerfile": build.get("dockerfile", "Dockerfile"),
        "platform": build.get("platform"),
    }
    return f"{repository}@sha256:{sha}", outputs


def _ecs_cluster(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    cluster = _physical_name(name, urn, inputs)
    arn = _arn("ecs", region, f"cluster/{cluster}")
    return arn, {"name": cluster, "arn": arn}


def _ecs_capacity_providers(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return str(inputs.get("clusterName") or name), {}


def _ecs_task_definition(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    family = str(inputs.get("family") or name)
    base = _arn("ecs", region, f"task-definition/{family}")
    return family, {"arn": f"{base}:1", "arnWithoutRevision": base, "revision": 1}


def _ecs_service(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    service = _physical_name(name, urn, inputs)
    cluster = str(inputs.get("cluster") or "default").rsplit("/", 1)[-1]
    arn = _arn("ecs", region, f"service/{cluster}/{service}")
    return arn, {"name": service, "arn": arn}


def _scaling_target(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    resource_id = str(inputs.get("resourceId") or name)
    return resource_id, {"arn": _arn("application-autoscaling", region, f"scalable-target/{digest(urn, length=32)}")}


def _scaling_policy(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    policy = _physical_name(name, urn, inputs)
    resource = str(inputs.get("resourceId") or "")
    arn = _arn("autoscaling", region, f"scalingPolicy:{_uuid(urn)}:resource/{inputs.get('serviceNamespace', 'ecs')}/{resource}:policyName/{policy}")
    return policy, {"name": policy, "arn": arn, "alarmArns": []}


def _role_policy(name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    policy = _physical_name(name, urn, inputs)
    return f"{inputs.get('role', 'role')}:{policy}", {"name": policy}


# Per-type outputs; types not listed get a generic id and an ARN in their service's namespace.
OUTPUTS: dict[str, OutputFactory] = {
    "aws:ec2/vpc:Vpc": _vpc,
    "aws:ec2/subnet:Subnet": _ec2("subnet", "subnet"),
    "aws:ec2/internetGateway:InternetGateway": _ec2("igw", "internet-gateway"),
    "aws:ec2/natGateway:NatGateway": _ec2("nat", "natgateway"),
    "aws:ec2/routeTable:RouteTable": _ec2("rtb", "route-table"),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": _ec2("rtbassoc", "route-table-association"),
    "aws:ec2/securityGroup:SecurityGroup": _ec2("sg", "security-group"),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": _ec2("sg", "security-group"),
    "aws:ec2/vpcEndpoint:VpcEndpoint": _ec2("vpce", "vpc-endpoint"),
    "aws:ec2/flowLog:FlowLog": _ec2("fl", "vpc-flow-log"),
    "aws:ec2/eip:Eip": _eip,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:iam/role:Role": _iam_role,
    "aws:iam/policy:Policy": _iam_policy,
    "aws:kms/key:Key": _kms_key,
    "aws:kms/alias:Alias": _kms_alias,
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:secretsmanager/secretVersion:SecretVersion": _secret_version,
    "aws:rds/instance:Instance": _rds_instance,
    "aws:rds/subnetGroup:SubnetGroup": _rds_named("subgrp"),
    "aws:rds/parameterGroup:ParameterGroup": _rds_named("pg"),
    "aws:elasticache/subnetGroup:SubnetGroup": _elasticache_subnet_group,
    "aws:elasticache/replicationGroup:ReplicationGroup": _replication_group,
    "aws:opensearch/domain:Domain": _opensearch_domain,
    "aws:s3/bucket:Bucket": _bucket,
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": _bucket_child,
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": _bucket_child,
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": _bucket_child,
    "aws:s3/bucketVersioning:BucketVersioning": _bucket_child,
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": _bucket_child,
    "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration": _bucket_child,
    "aws:s3/bucketPolicy:BucketPolicy": _bucket_child,
    "aws:s3/bucketReplicationConfig:BucketReplicationConfig": _bucket_child,
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": _sg_rule("sgr"),
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": _sg_rule("sgr"),
    "aws:ecr/repository:Repository": _ecr_repository,
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": _ecr_lifecycle_policy,
    "docker:index/image:Image": _docker_image,
    "aws:ecs/cluster:Cluster": _ecs_cluster,
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": _ecs_capacity_providers,
    "aws:ecs/taskDefinition:TaskDefinition": _ecs_task_definition,
    "aws:ecs/service:Service": _ecs_service,
    "aws:appautoscaling/target:Target": _scaling_target,
    "aws:appautoscaling/policy:Policy": _scaling_policy,
    "aws:iam/rolePolicy:RolePolicy": _role_policy,
}

OUTPUTS.update(edge_mocks.OUTPUTS)
OUTPUTS.update(dr_mocks.OUTPUTS)

# `aws:<module>/...` -> the ARN service namespace, for the generic fallback.
ARN_SERVICE = {"cloudwatch": "cloudwatch", "ec2": "ec2", "iam": "iam", "rds": "rds", "elasticache": "elasticache", "opensearch": "es", "s3": "s3", "kms": "kms", "secretsmanager": "secretsmanager", "ecs": "ecs", "ecr": "ecr", "lb": "elasticloadbalancing", "alb": "elasticloadbalancing", "cloudfront": "cloudfront", "wafv2": "wafv2", "acm": "acm", "sns": "sns", "route53": "route53", "appautoscaling": "application-autoscaling"}


def resource_outputs(type_: str, name: str, urn: str, region: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(id, outputs) as AWS would report them after a create: inputs plus computed attributes."""
    factory = OUTPUTS.get(type_)
    if factory is not None:
        rid, computed = factory(name, urn, region, inputs)
    else:
        module = type_.split(":")[1].split("/")[0] if type_.count(":") >= 2 else "unknown"
        kind = type_.rsplit(":", 1)[-1].lower()
        rid, computed = _generic(name, urn, region, inputs, ARN_SERVICE.get(module, module), kind)
    outputs = {**inputs, **computed, "id": rid}
    if type_.startswith("aws:"):
        outputs.setdefault("tagsAll", inputs.get("tags") or {})
        outputs.setdefault("region", region)
    return rid, outputs
