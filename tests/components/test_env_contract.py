"""Containers get exactly the variables app/coko/env_contract.py declares: no more, no fewer, secrets as secrets.

The expected set is built from the contract itself, so the suite fails when the app adds a
variable the task definitions do not provide, and when the task definitions set one the app
does not declare.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from coko_cli.offline.runner import StackPreview
from components.app_env import CONTRACT_PATH, EnvContractError, build_container_env, load_contract, secret_arn
from stacks.config_source import PROJECT_ROOT, load_stack_file
from tests.components.compute_helpers import ROLES, container
from tests.conftest import STACKS

CONTRACT = load_contract()
SECRET_NAMES = {v.name for v in CONTRACT if v.secret}
PLAIN_NAMES = {v.name for v in CONTRACT if not v.secret}
ARN = "arn:aws:secretsmanager:eu-west-3:123456789012:secret:coko/x-AbCdEf"


def _configured_optionals(stack: str) -> set[str]:
    """Optional names this stack supplies: the Sentry DSN when configured, read-only mode in the replica region."""
    cfg = load_stack_file(stack)
    optional = {"TRUSTED_EGRESS_IPS"}  # the stack's NAT egress IPs, always known to the program
    if "sentryDsn" in cfg.secret_keys:
        optional.add("SENTRY_DSN")
    if not cfg.is_primary:
        optional.add("DATABASE_READ_ONLY")
    return optional


def _expected(stack: str) -> set[str]:
    return {v.name for v in CONTRACT if v.required} | _configured_optionals(stack)


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize("role", ROLES)
def test_every_container_gets_exactly_the_contract_names(up: dict[str, StackPreview], stack: str, role: str) -> None:
    defn = container(up[stack], role)
    environment = {e["name"] for e in defn["environment"]}
    secrets = {s["name"] for s in defn["secrets"]}
    provided = environment | secrets
    expected = _expected(stack)
    assert not expected - provided, f"the app requires these but the task definition lacks them: {sorted(expected - provided)}"
    assert not provided - expected, f"the task definition sets names the app does not declare: {sorted(provided - expected)}"
    assert len(defn["environment"]) == len(environment) and len(defn["secrets"]) == len(secrets), "no duplicates"


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize("role", ROLES)
def test_secret_names_only_come_through_secrets_manager(up: dict[str, StackPreview], stack: str, role: str) -> None:
    defn = container(up[stack], role)
    assert not {e["name"] for e in defn["environment"]} & SECRET_NAMES
    assert {s["name"] for s in defn["secrets"]} <= SECRET_NAMES
    for entry in defn["secrets"]:
        assert entry["valueFrom"].startswith("arn:aws:secretsmanager:"), entry
    for entry in defn["environment"]:
        assert "OFFLINEsecret" not in entry["value"], f"{entry['name']} carries a secret value in plain text"


@pytest.mark.parametrize("stack", STACKS)
def test_json_key_secrets_read_one_key_of_the_rds_secret(up: dict[str, StackPreview], stack: str) -> None:
    by_name = {s["name"]: s["valueFrom"] for s in container(up[stack], "backend")["secrets"]}
    for var in CONTRACT:
        if var.json_key and var.name in by_name:
            assert by_name[var.name].endswith(f":{var.json_key}::"), by_name[var.name]


@pytest.mark.parametrize("stack", STACKS)
def test_plain_values_match_the_stack(up: dict[str, StackPreview], stack: str) -> None:
    cfg = load_stack_file(stack)
    env = {e["name"]: e["value"] for e in container(up[stack], "backend")["environment"]}
    assert env["DJANGO_SETTINGS_MODULE"] == "coko.settings.production"
    assert env["DJANGO_ALLOWED_HOSTS"].split(",") == [cfg.domain.api, *([cfg.domain.primary_api] if cfg.domain.primary_api else [])]
    assert env["DEPLOYMENT_REGION"] == env["AWS_S3_REGION_NAME"] == cfg.region
    assert env["POSTGRES_PORT"] == "5432"
    assert env["POSTGRES_HOST"] == up[stack].outputs["databaseAddress"]
    assert env["AWS_STORAGE_BUCKET_NAME"] == up[stack].outputs["mediaBucketName"]
    assert env["AWS_STATIC_BUCKET_NAME"] == up[stack].outputs["staticBucketName"]
    assert env["OPENSEARCH_URL"] == f"https://{up[stack].outputs['searchEndpoint']}"
    assert env.get("DATABASE_READ_ONLY") == (None if cfg.is_primary else "true")


def test_contract_loads_by_path_without_django() -> None:
    code = "import sys; from components.app_env import load_contract; c = load_contract(); print(len(c), 'django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PROJECT_ROOT).stdout.split()
    assert int(out[0]) == len(CONTRACT) and out[1] == "False"
    assert CONTRACT_PATH.name == "env_contract.py"


def _full_values() -> tuple[dict[str, str], dict[str, str]]:
    return {n: "x" for n in PLAIN_NAMES}, {n: ARN for n in SECRET_NAMES}


def test_a_variable_the_app_adds_without_infra_support_fails() -> None:
    values, secrets = _full_values()
    extended = (*CONTRACT, type(CONTRACT[0])(name="NEW_REQUIRED_SETTING", secret=False, required=True, description="new"))
    with pytest.raises(EnvContractError, match="NEW_REQUIRED_SETTING: required setting"):
        build_container_env(extended, values, secrets)


def test_a_value_the_app_no_longer_declares_fails() -> None:
    values, secrets = _full_values()
    with pytest.raises(EnvContractError, match="LEGACY_SETTING: set by the infrastructure but not declared"):
        build_container_env(CONTRACT, {**values, "LEGACY_SETTING": "1"}, secrets)
    with pytest.raises(EnvContractError, match="OLD_TOKEN: a secret the infrastructure injects"):
        build_container_env(CONTRACT, values, {**secrets, "OLD_TOKEN": ARN})


def test_a_secret_supplied_as_plain_value_is_refused() -> None:
    values, secrets = _full_values()
    del secrets["DJANGO_SECRET_KEY"]
    with pytest.raises(EnvContractError, match="DJANGO_SECRET_KEY: the contract marks it secret"):
        build_container_env(CONTRACT, {**values, "DJANGO_SECRET_KEY": "plain"}, secrets)


def test_optional_names_are_skipped_when_not_configured() -> None:
    values, secrets = _full_values()
    optional = {v.name for v in CONTRACT if not v.required}
    env = build_container_env(CONTRACT, {k: v for k, v in values.items() if k not in optional}, {k: v for k, v in secrets.items() if k not in optional})
    assert env.names == {v.name for v in CONTRACT if v.required}


def test_secret_arn_strips_an_ecs_json_key_reference() -> None:
    assert secret_arn(f"{ARN}:password::") == ARN
    assert secret_arn(ARN) == ARN
