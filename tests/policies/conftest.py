"""The offline preview as `coko preview --json` documents, shared by the policy tests."""

from __future__ import annotations

from typing import Any

import pytest

from coko_cli.offline.report import to_json
from coko_cli.offline.runner import StackPreview


@pytest.fixture(scope="session")
def plan_docs(previews: dict[str, dict[str, StackPreview]]) -> dict[str, dict[str, Any]]:
    """{mode: preview JSON document with both stacks}."""
    return {mode: to_json(list(by_stack.values())) for mode, by_stack in previews.items()}
