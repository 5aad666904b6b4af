"""Copies of the project with edited stack files, to preview configurations the committed files don't use."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from stacks.config_source import PROJECT_ROOT

STACK_FILES = ("production", "capetown")


def project_variant(root: Path, edit: Callable[[str, dict[str, Any]], None]) -> Path:
    """``root`` becomes a project whose stack files are the committed ones after ``edit(stack, config)``."""
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(PROJECT_ROOT / name, root / name)
    for name in ("stacks", "components", "app", "coko_cli", "coko_contract"):
        (root / name).symlink_to(PROJECT_ROOT / name)
    for stack in STACK_FILES:
        data = yaml.safe_load((PROJECT_ROOT / f"Pulumi.{stack}.yaml").read_text())
        edit(stack, data["config"])
        (root / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump(data))
    return root
