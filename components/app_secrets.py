"""App secrets: Pulumi config secrets become Secrets Manager secrets the ECS tasks read via ``secrets``.

Values never leave Pulumi's secret channel: ``secret_string`` is always a Pulumi secret, and what
this component exposes are ARNs (ECS ``valueFrom``), which are not sensitive.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

# Stack config key -> environment variable the app reads (see app/coko/env_contract.py).
ENV_NAMES: dict[str, str] = {
    "djangoSecretKey": "DJANGO_SECRET_KEY",
    "sentryDsn": "SENTRY_DSN",
    "orangeMoneyApiKey": "ORANGE_MONEY_API_KEY",
    "orangeMoneySecret": "ORANGE_MONEY_SECRET",
    "mtnMomoApiKey": "MTN_MOMO_API_KEY",
    "mtnMomoSecret": "MTN_MOMO_SECRET",
    "waveApiKey": "WAVE_API_KEY",
    "waveSecret": "WAVE_SECRET",
}


@dataclass(frozen=True)
class AppSecretsArgs:
    """``values`` maps config keys (camelCase) to Pulumi secrets; keys not in ENV_NAMES are ignored."""

    values: Mapping[str, pulumi.Output[str]]
    kms_key_arn: pulumi.Input[str]
    name_prefix: str
    recovery_window_days: int = 7
    tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 7 <= self.recovery_window_days <= 30:
            raise ValueError("recovery window must be 7..30 days (0 would delete a secret with no way back)")
        if not self.name_prefix.strip("/"):
            raise ValueError("name_prefix is required (secrets are named <prefix>/<ENV_NAME>)")


def secret_with_value(
    resource_name: str,
    *,
    secret_name: str,
    description: str,
    value: pulumi.Input[str],
    kms_key_arn: pulumi.Input[str],
    recovery_window_days: int,
    tags: Mapping[str, str],
    parent: pulumi.Resource,
) -> aws.secretsmanager.Secret:
    """A CMK-encrypted secret and its current version; the value is forced to be a Pulumi secret."""
    child = pulumi.ResourceOptions(parent=parent)
    secret = aws.secretsmanager.Secret(
        resource_name,
        name=secret_name,
        description=description,
        kms_key_id=kms_key_arn,
        recovery_window_in_days=recovery_window_days,
        tags=dict(tags),
        opts=child,
    )
    aws.secretsmanager.SecretVersion(
        f"{resource_name}-value",
        secret_id=secret.id,
        secret_string=pulumi.Output.secret(value),
        opts=child,
    )
    return secret


class AppSecrets(pulumi.ComponentResource):
    """One secret per app credential; :attr:`value_from` is ENV NAME -> secret ARN for ECS."""

    value_from: dict[str, pulumi.Output[str]]

    def __init__(self, name: str, args: AppSecretsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("coko:data:AppSecrets", name, {}, opts)
        prefix = args.name_prefix.strip("/")
        self.value_from = {}
        for key, env in ENV_NAMES.items():
            if key not in args.values:
                continue  # optional secret (SENTRY_DSN) not configured: the app runs without it
            secret = secret_with_value(
                f"{name}-{env.lower().replace('_', '-')}",
                secret_name=f"{prefix}/{env}",
                description=f"Coko {env} (from Pulumi config {key})",
                value=args.values[key],
                kms_key_arn=args.kms_key_arn,
                recovery_window_days=args.recovery_window_days,
                tags=args.tags,
                parent=self,
            )
            self.value_from[env] = secret.arn
        self.register_outputs({"secretArns": dict(self.value_from)})
