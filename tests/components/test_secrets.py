"""App secrets: one CMK-encrypted Secrets Manager secret per credential, ARNs for ECS `secrets`."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from coko_cli.offline.runner import SECRET, StackPreview
from components.app_secrets import ENV_NAMES
from tests.conftest import STACKS, of_type, stack_key

CONTRACT = Path(__file__).resolve().parents[2] / "app" / "coko" / "env_contract.py"
APP_ENV = {"DJANGO_SECRET_KEY", "SENTRY_DSN", "ORANGE_MONEY_API_KEY", "ORANGE_MONEY_SECRET", "MTN_MOMO_API_KEY", "MTN_MOMO_SECRET", "WAVE_API_KEY", "WAVE_SECRET"}


def test_each_app_secret_is_a_cmk_encrypted_secret_with_a_recovery_window(preview: StackPreview) -> None:
    key_arn = stack_key(preview).outputs["arn"]
    secrets = {s.inputs["name"]: s for s in of_type(preview, "aws:secretsmanager/secret:Secret")}
    for env in APP_ENV:
        secret = secrets[f"coko/{preview.stack}/{env}"]
        assert secret.inputs["kmsKeyId"] == key_arn
        assert secret.inputs["recoveryWindowInDays"] >= 7
        assert secret.inputs["tags"]["Project"] == "coko"


@pytest.mark.parametrize("mode", ["preview", "up"])
@pytest.mark.parametrize("stack", STACKS)
def test_secret_values_are_never_plain(previews: dict[str, dict[str, StackPreview]], mode: str, stack: str) -> None:
    versions = of_type(previews[mode][stack], "aws:secretsmanager/secretVersion:SecretVersion")
    # + REDIS_URL; the primary also keeps the generated database logins (app and master).
    assert len(versions) == len(APP_ENV) + 1 + (2 if stack == "production" else 0)
    for version in versions:
        assert version.inputs["secretString"] in {SECRET, "[unknown]"}
        if "-cache-url" not in version.name and "-db-credentials-" not in version.name:
            assert version.inputs["secretString"] == SECRET  # config secrets are known, and secret, even in preview


@pytest.mark.parametrize("stack", STACKS)
def test_secret_arns_cover_every_secret_the_app_contract_declares(up: dict[str, StackPreview], stack: str) -> None:
    arns = up[stack].outputs["secretArns"]
    assert set(arns) == APP_ENV | {"REDIS_URL", "POSTGRES_USER", "POSTGRES_PASSWORD"}
    secrets = {s.inputs["name"]: s.outputs["arn"] for s in of_type(up[stack], "aws:secretsmanager/secret:Secret")}
    for env in APP_ENV | {"REDIS_URL"}:
        assert arns[env] == secrets[f"coko/{stack}/{env}"]
        assert arns[env].startswith(f"arn:aws:secretsmanager:{up[stack].region}:")


def test_env_names_match_the_apps_secret_contract() -> None:
    spec = importlib.util.spec_from_file_location("coko_env_contract_for_secrets_test", CONTRACT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module while the class is built
    spec.loader.exec_module(module)
    # Off AWS only (a Spaces key, an SMTP login): ECS signs S3 and SES calls with the task role.
    off_aws = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD"}
    contract = {var.name for var in module.CONTRACT if var.secret and not var.one_off} - off_aws
    assert set(ENV_NAMES.values()) | {"REDIS_URL", "POSTGRES_USER", "POSTGRES_PASSWORD"} == contract
    # The one-off admin task's extra secrets (master login, password to provision) come from the stack too.
    assert {var.name for var in module.CONTRACT if var.one_off} == {"POSTGRES_MASTER_USER", "POSTGRES_MASTER_PASSWORD", "POSTGRES_APP_PASSWORD", "POSTGRES_APP_CLONE_PASSWORD"}
