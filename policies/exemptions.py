"""Reviewed exceptions: one resource, one rule, a written reason and who approved it.

An exemption that cannot be trusted (no reason, unknown rule, resource that does not exist)
is an error, not a silent pass: a stale exemption would hide the next real violation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .framework import StackView
from .problems import PackInputError

DEFAULT_FILE = Path(__file__).with_name("exemptions.yaml")
MIN_REASON = 20
FIELDS = {"rule", "stack", "resource", "reason", "approved_by"}


ExemptionError = PackInputError  # the exemptions file is unusable


@dataclass(frozen=True)
class Exemption:
    rule: str
    resource: str
    reason: str
    approved_by: str
    stack: str | None = None

    def matches(self, rule: str, stack: str, urn: str, name: str) -> bool:
        return rule == self.rule and (self.stack is None or self.stack == stack) and self.resource in (urn, name)

    def as_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "stack": self.stack, "resource": self.resource, "reason": self.reason, "approved_by": self.approved_by}


def _one(index: int, entry: Any, rule_ids: set[str]) -> tuple[Exemption | None, list[str]]:
    where = f"exemption #{index + 1}"
    if not isinstance(entry, dict):
        return None, [f"{where}: expected a mapping with rule, resource, reason, approved_by"]
    problems = [f"{where}: unknown field {key!r}" for key in entry if key not in FIELDS]
    rule, resource = entry.get("rule"), entry.get("resource")
    reason, approver, stack = entry.get("reason"), entry.get("approved_by"), entry.get("stack")
    where = f"{where} ({rule} on {resource})"
    if not isinstance(rule, str) or rule not in rule_ids:
        problems.append(f"{where}: unknown rule {rule!r}")
    if not isinstance(resource, str) or not resource:
        problems.append(f"{where}: resource (URN or name) is required")
    if not isinstance(reason, str) or len(reason.strip()) < MIN_REASON or not reason.strip().endswith("."):
        problems.append(f"{where}: reason must be at least one sentence ({MIN_REASON}+ characters ending with a period)")
    if not isinstance(approver, str) or not approver.strip():
        problems.append(f"{where}: approved_by is required")
    if stack is not None and not isinstance(stack, str):
        problems.append(f"{where}: stack must be a stack name")
    if problems:
        return None, problems
    return Exemption(str(rule), str(resource), str(reason).strip(), str(approver).strip(), stack), []


def parse(document: Any, rule_ids: Iterable[str]) -> list[Exemption]:
    """``{"exemptions": [...]}`` (or an empty file) -> exemptions; raises ExemptionError."""
    if document is None:
        return []
    entries = document.get("exemptions") if isinstance(document, dict) else None
    if entries is None:
        entries = [] if isinstance(document, dict) and not document else None
    if not isinstance(entries, list):
        raise ExemptionError(["exemptions file: expected a top-level `exemptions:` list"])
    ids = set(rule_ids)
    found: list[Exemption] = []
    problems: list[str] = []
    for index, entry in enumerate(entries):
        exemption, errors = _one(index, entry, ids)
        problems += errors
        if exemption:
            found.append(exemption)
    if problems:
        raise ExemptionError(problems)
    return found


def load(path: Path, rule_ids: Iterable[str]) -> list[Exemption]:
    if not path.exists():
        return []
    try:
        document = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise ExemptionError([f"{path}: not valid YAML ({exc})"]) from exc
    return parse(document, rule_ids)


def check_targets(exemptions: list[Exemption], stacks: list[StackView]) -> list[str]:
    """Problems for exemptions that point at nothing in the checked stacks (stale or misspelt)."""
    checked = {s.name for s in stacks}
    problems = []
    for e in exemptions:
        if e.stack is not None and e.stack not in checked:
            continue  # about a stack not checked in this run
        targets = [s for s in stacks if e.stack in (None, s.name)]
        if not any(e.resource in (r.urn, r.name) for s in targets for r in s.resources):
            where = f"stack {e.stack}" if e.stack else "the checked stacks"
            problems.append(f"exemption {e.rule} on {e.resource!r}: no such resource in {where}")
    return problems
