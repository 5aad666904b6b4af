"""Dependency direction: CLI -> stacks/components -> coko_contract, and nothing points back."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_packages(package: str) -> dict[str, set[str]]:
    """module path -> top-level packages it imports (absolute imports, wherever they appear)."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        tops: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                tops |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                tops.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = tops
    return found


@pytest.mark.parametrize("package", ["stacks", "components"])
def test_the_program_never_imports_the_cli(package: str) -> None:
    offenders = {module for module, tops in imported_packages(package).items() if "coko_cli" in tops}
    assert not offenders, f"{sorted(offenders)} import coko_cli: the program must not depend on the CLI"


def test_components_do_not_depend_on_the_stacks() -> None:
    offenders = {module for module, tops in imported_packages("components").items() if "stacks" in tops}
    assert not offenders, f"{sorted(offenders)} import stacks: components take settings, not stack knowledge"


def test_the_contract_package_is_neutral() -> None:
    forbidden = {"coko_cli", "stacks", "components", "pulumi", "pulumi_aws", "boto3", "botocore"}
    offenders = {module: sorted(tops & forbidden) for module, tops in imported_packages("coko_contract").items() if tops & forbidden}
    assert not offenders, f"coko_contract must import neither side nor a cloud SDK: {offenders}"


def test_the_cli_reads_names_from_the_contract_not_literals() -> None:
    """The tag values and name prefix the CLI matches on come from coko_contract.names."""
    for path in (ROOT / "coko_cli" / "ops").rglob("*.py"):
        text = path.read_text()
        assert 'f"coko-{' not in text, f"{path.name} builds a physical name by hand; use coko_contract.names"
        assert '== "coko"' not in text, f"{path.name} hard-codes the project tag; use names.PROJECT"
