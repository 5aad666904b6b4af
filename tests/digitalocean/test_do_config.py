"""The DigitalOcean stack file: chosen by coko:cloud, validated against DO's documented slugs, one line per mistake."""

from __future__ import annotations

from typing import Any

import pytest

from stacks.config import StackConfig
from stacks.config_source import ConfigError, load_stack_file, parse_config, read_stack_file
from stacks.do_config import DO_REQUIRED_SECRETS, DoStackConfig


def staging(**changes: Any) -> tuple[dict[str, Any], set[str]]:
    raw, secrets = read_stack_file("staging")
    for key, value in changes.items():
        key = key.replace("__", ":").replace("_", ".")
        if value is None:
            raw.pop(key, None)
        else:
            raw[key] = value
    return raw, secrets


def problems(raw: dict[str, Any], secrets: set[str], stack: str = "staging") -> list[str]:
    with pytest.raises(ConfigError) as caught:
        parse_config(stack, raw, secrets, f"Pulumi.{stack}.yaml")
    return caught.value.problems


def test_staging_file_loads_as_a_digitalocean_stack_in_fra1() -> None:
    cfg = load_stack_file("staging")
    assert isinstance(cfg, DoStackConfig)
    assert (cfg.region, cfg.app_region, cfg.role) == ("fra1", "fra", "standalone")
    assert (cfg.services.backend.min_count, cfg.services.worker.min_count, cfg.services.scheduler.min_count) == (3, 2, 1)
    assert int(cfg.database.version) >= 15


def test_aws_stacks_still_load_the_aws_model() -> None:
    assert isinstance(load_stack_file("production"), StackConfig)


def test_region_without_app_platform_is_refused() -> None:
    found = problems(*staging(coko__region="nyc2"))
    assert found == ["Pulumi.staging.yaml: coko:region: 'nyc2' has no App Platform (data centers that do: " + found[0].split("that do: ")[1]]


def test_aws_keys_are_refused_on_a_digitalocean_stack() -> None:
    raw, secrets = staging()
    raw["aws:region"] = "eu-west-3"
    assert any("aws:region" in p and "digitalocean" in p for p in problems(raw, secrets))


def test_digitalocean_keys_are_refused_on_an_aws_stack() -> None:
    raw, secrets = read_stack_file("production")
    raw["digitalocean:token"] = "dop_v1_x"
    assert any("digitalocean:token" in p and "aws" in p for p in problems(raw, secrets, "production"))


def test_digitalocean_provider_keys_are_accepted_on_a_digitalocean_stack() -> None:
    raw, secrets = staging()
    raw["digitalocean:token"] = "v1:ciphertext"
    assert isinstance(parse_config("staging", raw, secrets | {"digitalocean:token"}, "Pulumi.staging.yaml"), DoStackConfig)


def test_unknown_cloud_is_named() -> None:
    found = problems(*staging(coko__cloud="gcp"))
    assert found == ["Pulumi.staging.yaml: coko:cloud: 'gcp' is not a supported cloud (aws, digitalocean)"]


def test_postgres_older_than_15_is_refused() -> None:
    raw, secrets = staging()
    raw["coko:database"] = {**raw["coko:database"], "version": "14"}
    assert any("coko:database.version" in p and "too old" in p for p in problems(raw, secrets))


def test_undocumented_sizes_are_refused_where_they_are_set() -> None:
    raw, secrets = staging()
    raw["coko:database"] = {**raw["coko:database"], "size": "db-s-1vcpu-1gb", "standby": True}  # 1 GB has no standby layout
    raw["coko:services"] = {**raw["coko:services"], "worker": {"minCount": 2, "maxCount": 2, "instanceSizeSlug": "basic-xxs"}}
    found = problems(raw, secrets)
    assert any(p.startswith("Pulumi.staging.yaml: coko:database:") and "2 node(s)" in p for p in found)
    assert any(p.startswith("Pulumi.staging.yaml: coko:services.worker:") and "basic-xxs" in p for p in found)


def test_shared_cpu_sizes_cannot_autoscale() -> None:
    raw, secrets = staging()
    raw["coko:services"] = {**raw["coko:services"], "backend": {"minCount": 3, "maxCount": 6, "instanceSizeSlug": "apps-s-1vcpu-1gb"}}
    assert any("dedicated" in p for p in problems(raw, secrets))


def test_counts_reuse_the_aws_rules() -> None:
    raw, secrets = staging()
    raw["coko:services"] = {
        "backend": {"minCount": 3, "desiredCount": 3, "maxCount": 3},
        "scheduler": {"minCount": 2, "maxCount": 2, "instanceSizeSlug": "apps-d-1vcpu-1gb"},
    }
    found = problems(raw, secrets)
    assert any("desiredCount is not a setting" in p for p in found)
    assert any("exactly one instance" in p for p in found)


def test_valkey_password_is_generated_so_no_redis_token_is_asked_for() -> None:
    assert "redisAuthToken" not in DO_REQUIRED_SECRETS
    raw, secrets = staging(coko__djangoSecretKey=None)
    assert problems(raw, secrets - {"coko:djangoSecretKey"}) == [
        "Pulumi.staging.yaml: coko:djangoSecretKey: required secret (Django SECRET_KEY) is missing; run `pulumi config set --secret coko:djangoSecretKey <value> -s staging`"
    ]


def test_route53_zone_and_arm_images_do_not_belong_on_digitalocean() -> None:
    raw, secrets = staging()
    raw["coko:domain"] = {**raw["coko:domain"], "hostedZoneId": "Z123"}
    raw["coko:image"] = {"platform": "linux/arm64"}
    found = problems(raw, secrets)
    assert any("hostedZoneId" in p for p in found) and any("linux/amd64" in p for p in found)
