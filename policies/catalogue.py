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
  uv run coko check --plan preview.json --config overrides.json   # a saved `coko preview --json`
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

**Will AWS accept it? (`COKO-DEPLOY-*`, mandatory).** The offline preview's mocks accept
anything; these rules refuse what AWS documents as refused: physical-name lengths and character
sets (Pulumi's auto-name adds `-` and 7 random characters, so 8 characters count), enum values
and ranges, Fargate CPU/memory sizes, instance classes per engine, and unsupported combinations
(read replica of an RDS-managed-password source, CloudFront certificate or WAF outside
us-east-1, CloudFront logs to an opt-in Region, KMS conditions inconsistent with S3 Bucket Keys,
a certificate used before validation, a patch-pinned engine with auto minor upgrades). The
limits are read at check time from botocore's service models (`botocore/data/<service>/<date>/
service-2.json`: min/max/pattern/enum, or the constraint sentence of the parameter's
documentation, `policies/aws_models.py`); where the model is silent the anchor names the AWS
page. Each rule's anchor is its source. tflint's AWS ruleset is the Terraform counterpart.
Before AWS, the provider: COKO-DEPLOY-034 reports input keys that the pulumi-aws input type
lacks (a misspelt property, a key the SDK passed through untranslated), at any depth; the names
are `policies/input_schema.json`, regenerated after a pulumi-aws upgrade or a new resource type
with `python -m policies.input_schema build/preview.json > policies/input_schema.json`.

**Lifecycle (`COKO-LIFE-*`).** The preview JSON carries each resource's options (`options`:
protect, retainOnDelete, deleteBeforeReplace, ignoreChanges, replaceOnChanges, dependsOn,
provider, importId) and the resources each input was computed from (`dependencies`), so rules
check that stateful resources are protected, that final snapshot names cannot collide and that
names leave headroom. CrossGuard does not expose retainOnDelete or dependsOn: there, those
options are unknown and skipped.

**Independent scanners on a Terraform-plan export.** `coko preview --format terraform-plan --out
DIR` writes `DIR/<stack>.tfplan.json` in the `terraform show -json` shape (planned_values,
resource_changes with after/after_unknown, configuration references for values known only after
apply); `--plan preview.json` renders a saved preview instead of running one. Types follow the
bridge's module convention; attribute names and block shapes come from the installed pulumi_aws
package (`coko_cli/offline/tfschema.py`). Then, without network:

  ```sh
  uv run coko preview --all --json --out build/preview.json          # preview once
  uv run coko check --plan build/preview.json                        # our pack
  uv run coko preview --format terraform-plan --plan build/preview.json --out build/tfplan
  uv tool run --from checkov==3.3.30 checkov -d build/tfplan --framework terraform_plan --skip-download
  trivy config --skip-check-update --skip-version-check build/tfplan/production.tfplan.json   # embedded checks, no download
  conftest test build/tfplan/production.tfplan.json -p my-policies/   # your Rego over input.resource_changes
  ```

  `make checkov` runs the checkov line in CI (checkov pins boto3 1.35, which our boto3>=1.40
  excludes, so it lives in an isolated `uv tool` environment; `--skip-download` keeps it
  offline) and fails on any parsing error or failed check missing from the reviewed
  `policies/checkov_skips.yaml` (check, resource address, reason); entries that no longer fail
  are printed as stale.

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
