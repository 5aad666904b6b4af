"""`coko migrate | collectstatic | rollback | releases | status`: ECS operations through boto3 only (no Pulumi CLI)."""

from __future__ import annotations

import typer

from coko_cli.ops import cmd_collectstatic, cmd_failover, cmd_migrate, cmd_releases, cmd_rollback, cmd_rotate, cmd_status


def register(app: typer.Typer) -> None:
    """Add migrate, collectstatic, rollback, releases and status to the `coko` app."""
    for module in (cmd_migrate, cmd_collectstatic, cmd_rollback, cmd_releases, cmd_status, cmd_failover, cmd_rotate):
        module.register(app)
