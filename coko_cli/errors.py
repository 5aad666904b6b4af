"""One readable line per expected failure; the codes come from `coko_cli.exit_codes` (one table)."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

from coko_cli.exit_codes import Exit

EXIT_OK = int(Exit.OK)
EXIT_FAILED = int(Exit.FAILED)
EXIT_USAGE = int(Exit.USAGE)

stderr = Console(stderr=True, highlight=False, emoji=False)


def fail(lines: list[str] | str, code: int = EXIT_USAGE) -> NoReturn:
    for line in [lines] if isinstance(lines, str) else lines:
        stderr.print(f"[red]error:[/] {line}", markup=True, soft_wrap=True)
    raise typer.Exit(code)
