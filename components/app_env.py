"""The container environment, derived from the app's own declaration (app/coko/env_contract.py;
app/web/env-contract.json for the reader frontend).

The app and the task definitions read ONE list: the contract says which names exist, which are
secrets and which are required; the infrastructure only supplies values. So a variable the app
starts requiring without the infrastructure providing it fails the preview, and a value the
infrastructure sets that the app no longer declares fails it too -- drift is an error, not a
surprise at container start.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Protocol

import pulumi

CONTRACT_PATH = Path(__file__).resolve().parent.parent / "app" / "coko" / "env_contract.py"
WEB_CONTRACT_PATH = Path(__file__).resolve().parent.parent / "app" / "web" / "env-contract.json"
# The phases of app/web/env-contract.json: "runtime" variables come from the task environment,
# "build" ones are Docker build arguments baked into the image (never a task's business).
RUNTIME_PHASE = "runtime"
_JSON_PHASES = frozenset({RUNTIME_PHASE, "build"})
_MODULE_NAME = "coko_env_contract_infra"
_SECRET_ARN_PARTS = 7  # arn:aws:secretsmanager:<region>:<account>:secret:<name-suffix>


class ContractVar(Protocol):
    """The shape of app/coko/env_contract.py's EnvVar (duck-typed: the app owns the class); read-only,
    so frozen dataclasses (the app's EnvVar, :class:`JsonContractVar`) fit."""

    @property
    def name(self) -> str: ...
    @property
    def secret(self) -> bool: ...
    @property
    def required(self) -> bool: ...
    @property
    def description(self) -> str: ...
    @property
    def json_key(self) -> str | None: ...


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


@dataclass(frozen=True)
class JsonContractVar:
    """One variable of a JSON contract, in the shape :class:`ContractVar` describes."""

    name: str
    secret: bool
    required: bool
    description: str
    phase: str
    json_key: str | None = None


def load_json_contract(path: Path = WEB_CONTRACT_PATH, phase: str = RUNTIME_PHASE) -> tuple[JsonContractVar, ...]:
    """The ``phase`` variables of a JSON contract ({"variables": [{name, phase, required, secret, description}]}).

    Only runtime variables belong in a task definition; build-phase ones are Docker build arguments.
    Every malformed entry is reported at once, naming the file.
    """
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise EnvContractError(f"env contract not found at {path}") from None
    except (OSError, ValueError) as exc:
        raise EnvContractError(f"{path}: not a readable JSON env contract ({exc})") from None
    entries = document.get("variables") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not entries:
        raise EnvContractError(f'{path}: "variables" must be a non-empty list')
    problems: list[str] = []
    variables: list[JsonContractVar] = []
    for index, entry in enumerate(entries):
        where = f"variables[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"]:
            problems.append(f'{where}: needs a "name"')
            continue
        where = f"{where} ({entry['name']})"
        bad = []
        if entry.get("phase") not in _JSON_PHASES:
            bad.append(f'{where}: "phase" must be one of {", ".join(sorted(_JSON_PHASES))}')
        if not all(isinstance(entry.get(key), bool) for key in ("required", "secret")):
            bad.append(f'{where}: "required" and "secret" must be true or false')
        if bad:
            problems += bad
            continue
        variables.append(
            JsonContractVar(
                name=entry["name"], secret=entry["secret"], required=entry["required"], description=str(entry.get("description", "")), phase=entry["phase"]
            )
        )
    if problems:
        raise EnvContractError(f"{path}: " + "; ".join(problems))
    return tuple(v for v in variables if v.phase == phase)


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
    source: str = "app/coko/env_contract.py",
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
        raise EnvContractError(f"the container environment does not match {source}:\n  " + "\n  ".join(problems))
    return ContainerEnv(environment=environment, secrets=secrets)
