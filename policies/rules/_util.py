"""Small helpers shared by rule modules (JSON inputs, IAM statements, CIDRs)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ..framework import SECRET, UNKNOWN, Resource, ResourceCheck, StackView, as_list, unknown

WORLD = {"0.0.0.0/0", "::/0"}
EDGE_REGION = "us-east-1"  # CloudFront reads its certificate and WAF web ACL only from here


def parse_json(value: Any) -> Any:
    """JSON-string inputs (IAM policies, ECS containerDefinitions); UNKNOWN/SECRET/invalid pass through."""
    if isinstance(value, dict | list):
        return value
    if not isinstance(value, str) or value in (UNKNOWN, SECRET):
        return value
    if UNKNOWN in value:
        return UNKNOWN  # an interpolated unknown: the document is not final at preview
    try:
        return json.loads(value)
    except ValueError:
        return None


def statements(document: Any) -> list[dict[str, Any]]:
    """IAM policy statements, whatever shape (single object or list)."""
    if not isinstance(document, dict):
        return []
    return [s for s in as_list(document.get("Statement")) if isinstance(s, dict)]


def policy_statements(r: Resource, key: str) -> list[dict[str, Any]] | None:
    """Statements of a JSON policy input (trust, bucket, IAM policy); None while the document is
    unknown at preview, so the rule skips it."""
    document = parse_json(r.get(key))
    return None if unknown(document) else statements(document)


def known(value: Any) -> bool:
    """Present and not unknown at preview: a value a rule can judge."""
    return value is not None and not unknown(value)


def truthy(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() == "true")


def is_false(value: Any) -> bool:
    """Explicitly off or absent (absent means the AWS default, which for these flags is off)."""
    return not unknown(value) and not truthy(value)


__all__ = ["EDGE_REGION", "SECRET", "UNKNOWN", "WORLD", "as_list", "is_false", "known", "parse_json", "policy_statements", "statements", "truthy", "unknown"]


def owner(companion: Resource, targets: list[Resource], key: str) -> Resource | None:
    """The target a companion resource (PAB, flow log, logging config) belongs to.

    Ids are computed, so at preview the reference is unknown: fall back on the Pulumi naming
    convention (companion named after its target, or the only such target, in the same parent
    component). After `up`, physical names and
    ARNs contain the logical name (auto-naming appends a suffix). Longest name wins, so
    ``media-logs`` does not claim ``media``'s companions.
    """
    ref = companion.get(key)
    known = isinstance(ref, str) and ref and not unknown(ref)
    best: Resource | None = None
    siblings = [t for t in targets if t.parent == companion.parent]
    if not known and len(siblings) == 1:
        return siblings[0]  # the only candidate created by the same component
    for target in targets:
        if known:
            physical = [target.name, target.inputs.get("bucket"), target.inputs.get("name")]
            hit = any(isinstance(p, str) and p and not unknown(p) and (ref == p or p in str(ref)) for p in physical)
        else:
            hit = companion.parent == target.parent and companion.name.startswith(target.name)
        if hit and (best is None or len(target.name) > len(best.name)):
            best = target
    return best


def companion_violations(stack: StackView, targets: tuple[str, ...], companions: tuple[str, ...], key: str, what: str) -> list[tuple[str, str]]:
    """(urn, message) for each target that no companion of the given types points at."""
    found = stack.of_type(*targets)
    covered = {id(t) for c in stack.of_type(*companions) if (t := owner(c, found, key)) is not None}
    return [(t.urn, f"{t.name} has no {what}") for t in found if id(t) not in covered]


def off(r: Resource, key: str) -> list[str]:
    """The problem when a setting the rule wants on is explicitly false (unset or unknown passes: the default is on)."""
    value = r.get(key)
    return [f"{key} is {value!r}"] if is_false(value) else []


def other_than(r: Resource, key: str, wanted: Any) -> list[str]:
    """The problem when a known setting is not the one value the rule accepts."""
    value = r.get(key)
    return [] if unknown(value) or value == wanted else [f"{key} is {value!r}"]


# Ready-made checks for rules about one setting (``framework.Spec`` rows), so such a rule is
# its metadata plus one of these; the messages name the input as the engine spells it.


def enabled(*keys: str, when: Callable[[Resource], bool] | None = None) -> ResourceCheck:
    """None of these settings is explicitly off (unset or unknown passes: the default is on);
    with ``when``, only resources it accepts are judged."""

    def check(r: Resource) -> list[str]:
        if when is not None and not when(r):
            return []
        return [problem for key in keys for problem in off(r, key)]

    return check


def disabled(key: str) -> ResourceCheck:
    """The setting is not turned on (``publiclyAccessible``, ``mapPublicIpOnLaunch``)."""

    def check(r: Resource) -> list[str]:
        return [f"{key} is true"] if truthy(r.get(key)) else []

    return check


def equals(key: str, wanted: Any) -> ResourceCheck:
    """The setting, where known, is the one value the rule accepts."""

    def check(r: Resource) -> list[str]:
        return other_than(r, key, wanted)

    return check


def present(key: str, note: str = "") -> ResourceCheck:
    """The setting has a value; an unknown one counts (it is computed, so it will be set)."""
    message = f"{key} is not set" + (f" ({note})" if note else "")

    def check(r: Resource) -> list[str]:
        return [] if r.get(key) else [message]

    return check
