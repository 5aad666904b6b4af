"""Entry of the Pulumi program: read and validate config, then build the stack for its role."""

from __future__ import annotations

import pulumi
from pulumi.runtime import config as runtime_config

from coko_contract.names import PROJECT
from stacks.config import SECRET_KEYS
from stacks.config_source import AnyStackConfig, ConfigError, decode_engine_config, parse_config


def load_config() -> AnyStackConfig:
    """The engine's flat config, through the same model the CLI uses; errors without traceback."""
    raw = decode_engine_config(runtime_config.CONFIG.get())
    secret_keys = {key for key in raw if runtime_config.is_config_secret(key)}
    stack = pulumi.get_stack()
    try:
        return parse_config(stack, raw, secret_keys, f"Pulumi.{stack}.yaml")
    except ConfigError as exc:
        # RunError is printed by Pulumi as a plain message, without a Python traceback.
        raise pulumi.RunError("invalid stack configuration:\n" + str(exc)) from None


def app_secrets(cfg: AnyStackConfig) -> dict[str, pulumi.Output[str]]:
    """Secret config values as Pulumi secrets (never plain strings)."""
    config = pulumi.Config(PROJECT)
    return {name: config.require_secret(name) for name in SECRET_KEYS if name in cfg.secret_keys}


def run() -> None:
    cfg = load_config()
    secrets = app_secrets(cfg)
    if cfg.cloud == "digitalocean":  # the builder (and pulumi_digitalocean) loads only for such a stack
        from stacks.digitalocean import build_digitalocean

        outputs = build_digitalocean(cfg, secrets)
    elif cfg.is_primary:
        from stacks.primary import build_primary

        outputs = build_primary(cfg, secrets)
    else:
        from stacks.secondary import build_secondary

        outputs = build_secondary(cfg, secrets)
    for key, value in outputs.items():
        pulumi.export(key, value)
