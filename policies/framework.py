"""Rule model shared by the CrossGuard pack and `coko check`: plain data in, messages out.

Rules never import pulumi or pulumi_policy, so tests and the CLI call them directly; the
adapters (``crossguard.py``, ``engine.py``) only translate inputs and reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

# Placeholders written by the offline preview (coko_cli/offline/runner.py) and mirrored here so
# the pack does not depend on the CLI. CrossGuard hands unknowns to Python policies as None/absent
# at preview; the adapter maps those paths to UNKNOWN where it can tell.
UNKNOWN = "[unknown]"
SECRET = "[secret]"

Severity = Literal["critical", "high", "medium", "low"]
Enforcement = Literal["mandatory", "advisory", "disabled"]
ANY_AWS = "aws:*"
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low")
ENFORCEMENTS: tuple[Enforcement, ...] = ("mandatory", "advisory", "disabled")


def unknown(value: Any) -> bool:
    """True for a value that is only known after deployment (rules skip it, like CrossGuard at preview)."""
    return isinstance(value, str) and value == UNKNOWN


def get(obj: Any, path: str, default: Any = None) -> Any:
    """Dotted lookup in nested inputs (``viewerCertificate.minimumProtocolVersion``); stops at unknowns."""
    current = obj
    for part in path.split("."):
        if unknown(current):
            return UNKNOWN
        if not isinstance(current, Mapping) or part not in current:
            return default
        current = current[part]
    return current


def as_list(value: Any) -> list[Any]:
    """Inputs that may be a single object or a list (e.g. ``rules``), or absent."""
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def number(value: Any) -> float | None:
    """Engine numbers arrive as floats or strings; None when absent or not numeric."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Resource:
    """One resource as a rule sees it: engine (camelCase) input names, like CrossGuard's props."""

    type: str
    name: str
    urn: str
    region: str | None
    inputs: Mapping[str, Any]
    parent: str | None = None
    # False under CrossGuard, which hands Python policies secrets decrypted: rules that look
    # for "[secret]" redaction (a secret in a plain field) can only judge the offline preview.
    secrets_marked: bool = True
    # Resource options (protect, retainOnDelete, deleteBeforeReplace, ignoreChanges, dependsOn,
    # provider, importId); an option a source cannot see is UNKNOWN, an absent one None/missing.
    options: Mapping[str, Any] = field(default_factory=dict)
    # Input key -> URNs it depends on (values known only after those resources are created).
    dependencies: Mapping[str, Any] = field(default_factory=dict)

    @property
    def stack(self) -> str:
        """Stack name from the URN (``urn:pulumi:<stack>::<project>::...``)."""
        parts = self.urn.split(":")
        return parts[2] if len(parts) > 2 and self.urn.startswith("urn:pulumi:") else ""

    def get(self, path: str, default: Any = None) -> Any:
        return get(self.inputs, path, default)

    def option(self, name: str) -> Any:
        """A resource option (``protect``, ``retainOnDelete``...); None when not set."""
        return self.options.get(name)

    @property
    def tags(self) -> Mapping[str, Any]:
        tags = self.inputs.get("tags")
        return tags if isinstance(tags, Mapping) else {}


@dataclass(frozen=True)
class StackView:
    """Every resource of one stack, for rules about relationships (flow logs, bucket companions)."""

    name: str
    resources: tuple[Resource, ...]
    # The other stacks checked in the same run (`coko check` of several stacks), for rules about
    # cross-stack references such as a replica's source; empty under CrossGuard.
    peers: tuple[StackView, ...] = field(default=(), compare=False, repr=False)

    def of_type(self, *types: str) -> list[Resource]:
        return [r for r in self.resources if r.type in types]


@dataclass(frozen=True)
class Violation:
    rule: str
    urn: str
    message: str


ResourceCheck = Callable[[Resource], list[str]]
SKIPS_UNKNOWNS = "Values unknown at preview are skipped (no violation), as CrossGuard does."
StackCheck = Callable[[StackView], Iterable[tuple[str, str]]]


