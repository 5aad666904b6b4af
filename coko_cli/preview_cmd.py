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


def register(app: typer.Typer) -> None:
    @app.command()
    def preview(
        stacks: Annotated[list[str] | None, typer.Argument(help="Stack names (production, capetown).", show_default=False)] = None,
        all_stacks: Annotated[bool, typer.Option("--all", help="Every stack with a Pulumi.<stack>.yaml.")] = False,
        mode: Annotated[str, typer.Option(help="preview: computed outputs unknown (pulumi preview); up: all resolved.")] = "preview",
        as_json: Annotated[bool, typer.Option("--json", help="Print the documented JSON document instead of the tree.")] = False,
        out: Annotated[Path | None, typer.Option(help="Write the JSON document to this file.")] = None,
    ) -> None:
        """Offline preview: run the real program with each stack file's config under the mock runtime.

        Needs no Pulumi CLI, no AWS credentials and no secrets. Exit codes: 0 ok; 1 the program
        failed or a secret leaked into a plain value; 2 bad arguments or stack configuration.
        """
        from coko_cli.offline import report

        previews = run_previews(select_stacks(stacks or [], all_stacks), mode)
        if out is not None:
            out.write_text(report.dumps(previews) + "\n")
        if as_json:
            typer.echo(report.dumps(previews))
        elif out is None:
            console = Console(emoji=False)
            for p in previews:
                report.render(console, p)
        leaks = [leak for p in previews for leak in p.leaks]
        if leaks:
            fail([f"secret value in a plain (non-secret) field: {leak}" for leak in leaks], EXIT_FAILED)
