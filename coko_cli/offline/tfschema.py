"""Pulumi AWS names -> Terraform names and block shapes, read from the installed pulumi_aws package.

pulumi-aws bridges the Terraform AWS provider, and its Python SDK keeps the Terraform shape:

- attribute names: the Python property name *is* the Terraform attribute name (the bridge
  camel-cases the Terraform name for the engine, the Python SDK snake-cases it back);
- blocks: an input typed ``XArgs`` is a nested block with at most one item (Terraform's plan
  shows it as a one-element list), ``Sequence[XArgs]`` a repeated block; maps stay objects;
- repeated blocks are pluralised by the bridge (``origin`` -> ``origins``), but their element
  class keeps the Terraform name: ``DistributionOriginArgs`` under ``Distribution`` -> ``origin``.

The wheel ships no schema and no bridge metadata (only the generated SDK), so this module
introspects the ``<Resource>Args`` classes. The resource *type* name is the bridge's module
convention (``aws:<module>/<name>:<Name>`` -> ``aws_<module>_<name>``); the wheel does not carry
the few modules whose Terraform prefix differs, which are listed in ``MODULE_PREFIX``.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import re
from dataclasses import dataclass, field
from typing import Any

# Terraform prefixes of the bridge's modules where they differ from the module name
# (pulumi-aws resources.go): EC2 networking resources have none (aws_vpc, aws_subnet,
# aws_security_group, aws_flow_log), RDS instances/groups use db_, ALB is the lb module.
MODULE_PREFIX = {"ec2": "", "rds": "db", "alb": "lb"}
TYPE_NAME = {"lb/loadBalancer": "aws_lb", "alb/loadBalancer": "aws_lb", "s3/bucketReplicationConfig": "aws_s3_bucket_replication_configuration"}
RDS_CLUSTER = re.compile(r"^cluster")
# Repeated blocks whose Terraform name is itself plural: the bridge did not pluralise them, but
# the SDK still singularised their element class (DomainLogPublishingOptionArgs).
PLURAL_IN_TERRAFORM = frozenset({"log_publishing_options", "redacted_fields"})


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])|(?<=[A-Z])([A-Z])(?=[a-z])", r"_\1\2", name).lower()


def terraform_type(pulumi_type: str) -> str | None:
    """``aws:lb/targetGroup:TargetGroup`` -> ``aws_lb_target_group``; None for non-AWS types."""
    if not pulumi_type.startswith("aws:") or pulumi_type.count(":") != 2:
        return None
    module_path = pulumi_type.split(":")[1]
    if module_path in TYPE_NAME:
        return TYPE_NAME[module_path]
    module, _, name = module_path.partition("/")
    prefix = "rds" if module == "rds" and RDS_CLUSTER.match(name) else MODULE_PREFIX.get(module, module)
    return "aws_" + (f"{prefix}_" if prefix else "") + snake(name)


@dataclass(frozen=True)
class Field:
    """One input: its Terraform name and shape (scalar, map, block, blocks); nested schemas are
    read on first use (WAF statements nest recursively)."""

    tf_name: str
    shape: str  # "scalar" | "map" | "block" (max one item) | "blocks"
    element: type | None = None
    module: Any = None
    keyed: bool = False  # a map of blocks (Mapping[str, XArgs]): keys are the user's, not properties

    @property
    def nested(self) -> Schema | None:
        return _schema(self.element, self.element.__name__.removesuffix("Args"), self.module) if self.element is not None else None


@dataclass(frozen=True)
class Schema:
    fields: dict[str, Field] = field(default_factory=dict)  # keyed by the engine (camelCase) name


def _args_class(annotation: Any, module: Any) -> tuple[type | None, bool]:
    """(XArgs class, repeated?) found in an input annotation, or (None, False) for scalars/maps."""
    text = annotation if isinstance(annotation, str) else repr(annotation)
    found = re.search(r"(?:Sequence\[)?['\"]?(\w+Args)\b", text)
    if not found:
        return None, False
    repeated = bool(re.search(r"Sequence\[[^\]]*?\b" + found.group(1), text))
    return getattr(module, found.group(1), None), repeated


def _is_map(annotation: Any) -> bool:
    text = annotation if isinstance(annotation, str) else repr(annotation)
    return "Mapping[" in text


@functools.cache
def _schema(cls: type, owner: str, module: Any) -> Schema:
    """Fields of an ``*Args`` class; ``owner`` is the class-name prefix its block classes carry."""
    from pulumi import _types

    annotations = inspect.get_annotations(cls.__init__)  # type: ignore[misc]
    fields: dict[str, Field] = {}
    for python_name, engine_name, _ in _types._py_properties(cls):
        annotation = annotations.get(python_name, "")
        element, repeated = _args_class(annotation, module)
        if element is None:
            fields[engine_name] = Field(python_name, "map" if _is_map(annotation) else "scalar")
            continue
        element_name = element.__name__.removesuffix("Args")
        singular = repeated and python_name not in PLURAL_IN_TERRAFORM and element_name.startswith(owner) and len(element_name) > len(owner)
        tf_name = snake(element_name[len(owner) :]) if singular else python_name
        fields[engine_name] = Field(tf_name, "blocks" if repeated else "block", element, module, _is_map(annotation))
    return Schema(fields)


@functools.cache
def input_class(pulumi_type: str) -> tuple[type, Any] | None:
    """(the resource's top-level ``*Args`` class, its package's ``_inputs`` module), or None when
    the package has no such resource."""
    if not pulumi_type.startswith("aws:"):
        return None
    module_path, class_name = pulumi_type.split(":")[1:]
    package = importlib.import_module(f"pulumi_aws.{module_path.split('/')[0]}")
    resource = getattr(package, class_name, None)
    # The resource's own module; when a nested block type already has the name <Name>Args
    # (Bucket's inline server-side encryption block), the SDK calls the resource's <Name>InitArgs.
    own = importlib.import_module(resource.__module__) if resource is not None else None
    args = getattr(own, f"{class_name}InitArgs", None) or getattr(own, f"{class_name}Args", None)
    inputs = getattr(package, "_inputs", None)
    if args is None or inputs is None:
        return None
    return args, inputs


@functools.cache
def schema(pulumi_type: str) -> Schema | None:
    """The input schema of an AWS resource type, or None when the package has no such class."""
    found = input_class(pulumi_type)
    if found is None:
        return None
    args, inputs = found
    return _schema(args, pulumi_type.rsplit(":", 1)[1], inputs)


def convert(value: Any, spec: Field | None) -> Any:
    """An engine value in Terraform's shape (blocks as lists) under Terraform attribute names."""
    if spec is None or spec.shape in ("scalar", "map"):
        return value
    items = value if isinstance(value, list) else [value]
    return [to_terraform(item, spec.nested) if isinstance(item, dict) else item for item in items]


def to_terraform(inputs: dict[str, Any], spec: Schema | None) -> dict[str, Any]:
    """Top-level or nested engine inputs -> Terraform attributes (unknown names kept, snake-cased)."""
    out: dict[str, Any] = {}
    for key, value in inputs.items():
        found = spec.fields.get(key) if spec else None
        out[found.tf_name if found else snake(key)] = convert(value, found)
    return out


def attribute(pulumi_type: str, engine_name: str) -> str:
    found = (schema(pulumi_type) or Schema()).fields.get(engine_name)
    return found.tf_name if found else snake(engine_name)


__all__ = ["Field", "Schema", "attribute", "input_class", "schema", "terraform_type", "to_terraform"]
