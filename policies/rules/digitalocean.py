"""DigitalOcean: private databases behind trusted sources, private Spaces, TLS CDN, SECRET envs, alerts, tags."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from ..framework import Resource, StackView, as_list, rule, stack_rule, unknown
from ._util import SECRET, WORLD

CLUSTER = "digitalocean:index/databaseCluster:DatabaseCluster"
FIREWALL = "digitalocean:index/databaseFirewall:DatabaseFirewall"
BUCKET = "digitalocean:index/spacesBucket:SpacesBucket"
CDN = "digitalocean:index/cdn:Cdn"
APP = "digitalocean:index/app:App"
# Resource types whose inputs take `tags` in pulumi-digitalocean 4.84 (the ones Coko could use).
TAGGABLE = (
    CLUSTER,
    "digitalocean:index/databaseReplica:DatabaseReplica",
    "digitalocean:index/monitorAlert:MonitorAlert",
    "digitalocean:index/droplet:Droplet",
    "digitalocean:index/firewall:Firewall",
    "digitalocean:index/kubernetesCluster:KubernetesCluster",
    "digitalocean:index/volume:Volume",
)
REQUIRED_TAG_KEYS = ("Project", "Stack", "RegionRole", "Owner")
# Names whose values are credentials, whatever the contract says (CrossGuard sees secrets decrypted).
_SECRET_NAME = re.compile(r"(SECRET|PASSWORD|TOKEN|_KEY$|_KEY_ID$|DSN$|^REDIS_URL$|^DATABASE_URL$)")
COMPONENT_ALERTS = ("CPU_UTILIZATION", "MEM_UTILIZATION", "RESTART_COUNT")


def _components(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for key in ("services", "workers") for c in as_list(spec.get(key)) if isinstance(c, dict)]


@stack_rule("COKO-DO-001", severity="critical",
            anchor="DigitalOcean 'Secure a database cluster' (trusted sources); design §6 data not public",
            remediation="Call ManagedCluster.admit_only(app.id): a DatabaseFirewall child of the cluster admitting the app only.",
            unknowns="Firewalls are matched to the cluster created by the same component (ids are unknown at preview).")
def trusted_sources(stack: StackView) -> list[tuple[str, str]]:
    """Every managed database has trusted sources (a database firewall)"""
    protected = {f.parent for f in stack.of_type(FIREWALL) if unknown(f.get("rules")) or as_list(f.get("rules"))}
    return [
        (c.urn, f"{c.name} accepts any source with its credentials: no trusted sources")
        for c in stack.of_type(CLUSTER)
        if c.parent not in protected or c.parent is None
    ]


def _public_source(rule_: Any) -> bool:
    if not isinstance(rule_, dict) or rule_.get("type") != "ip_addr":
        return False
    value = rule_.get("value")
    if not isinstance(value, str) or unknown(value):
        return False
    if value in WORLD:
        return True
    try:
        return not ipaddress.ip_network(value, strict=False).is_private
    except ValueError:
        return False


@rule("COKO-DO-002", [FIREWALL, CLUSTER], severity="critical",
      anchor="checkov CKV_AWS_17 (RDS not public), DigitalOcean VPC networking for databases",
      remediation="Create clusters with private_network_uuid=<stack VPC>; trust the app (type app), never public IP ranges.")
def no_public_database(r: Resource) -> list[str]:
    """Databases are not reachable from the internet (private network, no public sources)"""
    if r.type == CLUSTER:
        vpc = r.get("privateNetworkUuid")
        return [] if unknown(vpc) or vpc else ["the cluster is not in the stack's VPC (privateNetworkUuid unset)"]
    return [f"trusted source {rule_['value']} is a public address" for rule_ in as_list(r.get("rules")) if _public_source(rule_)]


@rule("COKO-DO-003", [BUCKET], severity="high",
      anchor="checkov CKV_AWS_20 (S3 not public-read), DigitalOcean Spaces ACLs",
      remediation='Set acl="private"; serve objects through the CDN (public-read objects, or presigned URLs).')
def private_bucket(r: Resource) -> list[str]:
    """Spaces buckets are private"""
    acl = r.get("acl", "private")
    return [] if unknown(acl) or acl == "private" else [f"acl is {acl!r}"]


@rule("COKO-DO-004", [CDN], severity="high",
      anchor="checkov CKV_AWS_174 (CloudFront TLS); DigitalOcean 'Customize the CDN endpoint'",
      remediation="Give a custom_domain a certificate (certificate_name of a Let's Encrypt or uploaded certificate); the default *.cdn.digitaloceanspaces.com endpoint is HTTPS.")
def tls_cdn(r: Resource) -> list[str]:
    """The Spaces CDN serves its custom domain over TLS"""
    domain = r.get("customDomain")
    if not domain or unknown(domain):
        return []
    cert = r.get("certificateName") or r.get("certificateId")
    return [] if cert else [f"custom domain {domain} has no certificate"]


def _all_envs(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = [("app", e) for e in as_list(spec.get("envs")) if isinstance(e, dict)]
    for key in ("services", "workers", "jobs"):
        for component in as_list(spec.get(key)):
            if isinstance(component, dict):
                found += [(str(component.get("name")), e) for e in as_list(component.get("envs")) if isinstance(e, dict)]
    return found


@rule("COKO-DO-005", [APP], severity="critical",
      anchor="DigitalOcean app spec (envs type SECRET); checkov CKV_AWS_46 (no secrets in plain environment)",
      remediation='Mark credentials {"type": "SECRET"}: App Platform encrypts them and never shows them again.')
def secret_envs(r: Resource) -> list[str]:
    """App secrets are environment variables of type SECRET"""
    spec = r.get("spec")
    if not isinstance(spec, dict):
        return []
    problems = []
    for where, e in _all_envs(spec):
        key, kind, value = str(e.get("key")), e.get("type", "GENERAL"), e.get("value")
        if kind != "SECRET" and (value == SECRET or _SECRET_NAME.search(key)):
            problems.append(f"{where}: {key} is a credential with type {kind}")
    return problems


@rule("COKO-DO-006", [APP], severity="medium",
      anchor="seed 'Alertes Prometheus' (memory 90 %); DigitalOcean app spec alerts",
      remediation="Add app alert DEPLOYMENT_FAILED and component alerts CPU_UTILIZATION, MEM_UTILIZATION, RESTART_COUNT (components/do_app.py).")
def alerts(r: Resource) -> list[str]:
    """The app alerts on failed deployments and on each component's CPU, memory and restarts"""
    spec = r.get("spec")
    if not isinstance(spec, dict):
        return []
    problems = []
    app_rules = {a.get("rule") for a in as_list(spec.get("alerts")) if isinstance(a, dict) and not a.get("disabled")}
    if "DEPLOYMENT_FAILED" not in app_rules:
        problems.append("no DEPLOYMENT_FAILED alert")
    for component in _components(spec):
        present = {a.get("rule") for a in as_list(component.get("alerts")) if isinstance(a, dict) and not a.get("disabled")}
        missing = [rule_ for rule_ in COMPONENT_ALERTS if rule_ not in present]
        if missing:
            problems.append(f"{component.get('name')}: no {', '.join(missing)} alert")
    return problems


