"""The container environment, derived from the app's own declaration (app/coko/env_contract.py).

The app and the task definitions read ONE list: the contract says which names exist, which are
secrets and which are required; the infrastructure only supplies values. So a variable the app
starts requiring without the infrastructure providing it fails the preview, and a value the
infrastructure sets that the app no longer declares fails it too -- drift is an error, not a
surprise at container start.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Protocol

import pulumi

CONTRACT_PATH = Path(__file__).resolve().parent.parent / "app" / "coko" / "env_contract.py"
_MODULE_NAME = "coko_env_contract_infra"
_SECRET_ARN_PARTS = 7  # arn:aws:secretsmanager:<region>:<account>:secret:<name-suffix>


class ContractVar(Protocol):
    """The shape of app/coko/env_contract.py's EnvVar (duck-typed: the app owns the class)."""

    name: str
    secret: bool
    required: bool
    description: str
    json_key: str | None


class EnvContractError(ValueError):
    """The infrastructure cannot give the app exactly what its contract declares."""


def load_contract(path: Path = CONTRACT_PATH) -> tuple[ContractVar, ...]:
    """Load CONTRACT by file path: importing the app package would pull in Django."""
    if not path.is_file():
        raise EnvContractError(f"env contract not found at {path} (the app declares its variables there)")
    module = sys.modules.get(_MODULE_NAME)
    if module is None or getattr(module, "__file__", None) != str(path):
        spec = importlib.util.spec_from_file_location(_MODULE_NAME, path)
        if spec is None or spec.loader is None:
            raise EnvContractError(f"cannot load the env contract from {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[_MODULE_NAME] = module  # dataclasses resolve annotations through sys.modules
        spec.loader.exec_module(module)
    return _contract_of(module)


def _contract_of(module: ModuleType) -> tuple[ContractVar, ...]:
    contract = getattr(module, "CONTRACT", None)
    if not isinstance(contract, tuple) or not contract:
        raise EnvContractError(f"{module.__file__}: CONTRACT must be a non-empty tuple of EnvVar")
    return contract


def secret_arn(value_from: str) -> str:
    """The bare secret ARN (what IAM grants on) from an ARN or an ECS ``<arn>:<json_key>::`` reference."""
    return ":".join(value_from.split(":")[:_SECRET_ARN_PARTS])


def _value_from(reference: pulumi.Input[str], json_key: str | None) -> pulumi.Input[str]:
    """ECS reads one key of a JSON secret with ``<arn>:<json_key>:<version-stage>:<version-id>``."""
    if json_key is None:
        return reference
    return pulumi.Output.from_input(reference).apply(lambda ref: f"{secret_arn(ref)}:{json_key}::")


@dataclass(frozen=True)
class ContainerEnv:
    """ECS ``environment`` and ``secrets`` lists, sorted by name for stable task definitions."""

    environment: list[dict[str, pulumi.Input[str]]]
    secrets: list[dict[str, pulumi.Input[str]]]

    @property
    def names(self) -> set[str]:
        return {str(e["name"]) for e in self.environment} | {str(s["name"]) for s in self.secrets}


def build_container_env(
    contract: Sequence[ContractVar],
    values: Mapping[str, pulumi.Input[str]],
    secret_refs: Mapping[str, pulumi.Input[str]],
) -> ContainerEnv:
    """Match supplied values to the contract in both directions; every mismatch is reported at once.

    ``values`` are plain settings (become ``environment``); ``secret_refs`` are Secrets Manager
    ARNs (become ``secrets``; a JSON-key entry gets the ``:<json_key>::`` suffix). Optional names
    are included when supplied and skipped otherwise.
    """
    by_name = {var.name: var for var in contract}
    problems: list[str] = []
    for name in sorted(set(values) - set(by_name)):
        problems.append(f"{name}: set by the infrastructure but not declared in the app's env contract")
    for name in sorted(set(secret_refs) - set(by_name)):
        problems.append(f"{name}: a secret the infrastructure injects but the app's env contract does not declare")
    environment: list[dict[str, pulumi.Input[str]]] = []
    secrets: list[dict[str, pulumi.Input[str]]] = []
    for var in sorted(contract, key=lambda v: v.name):
        if var.secret:
            if var.name in values:
                problems.append(f"{var.name}: the contract marks it secret; it must come from Secrets Manager, not a plain value")
            elif var.name in secret_refs:
                secrets.append({"name": var.name, "valueFrom": _value_from(secret_refs[var.name], var.json_key)})
            elif var.required:
                problems.append(f"{var.name}: required secret ({var.description}) has no Secrets Manager entry in this stack")
        else:
            if var.name in secret_refs:
                problems.append(f"{var.name}: the contract marks it plain; it must not be injected as a secret")
            elif var.name in values:
                environment.append({"name": var.name, "value": values[var.name]})
            elif var.required:
                problems.append(f"{var.name}: required setting ({var.description}) has no value in this stack")
    if problems:
        raise EnvContractError("the container environment does not match app/coko/env_contract.py:\n  " + "\n  ".join(problems))
    return ContainerEnv(environment=environment, secrets=secrets)
