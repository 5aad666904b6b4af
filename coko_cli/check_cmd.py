"""`coko check`: the policy pack's rules over the offline preview (or a saved plan), no cloud needed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from coko_cli.errors import EXIT_FAILED, EXIT_OK, EXIT_USAGE, fail

FORMATS = ("text", "json", "sarif")


def _load_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        fail(f"{what} {path}: no such file")
    except (OSError, ValueError) as exc:
        fail(f"{what} {path}: not valid JSON ({exc})")


def _stacks(stacks: list[str], all_stacks: bool, plan: Path | None, mode: str) -> list[Any]:
    """StackViews from a saved plan, or from a fresh offline preview of the chosen stacks."""
    from policies.engine import PolicyConfigError, stacks_from_preview

    if plan is not None:
        if stacks or all_stacks:
            fail("give --plan or stack names/--all, not both")
        try:
            return stacks_from_preview(_load_json(plan, "--plan"))
        except PolicyConfigError as exc:
            fail([f"{plan}: {p}" for p in exc.problems])
    from coko_cli.offline.report import to_json
    from coko_cli.preview_cmd import run_previews, select_stacks

    previews = run_previews(select_stacks(stacks, all_stacks), mode)
    return stacks_from_preview(to_json(previews))


def _render(report: Any, console: Console) -> None:
    """Tables in a wide terminal, one finding per line elsewhere (a CI log): coko_cli/ci_text.py."""
    from coko_cli.ci_text import check_report

    check_report(report, console)


def register(app: typer.Typer) -> None:
    @app.command()
    def check(
        stacks: Annotated[list[str] | None, typer.Argument(help="Stack names (production, capetown).", show_default=False)] = None,
        all_stacks: Annotated[bool, typer.Option("--all", help="Every stack with a Pulumi.<stack>.yaml.")] = False,
        plan: Annotated[Path | None, typer.Option(help="Check a saved `coko preview --json` file instead of running the preview.")] = None,
        mode: Annotated[str, typer.Option(help="preview: computed outputs unknown (rules skip them); up: all resolved.")] = "preview",
        output_format: Annotated[str, typer.Option("--format", help="text (tables), json, or sarif (2.1.0, GitHub code scanning).")] = "text",
        out: Annotated[Path | None, typer.Option(help="Write the json/sarif document to this file.")] = None,
        config: Annotated[Path | None, typer.Option(help='Enforcement overrides, CrossGuard shape: {"COKO-RDS-001": "advisory"} or {"ID": {"enforcementLevel": "disabled"}}.')] = None,
        exemptions_file: Annotated[Path | None, typer.Option("--exemptions", help="Reviewed exceptions (default policies/exemptions.yaml).")] = None,
    ) -> None:
        """Policy check: the coko-security rules (docs/policies.md) over the offline preview.

        Same rule functions as `pulumi preview --policy-pack policies`. Exit codes: 0 no mandatory
        rule violated; 1 a mandatory rule is violated; 2 bad arguments, plan, config or exemptions.
        """
        from policies import exemptions as exemption_file
        from policies.engine import PolicyConfigError, evaluate, parse_levels
        from policies.rules import all_rules
        from policies.sarif import to_sarif

        if output_format not in FORMATS:
            fail(f"--format must be one of {', '.join(FORMATS)}, not {output_format!r}")
        rules = all_rules()
        try:
            levels = parse_levels(_load_json(config, "--config") if config else None, rules)
        except PolicyConfigError as exc:
            fail(exc.problems)
        path = exemptions_file or exemption_file.DEFAULT_FILE
        if exemptions_file is not None and not path.exists():
            fail(f"--exemptions {path}: no such file")
        try:
            exemptions = exemption_file.load(path, {r.id for r in rules})
        except exemption_file.ExemptionError as exc:
            fail([f"{path.name}: {p}" for p in exc.problems])
        views = _stacks(stacks or [], all_stacks, plan, mode)
        stale = exemption_file.check_targets(exemptions, views)
        if stale:
            fail([f"{path.name}: {p}" for p in stale], EXIT_USAGE)
        report = evaluate(views, rules, levels, exemptions)
        document = None
        if output_format == "json":
            document = report.as_json()
        elif output_format == "sarif":
            document = to_sarif(report)
        if document is not None:
            text = json.dumps(document, indent=2)
            if out is not None:
                out.write_text(text + "\n")
            else:
                typer.echo(text)
        elif out is not None:
            with out.open("w") as handle:
                _render(report, Console(file=handle, width=200, no_color=True))
        else:
            _render(report, Console(soft_wrap=False))
        raise typer.Exit(EXIT_FAILED if report.mandatory else EXIT_OK)
