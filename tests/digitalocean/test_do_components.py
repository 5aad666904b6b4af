"""DigitalOcean components refuse bad arguments before creating anything, and read DO's formats right."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

import pytest

from components.app_env import EnvContractError
from components.do_app import AlertThresholds, AppArgs, Component, app_platform_envs, component_alerts
from components.do_registry import DoImageArgs, registry_login
from components.do_storage import SpacesArgs


@dataclass(frozen=True)
class Var:
    name: str
    secret: bool
    required: bool = True
    description: str = "test"
    json_key: str | None = None


CONTRACT = (Var("ENVIRONMENT", False), Var("DJANGO_SECRET_KEY", True), Var("SENTRY_DSN", True, required=False))


def test_envs_type_secrets_secret_and_skip_absent_optional_ones() -> None:
    envs = app_platform_envs(CONTRACT, {"ENVIRONMENT": "staging"}, {"DJANGO_SECRET_KEY": "s3cret"})
    assert [(e["key"], e["type"]) for e in envs] == [("DJANGO_SECRET_KEY", "SECRET"), ("ENVIRONMENT", "GENERAL")]


def test_envs_refuse_drift_both_ways_in_one_message() -> None:
    with pytest.raises(EnvContractError) as caught:
        app_platform_envs(CONTRACT, {"ENVIRONMENT": "x", "DJANGO_SECRET_KEY": "plain!", "EXTRA": "1"}, {})
    message = str(caught.value)
    assert "EXTRA: set by the infrastructure but not declared" in message
    assert "DJANGO_SECRET_KEY: the contract marks it secret" in message


def test_missing_required_value_is_named() -> None:
    with pytest.raises(EnvContractError, match="ENVIRONMENT: required"):
        app_platform_envs(CONTRACT, {}, {"DJANGO_SECRET_KEY": "s"})


def test_registry_login_reads_docker_config_from_digitalocean() -> None:
    auth = base64.b64encode(b"tok:tok-secret").decode()
    assert registry_login(json.dumps({"auths": {"registry.digitalocean.com": {"auth": auth}}})) == ("tok", "tok-secret")
    with pytest.raises(ValueError, match="no entry"):
        registry_login(json.dumps({"auths": {}}))


def test_image_needs_a_real_tag_and_amd64() -> None:
    with pytest.raises(ValueError, match="latest"):
        DoImageArgs("coko", "basic", "fra1", "coko-staging", "latest")
    with pytest.raises(ValueError, match="amd64"):
        DoImageArgs("coko", "basic", "fra1", "coko-staging", "abc123", platform="linux/arm64")


def test_app_needs_exactly_one_beat() -> None:
    components = {r: Component(r, n, n, "apps-s-1vcpu-1gb") for r, n in (("backend", 3), ("worker", 2), ("scheduler", 2))}
    with pytest.raises(ValueError, match="exactly one"):
        AppArgs("coko-staging", "fra", "vpc", "coko-staging", "sha256:x", components, "true", "apps-s-1vcpu-1gb", [])


def test_component_alerts_carry_thresholds_and_recipients() -> None:
    alerts = component_alerts(AlertThresholds(85, 90, restarts=3, emails=["oncall@coko.africa"]))
    assert {a["rule"]: a["value"] for a in alerts} == {"CPU_UTILIZATION": 85, "MEM_UTILIZATION": 90, "RESTART_COUNT": 3}
    assert all(a["destinations"] == {"emails": ["oncall@coko.africa"]} and a["window"] == "FIVE_MINUTES" for a in alerts)


def test_spaces_need_a_cors_origin() -> None:
    with pytest.raises(ValueError, match="CORS"):
        SpacesArgs("coko-staging", "fra1", [], 30, 7, 3600)


def test_a_variable_is_either_app_wide_or_per_component() -> None:
    components = {r: Component(r, n, n, "apps-s-1vcpu-1gb") for r, n in (("backend", 3), ("worker", 2), ("scheduler", 1))}
    port = {"key": "POSTGRES_PORT", "value": "25060", "type": "GENERAL"}
    with pytest.raises(ValueError, match="POSTGRES_PORT: set both"):
        AppArgs("coko-staging", "fra", "vpc", "coko-staging", "sha256:x", components, "true", "apps-s-1vcpu-1gb", [port], component_envs={"backend": [port]})
