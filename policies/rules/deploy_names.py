"""Will AWS accept the name? Physical-name lengths and character sets, auto-name suffix included.

A resource without an explicit name is auto-named by Pulumi: the logical name plus "-" and 7
random characters, so 8 characters count against the limit. Limits come from botocore's
service models (min/max/pattern, or the constraint sentence of the parameter's documentation)
or, where the model is silent, from the AWS page cited in the anchor.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..aws_models import Constraint, doc_number, member
from ..framework import Resource, rule, unknown

AUTONAME_SUFFIX = 8  # "-" + 7 random characters appended by Pulumi auto-naming
API = "https://docs.aws.amazon.com"


def physical_name(r: Resource, key: str) -> tuple[str | None, bool]:
    """(name AWS will see, auto-named?); None when unknown at preview."""
    value = r.get(key)
    if unknown(value):
        return None, False
    if isinstance(value, str) and value:
        return value, False
    prefix = r.get("namePrefix")
    if isinstance(prefix, str) and prefix:
        return prefix + "x" * 26, True  # name_prefix: the provider appends a 26-character unique id
    return r.name + "-" + "x" * (AUTONAME_SUFFIX - 1), True


def check_name(r: Resource, key: str, constraint: Constraint, extra: Callable[[str], list[str]] | None = None) -> list[str]:
    name, auto = physical_name(r, key)
    if name is None:
        return []
    label = f"auto-generated {key} (logical name + 8-character suffix)" if auto else key
    return constraint.problems(name, label) + (extra(name) if extra else [])


def _dns_label(what: str, forbid_prefix: str = "") -> Callable[[str], list[str]]:
    """Letters, digits and hyphens; no leading/trailing or double hyphen (ELB, RDS, ElastiCache)."""

    def extra(name: str) -> list[str]:
        problems = []
        if not re.fullmatch(r"[A-Za-z0-9-]+", name):
            problems.append(f"{what} {name!r} may contain only letters, digits and hyphens")
        if name.startswith("-") or name.endswith("-") or "--" in name:
            problems.append(f"{what} {name!r} must not begin or end with a hyphen or contain two hyphens in a row")
        if forbid_prefix and name.startswith(forbid_prefix):
            problems.append(f"{what} {name!r} must not begin with {forbid_prefix!r}")
        return problems

    return extra


def _letter_first(what: str) -> Callable[[str], list[str]]:
    label = _dns_label(what)

    def extra(name: str) -> list[str]:
        return label(name) + ([] if name[:1].isalpha() else [f"{what} {name!r} must begin with a letter"])

    return extra


def _elb(operation: str) -> Constraint:
    c = member("elbv2", operation, "Name")
    return Constraint(c.where, max=doc_number(c, r"maximum of (\d+) characters"), doc=c.doc)


def _identifier(service: str, operation: str, name: str) -> Constraint:
    c = member(service, operation, name)
    return Constraint(c.where, min=1, max=doc_number(c, r"from 1 to (\d+) (?:letters|alphanumeric)"), doc=c.doc)


LB_TYPES = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"]
TG_TYPES = ["aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup"]


@rule(
    "COKO-DEPLOY-001",
    types=LB_TYPES,
    title="Load balancer names fit 32 characters (auto-name suffix counted), letters/digits/hyphens",
    severity="high",
    anchor=f"botocore elbv2 CreateLoadBalancer.Name; {API}/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html",
    remediation="Give the load balancer an explicit short name (e.g. coko-<stack>-alb) instead of relying on auto-naming.",
)
def lb_name(r: Resource) -> list[str]:
    return check_name(r, "name", _elb("CreateLoadBalancer"), _dns_label("load balancer name", "internal-"))


@rule(
    "COKO-DEPLOY-002",
    types=TG_TYPES,
    title="Target group names fit 32 characters (auto-name suffix counted), letters/digits/hyphens",
    severity="high",
    anchor=f"botocore elbv2 CreateTargetGroup.Name; {API}/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html",
    remediation="Give the target group an explicit short name (e.g. coko-<stack>-api).",
)
def tg_name(r: Resource) -> list[str]:
    return check_name(r, "name", _elb("CreateTargetGroup"), _dns_label("target group name"))


@rule(
    "COKO-DEPLOY-003",
    types=["aws:opensearch/domain:Domain"],
    title="OpenSearch domain names are 3-28 lowercase letters, digits and hyphens",
    severity="high",
    anchor=f"botocore opensearch CreateDomain.DomainName; {API}/opensearch-service/latest/APIReference/API_CreateDomain.html",
    remediation="Set domain_name explicitly, at most 28 characters, starting with a lowercase letter.",
)
def opensearch_name(r: Resource) -> list[str]:
    return check_name(r, "domainName", member("opensearch", "CreateDomain", "DomainName"))


@rule(
    "COKO-DEPLOY-004",
    types=["aws:elasticache/replicationGroup:ReplicationGroup"],
    title="ElastiCache replication group ids are 1-40 characters, letter first, no double or trailing hyphen",
    severity="high",
    anchor=f"botocore elasticache CreateReplicationGroup.ReplicationGroupId; {API}/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html",
    remediation="Set replication_group_id explicitly to at most 40 characters.",
)
def elasticache_id(r: Resource) -> list[str]:
    return check_name(r, "replicationGroupId", _identifier("elasticache", "CreateReplicationGroup", "ReplicationGroupId"), _letter_first("replication group id"))


@rule(
    "COKO-DEPLOY-005",
    types=["aws:rds/instance:Instance"],
    title="RDS instance identifiers are 1-63 characters, letter first, no double or trailing hyphen",
    severity="high",
    anchor=f"botocore rds CreateDBInstance.DBInstanceIdentifier; {API}/AmazonRDS/latest/APIReference/API_CreateDBInstance.html",
    remediation="Set identifier explicitly (coko-<stack>-db).",
)
def rds_identifier(r: Resource) -> list[str]:
    return check_name(r, "identifier", _identifier("rds", "CreateDBInstance", "DBInstanceIdentifier"), _letter_first("DB instance identifier"))


@rule(
    "COKO-DEPLOY-006",
    types=["aws:iam/role:Role"],
    title="IAM role names fit 64 characters of [\\w+=,.@-] (auto-name suffix counted)",
    severity="high",
    anchor=f"botocore iam CreateRole.RoleName; {API}/IAM/latest/APIReference/API_CreateRole.html",
    remediation="Shorten the logical name or set name explicitly.",
)
def role_name(r: Resource) -> list[str]:
    path = r.get("path")
    problems = member("iam", "CreateRole", "Path").problems(path, "path") if isinstance(path, str) else []
    return check_name(r, "name", member("iam", "CreateRole", "RoleName")) + problems


@rule(
    "COKO-DEPLOY-007",
    types=["aws:iam/policy:Policy", "aws:iam/rolePolicy:RolePolicy"],
    title="IAM policy names fit 128 characters of [\\w+=,.@-]",
    severity="medium",
    anchor=f"botocore iam CreatePolicy.PolicyName / PutRolePolicy.PolicyName; {API}/IAM/latest/APIReference/API_PutRolePolicy.html",
    remediation="Use letters, digits and +=,.@_- only in policy names.",
)
def policy_name(r: Resource) -> list[str]:
    return check_name(r, "name", member("iam", "PutRolePolicy", "PolicyName"))


@rule(
    "COKO-DEPLOY-008",
    types=["aws:cloudwatch/logGroup:LogGroup"],
    title="Log group names are 1-512 characters of [.-_/#A-Za-z0-9]",
    severity="medium",
    anchor=f"botocore logs CreateLogGroup.logGroupName; {API}/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
    remediation="Use letters, digits and . - _ / # only in log group names.",
)
def log_group_name(r: Resource) -> list[str]:
    return check_name(r, "name", member("logs", "CreateLogGroup", "logGroupName"))


def _bucket_rules(name: str) -> list[str]:
    problems = []
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]*[a-z0-9]", name):
        problems.append(f"bucket name {name!r} may use only lowercase letters, digits, dots and hyphens, and must begin and end with a letter or digit")
    if ".." in name or re.fullmatch(r"\d+\.\d+\.\d+\.\d+", name) or name.startswith("xn--") or name.endswith("-s3alias"):
        problems.append(f"bucket name {name!r} uses a reserved form (.., IP address, xn-- or -s3alias)")
    return problems


@rule(
    "COKO-DEPLOY-009",
    types=["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
    title="S3 bucket names are 3-63 lowercase characters (auto-name suffix counted)",
    severity="high",
    anchor=f"{API}/AmazonS3/latest/userguide/bucketnamingrules.html (the s3 model leaves BucketName unconstrained)",
    remediation="Set bucket= explicitly (coko-<stack>-<purpose>-<account>) within 63 lowercase characters.",
)
def bucket_name(r: Resource) -> list[str]:
    return check_name(r, "bucket", Constraint("S3 bucket naming rules", min=3, max=63), _bucket_rules)


@rule(
    "COKO-DEPLOY-010",
    types=["aws:ecr/repository:Repository"],
    title="ECR repository names match the registry's pattern (lowercase, 2-256)",
    severity="medium",
    anchor=f"botocore ecr CreateRepository.repositoryName; {API}/AmazonECR/latest/APIReference/API_CreateRepository.html",
    remediation="Use lowercase letters, digits and . _ - / separators in repository names.",
)
def ecr_name(r: Resource) -> list[str]:
    return check_name(r, "name", member("ecr", "CreateRepository", "repositoryName"))


@rule(
    "COKO-DEPLOY-011",
    types=["aws:wafv2/webAcl:WebAcl"],
    title="WAF web ACL names are 1-128 word characters or hyphens",
    severity="medium",
    anchor=f"botocore wafv2 CreateWebACL.Name; {API}/waf/latest/APIReference/API_CreateWebACL.html",
    remediation="Use letters, digits, _ and - only in the web ACL name.",
)
def waf_name(r: Resource) -> list[str]:
    return check_name(r, "name", member("wafv2", "CreateWebACL", "Name"))


@rule(
    "COKO-DEPLOY-012",
    types=["aws:kms/alias:Alias"],
    title="KMS alias names start with alias/ (not alias/aws/) and match the API pattern",
    severity="medium",
    anchor=f"botocore kms CreateAlias.AliasName; {API}/kms/latest/APIReference/API_CreateAlias.html",
    remediation='Name the alias "alias/coko-<stack>".',
)
def kms_alias(r: Resource) -> list[str]:
    name, _ = physical_name(r, "name")
    if name is None or r.get("name") is None:
        return []
    problems = member("kms", "CreateAlias", "AliasName").problems(name, "name")
    if not name.startswith("alias/") or name.startswith("alias/aws/"):
        problems.append(f"alias {name!r} must begin with alias/ and must not begin with alias/aws/ (reserved for AWS managed keys)")
    return problems


@rule(
    "COKO-DEPLOY-013",
    types=["aws:backup/vault:Vault"],
    title="Backup vault names are 2-50 letters, digits, hyphens or underscores",
    severity="medium",
    anchor=f"botocore backup CreateBackupVault.BackupVaultName; {API}/aws-backup/latest/devguide/API_CreateBackupVault.html",
    remediation="Shorten the vault name (e.g. coko-<stack>).",
)
def backup_vault_name(r: Resource) -> list[str]:
    return check_name(r, "name", member("backup", "CreateBackupVault", "BackupVaultName"))


def _secret_chars(name: str) -> list[str]:
    return [] if re.fullmatch(r"[A-Za-z0-9/_+=.@-]+", name) else [f"secret name {name!r} may use only ASCII letters, digits and /_+=.@-"]


@rule(
    "COKO-DEPLOY-014",
    types=["aws:secretsmanager/secret:Secret"],
    title="Secret names are 1-512 ASCII letters, digits or /_+=.@-",
    severity="medium",
    anchor=f"botocore secretsmanager CreateSecret.Name (length and documented characters); {API}/secretsmanager/latest/apireference/API_CreateSecret.html",
    remediation="Name secrets coko/<stack>/<KEY> (ASCII only).",
)
def secret_name(r: Resource) -> list[str]:
    if r.get("name") is None:
        return []  # auto-named secrets get Pulumi's suffix, which AWS accepts
    return check_name(r, "name", member("secretsmanager", "CreateSecret", "Name"), _secret_chars)


SG_DESCRIPTION = re.compile(r"[a-zA-Z0-9. _\-:/()#,@\[\]+=&;{}!$*]*")


@rule(
    "COKO-DEPLOY-015",
    types=["aws:ec2/securityGroup:SecurityGroup"],
    title="Security group names and descriptions use the ASCII set EC2 accepts, at most 255 characters",
    severity="medium",
    anchor=f"{API}/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html (GroupName / Description constraints)",
    remediation="Use only a-z A-Z 0-9 spaces and ._-:/()#,@[]+=&;{}!$* in security group descriptions (no accents).",
)
def security_group_text(r: Resource) -> list[str]:
    problems = []
    for key in ("description", "name"):
        value = r.get(key)
        if isinstance(value, str) and not unknown(value):
            if len(value) > 255:
                problems.append(f"{key} is {len(value)} characters, EC2 allows 255")
            if not SG_DESCRIPTION.fullmatch(value):
                problems.append(f"{key} {value!r} has characters EC2 refuses")
            if key == "name" and value.lower().startswith("sg-"):
                problems.append(f"name {value!r} must not begin with sg-")
    return problems
