"""The App Platform envs built from the app's contract: the off-AWS credentials can only be SECRET."""

from __future__ import annotations

import pytest

from components.app_env import EnvContractError, load_contract
from components.do_app import app_platform_envs

CONTRACT = load_contract()
REQUIRED_PLAIN = {v.name: "x" for v in CONTRACT if v.required and not v.secret}
REQUIRED_SECRETS = {v.name: "s" for v in CONTRACT if v.required and v.secret}


@pytest.mark.parametrize("name", ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD"])
def test_a_credential_offered_as_a_plain_value_is_refused(name: str) -> None:
    with pytest.raises(EnvContractError, match=f"{name}: the contract marks it secret; it is offered the other way"):
        app_platform_envs(CONTRACT, {**REQUIRED_PLAIN, name: "leaked"}, REQUIRED_SECRETS)


def test_credentials_are_typed_secret_and_settings_general() -> None:
    plain = {
        **REQUIRED_PLAIN,
        "AWS_S3_ENDPOINT_URL": "https://fra1.digitaloceanspaces.com",
        "POSTGRES_CA_CERT": "-----BEGIN CERTIFICATE-----",
        "EMAIL_PORT": "587",
    }
    secrets = {**REQUIRED_SECRETS, "AWS_ACCESS_KEY_ID": "DO00X", "AWS_SECRET_ACCESS_KEY": "s", "EMAIL_HOST_PASSWORD": "p"}
    types = {e["key"]: e["type"] for e in app_platform_envs(CONTRACT, plain, secrets)}
    assert {k: types[k] for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "EMAIL_HOST_PASSWORD")} == dict.fromkeys(
        ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "EMAIL_HOST_PASSWORD"), "SECRET"
    )
    assert {k: types[k] for k in ("AWS_S3_ENDPOINT_URL", "POSTGRES_CA_CERT", "EMAIL_PORT")} == dict.fromkeys(
        ("AWS_S3_ENDPOINT_URL", "POSTGRES_CA_CERT", "EMAIL_PORT"), "GENERAL"
    )


def test_the_public_ca_is_not_hidden_as_a_secret() -> None:
    with pytest.raises(EnvContractError, match="POSTGRES_CA_CERT: the contract marks it plain"):
        app_platform_envs(CONTRACT, REQUIRED_PLAIN, {**REQUIRED_SECRETS, "POSTGRES_CA_CERT": "-----BEGIN CERTIFICATE-----"})


def test_unset_off_aws_variables_are_left_out() -> None:
    keys = {e["key"] for e in app_platform_envs(CONTRACT, REQUIRED_PLAIN, REQUIRED_SECRETS)}
    assert keys == set(REQUIRED_PLAIN) | set(REQUIRED_SECRETS)
