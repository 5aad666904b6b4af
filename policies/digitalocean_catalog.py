"""DigitalOcean's documented slugs: the values a staging stack may use, and nothing else.

Pure data, no imports: the policy pack must run under CrossGuard with only its own
requirements, and the DigitalOcean config model (stacks/do_config.py) reads the same lists so a
typo fails at load time and at policy time with the same answer.

Source: DigitalOcean API reference (github.com/digitalocean/openapi, commit 7c1300c,
2026-08-07): ``GET /v2/databases/options`` example response (engine regions, versions, sizes per
node count), the App Platform app-spec schema (``region`` enum; ``instance_size_slug`` enum in
app_component_instance_base.yml) and ``GET /v2/apps/regions`` (data centers per App Platform region).
Re-check them with ``doctl databases options engines|regions|slugs`` and ``doctl apps list-regions``.
"""

from __future__ import annotations

# App Platform region slug -> the data centers it runs in (GET /v2/apps/regions, app-spec region enum).
APP_PLATFORM_REGIONS: dict[str, tuple[str, ...]] = {
    "ams": ("ams3",),
    "atl": ("atl1",),
    "blr": ("blr1",),
    "fra": ("fra1",),
    "lon": ("lon1",),
    "nyc": ("nyc1", "nyc3"),
    "sfo": ("sfo2", "sfo3"),
    "sgp": ("sgp1",),
    "syd": ("syd1",),
    "tor": ("tor1",),
}
# Data center -> its App Platform region: only these can host a whole Coko environment.
APP_DATACENTERS: dict[str, str] = {dc: region for region, dcs in APP_PLATFORM_REGIONS.items() for dc in dcs}

# Current (non-deprecated) App Platform instance sizes (app-spec instance_size_slug enum).
# Shared-CPU sizes cannot autoscale (App Platform limits: "Autoscaling is only available for
# app components using dedicated CPUs").
APP_INSTANCE_SIZES: tuple[str, ...] = (
    "apps-s-1vcpu-0.5gb",
    "apps-s-1vcpu-1gb-fixed",
    "apps-s-1vcpu-1gb",
    "apps-s-1vcpu-2gb",
    "apps-s-2vcpu-4gb",
    "apps-d-1vcpu-0.5gb",
    "apps-d-1vcpu-1gb",
    "apps-d-1vcpu-2gb",
    "apps-d-1vcpu-4gb",
    "apps-d-2vcpu-4gb",
    "apps-d-2vcpu-8gb",
    "apps-d-4vcpu-8gb",
    "apps-d-4vcpu-16gb",
    "apps-d-8vcpu-32gb",
)

_PG_SIZES = (
    "db-s-1vcpu-2gb", "db-s-2vcpu-4gb", "db-s-4vcpu-8gb", "db-s-6vcpu-16gb",
    "gd-2vcpu-8gb", "gd-4vcpu-16gb", "gd-8vcpu-32gb", "gd-16vcpu-64gb", "gd-32vcpu-128gb", "gd-40vcpu-160gb",
    "so1_5-2vcpu-16gb", "so1_5-4vcpu-32gb", "so1_5-8vcpu-64gb", "so1_5-16vcpu-128gb", "so1_5-24vcpu-192gb", "so1_5-32vcpu-256gb",
    "db-intel-1vcpu-2gb", "db-amd-1vcpu-2gb", "db-amd-2vcpu-4gb", "db-intel-2vcpu-4gb", "db-intel-2vcpu-8gb", "db-amd-2vcpu-8gb",
    "db-intel-4vcpu-8gb", "db-amd-4vcpu-8gb", "db-intel-4vcpu-16gb", "db-amd-4vcpu-16gb", "db-amd-8vcpu-32gb", "db-intel-8vcpu-32gb",
    "db-amd-16vcpu-64gb", "db-intel-16vcpu-64gb",
)  # fmt: skip
_VALKEY_SIZES = (
    "db-s-1vcpu-2gb", "db-s-2vcpu-4gb", "db-s-4vcpu-8gb", "db-s-6vcpu-16gb", "db-s-8vcpu-32gb", "db-s-16vcpu-64gb",
    "m-2vcpu-16gb", "m-4vcpu-32gb", "m-8vcpu-64gb", "m-16vcpu-128gb", "m-24vcpu-192gb", "m-32vcpu-256gb",
)  # fmt: skip


class Engine:
    """One managed-database engine as GET /v2/databases/options documents it."""

    def __init__(self, slug: str, versions: tuple[str, ...], regions: tuple[str, ...], sizes: dict[int, tuple[str, ...]]) -> None:
        self.slug, self.versions, self.regions, self.sizes = slug, versions, regions, sizes


_DB_REGIONS = ("ams3", "blr1", "fra1", "lon1", "nyc1", "nyc2", "nyc3", "sfo2", "sfo3", "sgp1", "syd1", "tor1", "ric1", "atl1")
ENGINES: dict[str, Engine] = {
    "pg": Engine(
        "pg",
        ("13", "14", "15", "16", "17"),
        _DB_REGIONS,
        {1: ("db-s-1vcpu-1gb", "db-amd-1vcpu-1gb", "db-intel-1vcpu-1gb", *_PG_SIZES), 2: _PG_SIZES, 3: _PG_SIZES},
    ),
    "valkey": Engine(
        "valkey",
        ("8",),
        tuple(r for r in _DB_REGIONS if r != "nyc2"),
        {1: ("db-s-1vcpu-1gb", *_VALKEY_SIZES), 2: _VALKEY_SIZES, 3: _VALKEY_SIZES},
    ),
    "opensearch": Engine(
        "opensearch",
        ("1", "2"),
        _DB_REGIONS,
        {
            1: (
                "db-s-1vcpu-2gb",
                "db-s-2vcpu-4gb",
                "gd-2vcpu-8gb",
                "m3-2vcpu-16gb",
                "db-s-4vcpu-8gb",
                "gd-4vcpu-16gb",
                "m3-4vcpu-32gb",
                "gd-8vcpu-32gb",
                "m3-8vcpu-64gb",
            ),
            3: ("db-s-2vcpu-4gb", "gd-2vcpu-8gb", "m3-2vcpu-16gb", "db-s-4vcpu-8gb", "gd-4vcpu-16gb", "m3-4vcpu-32gb", "gd-8vcpu-32gb", "m3-8vcpu-64gb"),
        },
    ),
}
# PostgreSQL releases DigitalOcean still creates (end_of_availability after 2026-11): Coko needs 15+.
MIN_POSTGRES_MAJOR = 15

# Container Registry regions (GET /v2/registry/options example: available_regions) and tiers.
REGISTRY_REGIONS: tuple[str, ...] = ("ams3", "fra1", "nyc3", "sfo3", "sgp1")
REGISTRY_TIERS: tuple[str, ...] = ("starter", "basic", "professional")
