"""An offline preview rendered as Terraform plan JSON (the `terraform show -json <plan>` shape).

So that independent scanners that read Terraform plans (checkov, trivy, conftest/OPA) can
check a Pulumi stack: every AWS resource becomes a ``managed`` resource with its Terraform
type, attribute names and block shapes (tfschema.py); values only known after apply are
left out of ``after`` and flagged in ``after_unknown``, and ``configuration`` carries the
references to the resources they come from (from the preview's input dependencies).
Format: https://developer.hashicorp.com/terraform/internals/json-format
"""

from __future__ import annotations

import re
from typing import Any

from coko_cli.offline.tfschema import Schema, attribute, schema, terraform_type, to_terraform
from coko_contract.plan import SECRET, UNKNOWN

FORMAT_VERSION = "1.2"
# The Terraform version the document imitates (what scanners check against), not one we run.
TERRAFORM_VERSION = "1.9.8"
PROVIDER = "registry.terraform.io/hashicorp/aws"


def local_name(pulumi_name: str) -> str:
    """Terraform resource names are identifiers: ``coko-production-edge-alb`` -> ``coko_production_edge_alb``."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", pulumi_name)
    return name if name[:1].isalpha() or name[:1] == "_" else f"r_{name}"


def _split(value: Any) -> tuple[Any, Any, Any]:
    """(known value without unknowns, after_unknown mask, after_sensitive mask)."""
    if isinstance(value, dict):
        parts = {k: _split(v) for k, v in value.items()}
        known = {k: p[0] for k, p in parts.items() if not (isinstance(value[k], str) and value[k] == UNKNOWN)}
        return known, {k: p[1] for k, p in parts.items() if p[1]}, {k: p[2] for k, p in parts.items() if p[2]}
    if isinstance(value, list):
        parts_list = [_split(v) for v in value]
        return [None if v == UNKNOWN else p[0] for v, p in zip(value, parts_list, strict=True)], [p[1] for p in parts_list], [p[2] for p in parts_list]
    if value == UNKNOWN:
        return None, True, False
    if value == SECRET:
        return None, False, True
    return value, False, False


def _mirror(value: Any, refs: dict[str, Any]) -> Any:
    """Terraform's expression tree for a value computed from other resources: each unknown leaf
    (nested blocks included) refers to them. Pulumi records dependencies per top-level input, so
    inside a block every unknown leaf gets the block's references."""
    if isinstance(value, dict):
        nested = {k: m for k, v in value.items() if (m := _mirror(v, refs)) is not None}
        return nested or None
    if isinstance(value, list) and any(isinstance(v, dict) for v in value):
        return [_mirror(v, refs) or {} for v in value]
    return refs if value == UNKNOWN or (isinstance(value, list) and UNKNOWN in value) else None


def _references(pulumi_type: str, inputs: dict[str, Any], dependencies: dict[str, list[str]], addresses: dict[str, str]) -> dict[str, Any]:
    """configuration expressions: for each input computed from other resources, their addresses."""
    expressions: dict[str, Any] = {}
    for key, urns in dependencies.items():
        refs = [addresses[u] for u in urns if u in addresses]
        if not refs:
            continue
        attr = "arn" if key.lower().endswith(("arn", "arns")) else "id"
        expression = {"references": [ref for r in refs for ref in (f"{r}.{attr}", r)]}
        tf_key = attribute(pulumi_type, key)
        value = to_terraform({key: inputs.get(key)}, schema(pulumi_type)).get(tf_key)
        expressions[tf_key] = (_mirror(value, expression) if isinstance(value, list) and any(isinstance(v, dict) for v in value) else None) or expression
    return expressions


def render(stack: dict[str, Any]) -> dict[str, Any]:
    """One stack of the preview JSON -> one Terraform plan JSON document."""
    resources = [r for r in stack["resources"] if r.get("custom", True) and terraform_type(r["type"])]
    addresses: dict[str, str] = {}
    for r in resources:
        address = f"{terraform_type(r['type'])}.{local_name(r['name'])}"
        while address in addresses.values():
            address += "_"
        addresses[r["urn"]] = address
    planned, changes, configured = [], [], []
    for r in resources:
        tf_type, address = terraform_type(r["type"]), addresses[r["urn"]]
        spec: Schema | None = schema(r["type"])
        inputs = {k: v for k, v in r["inputs"].items() if k != "__defaults"}
        after, unknown, sensitive = _split(to_terraform(inputs, spec))
        common = {"address": address, "mode": "managed", "type": tf_type, "name": address.split(".", 1)[1], "provider_name": PROVIDER}
        planned.append({**common, "schema_version": 0, "values": after, "sensitive_values": sensitive})
        changes.append({**common, "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": unknown, "before_sensitive": False, "after_sensitive": sensitive}})
        configured.append(
            {
                "address": address,
                "mode": "managed",
                "type": tf_type,
                "name": common["name"],
                "provider_config_key": "aws",
                "expressions": _references(r["type"], inputs, r.get("dependencies") or {}, addresses),
            }
        )
    return {
        "format_version": FORMAT_VERSION,
        "terraform_version": TERRAFORM_VERSION,
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": PROVIDER, "expressions": {"region": {"constant_value": stack.get("region")}}}}, "root_module": {"resources": configured}},
    }
