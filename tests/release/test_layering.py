"""Dependency arrows go CLI -> program/neutral packages -> coko_contract, never back."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(package: str) -> dict[str, set[str]]:
    """file -> top-level modules it imports (at any depth, including lazy imports)."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def test_the_program_never_imports_the_cli() -> None:
    for package in ("stacks", "components", "coko_ecs", "coko_contract"):
        for path, names in imported_modules(package).items():
            assert "coko_cli" not in names, f"{path} imports coko_cli"


def test_the_shared_runner_imports_neither_pulumi_nor_the_program() -> None:
    for path, names in imported_modules("coko_ecs").items():
        assert not names & {"pulumi", "pulumi_aws", "stacks", "components", "coko_cli"}, f"{path} imports {names}"


def test_release_steps_do_not_import_pulumi_aws() -> None:
    """Their providers are re-imported by the dynamic-provider process at every `pulumi up`."""
    assert "pulumi_aws" not in imported_modules("components")["components/release_step.py"]
