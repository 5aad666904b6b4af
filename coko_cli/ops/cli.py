"""For commands written before `coko_cli.ops.command` (`coko failover`): option types, error handling.

New commands use `ops_command` (coko_cli/ops/command.py), which adds every shared option,
the deadline, the signal handling and the one JSON document by itself.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import typer

from coko_cli.ops.command import SHARED_OPTIONS, WAIT_OPTIONS, RetryModeChoice, guarded, help_text, report
from coko_cli.ops.render import Output

__all__ = ["EXIT_CODES", "AsJson", "MaxAttempts", "PollInterval", "Profile", "RetryModeChoice", "RetryModeOpt", "handle_errors", "help_text"]

F = TypeVar("F", bound=Callable[..., None])

EXIT_CODES = "Exit codes: the table in `coko --help` and docs/ops.md."
AsJson = SHARED_OPTIONS["as_json"][0]
Profile = SHARED_OPTIONS["profile"][0]
RetryModeOpt = SHARED_OPTIONS["retry_mode"][0]
MaxAttempts = SHARED_OPTIONS["max_attempts"][0]
PollInterval = WAIT_OPTIONS["poll_interval"][0]


def handle_errors(func: F) -> F:
    """Expected failures become `error: …` on stderr and an exit code, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        error = guarded(lambda: func(*args, **kwargs))
        if error is not None:
            report(Output(), error)
            raise typer.Exit(error.code)

    return wrapper  # type: ignore[return-value]
