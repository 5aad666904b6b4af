"""`coko`: the operator's CLI. Exit codes: 0 ok, 1 failed check/operation, 2 usage or config error."""

from __future__ import annotations

import typer

from coko_cli import check_cmd, ops_cmd, preview_cmd

app = typer.Typer(
    name="coko",
    help="Coko deployment toolkit: offline preview and policy check, migrations, rollbacks, releases, status.\n\n"
    "Exit codes: 0 success; 1 a check or operation failed; 2 usage or configuration error.",
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


if __name__ == "__main__":  # pragma: no cover
    app()
