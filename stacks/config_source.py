"""Reading stack configuration: ``Pulumi.<stack>.yaml`` for the CLI, the engine's flat map for the program.

Both go through :func:`parse_config`, so a typo or an unsafe value is reported the same way
(one line per problem, naming the file and key) before any resource is declared.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import yaml
from pydantic import ValidationError

from coko_contract.names import PROJECT
from coko_contract.problems import ProblemsError
from stacks.config import REQUIRED_SECRETS, SECRET_KEYS, StackConfig, role_problems

if TYPE_CHECKING:
    from stacks.do_config import DoStackConfig

AnyStackConfig: TypeAlias = "StackConfig | DoStackConfig"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Provider namespaces a stack may set, by its cloud; other providers' keys are refused.
PROVIDER_NAMESPACES: dict[str, frozenset[str]] = {
    "aws": frozenset({"aws", "docker", "pulumi"}),
    "digitalocean": frozenset({"digitalocean", "docker", "pulumi"}),
}
KNOWN_PROVIDERS = frozenset({"aws", "digitalocean", "docker", "pulumi", "gcp", "azure", "azure-native", "kubernetes"})


class ConfigError(ProblemsError):
    """A stack file that cannot be deployed; ``problems`` holds one line per mistake."""


def project_root() -> Path:
    """Where Pulumi.yaml and the stack files live; COKO_PROJECT_ROOT points elsewhere (tests, forks)."""
    return Path(os.environ.get("COKO_PROJECT_ROOT") or PROJECT_ROOT)


@dataclass(frozen=True)
class CloudModel:
    """What reading a stack file depends on per cloud: the model, its region key, secrets, cross-field rules."""

    model: type[Any]
    region_key: str
    required_secrets: Mapping[str, str]
    secret_keys: Mapping[str, str]
    problems: Callable[[Mapping[str, Any]], list[str]]


def cloud_model(cloud: str) -> CloudModel | None:
    """The model of ``coko:cloud``; DigitalOcean's module loads only for a DigitalOcean stack."""
    if cloud == "aws":
        return CloudModel(StackConfig, "aws:region", REQUIRED_SECRETS, SECRET_KEYS, role_problems)
    if cloud == "digitalocean":
        from stacks import do_config

        return CloudModel(do_config.DoStackConfig, do_config.REGION_KEY, do_config.DO_REQUIRED_SECRETS, do_config.DO_SECRET_KEYS, do_config.do_problems)
    return None


def _format_loc(loc: tuple[int | str, ...], region_key: str = "aws:region") -> str:
    """('network', 'cidr') -> 'coko:network.cidr'; list indexes as [i]."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    head, _, rest = out.partition(".")
    key = region_key if head == "region" else f"{PROJECT}:{head}"
    return key + ("." + rest if rest else "")


def _problem_text(error: Any) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown setting (check the spelling against the README's config reference)"
    if error["type"] == "missing":
        return "required setting is missing"
    message: str = error["msg"]
    return message.removeprefix("Value error, ")


def parse_config(stack: str, raw: Mapping[str, Any], secret_keys: set[str], source: str) -> AnyStackConfig:
    """Validate flat ``ns:key`` config with the model of its ``coko:cloud``; raise ConfigError with one line per problem."""
    problems: list[str] = []
    data: dict[str, Any] = {"stack": stack, "secretKeys": frozenset()}
    declared_secrets: set[str] = set()
    cloud = raw.get(f"{PROJECT}:cloud", "aws")
    spec = cloud_model(cloud)
    if spec is None:
        raise ConfigError([f"{source}: {PROJECT}:cloud: {cloud!r} is not a supported cloud (aws, digitalocean)"])
    providers = PROVIDER_NAMESPACES.get(cloud, frozenset())
    for key, value in raw.items():
        namespace, _, name = key.partition(":")
        if key == spec.region_key:
            data["region"] = value
        elif name == "region" and namespace in (PROJECT, cloud):
            problems.append(f"{source}: {key}: not a setting of a {cloud} stack; its region is {spec.region_key}")
        elif namespace == PROJECT and name in spec.secret_keys:
            if key not in secret_keys:
                problems.append(f"{source}: {key}: must be a secret; run `pulumi config set --secret {key} <value> -s {stack}`")
            declared_secrets.add(name)
        elif namespace == PROJECT:
            data[name] = value
        elif namespace in providers:
            continue  # provider settings belong to the providers
        elif namespace in KNOWN_PROVIDERS:
            problems.append(f"{source}: {key}: this stack deploys to {cloud} ({PROJECT}:cloud); settings of the {namespace} provider do not belong here")
        else:
            problems.append(f"{source}: {key}: unknown config namespace {namespace!r} (project settings live under {PROJECT}:)")
    for name in sorted(set(spec.required_secrets) - declared_secrets):
        problems.append(f"{source}: {PROJECT}:{name}: required secret ({spec.required_secrets[name]}) is missing; run `pulumi config set --secret {PROJECT}:{name} <value> -s {stack}`")
    problems += [f"{source}: {line}" for line in spec.problems(data)]
    try:
        config = spec.model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = _format_loc(tuple(error["loc"]), spec.region_key)
            line = f"{source}: {loc}: {_problem_text(error)}"
            if line not in problems and loc != spec.region_key:
                problems.append(line)
        raise ConfigError(problems) from None
    if problems:
        raise ConfigError(problems)
    return config.model_copy(update={"secret_keys": frozenset(declared_secrets)})


def stack_file(stack: str, root: Path | None = None) -> Path:
    return (root or project_root()) / f"Pulumi.{stack}.yaml"


def read_stack_file(stack: str, root: Path | None = None) -> tuple[dict[str, Any], set[str]]:
    """Flat config and secret keys from Pulumi.<stack>.yaml, as the Pulumi engine would pass them."""
    root = root or project_root()
    path = stack_file(stack, root)
    if not path.is_file():
        known = sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in root.glob("Pulumi.*.yaml"))
        raise ConfigError([f"{path.name}: no such stack file (known stacks: {', '.join(known) or 'none'})"])
    try:
        document = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        raise ConfigError([f"{path.name}: not valid YAML: {exc}"]) from None
    config = document.get("config") or {}
    if not isinstance(config, dict):
        raise ConfigError([f"{path.name}: config: must be a mapping of settings"])
    raw: dict[str, Any] = {}
    secrets: set[str] = set()
    for key, value in config.items():
        if isinstance(value, dict) and set(value) == {"secure"}:
            secrets.add(key)
            raw[key] = value["secure"]
        else:
            raw[key] = value
    return raw, secrets


def load_stack_file(stack: str, root: Path | None = None) -> AnyStackConfig:
    """The CLI's entry: validate Pulumi.<stack>.yaml without Pulumi."""
    raw, secrets = read_stack_file(stack, root)
    return parse_config(stack, raw, secrets, stack_file(stack, root).name)


def decode_engine_config(raw: Mapping[str, str]) -> dict[str, Any]:
    """Pulumi passes structured values as JSON strings; decode those, keep scalars as text."""
    decoded: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str) and value[:1] in "{[":
            try:
                decoded[key] = json.loads(value)
                continue
            except json.JSONDecodeError:
                pass
        decoded[key] = value
    return decoded
