"""A passing and a failing minimal input for every DigitalOcean rule (merged into tests/policies/cases.py)."""

from __future__ import annotations

from typing import Any

from policies.framework import Resource, StackView

from ..policies.cases import Case, res

CLUSTER = "digitalocean:index/databaseCluster:DatabaseCluster"
FIREWALL = "digitalocean:index/databaseFirewall:DatabaseFirewall"
BUCKET = "digitalocean:index/spacesBucket:SpacesBucket"
CDN = "digitalocean:index/cdn:Cdn"
APP = "digitalocean:index/app:App"
REGISTRY = "digitalocean:index/containerRegistry:ContainerRegistry"
ALERT = "digitalocean:index/monitorAlert:MonitorAlert"
PG_PARENT = "urn:pulumi:staging::coko::coko:do:PostgresCluster::coko-staging-pg"
TAGS = ["Project:coko", "Stack:staging", "RegionRole:standalone", "Owner:platform"]
COMPONENT_ALERTS = [
    {"rule": r, "operator": "GREATER_THAN", "value": 90, "window": "FIVE_MINUTES"} for r in ("CPU_UTILIZATION", "MEM_UTILIZATION", "RESTART_COUNT")
]


def do(type_: str, inputs: dict[str, Any], name: str = "coko-staging-x", parent: str = PG_PARENT) -> Resource:
    return res(type_, inputs, name=name, region="fra1", parent=parent)


def stack(*resources: Resource) -> StackView:
    return StackView("staging", resources)


def app(**spec: Any) -> Resource:
    base: dict[str, Any] = {
        "name": "coko-staging",
        "region": "fra",
        "alerts": [{"rule": "DEPLOYMENT_FAILED"}],
        "services": [
            {
                "name": "backend",
                "instanceSizeSlug": "apps-s-1vcpu-1gb",
                "alerts": COMPONENT_ALERTS,
                "envs": [{"key": "POSTGRES_PORT", "value": "25061", "type": "GENERAL"}],
            }
        ],
        "workers": [{"name": "worker", "instanceSizeSlug": "apps-s-1vcpu-1gb", "alerts": COMPONENT_ALERTS}],
        "jobs": [{"name": "migrate", "kind": "PRE_DEPLOY", "runCommand": "python manage.py migrate_alias default", "instanceSizeSlug": "apps-s-1vcpu-1gb"}],
        "envs": [{"key": "DJANGO_SECRET_KEY", "value": "[secret]", "type": "SECRET"}],
    }
    return do(APP, {"spec": {**base, **spec}}, name="coko-staging-app-app")


PG = {"engine": "pg", "version": "16", "size": "db-s-1vcpu-2gb", "nodeCount": 1, "region": "fra1", "privateNetworkUuid": "[unknown]", "tags": TAGS}
cluster = do(CLUSTER, PG, name="coko-staging-pg-cluster")

DO_CASES: dict[str, Case] = {
    "COKO-DO-001": Case(
        stack(cluster, do(FIREWALL, {"clusterId": "[unknown]", "rules": [{"type": "app", "value": "[unknown]"}]}, name="coko-staging-pg-trusted-sources")),
        stack(cluster),
    ),
    "COKO-DO-002": Case(
        do(FIREWALL, {"rules": [{"type": "app", "value": "id"}, {"type": "ip_addr", "value": "10.20.0.5"}]}),
        do(FIREWALL, {"rules": [{"type": "ip_addr", "value": "0.0.0.0/0"}]}),
    ),
    "COKO-DO-003": Case(do(BUCKET, {"acl": "private"}), do(BUCKET, {"acl": "public-read"})),
    "COKO-DO-004": Case(
        do(CDN, {"customDomain": "static.staging.coko.africa", "certificateName": "coko-staging-cdn"}), do(CDN, {"customDomain": "static.staging.coko.africa"})
    ),
    "COKO-DO-005": Case(app(), app(envs=[{"key": "POSTGRES_PASSWORD", "value": "hunter2", "type": "GENERAL"}])),
    "COKO-DO-006": Case(app(), app(alerts=[{"rule": "DOMAIN_FAILED"}], workers=[{"name": "worker", "alerts": COMPONENT_ALERTS[:1]}])),
    "COKO-DO-007": Case(do(ALERT, {"tags": TAGS}), do(CLUSTER, {**PG, "tags": ["coko"]})),
    "COKO-DO-008": Case(app(), app(jobs=[{"name": "migrate", "kind": "POST_DEPLOY", "runCommand": "python manage.py migrate_alias default"}])),
    "COKO-DO-101": Case(do(CLUSTER, PG), app(region="fra1")),
    "COKO-DO-102": Case(do(CLUSTER, {**PG, "nodeCount": 2}), do(CLUSTER, {**PG, "size": "db-s-1vcpu-1gb", "nodeCount": 2})),
    "COKO-DO-103": Case(do(CLUSTER, PG), do(CLUSTER, {**PG, "version": "14"})),
}
