"""Generate docs/policies.md from the registered rules: `python -m policies.catalogue > docs/policies.md`."""

from __future__ import annotations

import sys

from .exemptions import DEFAULT_FILE, load
from .rules import all_rules

HEADER = """# coko-security policy catalogue

Generated from `policies/rules/` by `python -m policies.catalogue > docs/policies.md`; a test
fails when this file and the code disagree. {count} rules ({mandatory} mandatory, {advisory} advisory).

The same rule functions run in two places:

- **Offline, in CI (no cloud account, no Pulumi CLI):**

  ```sh
  uv run coko check --all                                   # tables; exit 1 on a mandatory violation
  uv run coko check --all --format sarif --out coko.sarif   # upload with github/codeql-action/upload-sarif
  uv run coko check --plan preview.json --config overrides.json
  ```

- **With the Pulumi CLI (CrossGuard), against either stack:**

  ```sh
  pulumi preview -s production --policy-pack policies
  pulumi preview -s capetown --policy-pack policies --policy-pack-config overrides.json
  ```

Override enforcement with the CrossGuard config shape, for both: `{{"COKO-RDS-008": "mandatory"}}`,
`{{"COKO-TAG-001": {{"enforcementLevel": "disabled"}}}}`, or `{{"all": "advisory"}}`.
Exit codes of `coko check`: 0 no mandatory violation, 1 a mandatory rule is violated, 2 usage,
plan, config or exemption error.

**Unknown values.** At preview, computed values (ids, ARNs) are unknown. Like CrossGuard, a rule
skips a value that is `[unknown]` (no violation); values redacted as `[secret]` are present.
Relationship rules (flow logs, bucket companions, WAF logging) link resources by name and parent
component when ids are unknown. Run `coko check --all --mode up` to evaluate resolved values.

**Exceptions** live in `policies/exemptions.yaml` (rule, optional stack, resource URN or name, a
reason of at least one sentence, approved_by). Every report lists the exemptions it used; an
exemption without a reason, for an unknown rule, or for a resource the checked stacks lack is an error.

| id | severity | enforcement | kind | what it checks | anchor |
| --- | --- | --- | --- | --- | --- |
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render() -> str:
    rules = all_rules()
    mandatory = sum(r.enforcement == "mandatory" for r in rules)
    lines = [HEADER.format(count=len(rules), mandatory=mandatory, advisory=len(rules) - mandatory)]
    lines += [f"| {r.id} | {r.severity} | {r.enforcement} | {r.kind} | {_cell(r.title)} | {_cell(r.anchor)} |\n" for r in rules]
    lines.append("\n## Rules in detail\n")
    for r in rules:
        applies = ", ".join(f"`{t}`" for t in r.types) if r.types else "the whole stack"
        lines.append(
            f"\n### {r.id}\n\n{r.title}. Severity **{r.severity}**, **{r.enforcement}**. Applies to {applies}.\n\n"
            f"- Anchor: {r.anchor}\n- Remediation: {r.remediation}\n- Unknown values: {r.unknowns}\n"
        )
    exemptions = load(DEFAULT_FILE, {r.id for r in rules})
    lines.append(f"\n## Current exemptions ({len(exemptions)})\n\n| rule | stack | resource | reason | approved by |\n| --- | --- | --- | --- | --- |\n")
    lines += [f"| {e.rule} | {e.stack or 'any'} | {e.resource} | {_cell(e.reason)} | {_cell(e.approved_by)} |\n" for e in exemptions]
    return "".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render())
