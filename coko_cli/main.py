"""`coko`: the operator's CLI. Exit codes: one table, `coko_cli.exit_codes`, printed by `coko --help`."""

from __future__ import annotations

import typer

from coko_cli import check_cmd, deploy_cmd, ops_cmd, preview_cmd
from coko_cli.exit_codes import help_text

app = typer.Typer(
    name="coko",
    help="Coko deployment toolkit: offline preview and policy check, migrations, rollbacks, releases, status.\n\n" + help_text(),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def main() -> None:
    """Coko deployment toolkit."""


preview_cmd.register(app)
check_cmd.register(app)
ops_cmd.register(app)
deploy_cmd.register(app)


if __name__ == "__main__":  # pragma: no cover
    app()
