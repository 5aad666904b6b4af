"""Will DigitalOcean accept it? Regions, size slugs and engine versions against the documented values.

The offline preview cannot ask DigitalOcean; these rules compare the plan with the values the
API reference documents (policies/digitalocean_catalog.py), so a typo'd slug fails in CI
instead of half-way through `pulumi up`.
"""

from __future__ import annotations

from ..digitalocean_catalog import APP_INSTANCE_SIZES, APP_PLATFORM_REGIONS, ENGINES, MIN_POSTGRES_MAJOR, REGISTRY_REGIONS, REGISTRY_TIERS
from ..framework import Resource, as_list, number, rule
from ._util import known
from .digitalocean import APP, CLUSTER

REGISTRY = "digitalocean:index/containerRegistry:ContainerRegistry"
ANCHOR = "DigitalOcean API reference: GET /v2/databases/options, app spec, GET /v2/apps/regions, GET /v2/registry/options"


@rule("COKO-DO-101", [CLUSTER, APP, REGISTRY], severity="high",
      anchor=ANCHOR,
      remediation="Use a data center listed by `doctl databases options regions` / an App Platform region slug (fra, ams, …).")
def regions(r: Resource) -> list[str]:
    """DigitalOcean regions exist for the service (database engine, App Platform, registry)"""
    region = r.get("spec.region" if r.type == APP else "region")
    if not known(region):
        return []
    if r.type == APP:
        return [] if region in APP_PLATFORM_REGIONS else [f"App Platform has no region {region!r} (one of {', '.join(APP_PLATFORM_REGIONS)})"]
    if r.type == REGISTRY:
        return [] if region in REGISTRY_REGIONS else [f"Container Registry is not offered in {region} ({', '.join(REGISTRY_REGIONS)})"]
    engine = ENGINES.get(str(r.get("engine")))
    if engine is None:
        return []
    return [] if region in engine.regions else [f"{engine.slug} clusters are not offered in {region}"]


@rule("COKO-DO-102", [CLUSTER, APP, REGISTRY], severity="high",
      anchor=ANCHOR,
      remediation="Pick a size from `doctl databases options slugs --engine <engine>` or the app spec's instance_size_slug list.")
def sizes(r: Resource) -> list[str]:
    """Size slugs are ones DigitalOcean documents (database sizes per node count, App Platform sizes, registry tiers)"""
    if r.type == REGISTRY:
        tier = r.get("subscriptionTierSlug")
        return [f"registry tier {tier!r} does not exist"] if known(tier) and tier not in REGISTRY_TIERS else []
    if r.type == APP:
        spec = r.get("spec")
        if not isinstance(spec, dict):
            return []
        components = [c for key in ("services", "workers", "jobs") for c in as_list(spec.get(key)) if isinstance(c, dict)]
        return [
            f"{c.get('name')}: {c.get('instanceSizeSlug')!r} is not an App Platform size"
            for c in components
            if known(c.get("instanceSizeSlug")) and c.get("instanceSizeSlug") not in APP_INSTANCE_SIZES
        ]
    engine = ENGINES.get(str(r.get("engine")))
    size, nodes = r.get("size"), number(r.get("nodeCount"))
    if engine is None or not known(size) or nodes is None:
        return []
    allowed = engine.sizes.get(int(nodes))
    if allowed is None:
        return [f"{engine.slug} clusters cannot have {int(nodes)} node(s)"]
    return [] if size in allowed else [f"{size!r} is not a {engine.slug} size for {int(nodes)} node(s)"]


@rule("COKO-DO-103", [CLUSTER], severity="high",
      title=f"Engine versions are offered (PostgreSQL {MIN_POSTGRES_MAJOR} or newer)",
      anchor=ANCHOR,
      remediation="Use a version from `doctl databases options versions --engine <engine>`; PostgreSQL must be 15+.")
def versions(r: Resource) -> list[str]:
    engine = ENGINES.get(str(r.get("engine")))
    version = r.get("version")
    if engine is None or not known(version):
        return []
    if str(version) not in engine.versions:
        return [f"{engine.slug} {version} is not offered ({', '.join(engine.versions)})"]
    if engine.slug == "pg" and int(str(version)) < MIN_POSTGRES_MAJOR:
        return [f"PostgreSQL {version} is older than {MIN_POSTGRES_MAJOR}"]
    return []
