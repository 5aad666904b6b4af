"""CrossGuard adapter: wrap the plain rules in pulumi_policy Resource/StackValidationPolicy objects.

Unknown values arrive as pulumi_policy sentinels behind a proxy that raises on access; they are
unwrapped and mapped to ``UNKNOWN`` so rules skip them the same way as under `coko check`.
The engine applies enforcement levels (``--policy-pack-config``); exemptions are applied here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import _DictProxy, _is_unknown, _ListProxy

from .exemptions import DEFAULT_FILE, Exemption, load
from .framework import UNKNOWN, Resource, Rule, StackView

LEVELS = {"mandatory": EnforcementLevel.MANDATORY, "advisory": EnforcementLevel.ADVISORY, "disabled": EnforcementLevel.DISABLED}
SEVERITIES = {"critical": Severity.CRITICAL, "high": Severity.HIGH, "medium": Severity.MEDIUM, "low": Severity.LOW}


def plain(value: Any) -> Any:
    """Proxy/sentinel-laden props -> plain dicts/lists with UNKNOWN for values unknown at preview."""
    if isinstance(value, _DictProxy | _ListProxy):
        value = value["__target"]
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, str) and _is_unknown(value):
        return UNKNOWN
    return value


def _region(props: dict[str, Any], provider: Any) -> str | None:
    region = props.get("region")
    if isinstance(region, str):
        return region
    if provider is not None:
        provider_region = plain(provider.props).get("region")
        if isinstance(provider_region, str):
            return provider_region
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")


def _parent(resource: Any) -> str | None:
    parent = getattr(resource, "parent", None)
    if parent is not None:
        return str(parent.urn)
    opts = getattr(resource, "opts", None)
    return getattr(opts, "parent", None) if opts is not None else None


def options(opts: Any, provider: Any) -> dict[str, Any]:
    """CrossGuard's PolicyResourceOptions in the preview JSON's shape. It carries no retainOnDelete
    and no declared dependsOn, so those are UNKNOWN here (rules skip them)."""
    if opts is None:
        return {}
    return {
        "protect": bool(getattr(opts, "protect", False)),
        "retainOnDelete": UNKNOWN,
        "deleteBeforeReplace": bool(getattr(opts, "delete_before_replace", False)),
        "ignoreChanges": sorted(getattr(opts, "ignore_changes", None) or []),
        "dependsOn": UNKNOWN,
        "provider": str(provider.urn) if provider is not None and getattr(provider, "urn", None) else None,
    }


def to_resource(type_: str, props: Any, urn: str, name: str, provider: Any, parent: str | None, opts: Any = None, property_dependencies: Any = None) -> Resource:
    inputs = plain(props)
    region = _region(inputs, provider) if type_.startswith("aws:") else None
    dependencies = {key: [str(d.urn) for d in deps] for key, deps in (property_dependencies or {}).items() if deps}
    return Resource(type_, name, urn, region, inputs, parent, secrets_marked=False, options=options(opts, provider), dependencies=dependencies)


def _exempt(exemptions: list[Exemption], rule_id: str, urn: str, name: str) -> bool:
    stack = urn.split(":")[2] if urn.startswith("urn:pulumi:") else os.environ.get("PULUMI_STACK", "")
    return any(e.matches(rule_id, stack, urn, name) for e in exemptions)


def _resource_validator(rule: Rule, exemptions: list[Exemption]) -> Callable[[ResourceValidationArgs, Callable[..., None]], None]:
    def validate(args: ResourceValidationArgs, report_violation: Callable[..., None]) -> None:
        if not rule.applies(args.resource_type) or _exempt(exemptions, rule.id, args.urn, args.name):
            return
        resource = to_resource(args.resource_type, args.props, args.urn, args.name, args.provider, _parent(args), args.opts)
        for message in rule.evaluate(resource):
            report_violation(f"{args.name}: {message}. {rule.remediation}", None)

    return validate


def _stack_validator(rule: Rule, exemptions: list[Exemption]) -> Callable[[StackValidationArgs, Callable[..., None]], None]:
    def validate(args: StackValidationArgs, report_violation: Callable[..., None]) -> None:
        resources = [
            to_resource(r.resource_type, r.props, r.urn, r.name, r.provider, _parent(r), r.opts, r.property_dependencies)
            for r in args.resources
            if isinstance(r, PolicyResource)
        ]
        stack = resources[0].stack if resources else os.environ.get("PULUMI_STACK", "")
        names = {r.urn: r.name for r in resources}
        for violation in rule.evaluate_stack(StackView(stack, tuple(resources))):
            if not _exempt(exemptions, rule.id, violation.urn, names.get(violation.urn, "")):
                report_violation(f"{violation.message}. {rule.remediation}", violation.urn)

    return validate


def policy(rule: Rule, exemptions: list[Exemption]) -> Policy:
    common: dict[str, Any] = {
        "name": rule.id,
        "description": f"{rule.title} ({rule.anchor})",
        "enforcement_level": LEVELS[rule.enforcement],
        "severity": SEVERITIES[rule.severity],
        "remediation_steps": rule.remediation,
        "tags": ["coko", rule.kind],
    }
    if rule.stack_check is not None:
        return StackValidationPolicy(validate=_stack_validator(rule, exemptions), **common)
    return ResourceValidationPolicy(validate=_resource_validator(rule, exemptions), **common)


def build_policies(rules: list[Rule]) -> list[Policy]:
    """One CrossGuard policy per rule; exemptions from policies/exemptions.yaml are honoured."""
    exemptions = load(DEFAULT_FILE, {r.id for r in rules})
    return [policy(rule, exemptions) for rule in rules]