@rule("COKO-DO-007", list(TAGGABLE), severity="low",
      anchor="awsguard (tagging), DigitalOcean tags (key:value strings); design §6 required tags",
      remediation="Pass DoStackConfig.tags (Project:coko, Stack:<stack>, …) to every taggable resource.")
def do_tags(r: Resource) -> list[str]:
    """Taggable DigitalOcean resources carry Project, Stack, RegionRole and Owner tags"""
    tags = r.get("tags")
    if unknown(tags):
        return []
    keys = {str(t).split(":", 1)[0] for t in as_list(tags) if ":" in str(t)}
    missing = [k for k in REQUIRED_TAG_KEYS if k not in keys]
    return [f"missing tag(s) {', '.join(missing)}"] if missing else []


@rule("COKO-DO-008", [APP], severity="high",
      anchor="DigitalOcean app spec jobs (kind PRE_DEPLOY); design §5 (no migrations from the entrypoint)",
      remediation="Add a job of kind PRE_DEPLOY running `python manage.py migrate_alias <alias>` for every alias.")
def pre_deploy_migrations(r: Resource) -> list[str]:
    """Migrations run as a PRE_DEPLOY job, so a failed migration stops the deploy"""
    spec = r.get("spec")
    if not isinstance(spec, dict):
        return []
    jobs = [j for j in as_list(spec.get("jobs")) if isinstance(j, dict)]
    if any(j.get("kind") == "PRE_DEPLOY" and "migrate" in str(j.get("runCommand", "")) for j in jobs):
        return []
    return ["no PRE_DEPLOY job runs the migrations"]
