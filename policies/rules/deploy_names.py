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
from ..framework import Resource, ResourceCheck, Spec, register, rule, unknown
from .resource_types import (
    BACKUP_VAULT,
    BUCKETS,
    ECR_REPOSITORY,
    IAM_POLICY,
    IAM_ROLE,
    LOAD_BALANCERS,
    LOG_GROUP,
    OPENSEARCH_DOMAIN,
    RDS_INSTANCE,
    REPLICATION_GROUP,
    ROLE_POLICY,
    SECRET_RESOURCE,
    SECURITY_GROUP,
    TARGET_GROUPS,
    WEB_ACL,
)

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


def _bucket_rules(name: str) -> list[str]:
    problems = []
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]*[a-z0-9]", name):
        problems.append(f"bucket name {name!r} may use only lowercase letters, digits, dots and hyphens, and must begin and end with a letter or digit")
    if ".." in name or re.fullmatch(r"\d+\.\d+\.\d+\.\d+", name) or name.startswith("xn--") or name.endswith("-s3alias"):
        problems.append(f"bucket name {name!r} uses a reserved form (.., IP address, xn-- or -s3alias)")
    return problems


def named(key: str, constraint: Callable[[], Constraint], extra: Callable[[str], list[str]] | None = None) -> ResourceCheck:
    """Check: the name under ``key`` (or the auto-name) meets ``constraint``, read from the model
    when the rule runs, and the ``extra`` character rules."""

    def check(r: Resource) -> list[str]:
        return check_name(r, key, constraint(), extra)

    return check


NAME_RULES = (
    Spec("COKO-DEPLOY-001", LOAD_BALANCERS, named("name", lambda: _elb("CreateLoadBalancer"), _dns_label("load balancer name", "internal-")),
         "Load balancer names fit 32 characters (auto-name suffix counted), letters/digits/hyphens", "high",
         f"botocore elbv2 CreateLoadBalancer.Name; {API}/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html",
         "Give the load balancer an explicit short name (e.g. coko-<stack>-alb) instead of relying on auto-naming."),
    Spec("COKO-DEPLOY-002", TARGET_GROUPS, named("name", lambda: _elb("CreateTargetGroup"), _dns_label("target group name")),
         "Target group names fit 32 characters (auto-name suffix counted), letters/digits/hyphens", "high",
         f"botocore elbv2 CreateTargetGroup.Name; {API}/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html",
         "Give the target group an explicit short name (e.g. coko-<stack>-api)."),
    Spec("COKO-DEPLOY-003", [OPENSEARCH_DOMAIN], named("domainName", lambda: member("opensearch", "CreateDomain", "DomainName")),
         "OpenSearch domain names are 3-28 lowercase letters, digits and hyphens", "high",
         f"botocore opensearch CreateDomain.DomainName; {API}/opensearch-service/latest/APIReference/API_CreateDomain.html",
         "Set domain_name explicitly, at most 28 characters, starting with a lowercase letter."),
    Spec("COKO-DEPLOY-004", [REPLICATION_GROUP], named("replicationGroupId", lambda: _identifier("elasticache", "CreateReplicationGroup", "ReplicationGroupId"), _letter_first("replication group id")),
         "ElastiCache replication group ids are 1-40 characters, letter first, no double or trailing hyphen", "high",
         f"botocore elasticache CreateReplicationGroup.ReplicationGroupId; {API}/AmazonElastiCache/latest/APIReference/API_CreateReplicationGroup.html",
         "Set replication_group_id explicitly to at most 40 characters."),
    Spec("COKO-DEPLOY-005", [RDS_INSTANCE], named("identifier", lambda: _identifier("rds", "CreateDBInstance", "DBInstanceIdentifier"), _letter_first("DB instance identifier")),
         "RDS instance identifiers are 1-63 characters, letter first, no double or trailing hyphen", "high",
         f"botocore rds CreateDBInstance.DBInstanceIdentifier; {API}/AmazonRDS/latest/APIReference/API_CreateDBInstance.html",
         "Set identifier explicitly (coko-<stack>-db)."),
    Spec("COKO-DEPLOY-007", [IAM_POLICY, ROLE_POLICY], named("name", lambda: member("iam", "PutRolePolicy", "PolicyName")),
         "IAM policy names fit 128 characters of [\\w+=,.@-]", "medium",
         f"botocore iam CreatePolicy.PolicyName / PutRolePolicy.PolicyName; {API}/IAM/latest/APIReference/API_PutRolePolicy.html",
         "Use letters, digits and +=,.@_- only in policy names."),
    Spec("COKO-DEPLOY-008", [LOG_GROUP], named("name", lambda: member("logs", "CreateLogGroup", "logGroupName")),
         "Log group names are 1-512 characters of [.-_/#A-Za-z0-9]", "medium",
         f"botocore logs CreateLogGroup.logGroupName; {API}/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html",
         "Use letters, digits and . - _ / # only in log group names."),
    Spec("COKO-DEPLOY-009", BUCKETS, named("bucket", lambda: Constraint("S3 bucket naming rules", min=3, max=63), _bucket_rules),
         "S3 bucket names are 3-63 lowercase characters (auto-name suffix counted)", "high",
         f"{API}/AmazonS3/latest/userguide/bucketnamingrules.html (the s3 model leaves BucketName unconstrained)",
         "Set bucket= explicitly (coko-<stack>-<purpose>-<account>) within 63 lowercase characters."),
    Spec("COKO-DEPLOY-010", [ECR_REPOSITORY], named("name", lambda: member("ecr", "CreateRepository", "repositoryName")),
         "ECR repository names match the registry's pattern (lowercase, 2-256)", "medium",
         f"botocore ecr CreateRepository.repositoryName; {API}/AmazonECR/latest/APIReference/API_CreateRepository.html",
         "Use lowercase letters, digits and . _ - / separators in repository names."),
    Spec("COKO-DEPLOY-011", [WEB_ACL], named("name", lambda: member("wafv2", "CreateWebACL", "Name")),
         "WAF web ACL names are 1-128 word characters or hyphens", "medium",
         f"botocore wafv2 CreateWebACL.Name; {API}/waf/latest/APIReference/API_CreateWebACL.html",
         "Use letters, digits, _ and - only in the web ACL name."),
    Spec("COKO-DEPLOY-013", [BACKUP_VAULT], named("name", lambda: member("backup", "CreateBackupVault", "BackupVaultName")),
         "Backup vault names are 2-50 letters, digits, hyphens or underscores", "medium",
         f"botocore backup CreateBackupVault.BackupVaultName; {API}/aws-backup/latest/devguide/API_CreateBackupVault.html",
         "Shorten the vault name (e.g. coko-<stack>)."),
)
register(__name__, NAME_RULES)


