"""The staging stack under the offline preview: what `pulumi up -s staging` would create on DigitalOcean."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from coko_cli.offline.runner import SECRET, UNKNOWN, ResourceRecord, StackPreview, run_stacks
from coko_contract.names import DATABASE_ALIASES
from stacks.digitalocean import database_names

DO = "digitalocean:index/"


@pytest.fixture(scope="module")
def staging() -> dict[str, StackPreview]:
    return {mode: run_stacks(["staging"], mode)[0] for mode in ("preview", "up")}


def of(preview: StackPreview, kind: str) -> list[ResourceRecord]:
    return [r for r in preview.resources if r.type == f"{DO}{kind}"]


def spec(preview: StackPreview) -> dict[str, Any]:
    (app,) = of(preview, "app:App")
    result: dict[str, Any] = app.inputs["spec"]
    return result


@pytest.mark.parametrize("mode", ["preview", "up"])
def test_staging_previews_in_both_modes_without_leaks(staging: dict[str, StackPreview], mode: str) -> None:
    preview = staging[mode]
    assert preview.leaks == []
    assert preview.region == "fra1"
    assert {r.region for r in preview.resources if r.type.startswith(DO) and r.region} == {"fra1"}


def test_the_five_databases_carry_the_apps_names_with_a_pool_each(staging: dict[str, StackPreview]) -> None:
    up = staging["up"]
    names = database_names()
    assert names == ["coko", "coko_auth", "coko_catalog", "coko_reading", "coko_recommendation"]
    assert sorted(r.inputs["name"] for r in of(up, "databaseDb:DatabaseDb")) == sorted(names)
    assert sorted((r.inputs["name"], r.inputs["dbName"]) for r in of(up, "databaseConnectionPool:DatabaseConnectionPool")) == sorted(
        zip(names, names, strict=True)
    )


def test_clusters_are_private_and_admit_only_the_app(staging: dict[str, StackPreview]) -> None:
    up = staging["up"]
    clusters = of(up, "databaseCluster:DatabaseCluster")
    assert sorted(c.inputs["engine"] for c in clusters) == ["opensearch", "pg", "valkey"]
    (vpc,) = of(up, "vpc:Vpc")
    assert {c.inputs["privateNetworkUuid"] for c in clusters} == {vpc.outputs["id"]}
    (app,) = of(up, "app:App")
    firewalls = of(up, "databaseFirewall:DatabaseFirewall")
    assert sorted(f.parent for f in firewalls) == sorted(c.parent for c in clusters)  # one per cluster, beside it
    assert all(f.inputs["rules"] == [{"type": "app", "value": app.outputs["id"]}] for f in firewalls)
    pg = next(c for c in clusters if c.inputs["engine"] == "pg")
    assert int(pg.inputs["version"]) >= 15


def test_spaces_buckets_are_private_versioned_with_cors_and_lifecycle_and_static_files_behind_the_cdn(staging: dict[str, StackPreview]) -> None:
    up = staging["up"]
    buckets = of(up, "spacesBucket:SpacesBucket")
    assert sorted(b.inputs["name"] for b in buckets) == ["coko-staging-media", "coko-staging-static"]
    assert all(
        b.inputs["acl"] == "private" and b.inputs["versioning"]["enabled"] and b.inputs["lifecycleRules"][0]["noncurrentVersionExpiration"]["days"] == 30
        for b in buckets
    )
    assert all(
        c.inputs["corsRules"][0]["allowedOrigins"] == ["https://staging.coko.africa"]
        for c in of(up, "spacesBucketCorsConfiguration:SpacesBucketCorsConfiguration")
    )
    # Only static files go through the CDN; media links are presigned on the media bucket itself.
    (static,) = [b for b in buckets if b.inputs["name"] == "coko-staging-static"]
    assert [c.inputs["origin"] for c in of(up, "cdn:Cdn")] == [static.outputs["bucketDomainName"]]


def test_app_runs_the_seed_counts_from_the_pushed_digest(staging: dict[str, StackPreview]) -> None:
    up = staging["up"]
    s = spec(up)
    (image,) = [r for r in up.resources if r.type == "docker:index/image:Image"]
    digest = image.outputs["repoDigest"].split("@", 1)[1]
    backend = s["services"][0]
    assert (backend["name"], backend["instanceCount"], backend["healthCheck"]["httpPath"], backend["httpPort"]) == ("backend", 3, "/health/", 8000)
    assert {w["name"]: w["instanceCount"] for w in s["workers"]} == {"worker": 2, "scheduler": 1}
    images = [c["image"] for c in [*s["services"], *s["workers"], *s["jobs"]]]
    assert all(i == {"registryType": "DOCR", "repository": "coko-staging", "digest": digest} for i in images)
    assert image.inputs["imageName"].startswith("registry.digitalocean.com/coko/coko-staging:")


def test_pre_deploy_job_migrates_every_alias_in_order_then_uploads_the_static_files(staging: dict[str, StackPreview]) -> None:
    (job,) = spec(staging["up"])["jobs"]
    assert job["kind"] == "PRE_DEPLOY"
    steps = job["runCommand"].split(" && ")  # `&&`: the first failing step fails the job, and the deployment
    assert steps[:-1] == [f"python manage.py migrate_alias {alias}" for alias in DATABASE_ALIASES]
    assert steps[-1] == "python manage.py collectstatic --noinput"


def test_environment_follows_the_contract_and_secrets_are_typed_secret(staging: dict[str, StackPreview]) -> None:
    from components.app_env import load_contract

    s = spec(staging["up"])
    contract = {v.name: v for v in load_contract()}
    required = {k for k, v in contract.items() if v.required}
    components = [*s["services"], *s["workers"], *s["jobs"]]
    for component in components:
        seen = {e["key"]: e for e in [*s["envs"], *component["envs"]]}
        assert required <= set(seen), component["name"]
        for key, e in seen.items():
            secret = contract[key].secret if key in contract else key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
            assert (e["type"] == "SECRET") == secret, key
            if secret:
                assert e["value"] == SECRET, key
    assert {e["key"]: e["value"] for e in s["envs"]}["DEPLOYMENT_REGION"] == "fra1"
    ports = {c["name"]: {e["key"]: e["value"] for e in c["envs"]}["POSTGRES_PORT"] for c in components}
    assert ports == {"backend": "25061", "worker": "25060", "scheduler": "25060", "migrate": "25060"}  # only the backend uses the pools
    assert "POSTGRES_HOST" not in {e["key"] for e in s["envs"]}  # never app-wide: no precedence question


def test_alerts_match_the_seed(staging: dict[str, StackPreview]) -> None:
    up = staging["up"]
    s = spec(up)
    assert {a["rule"] for a in s["alerts"]} >= {"DEPLOYMENT_FAILED"}
    for component in [*s["services"], *s["workers"]]:
        rules = {a["rule"]: a["value"] for a in component["alerts"]}
        assert rules["CPU_UTILIZATION"] == 90 and rules["MEM_UTILIZATION"] == 90 and "RESTART_COUNT" in rules
    db_alerts = {a.inputs["type"].rsplit("/", 1)[-1]: a.inputs["value"] for a in of(up, "monitorAlert:MonitorAlert")}
    assert db_alerts == {"cpu_alerts": 90, "memory_utilization_alerts": 90, "disk_utilization_alerts": 80}


def test_project_groups_the_app_databases_and_buckets(staging: dict[str, StackPreview]) -> None:
    up = staging["up"]
    (project,) = of(up, "project:Project")
    expected = [r.outputs["appUrn"] for r in of(up, "app:App")]
    expected += [r.outputs["clusterUrn"] for r in of(up, "databaseCluster:DatabaseCluster")]
    expected += [r.outputs["bucketUrn"] for r in of(up, "spacesBucket:SpacesBucket")]
    assert sorted(project.inputs["resources"]) == sorted(expected)


def test_preview_mode_leaves_ids_unknown(staging: dict[str, StackPreview]) -> None:
    (project,) = of(staging["preview"], "project:Project")
    assert UNKNOWN in json.dumps(project.inputs["resources"])


def test_aws_previews_do_not_load_digitalocean_code(tmp_path: Path) -> None:
    """pulumi_digitalocean and the DO mocks load only for a DO stack: not in-process, and not
    through the preload before forking, even right after a run that used them."""
    own_cache = {**os.environ, "COKO_CACHE_DIR": str(tmp_path)}  # this test's preload hint alone
    in_process, forked = {**own_cache, "COKO_PREVIEW_JOBS": "1"}, {**own_cache, "COKO_PREVIEW_JOBS": "2"}
    # An in-process run with the DO stack leaves pulumi_digitalocean in the preload hint...
    first = "from coko_cli.offline.runner import run_stacks; run_stacks(['production', 'staging'], 'preview')"
    subprocess.run([sys.executable, "-c", first], env=in_process, timeout=300, check=True)
    # ...and the next AWS-only run, which preloads before forking (production in two modes), skips it.
    code = (
        "import sys; from coko_cli.offline.runner import run_stacks; run_stacks(['production', 'capetown'], 'preview'); "
        "print(sorted(m for m in sys.modules if m.startswith(('pulumi_digitalocean', 'coko_cli.offline.do_mocks', 'stacks.digitalocean', 'stacks.do_config'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True, env=forked).stdout
    assert out.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("mode", ["preview", "up"])
def test_staging_passes_every_rule_of_the_pack(staging: dict[str, StackPreview], mode: str) -> None:
    from coko_cli.offline.report import to_json
    from policies.engine import evaluate, parse_levels, stacks_from_preview
    from policies.exemptions import DEFAULT_FILE, load
    from policies.rules import all_rules

    rules = all_rules()
    report = evaluate(stacks_from_preview(to_json([staging[mode]])), rules, parse_levels(None, rules), load(DEFAULT_FILE, {r.id for r in rules}))
    assert [(f.rule.id, f.name, f.message) for f in report.findings] == []
    assert any(r.id.startswith("COKO-DO-") for r in rules)
