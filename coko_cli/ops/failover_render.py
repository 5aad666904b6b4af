"""The failover timeline, as a table for people and a JSON document for machines."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from coko_cli.ops.failover import Timeline
from coko_cli.ops.failover_steps import Context
from coko_cli.ops.render import Output

STYLES = {"done": "green", "already": "cyan", "planned": "yellow", "manual": "yellow", "skipped": "dim", "failed": "bold red"}


def print_timeline(out: Output, ctx: Context, timeline: Timeline) -> None:
    title = f"Failover {ctx.target.primary.stack} → {ctx.target.secondary.stack}" + (" (dry run)" if ctx.dry_run else "")
    table = Table(title=title, title_justify="left")
    for column in ("Step", "Outcome", "Seconds", "Detail"):
        table.add_column(column, justify="right" if column == "Seconds" else "left", overflow="fold")
    for result in timeline.results:
        style = STYLES.get(result.outcome, "")
        table.add_row(result.title, f"[{style}]{result.outcome}[/]" if style else result.outcome, f"{result.seconds:.2f}", result.detail)
    table.add_section()
    table.add_row("[bold]Total[/]", "", f"[bold]{timeline.total:.2f}[/]", "measured wall-clock time of this run")
    out.print(table)


def timeline_json(ctx: Context, timeline: Timeline, outcome: str) -> dict[str, Any]:
    code = 0 if timeline.error is None else timeline.error.code
    return {
        "ok": timeline.error is None,
        "exitCode": code,
        "from": {"stack": ctx.target.primary.stack, "region": ctx.target.forbidden_region},
        "to": {"stack": ctx.target.secondary.stack, "region": ctx.target.region},
        "dryRun": ctx.dry_run,
        "outcome": outcome,
        "steps": [r.as_json() for r in timeline.results],
        "totalSeconds": round(timeline.total, 3),
        "error": None if timeline.error is None else {"code": timeline.error.code, "message": timeline.error.message, "hint": timeline.error.hint},
        **ctx.facts,
    }
