"""What the staging app is given so it works on DigitalOcean, and what the AWS tasks are not given.

The database CA, the static CDN domain with public-read static uploads, presigned media links, the
Spaces key and endpoint, and SMTP mail reach the App Platform spec through the app's env contract;
the ECS task definitions keep the task role, CloudFront's unsigned links, SES's API and the RDS
bundle (none of these variables).
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from coko_cli.offline import do_mocks
from coko_cli.offline.runner import SECRET, StackPreview, run_stacks
from stacks.config_source import PROJECT_ROOT, ConfigError, parse_config, read_stack_file
from tests.components.compute_helpers import ROLES, container
from tests.conftest import STACKS
from tests.digitalocean.test_do_stack import of, spec
from tests.variants import project_variant

DO = "digitalocean:index/"
#: Variables only an off-AWS deployment needs (app/coko/env_contract.py).
OFF_AWS = {
    "POSTGRES_CA_CERT",
    "AWS_S3_STATIC_DOMAIN",
    "AWS_S3_MEDIA_DOMAIN",
    "STATIC_OBJECT_ACL",
    "MEDIA_PRESIGNED_URL_SECONDS",
    "AWS_S3_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
}
CUSTOM_CDN = "static.staging.coko.africa"


def _envs(app_spec: dict[str, Any], component: str) -> dict[str, dict[str, Any]]:
    """What one component sees: the app-wide envs plus its own."""
    parts = [*app_spec["services"], *app_spec["workers"], *app_spec["jobs"]]
    (own,) = [c for c in parts if c["name"] == component]
    return {e["key"]: e for e in [*app_spec["envs"], *own["envs"]]}


@pytest.fixture(scope="module")
def staging() -> StackPreview:
    (preview,) = run_stacks(["staging"], "up")
    return preview


@pytest.fixture(scope="module")
def staging_with_cdn_domain(tmp_path_factory: pytest.TempPathFactory) -> StackPreview:
    root = project_variant(tmp_path_factory.mktemp("do-cdn-domain"), lambda _stack, _config: None)
    data = yaml.safe_load((PROJECT_ROOT / "Pulumi.staging.yaml").read_text())
    data["config"]["coko:cdn"] = {"customDomain": CUSTOM_CDN}
    data["config"]["coko:email"] = {"host": "smtp.sendgrid.net", "port": 2525}
    data["config"]["coko:media"] = {"presignedUrlSeconds": 900}
    (root / "Pulumi.staging.yaml").write_text(yaml.safe_dump(data))
    (preview,) = run_stacks(["staging"], "up", root)
    return preview


def test_every_component_verifies_postgres_against_the_clusters_own_ca(staging: StackPreview) -> None:
    app_spec = spec(staging)
    (pg,) = [c for c in of(staging, "databaseCluster:DatabaseCluster") if c.inputs["engine"] == "pg"]
    expected = do_mocks.call_outputs(f"{DO}getDatabaseCa:getDatabaseCa", {"clusterId": pg.outputs["id"]})
    assert expected is not None
    for component in ("backend", "worker", "scheduler", "migrate"):  # the pools sit on the same cluster
        ca = _envs(app_spec, component)["POSTGRES_CA_CERT"]
        assert ca["value"] == expected["certificate"] and ca["value"].startswith("-----BEGIN CERTIFICATE-----")
        assert ca["type"] == "GENERAL", "the CA is public: visible in the spec, like DigitalOcean's own 'public certificate'"


def test_static_files_go_public_read_behind_the_cdn_and_media_links_are_presigned(staging: StackPreview) -> None:
    envs = {e["key"]: e["value"] for e in spec(staging)["envs"]}
    buckets = {b.outputs["id"]: b for b in of(staging, "spacesBucket:SpacesBucket")}
    endpoint = {
        name.removeprefix("coko-staging-"): cdn.outputs["endpoint"]
        for cdn in of(staging, "cdn:Cdn")
        for name, b in buckets.items()
        if cdn.inputs["origin"] == b.outputs["bucketDomainName"]
    }
    assert envs["AWS_S3_STATIC_DOMAIN"] == envs["AWS_S3_CUSTOM_DOMAIN"] == endpoint["static"] == "coko-staging-static.fra1.cdn.digitaloceanspaces.com"
    # The Spaces CDN serves public-read objects only: the static files are uploaded so, the buckets stay private.
    assert envs["STATIC_OBJECT_ACL"] == "public-read"
    assert {b.inputs["acl"] for b in buckets.values()} == {"private"}
    # Media stay private: presigned links on the bucket's own endpoint (1 h by default), no CDN domain.
    assert envs["MEDIA_PRESIGNED_URL_SECONDS"] == "3600"
    assert "AWS_S3_MEDIA_DOMAIN" not in envs, "the app refuses a media domain with presigned links"
    assert (envs["AWS_STORAGE_BUCKET_NAME"], envs["AWS_S3_ENDPOINT_URL"]) == ("coko-staging-media", "https://fra1.digitaloceanspaces.com")
    assert "mediaCdnEndpoint" not in staging.outputs


def test_a_cdn_custom_domain_fronts_the_static_files_and_the_media_link_lifetime_is_configurable(staging_with_cdn_domain: StackPreview) -> None:
    envs = {e["key"]: e["value"] for e in spec(staging_with_cdn_domain)["envs"]}
    assert envs["AWS_S3_STATIC_DOMAIN"] == envs["AWS_S3_CUSTOM_DOMAIN"] == CUSTOM_CDN
    assert (envs["STATIC_OBJECT_ACL"], envs["MEDIA_PRESIGNED_URL_SECONDS"]) == ("public-read", "900")
    assert "AWS_S3_MEDIA_DOMAIN" not in envs


@pytest.mark.parametrize(("seconds", "bound"), [(59, "greater than or equal to 60"), (604_801, "less than or equal to 604800")])
def test_a_media_link_lifetime_outside_what_sigv4_allows_is_refused(seconds: int, bound: str) -> None:
    raw, secrets = read_stack_file("staging")
    raw["coko:media"] = {"presignedUrlSeconds": seconds}
    with pytest.raises(ConfigError) as caught:
        parse_config("staging", raw, secrets, "Pulumi.staging.yaml")
    assert caught.value.problems == [f"Pulumi.staging.yaml: coko:media.presignedUrlSeconds: Input should be {bound}"]


def test_spaces_are_reached_with_the_bucket_scoped_key_typed_secret(staging: StackPreview) -> None:
    (key,) = of(staging, "spacesKey:SpacesKey")
    assert sorted(g["bucket"] for g in key.inputs["grants"]) == ["coko-staging-media", "coko-staging-static"]
    for component in ("backend", "worker", "scheduler", "migrate"):
        envs = _envs(spec(staging), component)
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            assert (envs[name]["type"], envs[name]["value"]) == ("SECRET", SECRET), name
        assert (envs["AWS_S3_ENDPOINT_URL"]["type"], envs["AWS_S3_ENDPOINT_URL"]["value"]) == ("GENERAL", "https://fra1.digitaloceanspaces.com")
        assert "AWS_ENDPOINT_URL_S3" not in envs, "every variable the app gets is in its contract"


def test_mail_goes_out_over_smtp_with_the_login_typed_secret(staging: StackPreview, staging_with_cdn_domain: StackPreview) -> None:
    envs = _envs(spec(staging), "worker")  # Celery sends the mail
    plain = {k: envs[k]["value"] for k in ("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT")}
    assert plain == {"EMAIL_BACKEND": "smtp", "EMAIL_HOST": "email-smtp.eu-west-1.amazonaws.com", "EMAIL_PORT": "587"}
    assert envs["AWS_SES_REGION_NAME"]["value"] == "eu-west-1", "the SES identity the SMTP endpoint belongs to"
    for name in ("EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD"):
        assert (envs[name]["type"], envs[name]["value"]) == ("SECRET", SECRET), name
    other = _envs(spec(staging_with_cdn_domain), "worker")
    assert (other["EMAIL_HOST"]["value"], other["EMAIL_PORT"]["value"]) == ("smtp.sendgrid.net", "2525")


def test_the_smtp_login_is_required_and_port_25_refused() -> None:
    raw, secrets = read_stack_file("staging")
    del raw["coko:smtpPassword"]
    raw["coko:email"] = {"port": 25}
    with pytest.raises(ConfigError) as caught:
        parse_config("staging", raw, secrets - {"coko:smtpPassword"}, "Pulumi.staging.yaml")
    problems = "\n".join(caught.value.problems)
    assert "coko:smtpPassword: required secret" in problems and "pulumi config set --secret coko:smtpPassword" in problems
    assert "coko:email.port: port 25 is blocked on DigitalOcean" in problems


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize("role", ROLES)
def test_aws_tasks_keep_the_task_role_ses_and_the_rds_bundle(up: dict[str, StackPreview], stack: str, role: str) -> None:
    defn = container(up[stack], role)
    given = {e["name"] for e in defn["environment"]} | {s["name"] for s in defn["secrets"]}
    assert not given & OFF_AWS, f"ECS signs S3 and SES calls with the task role: {sorted(given & OFF_AWS)}"


def test_the_off_aws_names_are_optional_in_the_contract() -> None:
    from components.app_env import load_contract

    contract = {v.name: v for v in load_contract()}
    assert set(contract) >= OFF_AWS and not any(contract[n].required for n in OFF_AWS)
    assert {n for n in OFF_AWS if contract[n].secret} == {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD"}
