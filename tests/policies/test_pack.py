"""The CrossGuard side: the pack builds without serving, unknowns map like `coko check`, docs match code."""

from __future__ import annotations

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy
from pulumi_policy.proxy import UNKNOWN_BOOLEAN_VALUE, unknown_checking_proxy

from policies import catalogue, crossguard
from policies.framework import UNKNOWN
from policies.rules import all_rules
from policies.taggable import scan, taggable_types

ROOT = Path(__file__).resolve().parents[2]
PACK = ROOT / "policies"


def test_pack_builds_from_inside_its_directory_without_serving() -> None:
    """Pulumi runs the pack dir with runpy and the dir as cwd; under another run_name nothing serves."""
    code = (
        "import runpy; ns = runpy.run_path('.', run_name='coko_pack_probe'); kw = ns['build_pack_kwargs']();"
        "print(kw['name'], len(kw['policies']))"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([sys.executable, "-c", code], cwd=PACK, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["coko-security", str(len(all_rules()))]


def test_pack_metadata_and_policy_kinds() -> None:
    kwargs = runpy.run_path(str(PACK), run_name="coko_pack_probe")["build_pack_kwargs"]()
    policies = kwargs["policies"]
    assert kwargs["enforcement_level"] == EnforcementLevel.MANDATORY
    by_name = {p.name: p for p in policies}
    assert isinstance(by_name["COKO-RDS-001"], ResourceValidationPolicy)
    assert isinstance(by_name["COKO-NET-001"], StackValidationPolicy)
    assert by_name["COKO-LOG-002"].enforcement_level == EnforcementLevel.ADVISORY
    assert (PACK / "PulumiPolicy.yaml").read_text().count("runtime: python") == 1
    assert "pulumi-policy>=1.21,<2" in (PACK / "requirements.txt").read_text()


def test_crossguard_unknowns_become_unknown_and_are_skipped() -> None:
    props = unknown_checking_proxy({"storageEncrypted": UNKNOWN_BOOLEAN_VALUE, "tags": {"Project": "coko"}, "list": [UNKNOWN_BOOLEAN_VALUE]})
    assert crossguard.plain(props) == {"storageEncrypted": UNKNOWN, "tags": {"Project": "coko"}, "list": [UNKNOWN]}


class _Args:
    def __init__(self, type_: str, props: dict[str, object], name: str) -> None:
        self.resource_type, self.props, self.name = type_, unknown_checking_proxy(props), name
        self.urn = f"urn:pulumi:production::coko::{type_}::{name}"
        self.opts = None
        self.provider = None


@pytest.mark.parametrize(("props", "expected"), [({"storageEncrypted": False}, 1), ({"storageEncrypted": UNKNOWN_BOOLEAN_VALUE}, 0), ({"storageEncrypted": True}, 0)])
def test_crossguard_policy_reports_through_report_violation(props: dict[str, object], expected: int) -> None:
    rule = next(r for r in all_rules() if r.id == "COKO-RDS-001")
    policy = crossguard.policy(rule, [])
    reported: list[str] = []
    policy.validate(_Args("aws:rds/instance:Instance", props, "db"), lambda message, urn=None: reported.append(message))  # type: ignore[attr-defined]
    assert len(reported) == expected


def test_crossguard_honours_exemptions() -> None:
    from policies.exemptions import Exemption

    rule = next(r for r in all_rules() if r.id == "COKO-RDS-001")
    policy = crossguard.policy(rule, [Exemption("COKO-RDS-001", "db", "A reviewed reason that is long enough.", "me", "production")])
    reported: list[str] = []
    policy.validate(_Args("aws:rds/instance:Instance", {"storageEncrypted": False}, "db"), lambda message, urn=None: reported.append(message))  # type: ignore[attr-defined]
    assert reported == []


def test_committed_catalogue_matches_the_code() -> None:
    assert (ROOT / "docs" / "policies.md").read_text() == catalogue.render(), "regenerate: python -m policies.catalogue > docs/policies.md"


def test_catalogue_shows_both_ci_usages() -> None:
    text = catalogue.render()
    assert "coko check --all --format sarif --out coko.sarif" in text and "pulumi preview -s production --policy-pack policies" in text


def test_taggable_list_matches_installed_pulumi_aws() -> None:
    import pulumi_aws

    assert set(scan(Path(pulumi_aws.__file__).parent)) == set(taggable_types())
    assert "aws:rds/instance:Instance" in taggable_types() and "aws:iam/rolePolicy:RolePolicy" not in taggable_types()
