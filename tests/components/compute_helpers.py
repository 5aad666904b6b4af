"""Shared lookups for the compute-tier tests (task definitions, services, parsed container definitions)."""

from __future__ import annotations

import json
from typing import Any

from coko_cli.offline.runner import StackPreview
from tests.conftest import of_type

TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
SERVICE = "aws:ecs/service:Service"
ROLES = ("backend", "worker", "scheduler")


def task_definitions(preview: StackPreview) -> dict[str, Any]:
    """role -> task definition record (by its Service tag)."""
    return {r.inputs["tags"]["Service"]: r for r in of_type(preview, TASK_DEFINITION)}


def services(preview: StackPreview) -> dict[str, Any]:
    return {r.inputs["tags"]["Service"]: r for r in of_type(preview, SERVICE)}


def container(preview: StackPreview, role: str) -> dict[str, Any]:
    """The single container definition of ``role`` (up mode: the JSON is known)."""
    raw = task_definitions(preview)[role].inputs["containerDefinitions"]
    assert raw not in ("[unknown]", "[secret]"), f"{role}: containerDefinitions is {raw} (a secret would leak into plain fields)"
    definitions = json.loads(raw)
    assert len(definitions) == 1
    return definitions[0]
