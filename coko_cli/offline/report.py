"""Render offline previews: a rich tree for humans, a stable JSON document for machines."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from coko_cli.offline.runner import StackPreview

FORMAT_VERSION = 1


def to_json(previews: list[StackPreview]) -> dict[str, Any]:
    """The documented format: {"version", "stacks": [{"stack", "region", "mode", "resources", "outputs"}]}."""
    return {"version": FORMAT_VERSION, "stacks": [p.as_json() for p in previews]}


def dumps(previews: list[StackPreview]) -> str:
    return json.dumps(to_json(previews), indent=2, sort_keys=False)


def render(console: Console, preview: StackPreview) -> None:
    """Resource tree (components and children), counts by type, stack outputs."""
    title = f"[bold]{preview.stack}[/] · {preview.region} · {preview.mode} mode · {len(preview.resources)} resources · {preview.seconds:.2f}s"
    root = Tree(title)
    children: dict[str | None, list[Any]] = {}
    urns = {r.urn for r in preview.resources}
    for record in preview.resources:
        parent = record.parent if record.parent in urns else None
        children.setdefault(parent, []).append(record)

    def add(node: Tree, parent: str | None) -> None:
        for record in sorted(children.get(parent, []), key=lambda r: (r.custom, r.type, r.name)):
            region = f" [dim]{record.region}[/]" if record.region and record.region != preview.region else ""
            label = f"[cyan]{record.type}[/] {record.name}{region}" if record.custom else f"[bold magenta]{record.type}[/] {record.name}"
            add(node.add(label), record.urn)

    add(root, None)
    console.print(root)
    counts = Table(title="Resources by type", show_edge=False)
    counts.add_column("type")
    counts.add_column("count", justify="right")
    for type_, count in sorted(Counter(r.type for r in preview.resources).items()):
        counts.add_row(type_, str(count))
    console.print(counts)
    outputs = Table(title="Stack outputs", show_edge=False)
    outputs.add_column("output")
    outputs.add_column("value", overflow="fold")
    for key, value in sorted(preview.outputs.items()):
        outputs.add_row(key, value if isinstance(value, str) else json.dumps(value))
    console.print(outputs)
