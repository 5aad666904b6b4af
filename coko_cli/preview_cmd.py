"""`coko preview`: the real program under the Pulumi SDK mock runtime, no cloud account needed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from coko_cli.errors import EXIT_FAILED, EXIT_USAGE, fail
from stacks.config_source import ConfigError

if TYPE_CHECKING:  # the runner imports the Pulumi SDK: load it only when a preview runs
    from coko_cli.offline.runner import StackPreview

MODES = ("preview", "up")
FORMATS = ("text", "json", "terraform-plan")


def select_stacks(stacks: list[str], all_stacks: bool) -> list[str]:
    """Stack names from the arguments, or every Pulumi.<stack>.yaml with --all."""
    from coko_cli.offline.runner import known_stacks

    known = known_stacks()
    if all_stacks and stacks:
        fail("give stack names or --all, not both")
    chosen = known if all_stacks else stacks
    if not chosen:
        fail(f"name a stack ({', '.join(known)}) or use --all")
    unknown = [s for s in chosen if s not in known]
    if unknown:
        fail(f"unknown stack {', '.join(unknown)}: no Pulumi.<stack>.yaml (known: {', '.join(known)})")
    return chosen


def run_previews(stacks: list[str], mode: str) -> list[StackPreview]:
    """Run and turn every expected failure into one message and exit code 2 (config) or 1 (program)."""
    from coko_cli.offline.runner import PreviewError, run_stacks

    if mode not in MODES:
        fail(f"--mode must be one of {', '.join(MODES)}, not {mode!r}")
    try:
        return run_stacks(stacks, mode)  # type: ignore[arg-type]
    except ConfigError as exc:
        fail(exc.problems, EXIT_USAGE)
    except PreviewError as exc:
        fail(str(exc), EXIT_FAILED)


def export_terraform_plans(stacks: list[str], all_stacks: bool, mode: str, out: Path | None, plan: Path | None) -> None:
    """`--format terraform-plan --out DIR`: DIR/<stack>.tfplan.json per stack, from a fresh preview or --plan."""
    import json

    from coko_cli.offline import report, tfplan

    if out is None:
        fail("--format terraform-plan needs --out DIR (one <stack>.tfplan.json per stack)")
    if plan is not None:
        if stacks or all_stacks:
            fail("give --plan or stack names/--all, not both")
        try:
            document = json.loads(plan.read_text())
            chosen = [s for s in document["stacks"] if isinstance(s, dict) and isinstance(s.get("stack"), str) and isinstance(s.get("resources"), list)]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            fail(f"--plan {plan}: not a `coko preview --json` document ({exc})")
        if not chosen:
            fail(f"--plan {plan}: no stacks with resources")
    else:
        previews = run_previews(select_stacks(stacks, all_stacks), mode)
        leaks = [leak for p in previews for leak in p.leaks]
        if leaks:
            fail([f"secret value in a plain (non-secret) field: {leak}" for leak in leaks], EXIT_FAILED)
        chosen = report.to_json(previews)["stacks"]
    out.mkdir(parents=True, exist_ok=True)
    for stack in chosen:
        target = out / f"{stack['stack']}.tfplan.json"
        rendered = tfplan.render(stack)
        if not rendered["resource_changes"]:
            typer.echo(f"{stack['stack']}: no AWS resources, no Terraform plan written")
            continue
        target.write_text(json.dumps(rendered, indent=1) + "\n")
        typer.echo(f"{target}: {len(rendered['resource_changes'])} resources")


def register(app: typer.Typer) -> None:
    @app.command()
    def preview(
        stacks: Annotated[list[str] | None, typer.Argument(help="Stack names (production, capetown).", show_default=False)] = None,
        all_stacks: Annotated[bool, typer.Option("--all", help="Every stack with a Pulumi.<stack>.yaml.")] = False,
        mode: Annotated[str, typer.Option(help="preview: computed outputs unknown (pulumi preview); up: all resolved.")] = "preview",
        as_json: Annotated[bool, typer.Option("--json", help="Print the documented JSON document instead of the tree.")] = False,
        out: Annotated[Path | None, typer.Option(help="Write the JSON document to this file (a directory with --format terraform-plan).")] = None,
        output_format: Annotated[str, typer.Option("--format", help="text, json, or terraform-plan (one `terraform show -json` file per stack in --out DIR).")] = "text",
        plan: Annotated[Path | None, typer.Option(help="With --format terraform-plan: render a saved `coko preview --json` file instead of previewing.")] = None,
    ) -> None:
        """Offline preview: run the real program with each stack file's config under the mock runtime.

        Needs no Pulumi CLI, no AWS credentials and no secrets. Exit codes: 0 ok; 1 the program
        failed or a secret leaked into a plain value; 2 bad arguments or stack configuration.
        """
        from coko_cli.offline import report

        if output_format not in FORMATS:
            fail(f"--format must be one of {', '.join(FORMATS)}, not {output_format!r}")
        if output_format == "terraform-plan" or plan is not None:
            export_terraform_plans(stacks or [], all_stacks, mode, out, plan)
            return
        as_json = as_json or output_format == "json"
        previews = run_previews(select_stacks(stacks or [], all_stacks), mode)
        if out is not None:
            out.write_text(report.dumps(previews) + "\n")
        if as_json:
            typer.echo(report.dumps(previews))
        elif out is None:
            from coko_cli.ci_text import preview_lines, wants_tree

            console = Console(emoji=False)
            for p in previews:
                if wants_tree(console):
                    report.render(console, p)
                else:
                    preview_lines(console, p)
        leaks = [leak for p in previews for leak in p.leaks]
        if leaks:
            fail([f"secret value in a plain (non-secret) field: {leak}" for leak in leaks], EXIT_FAILED)