@rule("COKO-DEPLOY-006", [IAM_ROLE], severity="high",
      anchor=f"botocore iam CreateRole.RoleName; {API}/IAM/latest/APIReference/API_CreateRole.html",
      remediation="Shorten the logical name or set name explicitly.")
def role_name(r: Resource) -> list[str]:
    """IAM role names fit 64 characters of [\\w+=,.@-] (auto-name suffix counted)"""
    path = r.get("path")
    problems = member("iam", "CreateRole", "Path").problems(path, "path") if isinstance(path, str) else []
    return check_name(r, "name", member("iam", "CreateRole", "RoleName")) + problems


@rule("COKO-DEPLOY-012", ["aws:kms/alias:Alias"], severity="medium",
      anchor=f"botocore kms CreateAlias.AliasName; {API}/kms/latest/APIReference/API_CreateAlias.html",
      remediation='Name the alias "alias/coko-<stack>".')
def kms_alias(r: Resource) -> list[str]:
    """KMS alias names start with alias/ (not alias/aws/) and match the API pattern"""
    name, _ = physical_name(r, "name")
    if name is None or r.get("name") is None:
        return []
    problems = member("kms", "CreateAlias", "AliasName").problems(name, "name")
    if not name.startswith("alias/") or name.startswith("alias/aws/"):
        problems.append(f"alias {name!r} must begin with alias/ and must not begin with alias/aws/ (reserved for AWS managed keys)")
    return problems


def _secret_chars(name: str) -> list[str]:
    return [] if re.fullmatch(r"[A-Za-z0-9/_+=.@-]+", name) else [f"secret name {name!r} may use only ASCII letters, digits and /_+=.@-"]


@rule("COKO-DEPLOY-014", [SECRET_RESOURCE], severity="medium",
      anchor=f"botocore secretsmanager CreateSecret.Name (length and documented characters); {API}/secretsmanager/latest/apireference/API_CreateSecret.html",
      remediation="Name secrets coko/<stack>/<KEY> (ASCII only).")
def secret_name(r: Resource) -> list[str]:
    """Secret names are 1-512 ASCII letters, digits or /_+=.@-"""
    if r.get("name") is None:
        return []  # auto-named secrets get Pulumi's suffix, which AWS accepts
    return check_name(r, "name", member("secretsmanager", "CreateSecret", "Name"), _secret_chars)


SG_DESCRIPTION = re.compile(r"[a-zA-Z0-9. _\-:/()#,@\[\]+=&;{}!$*]*")


@rule("COKO-DEPLOY-015", [SECURITY_GROUP], severity="medium",
      anchor=f"{API}/AWSEC2/latest/APIReference/API_CreateSecurityGroup.html (GroupName / Description constraints)",
      remediation="Use only a-z A-Z 0-9 spaces and ._-:/()#,@[]+=&;{}!$* in security group descriptions (no accents).")
def security_group_text(r: Resource) -> list[str]:
    """Security group names and descriptions use the ASCII set EC2 accepts, at most 255 characters"""
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
