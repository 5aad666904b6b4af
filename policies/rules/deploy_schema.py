"""Will Pulumi accept the inputs? Every input property name exists in the provider's schema.

The Python SDK passes a key it does not know through untranslated (a misspelt property, or
``{"not_statement": {"statements": [...]}}`` where WAF's NotStatement has one ``statement``), the
offline mocks accept it, and only the provider refuses it at a real ``pulumi preview``. The names
come from the pulumi-aws package's input types (``policies/input_schema.py``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

from ..framework import ANY_AWS, SECRET, Resource, rule, unknown
from ..input_schema import InputSchema, input_schema

REGISTRY_DOCS = "https://www.pulumi.com/registry/packages/aws/api-docs/"


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _hint(key: str, names: Mapping[str, str]) -> str:
    if "_" in key and _camel(key) in names:
        return f"; the SDK passed the snake_case name through untranslated: write `{_camel(key)}`"
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.75)
    if close:
        return f"; did you mean `{close[0]}`?"
    return f"; it takes {', '.join(f'`{n}`' for n in sorted(names))}" if len(names) <= 8 else ""


def _class_name(key: str) -> str:
    return re.sub(r"(Init)?Args$", "", key.rsplit(".", 1)[1])


def _walk(value: Any, cls: str, path: str, schema: InputSchema, out: list[str]) -> None:
    """Report the keys of ``value`` (an input object, or a list of them) that ``cls`` lacks."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            _walk(item, cls, f"{path}[{i}]", schema, out)
        return
    if not isinstance(value, Mapping):  # "[unknown]", "[secret]", or a scalar where an object goes
        return
    names = schema.classes[cls]
    for key, item in value.items():
        where = f"{path}.{key}" if path else key
        if key not in names:
            out.append(f"`{where}` is not an input of {_class_name(cls)} (pulumi-aws {schema.version}){_hint(key, names)}")
        elif names[key] and not unknown(item) and item != SECRET:
            _walk(item, names[key], where, schema, out)


@rule("COKO-DEPLOY-034", (ANY_AWS,), severity="high",
      anchor=f"pulumi-aws package schema: the installed SDK's `*Args` input types (policies/input_schema.json, read by coko_cli/offline/tfschema.py); {REGISTRY_DOCS}",
      remediation="Use the property names of the pulumi-aws input type (see the Pulumi registry page of the resource).",
      unknowns="Values unknown at preview (and [secret] ones) are not descended into; maps (`tags`), JSON documents and `Any` inputs are not checked key by key; a type missing from policies/input_schema.json is skipped (a test keeps the stacks' types in it).")
def input_properties_exist(r: Resource) -> list[str]:
    """Input properties exist in the provider schema"""
    schema = input_schema()
    root = schema.types.get(r.type)
    if root is None:
        return []
    problems: list[str] = []
    _walk(r.inputs, root, "", schema, problems)
    return problems