@dataclass(frozen=True)
class Rule:
    """Metadata plus exactly one of ``check`` (per resource of ``types``) or ``stack_check``."""

    id: str
    title: str
    severity: Severity
    enforcement: Enforcement
    anchor: str
    remediation: str
    types: tuple[str, ...] = ()
    check: ResourceCheck | None = None
    stack_check: StackCheck | None = None
    unknowns: str = SKIPS_UNKNOWNS
    module: str = field(default="", compare=False)

    @property
    def kind(self) -> str:
        return "stack" if self.stack_check else "resource"

    def applies(self, type_: str) -> bool:
        """``aws:*`` in ``types`` means every AWS resource (providers excluded)."""
        return type_ in self.types or (ANY_AWS in self.types and type_.startswith("aws:"))

    def evaluate(self, resource: Resource) -> list[str]:
        if self.check is None or not self.applies(resource.type):
            return []
        return self.check(resource)

    def evaluate_stack(self, stack: StackView) -> list[Violation]:
        if self.stack_check is None:
            return []
        return [Violation(self.id, urn, message) for urn, message in self.stack_check(stack)]


REGISTRY: dict[str, Rule] = {}


def _register(rule: Rule) -> None:
    if rule.id in REGISTRY:
        raise ValueError(f"duplicate rule id {rule.id}")
    if rule.severity not in SEVERITIES or rule.enforcement not in ("mandatory", "advisory"):
        raise ValueError(f"{rule.id}: bad severity or enforcement")
    REGISTRY[rule.id] = rule


CheckFn = TypeVar("CheckFn", ResourceCheck, StackCheck)


def rule(
    id: str,
    types: Iterable[str],
    *,
    severity: Severity,
    anchor: str,
    remediation: str,
    title: str | None = None,
    enforcement: Enforcement = "mandatory",
    unknowns: str | None = None,
    stack: bool = False,
) -> Callable[[CheckFn], CheckFn]:
    """Register a per-resource rule (the function returns one message per problem, empty = pass),
    or with ``stack=True`` a stack rule (the function yields (urn, message) pairs).

    The title is the first line of the function's docstring (what the rule checks, beside the
    code that checks it); ``title=`` only where the title is computed (from a constant)."""

    def decorate(fn: CheckFn) -> CheckFn:
        check = {"stack_check": fn} if stack else {"check": fn}
        heading = _title(id, fn, title)
        found = Rule(id, heading, severity, enforcement, anchor, remediation, tuple(types), unknowns=unknowns or SKIPS_UNKNOWNS, module=fn.__module__, **check)  # type: ignore[arg-type]
        _register(found)
        return fn

    return decorate


def _title(id: str, fn: Callable[..., Any], title: str | None) -> str:
    doc = (fn.__doc__ or "").strip()
    if bool(doc) == bool(title):
        raise ValueError(f"{id}: give the title once, as the docstring's first line or as title=")
    return title or doc.splitlines()[0]


def stack_rule(id: str, **meta: Any) -> Callable[[StackCheck], StackCheck]:
    """Register a stack rule: same metadata as ``rule`` without ``types``."""
    return rule(id, (), stack=True, **meta)


@dataclass(frozen=True)
class Spec:
    """A per-resource rule written as data: for rules whose whole check is a shared, ready-made
    one (``_util.enabled("deletionProtection")``), so a table row says all there is to say.

    Rows read: id, types, check; title, severity; anchor; remediation; then any keywords.
    """

    id: str
    types: Sequence[str]
    check: ResourceCheck
    title: str
    severity: Severity
    anchor: str
    remediation: str
    enforcement: Enforcement = "mandatory"
    unknowns: str = SKIPS_UNKNOWNS


def register(module: str, specs: Iterable[Spec]) -> None:
    """Register a module's table of specs (``module`` is its ``__name__``, as ``@rule`` records)."""
    for s in specs:
        _register(Rule(s.id, s.title, s.severity, s.enforcement, s.anchor, s.remediation, tuple(s.types), s.check, unknowns=s.unknowns, module=module))
