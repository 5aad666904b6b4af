"""One readable line per expected failure, and the exit codes documented in `coko --help`."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2

stderr = Console(stderr=True, highlight=False, emoji=False)


def fail(lines: list[str] | str, code: int = EXIT_USAGE) -> NoReturn:
    for line in [lines] if isinstance(lines, str) else lines:
        stderr.print(f"[red]error:[/] {line}", markup=True, soft_wrap=True)
    raise typer.Exit(code)
