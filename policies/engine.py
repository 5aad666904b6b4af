"""Evaluate the rules over offline-preview stacks: overrides, exemptions, findings.

This is what `coko check` runs; the CrossGuard adapter runs the same rule functions but lets
the Pulumi engine apply enforcement levels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, cast

from .exemptions import Exemption
from .framework import ENFORCEMENTS, Enforcement, Resource, Rule, StackView
from .problems import PackInputError

PREVIEW_VERSION = 1


PolicyConfigError = PackInputError  # bad --config / plan input (one class for every input error)


@dataclass(frozen=True)
class Finding:
    rule: Rule
    enforcement: Enforcement
    stack: str
    urn: str
    name: str
    type: str
    message: str
    exemption: Exemption | None = None

    def as_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "rule": self.rule.id,
            "severity": self.rule.severity,
            "enforcement": self.enforcement,
            "stack": self.stack,
            "urn": self.urn,
            "name": self.name,
            "type": self.type,
            "message": self.message,
            "remediation": self.rule.remediation,
        }
        if self.exemption:
            found["exemption"] = self.exemption.as_json()
        return found


@dataclass
class Report:
    stacks: list[str]
    rules: list[Rule]
    levels: dict[str, Enforcement]
    findings: list[Finding] = field(default_factory=list)
    exempted: list[Finding] = field(default_factory=list)
    exemptions: list[Exemption] = field(default_factory=list)

    @property
    def mandatory(self) -> list[Finding]:
        return [f for f in self.findings if f.enforcement == "mandatory"]

    def as_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "stacks": self.stacks,
            "passed": not self.mandatory,
            "summary": {"rules": len(self.rules), "violations": len(self.findings), "mandatory": len(self.mandatory), "exempted": len(self.exempted)},
            "violations": [f.as_json() for f in self.findings],
            "exempted": [f.as_json() for f in self.exempted],
            "exemptions": [e.as_json() for e in self.exemptions],
        }


def parse_levels(config: Any, rules: list[Rule]) -> dict[str, Enforcement]:
    """CrossGuard policy-pack config shape -> effective level per rule id (``all`` sets every rule)."""
    levels: dict[str, Enforcement] = {r.id: r.enforcement for r in rules}
    if config is None:
        return levels
    if not isinstance(config, Mapping):
        raise PolicyConfigError(["policy config: expected a JSON object {rule-id: level | {enforcementLevel: level}}"])
    problems = []
    ordered = sorted(config.items(), key=lambda kv: kv[0] != "all")  # "all" first, specific ids win
    for key, value in ordered:
        level = value.get("enforcementLevel") if isinstance(value, Mapping) else value
        if key != "all" and key not in levels:
            problems.append(f"policy config: unknown rule {key!r}")
        elif level not in ENFORCEMENTS:
            problems.append(f"policy config: {key}: enforcement level must be one of {', '.join(ENFORCEMENTS)}, not {level!r}")
        elif key == "all":
            levels = dict.fromkeys(levels, cast(Enforcement, level))
        else:
            levels[key] = cast(Enforcement, level)
    if problems:
        raise PolicyConfigError(problems)
    return levels


def evaluate(stacks: list[StackView], rules: list[Rule], levels: Mapping[str, Enforcement], exemptions: list[Exemption]) -> Report:
    """Run every enabled rule over every stack; exempted findings are kept apart, not dropped."""
    report = Report([s.name for s in stacks], rules, dict(levels))
    used: list[Exemption] = []
    for checked in stacks:
        stack = replace(checked, peers=tuple(s for s in stacks if s is not checked))
        by_urn = {r.urn: r for r in stack.resources}
        for rule in rules:
            level = levels.get(rule.id, rule.enforcement)
            if level == "disabled":
                continue
            hits: list[tuple[str, str]] = [(r.urn, m) for r in stack.resources for m in rule.evaluate(r)]
            hits += [(v.urn, v.message) for v in rule.evaluate_stack(stack)]
            for urn, message in hits:
                resource = by_urn.get(urn)
                name, type_ = (resource.name, resource.type) if resource else (urn.split("::")[-1], "")
                exemption = next((e for e in exemptions if e.matches(rule.id, stack.name, urn, name)), None)
                finding = Finding(rule, level, stack.name, urn, name, type_, message, exemption)
                if exemption:
                    report.exempted.append(finding)
                    if exemption not in used:
                        used.append(exemption)
                else:
                    report.findings.append(finding)
    report.exemptions = used
    return report


def stacks_from_preview(document: Any) -> list[StackView]:
    """`coko preview --json` document -> StackViews; raises PolicyConfigError naming what is wrong."""
    where = "plan"
    if not isinstance(document, Mapping):
        raise PolicyConfigError([f"{where}: expected a JSON object with version and stacks (from `coko preview --json`)"])
    if document.get("version") != PREVIEW_VERSION:
        raise PolicyConfigError([f"{where}: version must be {PREVIEW_VERSION}, got {document.get('version')!r}"])
    stacks = document.get("stacks")
    if not isinstance(stacks, list) or not stacks:
        raise PolicyConfigError([f"{where}: `stacks` must be a non-empty list"])
    problems: list[str] = []
    views: list[StackView] = []
    for i, stack in enumerate(stacks):
        if not isinstance(stack, Mapping) or not isinstance(stack.get("stack"), str) or not isinstance(stack.get("resources"), list):
            problems.append(f"{where}: stacks[{i}] needs a string `stack` and a `resources` list")
            continue
        resources = []
        for j, r in enumerate(stack["resources"]):
            label = f"{where}: {stack['stack']}.resources[{j}]"
            if not isinstance(r, Mapping):
                problems.append(f"{label}: expected an object")
                continue
            missing = [k for k in ("urn", "type", "name") if not isinstance(r.get(k), str)]
            if missing or not isinstance(r.get("inputs", {}), Mapping):
                problems.append(f"{label}: needs string {', '.join(missing) or 'urn/type/name'} and an `inputs` object")
                continue
            region, options, dependencies = r.get("region"), r.get("options"), r.get("dependencies")
            resources.append(
                Resource(
                    r["type"],
                    r["name"],
                    r["urn"],
                    region if isinstance(region, str) else None,
                    r.get("inputs") or {},
                    r.get("parent"),
                    options=options if isinstance(options, Mapping) else {},  # absent in plans saved before options existed
                    dependencies=dependencies if isinstance(dependencies, Mapping) else {},
                )
            )
        views.append(StackView(stack["stack"], tuple(resources)))
    if problems:
        raise PolicyConfigError(problems[:20] + ([f"... and {len(problems) - 20} more"] if len(problems) > 20 else []))
    return views
