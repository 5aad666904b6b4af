"""Input property names of the pulumi-aws resource types our stacks use, from a generated file.

The pack must not import pulumi_aws (slow: reading the ``*Args`` classes of the plan's 120-odd
types costs longer than the whole `coko check`, and it is not in the pack's requirements), so
the names are a data file written by the same reader the Terraform export uses
(``coko_cli/offline/tfschema.py``). Regenerate after a pulumi-aws upgrade or a new resource type:

    uv run coko preview --all --json --out build/preview.json
    python -m policies.input_schema build/preview.json > policies/input_schema.json

A test checks the committed file against the installed pulumi_aws and the stacks' types.

File shape: ``types`` maps a type token to its input class, ``classes`` maps a class to its
properties by engine (camelCase) name, each to the nested input class to descend into, or
``""`` where a value is not an input object (scalars, lists of scalars, maps such as ``tags``,
JSON strings such as policy documents, ``Any``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("input_schema.json")


@dataclass(frozen=True)
class InputSchema:
    version: str
    types: Mapping[str, str]
    classes: Mapping[str, Mapping[str, str]]


@cache
def input_schema() -> InputSchema:
    data = json.loads(DATA.read_text())
    return InputSchema(data["pulumi-aws"], data["types"], data["classes"])


def generate(types: Iterable[str]) -> dict[str, Any]:
    """The file's content for ``types``, read from the installed pulumi_aws through tfschema."""
    from importlib.metadata import version

    from coko_cli.offline import tfschema

    classes: dict[str, dict[str, str]] = {}

    def opaque(spec: tfschema.Field) -> bool:
        """Not an input object to descend into: a map of blocks (keys are the user's), or a policy
        document, which the SDK types ``Union[str, PolicyDocumentArgs]`` (IAM) or
        ``Union[str, LifecyclePolicyDocumentArgs]`` (ECR) and the stacks write as JSON strings."""
        return spec.keyed or spec.element is None or spec.element.__name__.endswith("PolicyDocumentArgs")

    def add(cls: type, found: tfschema.Schema) -> str:
        key = f"{cls.__module__.removeprefix('pulumi_aws.')}.{cls.__qualname__}"
        if key not in classes:
            classes[key] = {}  # before the fields: nested blocks may refer back
            classes[key] = {
                name: "" if opaque(spec) or spec.nested is None else add(spec.element, spec.nested)  # type: ignore[arg-type]
                for name, spec in sorted(found.fields.items())
            }
        return key

    roots: dict[str, str] = {}
    for type_ in sorted(set(types)):
        found, schema = tfschema.input_class(type_), tfschema.schema(type_)
        if found is not None and schema is not None:
            roots[type_] = add(found[0], schema)
    return {"pulumi-aws": version("pulumi-aws"), "types": roots, "classes": dict(sorted(classes.items()))}


def render(content: dict[str, Any]) -> str:
    """One class per line, so an upgrade's diff reads property by property."""
    lines = [f'{{"pulumi-aws": {json.dumps(content["pulumi-aws"])},', '"types": {']
    lines += [",\n".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in content["types"].items()), '},', '"classes": {']
    lines += [",\n".join(f"{json.dumps(k)}: {json.dumps(v, separators=(',', ':'))}" for k, v in content["classes"].items()), "}}"]
    return "\n".join(lines) + "\n"


def plan_types(paths: Iterable[str]) -> set[str]:
    """AWS resource types of saved `coko preview --json` documents."""
    return {r["type"] for path in paths for s in json.loads(Path(path).read_text())["stacks"] for r in s["resources"] if r["type"].startswith("aws:")}


def main(argv: list[str]) -> None:
    if not argv:
        sys.exit("usage: python -m policies.input_schema PREVIEW.json... > policies/input_schema.json")
    sys.stdout.write(render(generate(plan_types(argv))))


if __name__ == "__main__":
    main(sys.argv[1:])
